import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { keyReference } from '../../analysis/resources';
import { RuleContext, SecretsRule, finding, unproven } from '../rule';

/** A secret is encrypted with a customer-managed KMS key, not `aws/secretsmanager`. */
export const SecretCustomerManagedKey: SecretsRule = {
  name: 'SecretCustomerManagedKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The secret is encrypted with a customer-managed KMS key (KmsKeyId set, not aws/secretsmanager).',
  controls: 'SOC 2 CC6.1, CC6.7; PCI DSS 4.0 3.6.1, 3.7; NIST 800-53 SC-12, SC-28',
  fix: 'CloudFormation: set KmsKeyId on the AWS::SecretsManager::Secret to a customer-managed AWS::KMS::Key (its Ref or ARN), not alias/aws/secretsmanager. CDK: HardenedSecret creates a SecretKey; SecretGuardrails ENFORCE adds one per stack.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const key = keyReference(index.view(node).properties.KmsKeyId, index);
    switch (key.kind) {
      case 'absent':
        return [finding('KmsKeyId is not set, so the secret is encrypted with the AWS managed key aws/secretsmanager, whose key policy nobody can restrict.')];
      case 'aws-managed':
        return [finding(`KmsKeyId is the AWS managed key ${key.display}, whose key policy nobody can restrict.`)];
      case 'unknown':
        return [unproven(`KmsKeyId cannot be proven to be a customer-managed key: ${key.because}.`)];
      default:
        return [];
    }
  },
};
