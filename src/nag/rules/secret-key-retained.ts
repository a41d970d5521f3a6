import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isRetained, secretKeyIds } from '../../analysis/resources';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A KMS key that encrypts a secret is kept when its stack is deleted. */
export const SecretKeyRetained: SecretsRule = {
  name: 'SecretKeyRetained',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::KMS::Key'],
  requirement: 'A KMS key that encrypts a secret has DeletionPolicy: Retain.',
  controls: 'SOC 2 A1.2; PCI DSS 4.0 3.7; NIST 800-53 CP-9, SC-12',
  fix: 'CloudFormation: set DeletionPolicy: Retain on the AWS::KMS::Key. CDK: RemovalPolicy.RETAIN (the SecretKey default).',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const key = index.view(node);
    if (!secretKeyIds(index).has(key.logicalId) || isRetained(key.deletionPolicy)) {
      return [];
    }
    return [finding(`the key encrypts a secret but DeletionPolicy is ${key.deletionPolicy ?? 'absent (Delete)'}: deleting the stack schedules the key for deletion, after which the secret cannot be decrypted.`)];
  },
};
