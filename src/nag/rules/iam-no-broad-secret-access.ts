import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { broadSecretsManagedPolicy, grants, grantsAllSecretsActions, onEverySecret, statements } from '../../analysis/policy';
import { IAM_POLICY_TYPES, heldDocuments, holders, statementName } from '../../analysis/resources';
import { asArray } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule, finding } from '../rule';

/** No identity policy grants `secretsmanager:*`, or `GetSecretValue` on every secret, to a non-admin. */
export const IamNoBroadSecretAccess: SecretsRule = {
  name: 'IamNoBroadSecretAccess',
  level: NagMessageLevel.ERROR,
  resourceTypes: IAM_POLICY_TYPES,
  requirement: 'No IAM policy grants secretsmanager:* (or "*"), or secretsmanager:GetSecretValue on Resource "*", except to the admin roles named in the pack options.',
  controls: 'SOC 2 CC6.1, CC6.3; PCI DSS 4.0 7.2.2, 7.3.1; NIST 800-53 AC-6, AC-6(1)',
  fix: 'CloudFormation: in the statement, list the secrets\' ARNs (their Ref) in Resource and only the actions needed (secretsmanager:GetSecretValue, secretsmanager:DescribeSecret) instead of secretsmanager:* or "*". CDK: secret.grantRead(principal); list true administrators in adminRoles.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const view = index.view(node);
    const held = holders(view, index);
    if (held.length > 0 && held.every(id => context.options.isAdminRole(index, id))) {
      return [];
    }
    const out: RuleFinding[] = [];
    for (const arn of asArray(view.properties.ManagedPolicyArns)) {
      const text = flatten(arn, index).text;
      const name = broadSecretsManagedPolicy(text);
      if (name) {
        out.push(finding(`ManagedPolicyArns attaches ${name}, which grants every Secrets Manager action on every secret.`));
      }
    }
    for (const { document, where } of heldDocuments(view)) {
      statements(document, index).forEach((s, i) => {
        if (s.effect !== 'Allow') {
          return;
        }
        if (grantsAllSecretsActions(s) && onEverySecret(s)) {
          out.push(finding(`${statementName(s.sid, i, where)} grants every Secrets Manager action on every secret.`));
        } else if (grantsAllSecretsActions(s)) {
          out.push(finding(`${statementName(s.sid, i, where)} grants every Secrets Manager action (including DeleteSecret and PutResourcePolicy).`));
        } else if (grants(s, 'secretsmanager:GetSecretValue') && onEverySecret(s)) {
          out.push(finding(`${statementName(s.sid, i, where)} grants secretsmanager:GetSecretValue on every secret.`));
        }
      });
    }
    return out;
  },
};
