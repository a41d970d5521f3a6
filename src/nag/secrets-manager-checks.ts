import { CfnResource, Duration, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CheckOptions, PACK_NAME, RuleContext, RuleFinding, SecretsRule, TemplateElement, ruleContext } from './rule';
import { selectRules } from './rule-selection';
import { RULES } from './rules';
import { elementOf, sectionOf } from './rules/template-elements';
import { AnalysisRun } from '../analysis/analysis-run';
import { SynthesisedTemplate, refOrGetAttId } from '../analysis/template-index';
import { DEFAULTS } from '../private/defaults';
import { PropsValidator } from '../private/validation';

/**
 * Options of the `SecretsManagerChecks` pack.
 */
export interface SecretsManagerChecksProps extends NagPackProps {
  /**
   * The longest gap between two rotations a rotation schedule may leave (worst case over
   * `AutomaticallyAfterDays`, `rate()` and `cron()`).
   *
   * @default Duration.days(30)
   */
  readonly maxRotationInterval?: Duration;

  /**
   * Roles allowed broad Secrets Manager access (`secretsmanager:*`, `GetSecretValue` on every
   * secret): true administrators and break-glass roles. Roles of the app, or imported with
   * `iam.Role.fromRoleArn` (matched by role name).
   *
   * @default - no role is exempt
   */
  readonly adminRoles?: iam.IRole[];

  /**
   * The regular expression a secret `Name` must match.
   *
   * @default '^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.+=@-]*$' (`<environment>/<application>/<name>`)
   */
  readonly secretNamePattern?: string;

  /**
   * Tag keys every secret must carry (`SecretTags`).
   *
   * @default ['owner', 'environment', 'data-classification']
   */
  readonly requiredTags?: string[];

  /**
   * Declares that Secrets Manager access in this app's accounts is monitored outside the app
   * (an organisation trail with alarms, a SIEM), and says by what. Satisfies
   * `HardenedSecrets-SecretAccessMonitored`.
   *
   * @default - monitoring must be in the app (CloudWatch Logs metric filters or EventBridge
   * rules on Secrets Manager events)
   */
  readonly externalMonitor?: string;

  /**
   * The warning rules to run, by name (`SecretTags`, `IamReadPinnedToCurrent`, ...). Error
   * rules always run; acknowledge a finding to accept it.
   *
   * @default - every warning rule
   */
  readonly warnings?: string[];

  /**
   * Error rules whose findings are reported as warnings, by name: a rollout that accepts a
   * rule's findings for now without acknowledging each one. A rule lowered this way counts as a
   * warning rule for `warnings`, so leaving it out of `warnings` turns it off (the audit
   * command's `--profile baseline` does both).
   *
   * @default - every error rule reports errors
   */
  readonly errorsAsWarnings?: string[];
}

/**
 * A cdk-nag pack that holds every secret in an app to one bar, whoever wrote it: secrets of
 * this library, aws-cdk-lib's `secretsmanager.Secret`, raw `CfnSecret` and templates brought
 * in with `CfnInclude`. It also finds credentials written into templates.
 *
 * Rule ids are `HardenedSecrets-<Rule>`; findings that concern one property carry it as a
 * suffix (`HardenedSecrets-NoCredentialInLambdaEnvironment[Environment.Variables.DB_PASSWORD]`),
 * so each can be acknowledged on its own.
 *
 * @example
 * Validations.of(app).addPlugins(new SecretsManagerChecks(app));
 */
export class SecretsManagerChecks extends NagPack {
  /** The names of every rule of the pack, errors and warnings, in catalogue order. */
  public static readonly RULE_NAMES: string[] = RULES.map(r => r.name);

  /** The pack name, also the prefix of every rule id. */
  public readonly name = PACK_NAME;

  private readonly options: CheckOptions;
  private readonly active: readonly SecretsRule[];
  private readonly byType = new Map<string, SecretsRule[]>();
  /** Templates of the synth in progress, by stack construct path, while `validate` runs. */
  private templates?: Map<string, SynthesisedTemplate>;
  /** What the rules of the validation run in progress read the tree through; none between runs. */
  private context?: RuleContext;
  /** What each finding said, by rule id and construct path: cdk-nag keeps one text per rule id. */
  private readonly descriptions = new Map<string, { description: string; severity: string }>();

  constructor(scope?: IConstruct, props: SecretsManagerChecksProps = {}) {
    super(scope, props);
    this.packName = PACK_NAME;

    const v = new PropsValidator(scope ? `${scope.node.path || '<app>'}/SecretsManagerChecks` : 'SecretsManagerChecks');
    const max = props.maxRotationInterval ?? DEFAULTS.checksMaxRotationInterval;
    if (!max.isUnresolved()) {
      const hours = max.toHours({ integral: false });
      v.check(hours >= 4 && hours <= 365 * 24, 'maxRotationInterval', max.toHumanString(), 'from 4 hours to 365 days');
    }
    let namePattern = new RegExp(DEFAULTS.secretNamePattern);
    if (props.secretNamePattern !== undefined) {
      try {
        namePattern = new RegExp(props.secretNamePattern);
      } catch (e) {
        v.fail('secretNamePattern', props.secretNamePattern, `a JavaScript regular expression (${(e as Error).message})`);
      }
    }
    const errorNames = RULES.filter(r => r.level === NagMessageLevel.ERROR).map(r => r.name);
    for (const e of props.errorsAsWarnings ?? []) {
      v.check(errorNames.includes(e), 'errorsAsWarnings', e, errorNames.join(', '));
    }
    const warningNames = RULES.filter(r => r.level === NagMessageLevel.WARN || props.errorsAsWarnings?.includes(r.name)).map(r => r.name);
    for (const w of props.warnings ?? []) {
      v.check(warningNames.includes(w), 'warnings', w, warningNames.join(', '));
    }
    if (props.externalMonitor !== undefined) {
      v.check(props.externalMonitor.trim().length >= DEFAULTS.minJustificationLength, 'externalMonitor', props.externalMonitor,
        `a description of the monitor of at least ${DEFAULTS.minJustificationLength} characters`);
    }
    for (const tag of props.requiredTags ?? []) {
      v.check(/^[\w .:/=+@-]{1,128}$/.test(tag), 'requiredTags', tag, 'tag keys of 1-128 letters, digits, spaces and _ . : / = + - @');
    }
    v.throwIfInvalid();

    this.active = selectRules(props);
    this.options = {
      maxRotationIntervalHours: max.toHours({ integral: false }),
      isAdminRole: adminMatcher(props.adminRoles ?? []),
      namePattern,
      requiredTags: [...(props.requiredTags ?? DEFAULTS.checksRequiredTags)],
      externalMonitor: props.externalMonitor,
    };
  }

  /**
   * Called by the CDK validation framework during `cdk synth` (the pack registered with
   * `Validations.of(app).addPlugins`). Reads the templates synth has just written rather than
   * resolving every resource again.
   */
  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.templates = AnalysisRun.templatesOf(context);
    try {
      return super.validate(context);
    } finally {
      this.templates = undefined;
    }
  }

  /**
   * Runs every rule over the resources below `scope` (use this in unit tests, after
   * `app.synth()` so that aspects have run; apps register the pack with
   * `Validations.of(app).addPlugins`).
   */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    // The tree may have changed since the last run: index it afresh.
    this.context = ruleContext(this.options, new AnalysisRun(this.templates));
    this.descriptions.clear();
    try {
      const report = super.validateScope(scope);
      const violations = [...report.violations, ...this.checkElements(scope, this.context)];
      return this.perResource({ ...report, success: violations.length === 0, violations });
    } finally {
      this.context = undefined;
    }
  }


  protected checkResource(node: CfnResource): void {
    // cdk-nag calls this from `validateScope`'s walk of the tree; a direct call is a run of its own.
    const context = this.context ?? ruleContext(this.options, new AnalysisRun());
    for (const rule of this.rulesFor(node.cfnResourceType)) {
      let findings: RuleFinding[];
      try {
        findings = rule.check(node, context);
      } catch (e) {
        findings = [{ message: `the rule could not evaluate the resource (${(e as Error).message}), so compliance cannot be proven.`, unproven: true }];
      }
      this.report(rule, node, findings, context);
    }
  }

  /**
   * Outputs, parameters and mappings carry strings too (an access key in a mapping, a password in
   * an output), but cdk-nag walks `CfnResource`s only. The validation plugin API reports any
   * construct: a violating "resource" is a construct path plus locations in the template
   * (`Outputs.DbPassword.Value`), so a finding names the `CfnOutput`, `CfnParameter` or `CfnMapping`
   * itself (its logical id is the last part of the path, as for resources) rather than the stack,
   * and is acknowledged on that construct like a resource finding.
   */
  private checkElements(scope: IConstruct, context: RuleContext): PolicyViolation[] {
    const violations: PolicyViolation[] = [];
    const rules = this.active.filter(r => r.checkElement !== undefined);
    if (rules.length === 0) {
      return violations;
    }
    for (const node of scope.node.findAll()) {
      // Only constructs in a stack have an index: the app and stages are skipped before asking.
      const element = sectionOf(node) === undefined ? undefined : elementOf(node, context.index(node));
      if (element === undefined) {
        continue;
      }
      for (const rule of rules.filter(r => r.sections?.includes(element.section))) {
        let findings: RuleFinding[];
        try {
          findings = rule.checkElement!(element, context);
        } catch (e) {
          findings = [{ message: `the rule could not evaluate the element (${(e as Error).message}), so compliance cannot be proven.`, unproven: true }];
        }
        for (const { suffix, items } of groupFindings(findings)) {
          const level = items.every(f => f.unproven) ? NagMessageLevel.WARN : rule.level;
          const ruleId = `${PACK_NAME}-${rule.name}${suffix === undefined ? '' : `[${suffix}]`}`;
          const violation = this._reportElement({
            ruleId,
            ruleName: rule.name,
            level,
            element,
            info: describeElement(rule, element, items),
            acknowledgedWith: acknowledgedWith(element.node, ruleId),
            location: `${element.section}.${element.logicalId}${suffix === undefined ? '' : `.${suffix}`}`,
          });
          if (violation) {
            violations.push(violation);
          }
        }
      }
    }
    return violations;
  }

  /**
   * Turns one finding on an output, a parameter or a mapping into the violation the pack reports,
   * or none when it is acknowledged. The counterpart of cdk-nag's `applyRule` for resources: a
   * subclass that records findings (acknowledged ones included) overrides both.
   *
   * @internal
   */
  protected _reportElement(found: ElementFinding): PolicyViolation | undefined {
    if (found.acknowledgedWith !== undefined) {
      return undefined;
    }
    const severity = found.level === NagMessageLevel.ERROR ? 'error' : 'warning';
    this.descriptions.set(`${found.ruleId}|${found.element.node.node.path}`, { description: found.info, severity });
    return {
      ruleName: found.ruleId,
      description: found.info,
      severity,
      violatingResources: [{ constructPath: found.element.node.node.path, locations: [found.location] }],
    };
  }

  /**
   * cdk-nag groups the resources of one rule id under the first resource's text; findings of
   * this pack say what is wrong with each resource, so give each resource its own violation.
   */
  private perResource(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const v of report.violations) {
      for (const resource of v.violatingResources) {
        const own = this.descriptions.get(`${v.ruleName}|${resource.constructPath}`);
        const description = own?.description ?? v.description;
        const severity = own?.severity ?? v.severity;
        const same = violations.find(x => x.ruleName === v.ruleName && x.description === description && x.severity === severity);
        if (same) {
          same.violatingResources.push(resource);
        } else {
          violations.push({ ...v, description, severity, violatingResources: [resource] });
        }
      }
    }
    return { ...report, violations };
  }

  private rulesFor(type: string): SecretsRule[] {
    let rules = this.byType.get(type);
    if (!rules) {
      rules = this.active.filter(r => r.resourceTypes === '*' || r.resourceTypes.includes(type));
      this.byType.set(type, rules);
    }
    return rules;
  }

  private report(rule: SecretsRule, node: CfnResource, findings: RuleFinding[], context: RuleContext): void {
    const explanation = `${rule.requirement} Controls: ${rule.controls}.`;
    const id = `${PACK_NAME}-${rule.name}`;
    // Findings without a suffix share the rule id on a resource: report them as one, at the
    // rule's level unless every one of them is unproven.
    for (const { suffix, items } of groupFindings(findings)) {
      const level = items.every(f => f.unproven) ? NagMessageLevel.WARN : rule.level;
      const info = describe(rule, node, items, context);
      const ruleName = suffix === undefined ? id : `${id}[${suffix}]`;
      this.descriptions.set(`${ruleName}|${node.node.path}`, { description: info, severity: level === NagMessageLevel.ERROR ? 'error' : 'warning' });
      this.applyRule({
        ruleSuffixOverride: rule.name,
        info,
        explanation,
        level,
        node,
        rule: () => (suffix === undefined ? NagRuleCompliance.NON_COMPLIANT : [suffix]),
      });
    }
  }
}

/**
 * One finding of a rule on an output, a parameter or a mapping.
 *
 * @internal
 */
export interface ElementFinding {
  /** `HardenedSecrets-<Rule>` or `HardenedSecrets-<Rule>[<suffix>]`. */
  readonly ruleId: string;
  readonly ruleName: string;
  readonly level: NagMessageLevel;
  readonly element: TemplateElement;
  /** The finding text. */
  readonly info: string;
  /** Where in the template: `Outputs.<LogicalId>.Value`. */
  readonly location: string;
  /** The reason the finding is acknowledged on the element or one of its scopes, if it is. */
  readonly acknowledgedWith?: string;
}

/**
 * Findings without a suffix share the rule id on a construct: they are reported as one, at the
 * rule's level unless every one of them is unproven. Each suffixed finding stands alone.
 */
function groupFindings(findings: RuleFinding[]): Array<{ suffix?: string; items: RuleFinding[] }> {
  const plain = findings.filter(f => f.suffix === undefined);
  return [
    ...(plain.length > 0 ? [{ items: plain }] : []),
    ...findings.filter(f => f.suffix !== undefined).map(f => ({ suffix: f.suffix, items: [f] })),
  ];
}

const SECTION_NAMES: Record<TemplateElement['section'], string> = {
  Outputs: 'Output', Parameters: 'Parameter', Mappings: 'Mapping', Conditions: 'Condition', Rules: 'Rule',
};

function describeElement(rule: SecretsRule, element: TemplateElement, findings: RuleFinding[]): string {
  const what = findings.map(f => capitalise(f.message)).join(' ');
  return `${SECTION_NAMES[element.section]} ${element.logicalId}: ${what} Why: ${rule.controls}. Fix: ${rule.fix}`;
}

/** The reason `ruleId` is acknowledged on `node` or one of its scopes, as cdk-nag looks it up for resources. */
function acknowledgedWith(node: IConstruct, ruleId: string): string | undefined {
  for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          if (id.replace(/^annotation::/i, '') === ruleId) {
            return reason;
          }
        }
      }
    }
  }
  return undefined;
}

/** The finding text: what is wrong (per resource), why (controls) and how to fix it. */
function describe(rule: SecretsRule, node: CfnResource, findings: RuleFinding[], context: RuleContext): string {
  const what = findings.map(f => capitalise(f.message)).join(' ');
  return `${node.cfnResourceType} ${context.index(node).view(node).logicalId}: ${what} Why: ${rule.controls}. Fix: ${rule.fix}`;
}

/** Capitalises a sentence that starts with a word (not with `rate(...)` or a property path). */
function capitalise(text: string): string {
  return /^[a-z]+[\s,]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * Matches roles of a template against the admin roles: by logical id when the admin role is
 * in the same stack, by role name when it was imported by ARN.
 */
function adminMatcher(roles: iam.IRole[]): CheckOptions['isAdminRole'] {
  if (roles.length === 0) {
    return () => false;
  }
  return (index, roleLogicalId) => {
    const stack = index.stack;
    const role = index.resource(roleLogicalId);
    const roleName = role?.properties.RoleName;
    return roles.some(admin => {
      let arn: unknown;
      try {
        arn = stack.resolve(admin.roleArn);
      } catch {
        return false;
      }
      if (refOrGetAttId(arn) === roleLogicalId) {
        return true;
      }
      const name = typeof arn === 'string' ? /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] : undefined;
      return name !== undefined && name === roleName;
    });
  };
}
