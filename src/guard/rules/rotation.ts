import { PROACTIVE_ONLY } from './encryption';
import { secretsLackingRule, secretsReferencedByRule } from './template-references';
import { GuardClause, GuardRuleSource, GuardShape, forEachResource, guardRegex, guardRuleName } from '../definition';
import { GuardTarget } from '../shape';

const SCHEDULE = 'AWS::SecretsManager::RotationSchedule';

const SECRET_ID_GAP = 'A schedule is tied to its secret by a SecretId that is a Ref or an Fn::GetAtt to the secret; a SecretId through an AWS::SecretsManager::SecretTargetAttachment, or by literal name or ARN, is not followed.';

/** `HardenedSecrets-SecretRotationConfigured`. */
export const SecretRotationConfiguredGuard: GuardRuleSource = {
  rule: 'SecretRotationConfigured',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: [GuardTarget.TEMPLATE, GuardTarget.CONFIG],
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: SECRET_ID_GAP },
    {
      targets: [GuardTarget.HOOK],
      partial: false,
      reason: 'The rotation schedule is another resource: a Guard Hook sees the secret alone, and the schedule alone.',
    },
    {
      targets: [GuardTarget.CONFIG],
      partial: true,
      reason: 'The configuration item AWS Config records holds RotationEnabled and RotationRules, not whether a rotation function is named: a schedule with rules but neither RotationLambdaARN nor HostedRotationLambda passes. A proactive evaluation sees the secret\'s CloudFormation properties, which do not hold its schedule: the rule skips it.',
    },
  ],
  render(shape: GuardShape) {
    const message = 'No AWS::SecretsManager::RotationSchedule with a rotation function and RotationRules targets the secret, so its value never changes.';
    if (shape.target === GuardTarget.CONFIG) {
      return [forEachResource(shape, {
        rule: this.rule,
        type: 'AWS::SecretsManager::Secret',
        filter: 'configuration.RotationEnabled exists',
        clauses: [
          { check: 'configuration.RotationEnabled == true', message: 'Rotation is not enabled on the secret, so its value never changes.' },
          { check: 'configuration.RotationRules exists', message: 'The secret has no RotationRules, so it is never rotated on a schedule.' },
        ],
      })];
    }
    return [
      secretsLackingRule(guardRuleName(this.rule), this.rule, SCHEDULE, [[]], message),
      secretsReferencedByRule(guardRuleName(this.rule, 'Incomplete'), this.rule, SCHEDULE, [
        'Properties.RotationRules not exists or Properties.RotationLambdaARN not exists',
        'Properties.RotationRules not exists or Properties.HostedRotationLambda not exists',
      ], 'A rotation schedule of the secret names neither RotationLambdaARN nor HostedRotationLambda, or has no RotationRules, so the secret is not rotated.'),
    ];
  },
};

/** `rate(N days)` with N at most 30, `rate(N hours)` with N at most 720: the pack's default maximum of 30 days. */
const RATE_WITHIN = '^(?i)\\s*rate\\(\\s*0*([0-9]|[12][0-9]|30)\\s+days?\\s*\\)\\s*$|^(?i)\\s*rate\\(\\s*0*([0-9]{1,2}|[1-6][0-9]{2}|7[01][0-9]|720)\\s+hours?\\s*\\)\\s*$';

/**
 * A six-field cron that fires at least every 30 days in every case the pack's walk of the
 * calendar finds: every month (month `*`), on every day of the month or several (`*`, `?`, a
 * list, a range or a step), no nth or last weekday (`#`, `L`), every year.
 */
const CRON_WITHIN = '^(?i)\\s*cron\\(\\s*\\S+\\s+\\S+\\s+(\\*|\\?|\\S*[,/-]\\S*)\\s+\\*\\s+[^\\s#Ll]+\\s+\\*\\s*\\)\\s*$';

function intervalClauses(rules: string): GuardClause[] {
  return [
    {
      check: `${rules}.ScheduleExpression exists or ${rules}.AutomaticallyAfterDays exists`,
      message: 'RotationRules has neither ScheduleExpression nor AutomaticallyAfterDays, so no rotation is scheduled.',
    },
    {
      when: `${rules}.ScheduleExpression is_string`,
      check: `${rules}.ScheduleExpression == ${guardRegex(RATE_WITHIN)} or ${rules}.ScheduleExpression == ${guardRegex(CRON_WITHIN)}`,
      message: 'The ScheduleExpression can leave more than 30 days between two rotations (or is not a rate() or cron() expression Secrets Manager accepts).',
    },
    {
      when: `${rules}.ScheduleExpression not exists\n  ${rules}.AutomaticallyAfterDays is_int`,
      check: `${rules}.AutomaticallyAfterDays <= 30`,
      message: 'AutomaticallyAfterDays is more than the maximum of 30 days.',
    },
    {
      // A number written as a string ("90"; a hook may hand properties over as text), as the pack reads it.
      when: `${rules}.ScheduleExpression not exists\n  ${rules}.AutomaticallyAfterDays is_string\n  ${rules}.AutomaticallyAfterDays == ${guardRegex('^\\s*[0-9]+\\s*$')}`,
      check: `${rules}.AutomaticallyAfterDays == ${guardRegex('^\\s*0*([0-9]|[12][0-9]|30)\\s*$')}`,
      message: 'AutomaticallyAfterDays is more than the maximum of 30 days.',
    },
  ];
}

/** `HardenedSecrets-SecretRotationInterval`. */
export const SecretRotationIntervalGuard: GuardRuleSource = {
  rule: 'SecretRotationInterval',
  resourceTypes: [SCHEDULE],
  targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
  gaps: [
    {
      targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
      partial: true,
      reason: 'Guard cannot walk a calendar: a cron() expression passes only in the shapes that always fire within 30 days (every month, on several days of the month or on weekdays, every year) and fails otherwise, where the pack computes the longest gap (a cron on the 1st and 16th of every other month fails here and passes there); the maximum is the pack\'s default of 30 days.',
    },
    {
      targets: [GuardTarget.CONFIG],
      partial: true,
      reason: `${PROACTIVE_ONLY} AWS Config records no AWS::SecretsManager::RotationSchedule; the secret\'s item holds RotationRules, but a rule on it would report the secret, not the schedule the pack reports. The managed rule secretsmanager-rotation-enabled-check (maximumAllowedRotationFrequency) covers recorded secrets.`,
    },
  ],
  render(shape: GuardShape) {
    const rules = shape.prop('RotationRules');
    return [forEachResource(shape, {
      rule: this.rule,
      type: SCHEDULE,
      filter: `${rules} is_struct`,
      clauses: intervalClauses(rules),
    })];
  },
};

/** `HardenedSecrets-RotationPermissionScoped`. */
export const RotationPermissionScopedGuard: GuardRuleSource = {
  rule: 'RotationPermissionScoped',
  resourceTypes: ['AWS::Lambda::Permission'],
  targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
  gaps: [
    { targets: [GuardTarget.CONFIG], partial: true, reason: `${PROACTIVE_ONLY} AWS Config records no AWS::Lambda::Permission (a function\'s configuration item does not hold its resource policy).` },
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: 'A Principal given by an intrinsic function other than Fn::Sub is not read.' },
  ],
  render(shape: GuardShape) {
    const p = (name: string) => shape.prop(name);
    const secretsManager = guardRegex('secretsmanager');
    const principal = shape.seesTemplate
      ? `${p('Principal')} == ${secretsManager} or ${p('Principal')}.'Fn::Sub' == ${secretsManager}`
      : `${p('Principal')} == ${secretsManager}`;
    return [forEachResource(shape, {
      rule: this.rule,
      type: 'AWS::Lambda::Permission',
      filter: principal,
      clauses: [{
        check: `${p('SourceAccount')} exists or ${p('SourceArn')} exists`,
        message: 'The permission lets secretsmanager.amazonaws.com invoke the function without SourceAccount or SourceArn, so a secret in any account could trigger it.',
      }],
    })];
  },
};
