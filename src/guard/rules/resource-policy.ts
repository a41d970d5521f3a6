import { PROACTIVE_ONLY } from './encryption';
import { NOT_CONDITIONED_ON_WHO, PUBLIC_PRINCIPAL, grantsAction, noAllowStatement, publicPrincipal } from './policy-statements';
import { secretsLackingRule } from './template-references';
import { GuardRuleSource, GuardShape, forEachResource, guardRegex, guardRuleName } from '../definition';
import { GuardTarget } from '../shape';

const RESOURCE_POLICY = 'AWS::SecretsManager::ResourcePolicy';

const SECRET_ID_GAP = 'A resource policy is tied to its secret by a SecretId that is a Ref or an Fn::GetAtt to the secret; a SecretId through an AWS::SecretsManager::SecretTargetAttachment, or by literal name or ARN, is not followed.';

const POLICY_IS_ANOTHER_RESOURCE = 'The resource policy is another resource (AWS::SecretsManager::ResourcePolicy): a Guard Hook sees the secret alone, and AWS Config records neither that type nor the policy in the secret\'s configuration item.';

/** `HardenedSecrets-SecretBlockPublicPolicy`. */
export const SecretBlockPublicPolicyGuard: GuardRuleSource = {
  rule: 'SecretBlockPublicPolicy',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: `${SECRET_ID_GAP} BlockPublicPolicy given by an intrinsic function is not read.` },
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: POLICY_IS_ANOTHER_RESOURCE },
  ],
  render() {
    return [secretsLackingRule(guardRuleName(this.rule), this.rule, RESOURCE_POLICY, [[
      `Properties.BlockPublicPolicy == true or Properties.BlockPublicPolicy == ${guardRegex('^(?i)true$')}`,
    ]], 'No AWS::SecretsManager::ResourcePolicy of the secret sets BlockPublicPolicy: true, so a policy granting public access would be accepted.')];
  },
};

/**
 * A condition that names exceptions by principal only (`aws:PrincipalArn`, `aws:PrincipalAccount`,
 * `aws:userid`, ...): the deny still applies to everyone else (the pack's `onlyExceptsPrincipals`).
 */
function onlyPrincipalExceptions(at: string = ''): string {
  return `${at}Condition not exists or ${at}Condition.*[ keys != ${guardRegex('^(?i)aws:(principal.*|userid|username)$')} ] empty`;
}

/** `HardenedSecrets-SecretPolicyDenyDelete`. */
export const SecretPolicyDenyDeleteGuard: GuardRuleSource = {
  rule: 'SecretPolicyDenyDelete',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    {
      targets: [GuardTarget.TEMPLATE],
      partial: true,
      reason: `${SECRET_ID_GAP} A policy written as a JSON string, a statement with NotAction, and action patterns with a wildcard before the end or ? are not read.`,
    },
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: POLICY_IS_ANOTHER_RESOURCE },
  ],
  render() {
    const statement = 'Properties.ResourcePolicy.Statement';
    return [secretsLackingRule(guardRuleName(this.rule), this.rule, RESOURCE_POLICY, [
      // Statement as a list: a filter over its entries.
      [`${statement}[\n      Effect == 'Deny'\n      ${PUBLIC_PRINCIPAL}\n      ${grantsAction('secretsmanager:DeleteSecret')}\n      ${onlyPrincipalExceptions()} ] !empty`],
      // Statement as one object: a filter over a single object would read its fields as entries.
      [
        `${statement} is_struct`,
        `${statement}.Effect == 'Deny'`,
        publicPrincipal(`${statement}.`),
        grantsAction('secretsmanager:DeleteSecret', `${statement}.`),
        onlyPrincipalExceptions(`${statement}.`),
      ],
    ], 'The secret\'s resource policy does not deny secretsmanager:DeleteSecret to "*", so any principal with it in an identity policy can delete the secret.')];
  },
};

/** `HardenedSecrets-SecretPolicyNoPublicAllow`. */
export const SecretPolicyNoPublicAllowGuard: GuardRuleSource = {
  rule: 'SecretPolicyNoPublicAllow',
  resourceTypes: [RESOURCE_POLICY],
  targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
  gaps: [
    { targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG], partial: true, reason: 'A ResourcePolicy written as a JSON string is not read.' },
    { targets: [GuardTarget.CONFIG], partial: true, reason: `${PROACTIVE_ONLY} AWS Config records no AWS::SecretsManager::ResourcePolicy, and the secret\'s configuration item does not hold its policy.` },
  ],
  render(shape: GuardShape) {
    const statements = `${shape.prop('ResourcePolicy')}.Statement`;
    return [forEachResource(shape, {
      rule: this.rule,
      type: RESOURCE_POLICY,
      filter: `${statements} exists`,
      clauses: [noAllowStatement(this.rule, statements, [PUBLIC_PRINCIPAL, NOT_CONDITIONED_ON_WHO],
        'A statement of the secret\'s resource policy allows Principal "*" without a condition on who: any AWS principal could call it on the secret.')],
    })];
  },
};
