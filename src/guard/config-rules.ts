import * as config from 'aws-cdk-lib/aws-config';
import { Construct } from 'constructs';
import { configRuleFiles } from './rule-files';
import { GuardRuleFile } from './shape';
import { DEFAULTS } from '../private/defaults';
import { futurePath, isResolved, PropsValidator } from '../private/validation';

/** Props of `SecretsConfigRules`. */
export interface SecretsConfigRulesProps {
  /**
   * Deploy the AWS Config managed rules that judge what only a deployed account knows: whether
   * rotation succeeds, how long since a secret was rotated or used
   * (`secretsmanager-rotation-enabled-check`, `-scheduled-rotation-success-check`,
   * `-secret-periodic-rotation`, `-secret-unused`, `-using-cmk`).
   *
   * @default true
   * @see https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-rotation-enabled-check.html
   */
  readonly managedRules?: boolean;

  /**
   * Deploy the catalogue's rules as AWS Config custom policy rules (Guard), one per rule, on the
   * resource types each looks at: what the pack checks at synth, checked on every resource of
   * the account and Region, whoever made it.
   *
   * @default true
   */
  readonly customPolicyRules?: boolean;

  /**
   * The longest rotation interval the managed rules accept, in days (1 to 365):
   * `maximumAllowedRotationFrequency` of the rotation-enabled check and `maxDaysSinceRotation`
   * of the periodic-rotation check.
   *
   * @default 30
   */
  readonly maxRotationDays?: number;

  /**
   * `unusedForDays` of `secretsmanager-secret-unused` (1 to 365).
   *
   * @default 90
   */
  readonly unusedForDays?: number;

  /**
   * A prefix for the rules' names: each rule is then named `<prefix><rule>` (e.g.
   * `org-hardened-secrets-secret-rotation-configured`, `org-secretsmanager-secret-unused`), which
   * must be unique in the account and Region. 1 to 64 letters, digits, `.`, `_` or `-`.
   *
   * @default - names CloudFormation generates
   */
  readonly ruleNamePrefix?: string;
}

/** `unusedForDays` unless given. */
export const DEFAULT_UNUSED_FOR_DAYS = 90;

/** A managed rule: construct id, identifier, name suffix, parameters. */
interface ManagedRuleSpec {
  readonly id: string;
  readonly identifier: string;
  readonly name: string;
  readonly parameters?: (days: { maxRotation: number; unused: number }) => { [key: string]: unknown };
}

/**
 * The managed rules. Their construct ids are those `SecretAccessMonitor` gave them before it used
 * this construct: the monitor places this construct where their logical ids stay the same.
 */
const MANAGED_RULES: readonly ManagedRuleSpec[] = [
  {
    id: 'RotationEnabled',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_ROTATION_ENABLED_CHECK,
    name: 'secretsmanager-rotation-enabled-check',
    parameters: (d) => ({ maximumAllowedRotationFrequency: d.maxRotation }),
  },
  {
    id: 'ScheduledRotationSuccess',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK,
    name: 'secretsmanager-scheduled-rotation-success-check',
  },
  {
    id: 'PeriodicRotation',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_PERIODIC_ROTATION,
    name: 'secretsmanager-secret-periodic-rotation',
    parameters: (d) => ({ maxDaysSinceRotation: d.maxRotation }),
  },
  {
    id: 'SecretUnused',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_UNUSED,
    name: 'secretsmanager-secret-unused',
    parameters: (d) => ({ unusedForDays: d.unused }),
  },
  {
    id: 'UsingCmk',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_USING_CMK,
    name: 'secretsmanager-using-cmk',
  },
];

/** A Config file's name without `.guard`: `iam-no-broad-secret-access-1`. */
function fileStem(file: GuardRuleFile): string {
  return file.fileName.replace(/\.guard$/, '');
}

/**
 * The id, below `CustomPolicy`, of the rule of a Config file: its file name in PascalCase
 * (`IamNoBroadSecretAccess1`). A catalogue rule too long for one `PolicyText` is exported in
 * numbered parts, one rule each.
 */
function customRuleId(file: GuardRuleFile): string {
  return fileStem(file).split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** The name of a custom policy rule with a prefix: `<prefix>hardened-secrets-<file stem>`. */
function customRuleName(prefix: string, file: GuardRuleFile): string {
  return `${prefix}hardened-secrets-${fileStem(file)}`;
}

/**
 * The rule catalogue on what already exists: AWS Config evaluates each secret-related resource of
 * the account and Region whenever its configuration changes, with the catalogue's rules exported
 * as Guard custom policy rules, and the managed rules that need a deployed account (rotation
 * success, time since rotation, time since last use, customer-managed key).
 *
 * AWS Config must be recording the resource types in the account, or the rules evaluate nothing.
 *
 * @example
 * new SecretsConfigRules(this, 'ConfigRules', { maxRotationDays: 90, ruleNamePrefix: 'org-' });
 */
export class SecretsConfigRules extends Construct {
  /** Every rule created: the managed rules first, then one custom policy rule per exported file. */
  public readonly rules: config.IRule[] = [];

  constructor(scope: Construct, id: string, props: SecretsConfigRulesProps = {}) {
    validateConfigRulesProps(futurePath(scope, id), props);
    super(scope, id);
    const prefix = props.ruleNamePrefix;
    if (props.managedRules !== false) {
      const days = {
        maxRotation: props.maxRotationDays ?? DEFAULTS.rotationInterval.toDays(),
        unused: props.unusedForDays ?? DEFAULT_UNUSED_FOR_DAYS,
      };
      const secretScope = config.RuleScope.fromResources([config.ResourceType.SECRETS_MANAGER_SECRET]);
      for (const spec of MANAGED_RULES) {
        this.rules.push(new config.ManagedRule(this, spec.id, {
          identifier: spec.identifier,
          inputParameters: spec.parameters?.(days),
          ruleScope: secretScope,
          configRuleName: prefix === undefined ? undefined : `${prefix}${spec.name}`,
        }));
      }
    }
    if (props.customPolicyRules !== false) {
      const custom = new Construct(this, 'CustomPolicy');
      for (const file of configRuleFiles()) {
        this.rules.push(new config.CustomPolicy(custom, customRuleId(file), {
          policyText: file.content,
          ruleScope: customRuleScope(file),
          configRuleName: prefix === undefined ? undefined : customRuleName(prefix, file),
          description: `${file.ruleIds.join(', ')} of the cdk-hardened-secrets rule catalogue (${file.fileName})`,
        }));
      }
    }
  }
}

/** Config's limit on `Scope.ComplianceResourceTypes`. */
const MAX_SCOPE_TYPES = 100;

/**
 * The scope of a custom policy rule: the resource types of its file; none (every recorded type)
 * for a rule that looks at every type (its file names none), or beyond the 100 types a scope holds.
 */
function customRuleScope(file: GuardRuleFile): config.RuleScope | undefined {
  const types = file.resourceTypes;
  return types.length === 0 || types.length > MAX_SCOPE_TYPES
    ? undefined
    : config.RuleScope.fromResources(types.map((t) => config.ResourceType.of(t)));
}

/** Config's limit on a rule name. */
const MAX_RULE_NAME = 128;

/** Throws one `HardenedSecretsValidationError` naming every invalid or conflicting prop at `path`. */
function validateConfigRulesProps(path: string, props: SecretsConfigRulesProps): void {
  const v = new PropsValidator(path);
  for (const [prop, value] of [['maxRotationDays', props.maxRotationDays], ['unusedForDays', props.unusedForDays]] as const) {
    if (value !== undefined && isResolved(value)) {
      v.check(Number.isInteger(value) && value >= 1 && value <= 365, prop, value, 'a whole number from 1 to 365');
    }
  }
  if (props.managedRules === false) {
    for (const [prop, value] of [['maxRotationDays', props.maxRotationDays], ['unusedForDays', props.unusedForDays]] as const) {
      if (value !== undefined) {
        v.conflict([prop, 'managedRules'], `${prop} is a parameter of the managed rules: leave managedRules on`);
      }
    }
    if (props.customPolicyRules === false) {
      v.conflict(['managedRules', 'customPolicyRules'], 'at least one of them on, or no SecretsConfigRules at all');
    }
  }
  if (props.ruleNamePrefix !== undefined && isResolved(props.ruleNamePrefix)) {
    // The longest name a rule gets must fit Config's limit.
    const longest = Math.max(...MANAGED_RULES.map((r) => r.name.length), ...configRuleFiles().map((f) => customRuleName('', f).length));
    const max = Math.min(64, MAX_RULE_NAME - longest);
    v.check(
      /^[A-Za-z0-9._-]+$/.test(props.ruleNamePrefix) && props.ruleNamePrefix.length <= max,
      'ruleNamePrefix',
      props.ruleNamePrefix,
      `1 to ${max} letters, digits, '.', '_' or '-'`,
    );
  }
  v.throwIfInvalid();
}
