import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isRetained } from '../../analysis/resources';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret is kept when its stack is deleted. */
export const SecretRetained: SecretsRule = {
  name: 'SecretRetained',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The secret has DeletionPolicy: Retain.',
  controls: 'SOC 2 A1.2; PCI DSS 4.0 3.2.1; NIST 800-53 CP-9, SI-12',
  fix: 'CloudFormation: set DeletionPolicy: Retain (and UpdateReplacePolicy: Retain) on the AWS::SecretsManager::Secret. CDK: RemovalPolicy.RETAIN (the HardenedSecret default).',
  check(node: CfnResource, context: RuleContext) {
    const view = context.index(node).view(node);
    return isRetained(view.deletionPolicy)
      ? []
      : [finding(`DeletionPolicy is ${view.deletionPolicy ?? 'absent (Delete)'}, so deleting the stack deletes the secret and everything that authenticates with it breaks.`)];
  },
};
