import { NagMessageLevel } from 'cdk-nag';
import { PRIVATE_KEY_BLOCK, ShapeDetector, formatDetector } from '../../analysis/credentials';
import { SecretsRule } from '../rule';
import { elementTokenFindings, tokenFindings } from './token-scan';

const SHAPES: ShapeDetector[] = [formatDetector(PRIVATE_KEY_BLOCK)];

/** No private key block anywhere in a template: resource properties and Metadata, outputs, parameters, mappings. */
export const NoPrivateKeyMaterial: SecretsRule = {
  name: 'NoPrivateKeyMaterial',
  level: NagMessageLevel.ERROR,
  resourceTypes: '*',
  sections: ['Outputs', 'Parameters', 'Mappings', 'Conditions', 'Rules'],
  requirement: 'No resource property, Metadata, output, parameter or mapping contains a private key block (-----BEGIN ... PRIVATE KEY-----, PuTTY key files).',
  controls: 'SOC 2 CC6.1, CC6.7; PCI DSS 4.0 3.6.1, 3.7, 8.3.2; NIST 800-53 IA-5(7), SC-12',
  fix: 'CloudFormation: store the key in an AWS::SecretsManager::Secret (or ACM / KMS for TLS and signing keys) and reference its ARN or a {{resolve:secretsmanager:...}} dynamic reference; replace the exposed key. CDK: a HardenedSecret, referenced by ARN.',
  check: (node, context) => tokenFindings(node, context.index(node), SHAPES),
  checkElement: (element, context) => elementTokenFindings(element, context.index(element.node), SHAPES),
};
