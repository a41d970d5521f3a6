import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isTrue } from '../../analysis/values';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret has a resource policy with `BlockPublicPolicy: true`. */
export const SecretBlockPublicPolicy: SecretsRule = {
  name: 'SecretBlockPublicPolicy',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'An AWS::SecretsManager::ResourcePolicy for the secret sets BlockPublicPolicy: true.',
  controls: 'SOC 2 CC6.1, CC6.6; PCI DSS 4.0 7.2.1, 1.4; NIST 800-53 AC-3, AC-21',
  fix: 'CloudFormation: add an AWS::SecretsManager::ResourcePolicy with SecretId (the secret\'s Ref) and BlockPublicPolicy: true. CDK: HardenedSecret and SecretGuardrails ENFORCE do.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const policies = index.attachedToSecret(index.view(node), 'AWS::SecretsManager::ResourcePolicy');
    if (policies.length === 0) {
      return [finding('no AWS::SecretsManager::ResourcePolicy targets this secret, so nothing stops a later policy change from making it public.')];
    }
    if (!policies.some(p => isTrue(p.properties.BlockPublicPolicy, index))) {
      return [finding(`resource policy ${policies.map(p => p.logicalId).join(', ')} does not set BlockPublicPolicy: true, so a policy granting public access would be accepted.`)];
    }
    return [];
  },
};
