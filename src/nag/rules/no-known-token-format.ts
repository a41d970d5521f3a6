import { NagMessageLevel } from 'cdk-nag';
import { KNOWN_TOKENS, SIGNED_JWT, ShapeDetector, formatDetector } from '../../analysis/credentials';
import { SecretsRule } from '../rule';
import { elementTokenFindings, tokenFindings } from './token-scan';

const SHAPES: ShapeDetector[] = [...KNOWN_TOKENS, SIGNED_JWT].map(formatDetector);

/** No well-known service token anywhere in a template: resource properties and Metadata, outputs, parameters, mappings. */
export const NoKnownTokenFormat: SecretsRule = {
  name: 'NoKnownTokenFormat',
  level: NagMessageLevel.ERROR,
  resourceTypes: '*',
  sections: ['Outputs', 'Parameters', 'Mappings', 'Conditions', 'Rules'],
  requirement: 'No resource property, Metadata, output, parameter or mapping contains a token in a well-known format (GitHub, GitLab, Slack, Stripe, Google, npm, SendGrid, Twilio, signed JWTs).',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7)',
  fix: 'CloudFormation: revoke the token at its issuer, store the new one in an AWS::SecretsManager::Secret and reference it ({{resolve:secretsmanager:<secret>:SecretString:<key>}} or the ARN). CDK: a HardenedSecret, with grantRead to the consumer.',
  check: (node, context) => tokenFindings(node, context.index(node), SHAPES),
  checkElement: (element, context) => elementTokenFindings(element, context.index(element.node), SHAPES),
};
