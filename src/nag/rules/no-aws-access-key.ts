import { NagMessageLevel } from 'cdk-nag';
import { AWS_ACCESS_KEY_ID } from '../../analysis/credentials';
import { SecretsRule } from '../rule';
import { tokenFindings } from './token-scan';

/** No AWS access key id anywhere in a resource's properties. */
export const NoAwsAccessKey: SecretsRule = {
  name: 'NoAwsAccessKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: '*',
  requirement: 'No resource property or Metadata contains an AWS access key id (AKIA... or ASIA... followed by 16 characters).',
  controls: 'SOC 2 CC6.1; PCI DSS 3.2.1 8.2.1; NIST 800-53 IA-5(7), AC-2',
  fix: 'Remove the key, deactivate and delete it in IAM now, and give the workload a role instead of long-term keys.',
  check: (node, context) => tokenFindings(node, context.index(node), [AWS_ACCESS_KEY_ID]),
};
