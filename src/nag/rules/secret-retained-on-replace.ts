import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { secretKeyIds } from '../../analysis/resources';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret, and a key that encrypts one, are kept when an update replaces them. */
export const SecretRetainedOnReplace: SecretsRule = {
  name: 'SecretRetainedOnReplace',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SecretsManager::Secret', 'AWS::KMS::Key'],
  requirement: 'The secret, and a KMS key that encrypts a secret, have UpdateReplacePolicy: Retain.',
  controls: 'SOC 2 A1.2; NIST 800-53 CP-9',
  fix: 'CloudFormation: set UpdateReplacePolicy: Retain on the AWS::SecretsManager::Secret and on the AWS::KMS::Key that encrypts it. CDK: RemovalPolicy.RETAIN sets both policies.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const view = index.view(node);
    if (view.type === 'AWS::KMS::Key' && !secretKeyIds(index).has(view.logicalId)) {
      return [];
    }
    return view.updateReplacePolicy === 'Retain'
      ? []
      : [finding(`UpdateReplacePolicy is ${view.updateReplacePolicy ?? 'absent (Delete)'}, so an update that replaces the resource (a new Name, a new KeySpec) deletes the old one.`)];
  },
};
