import { NagMessageLevel } from 'cdk-nag';
import { KNOWN_TOKENS } from '../../analysis/credentials';
import { SecretsRule } from '../rule';
import { tokenFindings } from './token-scan';

/** No well-known service token anywhere in a resource's properties. */
export const NoKnownTokenFormat: SecretsRule = {
  name: 'NoKnownTokenFormat',
  level: NagMessageLevel.ERROR,
  resourceTypes: '*',
  requirement: 'No resource property or Metadata contains a token in a well-known format (GitHub, GitLab, Slack, Stripe, Google, npm, SendGrid, Twilio).',
  controls: 'SOC 2 CC6.1; PCI DSS 3.2.1 8.2.1; NIST 800-53 IA-5(7)',
  fix: 'Revoke the token at its issuer, store the new one in Secrets Manager and reference it.',
  check: (node, context) => tokenFindings(node, context.index(node), KNOWN_TOKENS),
};
