/**
 * The detectors of a `SecretAccessMonitor`, one per event kind: a metric filter on the trail log
 * group with its alarm, or, when an allow-list no longer fits a filter pattern, an EventBridge
 * rule; and the lists their patterns are rendered from.
 */
import { Annotations, Duration, IAspect, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { DETECTORS, DetectorSpec, SecretEventKind } from './event-kinds';
import { DetectorType } from './monitor-props';
import {
  EVENT_PATTERN_QUOTA_CEILING, eventPattern, FILTER_PATTERN_MAX_LENGTH, filterPattern, PatternInputs, PatternValue, ReadMode,
} from './patterns';
import { accountValue, addPrincipal, emptyPrincipalSet, keyValue, MutablePrincipalSet } from './principals';
import { HardenedSecretsValidationError } from '../private/validation';
import { HardenedSecret } from '../secret/hardened-secret';

/** Rule state that lets EventBridge match read-only management events such as GetSecretValue. */
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** One watched secret, and who may read and write it. */
export interface Watch {
  readonly secret: secretsmanager.ISecret;
  /**
   * Whether the secret's resource policy refuses every principal it does not name (a
   * `HardenedSecret` in `SecretAccessMode.RESTRICTIVE`): nobody else can read it.
   */
  readonly restrictive: boolean;
  /** The role that rotates the secret: it reads and writes without an alarm. */
  readonly rotationRole?: iam.IRole;
  /** The allowed readers as they stand now (grants made after `watch` count). */
  readers(): iam.IGrantable[];
  /** The allowed writers as they stand now. */
  writers(): iam.IGrantable[];
}

/** What the detectors of a monitor are built from. */
export interface DetectorSettings {
  /** The log group the metric filters read. */
  readonly logGroup: logs.ILogGroup;
  /** The topic alarms and rules notify. */
  readonly topic: sns.ITopic;
  /** The namespace of the metric filters' metrics. */
  readonly metricNamespace: string;
  /** The period of every alarm. */
  readonly alarmPeriod: Duration;
  /** The threshold of the `ACCESS_DENIED_BURST` alarm. */
  readonly accessDeniedThreshold: number;
  /** The largest EventBridge pattern an allow-list detector may become. */
  readonly maxEventPatternLength: number;
  /** The watched secrets; the list grows until the app is synthesised. */
  readonly watches: readonly Watch[];
  /** The lists every pattern is rendered from, as they stand now. */
  readonly patternInputs: () => PatternInputs;
}

/** The detectors of one monitor, created as its children. */
export class Detectors {
  private readonly types = new Map<SecretEventKind, DetectorType>();
  private readonly alarms = new Map<SecretEventKind, cloudwatch.Alarm>();
  private readonly rules = new Map<SecretEventKind, events.Rule>();

  constructor(private readonly monitor: Construct, private readonly settings: DetectorSettings) {}

  /**
   * Creates every detector whose pattern depends on no allow-list; its pattern is rendered at
   * synthesis from the secrets watched by then.
   */
  public createFixedDetectors(): void {
    for (const spec of DETECTORS.filter((d) => d.allowList === undefined)) {
      this.createMetricFilterDetector(spec);
    }
  }

  /**
   * Creates the detectors with an allow-list, once every grant is known: a metric filter while the
   * pattern fits one, else an EventBridge rule, else a validation error.
   */
  public createAllowListDetectors(): void {
    for (const spec of DETECTORS.filter((d) => d.allowList !== undefined)) {
      const inputs = this.settings.patternInputs();
      const description = detectorDescription(spec, inputs);
      if (spec.allowList === 'readers' && inputs.readMode === 'restrictive' && inputs.privilegedReaders === undefined) {
        Annotations.of(this.monitor).addInfo(
          'Every watched secret is RESTRICTIVE: UNEXPECTED_READ lists no readers and alarms on refused reads. Give the ' +
            "secrets' break-glass roles as breakGlassRoles for their reads to alarm too.",
        );
      }
      const filter = filterPattern(spec, inputs);
      if (filter.maxLength <= FILTER_PATTERN_MAX_LENGTH) {
        this.createMetricFilterDetector(spec, description);
        continue;
      }
      const rule = eventPattern(spec, inputs);
      const limit = this.settings.maxEventPatternLength;
      if (rule.maxLength > limit) {
        const listName = spec.allowList === 'readers' ? 'allowedReaders' : 'allowedWriters (with the rotation roles)';
        throw new HardenedSecretsValidationError(this.monitor.node.path, [
          `the union of ${listName} of the watched secrets is too long for ${spec.kind}: its filter pattern can reach ` +
            `${filter.maxLength} characters (CloudWatch Logs allows ${FILTER_PATTERN_MAX_LENGTH}) and its EventBridge pattern ` +
            `${rule.maxLength} (maxEventPatternLength is ${limit}); allowed: fewer distinct principals (share reader roles ` +
            `among secrets), literal ARNs instead of tokens, or a raised EventBridge quota (at most ${EVENT_PATTERN_QUOTA_CEILING})` +
            (spec.allowList === 'readers' ? this.restrictiveAdvice() : ''),
        ]);
      }
      this.createEventRuleDetector(spec, rule.pattern, description);
    }
  }

  /**
   * How to leave the reader allow-list behind: a monitor whose watched secrets are all RESTRICTIVE
   * lists no readers. Names the secrets that are not.
   */
  private restrictiveAdvice(): string {
    const standard = this.settings.watches.filter((w) => !w.restrictive).map((w) => w.secret.node.path);
    const shown = standard.slice(0, 5).join(', ') + (standard.length > 5 ? ` and ${standard.length - 5} more` : '');
    return '; or switch the watched secrets to SecretAccessMode.RESTRICTIVE (HardenedSecret accessMode): their resource ' +
      'policies then refuse every reader they do not name, and a monitor whose secrets are all RESTRICTIVE lists no readers ' +
      `(it alarms on refused reads and on reads by breakGlassRoles). ${standard.length} of ${this.settings.watches.length} ` +
      `watched secrets are not RESTRICTIVE: ${shown}`;
  }

  /** How the detector of `kind` is built, once it is. */
  public detectorType(kind: SecretEventKind): DetectorType | undefined {
    return this.types.get(kind);
  }

  /** The alarm of `kind`, when it is built as a metric filter. */
  public alarm(kind: SecretEventKind): cloudwatch.IAlarm | undefined {
    return this.alarms.get(kind);
  }

  /** The metric of `kind`: its metric filter's, or for a rule, the rule's `MatchedEvents`. */
  public metric(kind: SecretEventKind, options: cloudwatch.MetricOptions): cloudwatch.Metric {
    const spec = DETECTORS.find((d) => d.kind === kind)!;
    const rule = this.rules.get(kind);
    const defaults = { statistic: cloudwatch.Stats.SUM, period: this.settings.alarmPeriod };
    if (rule) {
      return new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'MatchedEvents',
        dimensionsMap: { RuleName: rule.ruleName },
        ...defaults,
        ...options,
      });
    }
    return new cloudwatch.Metric({ namespace: this.settings.metricNamespace, metricName: spec.id, ...defaults, ...options });
  }

  private createMetricFilterDetector(spec: DetectorSpec, description: string = spec.description): void {
    const pattern = Lazy.string({ produce: () => filterPattern(spec, this.settings.patternInputs()).pattern });
    new logs.MetricFilter(this.monitor, spec.id, {
      logGroup: this.settings.logGroup,
      filterPattern: { logPatternString: pattern },
      metricNamespace: this.settings.metricNamespace,
      metricName: spec.id,
      metricValue: '1',
    });
    this.monitor.node.addValidation({
      validate: () => {
        const length = filterPattern(spec, this.settings.patternInputs()).maxLength;
        return length <= FILTER_PATTERN_MAX_LENGTH
          ? []
          : [`the filter pattern of ${spec.kind} can reach ${length} characters; CloudWatch Logs allows ${FILTER_PATTERN_MAX_LENGTH} (watch secrets of fewer accounts)`];
      },
    });
    const threshold = spec.kind === SecretEventKind.ACCESS_DENIED_BURST ? this.settings.accessDeniedThreshold : 1;
    const alarm = new cloudwatch.Alarm(this.monitor, `${spec.id}Alarm`, {
      alarmDescription: `${description} (${spec.eventNames.join(', ') || spec.errorCodes?.join(', ')}). See the trail log group for the records.`,
      metric: this.metric(spec.kind, {}).with({ period: this.settings.alarmPeriod }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    alarm.addAlarmAction(new cw_actions.SnsAction(this.settings.topic));
    this.alarms.set(spec.kind, alarm);
    this.types.set(spec.kind, DetectorType.METRIC_FILTER);
  }

  private createEventRuleDetector(spec: DetectorSpec, pattern: { [key: string]: unknown }, description: string): void {
    const rule = new events.Rule(this.monitor, `${spec.id}Rule`, {
      description,
      eventPattern: {
        source: pattern.source as string[],
        detailType: pattern['detail-type'] as string[],
        detail: pattern.detail as { [key: string]: unknown },
      },
      targets: [new targets.SnsTopic(this.settings.topic)],
    });
    if (spec.readOnly) {
      // GetSecretValue is a read-only management event: a rule in the ENABLED state never sees it.
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
      (rule.node.defaultChild as events.CfnRule).state = ALL_MANAGEMENT_EVENTS;
    }
    this.rules.set(spec.kind, rule);
    this.types.set(spec.kind, DetectorType.EVENT_RULE);
    // The SnsTopic target adds kms:Decrypt / kms:GenerateDataKey* for events.amazonaws.com to
    // the key of an encrypted topic, only once a rule exists. It carries no aws:SourceAccount /
    // aws:SourceArn, and none is added here: EventBridge documents that its SNS targets take no
    // `Condition`, and a condition on a key the KMS request does not carry would drop every
    // notification without an error.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
    this.warnIfRegional(spec);
  }

  /**
   * An EventBridge rule receives the CloudTrail events of its own region only, where a metric
   * filter on a multi-Region trail's log group sees every region: warn when watched secrets
   * replicate or live elsewhere, naming the regions the rule cannot see.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
   */
  private warnIfRegional(spec: DetectorSpec): void {
    const stack = Stack.of(this.monitor);
    const unseen = new Map<string, string[]>();
    const add = (region: string, why: string) => {
      if (Token.isUnresolved(region) || (!Token.isUnresolved(stack.region) && region === stack.region)) {
        return;
      }
      unseen.set(region, [...(unseen.get(region) ?? []), why]);
    };
    for (const w of this.settings.watches) {
      add(w.secret.env.region, w.secret.node.path);
      for (const region of replicaRegions(w.secret)) {
        add(region, `replica of ${w.secret.node.path}`);
      }
    }
    if (unseen.size === 0) {
      return;
    }
    const regions = [...unseen.keys()].sort();
    Annotations.of(this.monitor).addWarningV2(
      'cdk-hardened-secrets:monitor-eventbridge-regional',
      `${spec.kind} is an EventBridge rule (its allow-list is too long for a metric filter), and a rule on the default bus of ` +
        `${stack.region} receives only that region's CloudTrail events: it cannot see ${regions.join(', ')} ` +
        `(${regions.map((r) => `${r}: ${unseen.get(r)!.join(', ')}`).join('; ')}). Shorten the allow-list (share reader ` +
        'roles among secrets) to stay on the multi-Region metric filter, or deploy a monitor in those regions.',
    );
  }
}

/** The description of a detector, which for the read detector says how reads are judged. */
function detectorDescription(spec: DetectorSpec, inputs: PatternInputs): string {
  if (spec.allowList !== 'readers') {
    return spec.description;
  }
  switch (inputs.readMode ?? 'allow-list') {
    case 'restrictive':
      return 'A secret value was read by a break-glass role, or a read was refused (the watched secrets are RESTRICTIVE: ' +
        'their resource policies refuse every principal they do not name)';
    case 'mixed':
      return `${spec.description}, or a read was refused`;
    default:
      return spec.description;
  }
}

/**
 * The lists every pattern is rendered from, as they stand now: the accounts and keys of the
 * watched secrets, their readers and writers, and how reads are judged. A principal no CloudTrail
 * record can be matched on is reported on `monitor`.
 *
 * When every watched secret is RESTRICTIVE the readers are not collected at all: the read
 * detector lists none (see `ReadMode`), which is what lets the monitor scale with readers.
 *
 * @param breakGlassRoles roles whose every successful read alarms: never allowed readers
 */
export function collectPatternInputs(monitor: Construct, watches: readonly Watch[], breakGlassRoles: readonly iam.IRole[] = []): PatternInputs {
  const stack = Stack.of(monitor);
  const accounts: PatternValue[] = [];
  const keys: PatternValue[] = [];
  const readers = emptyPrincipalSet();
  const writers = emptyPrincipalSet();
  const restrictive = watches.filter((w) => w.restrictive).length;
  const readMode: ReadMode = restrictive === 0 ? 'allow-list' : restrictive === watches.length ? 'restrictive' : 'mixed';
  const addUnique = (list: PatternValue[], value: PatternValue) => {
    if (!list.some((v) => v.text === value.text)) {
      list.push(value);
    }
  };
  for (const w of watches) {
    addUnique(accounts, accountValue(w.secret.env.account));
    if (w.secret.encryptionKey) {
      addUnique(keys, keyValue(w.secret.encryptionKey.keyArn));
    }
    if (readMode !== 'restrictive') {
      addAll(monitor, readers, w, w.readers());
    }
    addAll(monitor, writers, w, w.writers());
    if (w.rotationRole) {
      // Rotation reads AWSPENDING / AWSCURRENT and writes AWSPENDING.
      if (readMode !== 'restrictive') {
        addPrincipal(readers, w.rotationRole);
      }
      addPrincipal(writers, w.rotationRole);
    }
  }
  if (accounts.length === 0) {
    accounts.push(accountValue(stack.account));
  }
  const privileged = emptyPrincipalSet();
  for (const role of breakGlassRoles) {
    addPrincipal(privileged, role);
  }
  if (privileged.roles.length === 0) {
    return { accounts, keys, readers, writers, readMode };
  }
  // A break-glass role is never an allowed reader, whatever it was granted.
  const breakGlass = new Set(privileged.roles.map((r) => r.text));
  const allowed = { ...readers, roles: readers.roles.filter((r) => !breakGlass.has(r.text)) };
  return { accounts, keys, readers: allowed, writers, readMode, privilegedReaders: privileged.roles };
}

function addAll(monitor: Construct, set: MutablePrincipalSet, w: Watch, grantables: iam.IGrantable[]): void {
  for (const g of grantables) {
    if (!addPrincipal(set, g)) {
      Annotations.of(monitor).addWarningV2(
        'cdk-hardened-secrets:monitor-unmatched-principal',
        `${g.grantPrincipal} (allowed for ${w.secret.node.path}) has no identity a CloudTrail record can be matched on; its calls will alarm`,
      );
    }
  }
}

/** Runs `finalize` when the aspects visit `target`: after the app is built, before the templates are rendered. */
export class FinalizeOnVisit implements IAspect {
  constructor(private readonly target: IConstruct, private readonly finalize: () => void) {}

  public visit(node: IConstruct): void {
    if (node === this.target) {
      this.finalize();
    }
  }
}

/** The regions a secret is replicated to: those of an `IHardenedSecret`, or the `ReplicaRegions` of an L1 secret. */
function replicaRegions(secret: secretsmanager.ISecret): string[] {
  if (HardenedSecret.isHardenedSecret(secret)) {
    return secret.replicaRegionNames;
  }
  const cfn = secret.node.defaultChild;
  if (cfn instanceof secretsmanager.CfnSecret) {
    const replicas = Stack.of(cfn).resolve(cfn.replicaRegions) as unknown;
    return (Array.isArray(replicas) ? replicas : [])
      .map((r: { region?: unknown; Region?: unknown } | undefined) => r?.region ?? r?.Region)
      .filter((r): r is string => typeof r === 'string');
  }
  return [];
}
