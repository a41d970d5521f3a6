import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isConditioned, isPublicPrincipal, statements } from '../../analysis/policy';
import { secretKeyIds, statementName } from '../../analysis/resources';
import { RuleContext, SecretsRule, finding } from '../rule';

/** The key policy of a secret's key grants nothing to `*` without a condition on who. */
export const SecretKeyPolicyScope: SecretsRule = {
  name: 'SecretKeyPolicyScope',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::KMS::Key'],
  requirement: 'The key policy of a key that encrypts a secret has no Allow to Principal "*" without a condition on who.',
  controls: 'SOC 2 CC6.1, CC6.3; PCI DSS 4.0 7.2.1, 3.6.1; NIST 800-53 AC-3, AC-6',
  fix: 'CloudFormation: in the KeyPolicy of the AWS::KMS::Key, name the principals of the Allow statement, or add Condition StringEquals kms:CallerAccount (the account) and kms:ViaService (secretsmanager.<region>.amazonaws.com). CDK: SecretKey does.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const key = index.view(node);
    if (!secretKeyIds(index).has(key.logicalId)) {
      return [];
    }
    return statements(key.properties.KeyPolicy, index)
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.effect === 'Allow' && isPublicPrincipal(s) && !isConditioned(s))
      .map(({ s, i }) => finding(`${statementName(s.sid, i, 'KeyPolicy')} allows Principal "*" without a condition on who: anyone who can call KMS can use the key that protects the secret.`));
  },
};
