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
  sections: ['Outputs', 'Parameters', 'Mappings'],
  requirement: 'No resource property, Metadata, output, parameter or mapping contains an AWS access key id (AKIA... or ASIA... followed by 16 characters) or a secret access key next to one.',
  controls: 'SOC 2 CC6.1; PCI DSS 3.2.1 8.2.1; NIST 800-53 IA-5(7), AC-2',
  fix: 'Remove the key, deactivate and delete it in IAM now, and give the workload a role instead of long-term keys.',
  check: (node, context) => tokenFindings(node, context.index(node), SHAPES),
  checkElement: (element, context) => elementTokenFindings(element, context.index(element.node), SHAPES),
};
