import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { keyReference } from '../../analysis/resources';
import { asArray, isObject } from '../../analysis/template-index';
import { flatten, literalText } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule, finding, unproven } from '../rule';

/** Every replica region of a secret names a customer-managed key. */
export const ReplicaCustomerManagedKey: SecretsRule = {
  name: 'ReplicaCustomerManagedKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'Each entry of ReplicaRegions names a customer-managed KmsKeyId in that region.',
  controls: 'SOC 2 CC6.1, CC6.7; PCI DSS 4.0 3.6.1; NIST 800-53 SC-12, SC-28',
  fix: 'CloudFormation: give each ReplicaRegions entry a KmsKeyId: the ARN of a multi-Region replica key (AWS::KMS::ReplicaKey) or of a key in that region. CDK: HardenedSecret with replicaRegions, each with its encryptionKey.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const out: RuleFinding[] = [];
    asArray(index.view(node).properties.ReplicaRegions).forEach((replica, i) => {
      const region = isObject(replica) ? literalText(flatten(replica.Region, index)) || `#${i + 1}` : `#${i + 1}`;
      const key = keyReference(isObject(replica) ? replica.KmsKeyId : undefined, index);
      if (key.kind === 'absent') {
        out.push(finding(`the replica in ${region} has no KmsKeyId, so it is encrypted with aws/secretsmanager there.`));
      } else if (key.kind === 'aws-managed') {
        out.push(finding(`the replica in ${region} uses the AWS managed key ${key.display}.`));
      } else if (key.kind === 'unknown') {
        out.push(unproven(`the key of the replica in ${region} cannot be proven customer-managed: ${key.because}.`));
      }
    });
    return out;
  },
};
