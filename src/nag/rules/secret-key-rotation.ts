import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { secretKeyIds } from '../../analysis/resources';
import { isTrue } from '../../analysis/values';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A KMS key that encrypts a secret is symmetric and rotates its key material. */
export const SecretKeyRotation: SecretsRule = {
  name: 'SecretKeyRotation',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::KMS::Key'],
  requirement: 'A KMS key that encrypts a secret is a symmetric encryption key with EnableKeyRotation: true.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 3.7.4; NIST 800-53 SC-12, SC-12(1)',
  fix: 'CloudFormation: set EnableKeyRotation: true on the AWS::KMS::Key (a SYMMETRIC_DEFAULT key). CDK: SecretKey always does.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const key = index.view(node);
    if (!secretKeyIds(index).has(key.logicalId)) {
      return [];
    }
    const spec = key.properties.KeySpec;
    if (typeof spec === 'string' && spec !== 'SYMMETRIC_DEFAULT') {
      return [finding(`the key encrypts a secret but its KeySpec is ${spec}; Secrets Manager needs a symmetric encryption key.`)];
    }
    if (!isTrue(key.properties.EnableKeyRotation, index)) {
      return [finding('the key encrypts a secret but EnableKeyRotation is not true, so its key material never rotates.')];
    }
    return [];
  },
};
