import { NagMessageLevel } from 'cdk-nag';
import { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ShapeDetector, formatDetector } from '../../analysis/credentials';
import { SecretsRule } from '../rule';
import { elementTokenFindings, tokenFindings } from './token-scan';

const SHAPES: ShapeDetector[] = [formatDetector(AWS_ACCESS_KEY_ID), AWS_SECRET_ACCESS_KEY];

/** No AWS access key anywhere in a template: resource properties and Metadata, outputs, parameters, mappings. */
export const NoAwsAccessKey: SecretsRule = {
  name: 'NoAwsAccessKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: '*',
  sections: ['Outputs', 'Parameters', 'Mappings', 'Conditions', 'Rules'],
  requirement: 'No resource property, Metadata, output, parameter or mapping contains an AWS access key id (AKIA... or ASIA... followed by 16 characters) or a secret access key next to one.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), AC-2',
  fix: 'CloudFormation: remove the key from the template and give the workload a role (an instance profile, the function\'s or the task\'s role) instead of long-term keys; deactivate and delete the key in IAM now. CDK: the construct\'s role and grants.',
  check: (node, context) => tokenFindings(node, context.index(node), SHAPES),
  checkElement: (element, context) => elementTokenFindings(element, context.index(element.node), SHAPES),
};
