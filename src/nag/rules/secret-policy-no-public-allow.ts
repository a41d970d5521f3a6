import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isConditioned, isPublicPrincipal, statements } from '../../analysis/policy';
import { statementName } from '../../analysis/resources';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret's resource policy has no unconditioned Allow to `*`. */
export const SecretPolicyNoPublicAllow: SecretsRule = {
  name: 'SecretPolicyNoPublicAllow',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::ResourcePolicy'],
  requirement: 'The secret resource policy has no Allow statement to Principal "*" without a condition on who.',
  controls: 'SOC 2 CC6.1, CC6.6; PCI DSS 4.0 7.2.1, 7.3.1; NIST 800-53 AC-3, AC-6',
  fix: 'CloudFormation: in the ResourcePolicy of the AWS::SecretsManager::ResourcePolicy, name the principals of the Allow statement (role ARNs), or add Condition StringEquals aws:PrincipalOrgID or aws:PrincipalAccount. CDK: secret.grantRead(principal) for each reader.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    return statements(index.view(node).properties.ResourcePolicy, index)
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.effect === 'Allow' && isPublicPrincipal(s) && !isConditioned(s))
      .map(({ s, i }) => finding(`${statementName(s.sid, i, 'ResourcePolicy')} allows Principal "*" without a condition on who: any AWS principal could call ${s.actions.join(', ') || 'the listed actions'} on the secret.`));
  },
};
