import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { grants, hasConditionKey, onEverySecret, statements } from '../../analysis/policy';
import { IAM_POLICY_TYPES, heldDocuments, holders, rotationRoleIds, statementName } from '../../analysis/resources';
import { RuleContext, RuleFinding, SecretsRule, finding } from '../rule';

/** Read grants on a secret are pinned to the `AWSCURRENT` version stage. */
export const IamReadPinnedToCurrent: SecretsRule = {
  name: 'IamReadPinnedToCurrent',
  level: NagMessageLevel.WARN,
  resourceTypes: IAM_POLICY_TYPES,
  requirement: 'A grant of secretsmanager:GetSecretValue on a secret is conditioned on secretsmanager:VersionStage (AWSCURRENT), except for rotation functions.',
  controls: 'SOC 2 CC6.1; NIST 800-53 AC-6',
  fix: 'CloudFormation: add Condition StringEqualsIfExists secretsmanager:VersionStage: AWSCURRENT to the statement that allows secretsmanager:GetSecretValue. CDK: HardenedSecret.grantRead adds it.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const view = index.view(node);
    const held = holders(view, index);
    const rotation = rotationRoleIds(index);
    if (held.length > 0 && held.every(id => rotation.has(id) || context.options.isAdminRole(index, id))) {
      return [];
    }
    const out: RuleFinding[] = [];
    for (const { document, where } of heldDocuments(view)) {
      statements(document, index).forEach((s, i) => {
        if (s.effect === 'Allow' && grants(s, 'secretsmanager:GetSecretValue') && !onEverySecret(s) && !hasConditionKey(s, 'secretsmanager:VersionStage')) {
          out.push(finding(`${statementName(s.sid, i, where)} grants secretsmanager:GetSecretValue without a secretsmanager:VersionStage condition, so the holder can also read AWSPENDING and AWSPREVIOUS values.`));
        }
      });
    }
    return out;
  },
};
