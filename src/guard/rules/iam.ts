import { grantingPatterns, noAllowStatement } from './policy-statements';
import { IAM_POLICY_TYPES } from '../../analysis/resources';
import { GuardClause, GuardRuleSource, GuardShape, clause, forEachResource, guardRegex, indent } from '../definition';
import { GuardTarget } from '../shape';


/** The types AWS Config records with their attached managed policies. */
const CONFIG_PRINCIPAL_TYPES = ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'];

/** AWS managed policies that allow every Secrets Manager action on every secret (the pack's list). */
const BROAD_MANAGED_POLICY = guardRegex(':aws:policy/(SecretsManagerReadWrite|AdministratorAccess|PowerUserAccess)$');

/** A resource pattern that covers every secret: `*`, `...:secret:*`, `arn:...:secretsmanager:<region>:<account>:*`. */
const EVERY_SECRET = guardRegex('^\\*$|:secret:\\*$|^arn:[^:]*:secretsmanager:[^:]*:[^:]*:\\*$');
/** The same in an `Fn::Sub` text, where `${AWS::Region}` holds colons. */
const EVERY_SECRET_SUB = guardRegex(':secret:\\*$|^arn:(\\$\\{[^}]*\\}|[^:$])*:secretsmanager:(\\$\\{[^}]*\\}|[^:$])*:(\\$\\{[^}]*\\}|[^:$])*:\\*$');

/** Every Secrets Manager action: `*`, `secretsmanager:*` (or a shorter prefix with `*`). */
const ALL_ACTIONS = guardRegex(grantingPatterns('secretsmanager:'));
const GET_SECRET_VALUE = guardRegex(grantingPatterns('secretsmanager:GetSecretValue'));

/**
 * A statement the pack reports: an Allow of every Secrets Manager action, or of GetSecretValue on
 * every secret, in Guard's conjunctive form: (GetSecretValue, which every-action patterns
 * include) and (every action or every secret). A `NotAction` statement is taken as granting
 * every action.
 */
function broadStatement(seesTemplate: boolean): string[] {
  const everySecret = [
    'NotResource exists',
    `some Resource[*] == ${EVERY_SECRET}`,
    ...(seesTemplate ? [
      `some Resource[*].'Fn::Sub' == ${EVERY_SECRET_SUB}`,
      `some Resource[*].'Fn::Join'[1][*] == ${guardRegex(':secret:\\*$')}`,
    ] : []),
  ].join(' or ');
  return [
    `some Action[*] == ${GET_SECRET_VALUE} or NotAction exists`,
    `some Action[*] == ${ALL_ACTIONS} or NotAction exists or ${everySecret}`,
  ];
}

const STATEMENT_MESSAGE = 'A statement grants every Secrets Manager action, or secretsmanager:GetSecretValue on every secret.';
const MANAGED_MESSAGE = 'ManagedPolicyArns attaches an AWS managed policy that grants every Secrets Manager action on every secret.';

/** The statements of the document at `document` (relative to the scope) hold no broad grant. */
function documentClause(rule: string, document: string, seesTemplate: boolean): GuardClause {
  return noAllowStatement(rule, `${document}.Statement`, broadStatement(seesTemplate), STATEMENT_MESSAGE);
}

/** No entry of ManagedPolicyArns names a broad AWS managed policy (literal, or Fn::Sub / Fn::Join text in a template). */
function managedPolicyClause(rule: string, shape: GuardShape): GuardClause {
  const inner = [clause(rule, { when: 'this is_string', check: `this != ${BROAD_MANAGED_POLICY}`, message: MANAGED_MESSAGE })];
  if (shape.seesTemplate) {
    inner.push(clause(rule, { when: '\'Fn::Sub\' is_string', check: `'Fn::Sub' != ${BROAD_MANAGED_POLICY}`, message: MANAGED_MESSAGE }));
    const joined = clause(rule, { when: 'this is_string', check: `this != ${BROAD_MANAGED_POLICY}`, message: MANAGED_MESSAGE });
    inner.push(`when 'Fn::Join' exists {\n  'Fn::Join'[1][*] {\n${indent(joined, 2)}\n  }\n}`);
  }
  const arns = shape.prop('ManagedPolicyArns');
  return { when: `${arns} exists\n  ${arns} !empty`, check: `${arns}[*] {\n${indent(inner.join('\n'), 1)}\n}` };
}

/** `HardenedSecrets-IamNoBroadSecretAccess`. */
export const IamNoBroadSecretAccessGuard: GuardRuleSource = {
  rule: 'IamNoBroadSecretAccess',
  resourceTypes: IAM_POLICY_TYPES,
  targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
  gaps: [
    {
      targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK],
      partial: true,
      reason: 'The export holds the pack\'s default options: no admin role is exempt (adminRoles). A policy document written as a JSON string and action patterns with a wildcard before the end or ? are not read; a NotAction statement counts as granting every action.',
    },
    {
      targets: [GuardTarget.CONFIG],
      partial: true,
      reason: 'On the configuration items AWS Config records, only the attached AWS managed policies (SecretsManagerReadWrite, AdministratorAccess, PowerUserAccess) of roles, users and groups are checked: AWS Config records policy documents URL-encoded, which Guard cannot decode. A proactive evaluation (CloudFormation properties) is checked in full.',
    },
  ],
  render(shape: GuardShape) {
    // AWS Config: the managed policies of a recorded role, user or group, then (below) the
    // CloudFormation properties a proactive evaluation holds.
    const recorded = shape.target !== GuardTarget.CONFIG ? [] : CONFIG_PRINCIPAL_TYPES.map(type => forEachResource(shape, {
      rule: this.rule,
      type,
      filter: 'configuration.attachedManagedPolicies exists',
      clauses: [{ when: 'configuration.attachedManagedPolicies !empty', check: `configuration.attachedManagedPolicies[*].policyArn != ${BROAD_MANAGED_POLICY}`, message: MANAGED_MESSAGE }],
      part: `Recorded${type.split('::')[2]}`,
    }));
    return [...recorded, ...IAM_POLICY_TYPES.map(type => {
      const clauses: GuardClause[] = [];
      if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(type)) {
        const policies = shape.prop('Policies');
        clauses.push(managedPolicyClause(this.rule, shape));
        clauses.push({
          when: `${policies} exists\n  ${policies} !empty`,
          check: `${policies}[*] {\n${indent(clause(this.rule, documentClause(this.rule, 'PolicyDocument', shape.seesTemplate)), 1)}\n}`,
        });
      } else {
        clauses.push(documentClause(this.rule, shape.prop('PolicyDocument'), shape.seesTemplate));
      }
      return forEachResource(shape, { rule: this.rule, part: type.split('::')[2], type, clauses });
    })];
  },
};
