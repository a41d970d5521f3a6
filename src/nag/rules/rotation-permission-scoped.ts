import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { flatten } from '../../analysis/values';
import { RuleContext, SecretsRule, finding } from '../rule';

/** Secrets Manager may invoke a rotation function only for this account (or this secret). */
export const RotationPermissionScoped: SecretsRule = {
  name: 'RotationPermissionScoped',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Lambda::Permission'],
  requirement: 'A Lambda permission for secretsmanager.amazonaws.com sets SourceAccount or SourceArn.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 7.2.1; NIST 800-53 AC-3, AC-6 (confused deputy)',
  fix: 'CloudFormation: set SourceAccount (Ref AWS::AccountId) and SourceArn (the secret\'s ARN) on the AWS::Lambda::Permission. CDK: SecretRotationPolicy.lambda does.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const p = index.view(node).properties;
    if (!/secretsmanager/.test(flatten(p.Principal, index).text)) {
      return [];
    }
    if (p.SourceAccount !== undefined || p.SourceArn !== undefined) {
      return [];
    }
    return [finding('the permission lets secretsmanager.amazonaws.com invoke the function without SourceAccount or SourceArn, so a secret in any account could trigger it (confused deputy).')];
  },
};
