import { Annotations, Aspects, Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { collectPatternInputs, Detectors, FinalizeOnVisit, Watch } from './detectors';
import { DETECTORS, SecretEventKind } from './event-kinds';
import { DetectorType, ISecretAccessMonitor, SecretAccessMonitorProps, WatchOptions } from './monitor-props';
import { createMonitorKey, createMonitorTopic, createMonitorTrail } from './monitor-trail';
import { EVENT_PATTERN_DEFAULT_MAX_LENGTH, PatternInputs } from './patterns';
import { deploymentReaders } from './principals';
import {
  DEFAULT_ACCESS_DENIED_THRESHOLD, DEFAULT_NAMESPACE, DEFAULT_PERIOD, DEFAULT_UNUSED_DAYS, validateMonitorProps,
} from './props-validation';
import { scheduleGap } from '../analysis/schedule';
import { SecretsConfigRules } from '../guard/config-rules';
import { DEFAULTS } from '../private/defaults';
import { futurePath, HardenedSecretsValidationError } from '../private/validation';
import { RotationKind } from '../rotation/rotation-policy';
import { HardenedSecret } from '../secret/hardened-secret';

/**
 * Detective controls for Secrets Manager: CloudTrail events on secrets and their keys become
 * CloudWatch alarms (or EventBridge rules) that notify an SNS topic.
 *
 * The cost does not grow with the number of secrets: there is one detector per event kind
 * (`SecretEventKind`), whatever the number of watched secrets. Watching a secret only adds its
 * readers, writers, rotation role, account and key to the lists the patterns are rendered from,
 * and, for each distinct rotation function of the app, one alarm on the function's errors.
 * When an allow-list no longer fits CloudWatch's 1,024-character filter pattern, that event kind
 * becomes an EventBridge rule (up to the event pattern quota); beyond that, synthesis fails.
 *
 * Nor does it grow with the number of readers when every watched secret is a `HardenedSecret` in
 * `SecretAccessMode.RESTRICTIVE`: their resource policies refuse every principal they do not
 * name, so `UNEXPECTED_READ` lists no reader; it alarms on refused reads and on reads by the
 * `breakGlassRoles`.
 *
 * @example
 * const monitor = new SecretAccessMonitor(this, 'Monitor', {
 *   cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(this, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
 * });
 * monitor.watch(new HardenedSecret(this, 'Db', { rotation, readers: [appRole] }));
 */
export class SecretAccessMonitor extends Construct implements ISecretAccessMonitor {
  /** The topic alarms and rules notify. */
  public readonly topic: sns.ITopic;

  /** The log group the metric filters read. */
  public readonly logGroup: logs.ILogGroup;

  /** The trail, when the monitor created one. */
  public readonly trail?: cloudtrail.Trail;

  /** The CloudWatch namespace of the metrics. */
  public readonly metricNamespace: string;

  /** The customer-managed key of the topic and the trail, when the monitor created one. */
  public readonly key?: kms.IKey;

  private readonly props: SecretAccessMonitorProps;
  private readonly watches: Watch[] = [];
  private readonly detectors: Detectors;
  /** One alarm per distinct rotation function, in the order the functions were first watched. */
  private readonly functionAlarms: Array<{ readonly fn: lambda.IFunction; readonly alarm: cloudwatch.Alarm }> = [];
  private finalized = false;

  constructor(scope: Construct, id: string, props: SecretAccessMonitorProps = {}) {
    validateMonitorProps(futurePath(scope, id), props);
    super(scope, id);
    this.props = props;
    this.metricNamespace = props.metricNamespace ?? DEFAULT_NAMESPACE;
    const removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;

    const needsKey = props.topic === undefined || props.cloudTrailLogGroup === undefined;
    const key = needsKey ? createMonitorKey(this, removalPolicy, props.cloudTrailLogGroup === undefined) : undefined;
    this.key = key;

    if (props.topic) {
      this.topic = props.topic;
    } else {
      this.topic = createMonitorTopic(this, key!);
    }

    if (props.cloudTrailLogGroup) {
      this.logGroup = props.cloudTrailLogGroup;
    } else {
      const trail = createMonitorTrail(this, key!, props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy);
      this.trail = trail.trail;
      this.logGroup = trail.logGroup;
    }

    this.detectors = new Detectors(this, {
      logGroup: this.logGroup,
      topic: this.topic,
      metricNamespace: this.metricNamespace,
      alarmPeriod: this.alarmPeriod(),
      accessDeniedThreshold: props.accessDeniedThreshold ?? DEFAULT_ACCESS_DENIED_THRESHOLD,
      maxEventPatternLength: props.maxEventPatternLength ?? EVENT_PATTERN_DEFAULT_MAX_LENGTH,
      watches: this.watches,
      patternInputs: () => this.patternInputs(),
    });
    // Every detector whose pattern depends on no allow-list exists now; its pattern is rendered
    // at synthesis from the secrets watched by then.
    this.detectors.createFixedDetectors();

    // The detectors with an allow-list are built once every grant is known: their form (metric
    // filter or EventBridge rule) depends on the length of the list.
    Aspects.of(this).add(new FinalizeOnVisit(this, () => this._finalize()));

    if (props.configRules) {
      this.createConfigRules(props.unusedSecretDays ?? DEFAULT_UNUSED_DAYS);
    }
  }

  /**
   * Watches a secret: its readers, writers, rotation role, account and key join the lists the
   * detectors are rendered from. Adds no resource.
   */
  public watch(secret: secretsmanager.ISecret, options: WatchOptions = {}): void {
    if (this.finalized) {
      throw new HardenedSecretsValidationError(this.node.path, [
        `watch(${secret.node.path}) was called during synthesis, after the monitor built its detectors; call it while building the app`,
      ]);
    }
    const readers = options.allowedReaders ?? [];
    const writers = options.allowedWriters ?? [];
    let rotationFunction = options.rotationFunction;
    if (HardenedSecret.isHardenedSecret(secret)) {
      // CloudFormation resolves {{resolve:secretsmanager:...}} as the deployment roles.
      const deployment = deploymentReaders(Stack.of(secret), secret.deploymentRoles);
      this.watches.push({
        secret,
        restrictive: secret.accessMode?.isRestrictive === true,
        readers: () => [...deployment, ...secret.grantedReaders, ...readers],
        writers: () => [...secret.grantedWriters, ...writers],
        rotationRole: options.rotationRole ?? (rotationFunction ?? secret.rotationFunction)?.role,
      });
      rotationFunction = rotationFunction ?? secret.rotationFunction;
      if (secret.rotationKind === RotationKind.HOSTED && options.rotationRole === undefined) {
        Annotations.of(secret).addWarningV2(
          'cdk-hardened-secrets:monitor-hosted-rotation-role',
          'Hosted rotation creates its Lambda role at deployment, so the monitor cannot exempt it: each rotation raises the ' +
            'WRITE_OUTSIDE_ROTATION alarm. Once deployed, add the role with monitor.watch(secret, { rotationRole }).',
        );
      }
    } else {
      this.watches.push({
        secret,
        // Its resource policy is not known here.
        restrictive: false,
        // Read at synthesis: principals pushed to the lists later count too.
        readers: () => readers,
        writers: () => writers,
        rotationRole: options.rotationRole ?? rotationFunction?.role,
      });
    }
    if (rotationFunction) {
      this.watchRotationFunction(secret, rotationFunction);
    }
  }

  /**
   * The alarms on the `Errors` metric of the watched secrets' rotation functions: one per
   * distinct function, in the order the functions were first watched.
   */
  public rotationFunctionAlarms(): cloudwatch.IAlarm[] {
    return this.functionAlarms.map((f) => f.alarm);
  }

  /**
   * The metric of one event kind: the count of matching CloudTrail events, or for a kind built as
   * an EventBridge rule, the rule's `MatchedEvents`.
   *
   * @param kind the event kind
   * @param options overrides, as aws-cdk-lib's `metricXxx(props?)` take them
   * @default options - the sum over the monitor's alarm period
   */
  public metric(kind: SecretEventKind, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.detectors.metric(kind, options);
  }

  /**
   * How the detector of an event kind is built. Known once the app is synthesised for the kinds
   * with an allow-list (`UNEXPECTED_READ`, `WRITE_OUTSIDE_ROTATION`).
   *
   * @returns the type, or undefined before synthesis for the kinds with an allow-list
   */
  public detectorType(kind: SecretEventKind): DetectorType | undefined {
    return this.detectors.detectorType(kind);
  }

  /**
   * The alarm of an event kind, when it is built as a metric filter (see `detectorType`).
   */
  public alarm(kind: SecretEventKind): cloudwatch.IAlarm | undefined {
    return this.detectors.alarm(kind);
  }

  /**
   * Builds the detectors that depend on the allow-lists, the dashboard; called once, at synthesis.
   *
   * @internal
   */
  public _finalize(): void {
    if (this.finalized) {
      return;
    }
    this.finalized = true;
    this.detectors.createAllowListDetectors();
    if (this.props.dashboard) {
      this.createDashboard();
    }
  }

  private alarmPeriod(): Duration {
    return this.props.alarmPeriod ?? DEFAULT_PERIOD;
  }

  /**
   * One alarm per distinct rotation function (not per secret), on its `Errors` metric, whose
   * only dimension is `FunctionName`.
   * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
   */
  private watchRotationFunction(secret: secretsmanager.ISecret, fn: lambda.IFunction): void {
    if (this.functionAlarms.some((f) => sameFunction(f.fn, fn))) {
      return;
    }
    // Lambda publishes the metric in the function's account and region; an alarm can only
    // watch a metric of its own.
    const stack = Stack.of(this);
    if (differs(fn.env.account, stack.account) || differs(fn.env.region, stack.region)) {
      Annotations.of(this).addWarningV2(
        'cdk-hardened-secrets:monitor-rotation-function-elsewhere',
        `The rotation function ${fn.node.path} of ${secret.node.path} is in ${fn.env.account}/${fn.env.region}, not in the monitor's ` +
          `${stack.account}/${stack.region}: its errors are not alarmed; alarm on them in that account and region`,
      );
      return;
    }
    let scope = this.node.tryFindChild('RotationFunctionErrors') as Construct | undefined;
    scope ??= new Construct(this, 'RotationFunctionErrors');
    // The id follows the function's path: stable as long as the function is not moved.
    const alarm = new cloudwatch.Alarm(scope, Names.uniqueId(fn), {
      alarmDescription: `The rotation function ${fn.node.path} reported errors: a rotation step threw or timed out. ` +
        'See its log group; the rotation stays pending until a retry succeeds.',
      metric: this.rotationFunctionMetric(fn),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    alarm.addAlarmAction(new cw_actions.SnsAction(this.topic));
    this.functionAlarms.push({ fn, alarm });
  }

  private rotationFunctionMetric(fn: lambda.IFunction): cloudwatch.Metric {
    return fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: this.alarmPeriod() });
  }

  private createDashboard(): void {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    dashboard.addWidgets(...DETECTORS.map((spec) => new cloudwatch.GraphWidget({
      title: spec.description,
      left: [this.metric(spec.kind)],
      width: 8,
      height: 6,
    })));
    dashboard.addWidgets(...this.functionAlarms.map(({ fn }) => new cloudwatch.GraphWidget({
      title: `Errors of the rotation function ${fn.node.path}`,
      left: [this.rotationFunctionMetric(fn)],
      width: 8,
      height: 6,
    })));
  }

  private createConfigRules(unusedDays: number): void {
    // The id `Default` is left out of logical ids: the five managed rules keep the logical ids
    // they had when the monitor created them itself, so an update does not replace them (and
    // lose their evaluation history).
    new SecretsConfigRules(this, 'Default', {
      maxRotationDays: Lazy.number({ produce: () => this.maxRotationDays() }),
      unusedForDays: unusedDays,
    });
  }

  /** The longest gap between two rotations among the watched secrets, in whole days. */
  private maxRotationDays(): number {
    let hours = 0;
    for (const w of this.watches) {
      for (const child of w.secret.node.findAll()) {
        if (!(child instanceof secretsmanager.CfnRotationSchedule)) {
          continue;
        }
        const rules = Stack.of(child).resolve(child.rotationRules) as { scheduleExpression?: unknown; automaticallyAfterDays?: unknown } | undefined;
        const expression = typeof rules?.scheduleExpression === 'string'
          ? rules.scheduleExpression
          : typeof rules?.automaticallyAfterDays === 'number' ? `rate(${rules.automaticallyAfterDays} days)` : undefined;
        if (expression !== undefined) {
          try {
            hours = Math.max(hours, scheduleGap(expression).hours);
          } catch {
            // An expression Secrets Manager would refuse: the nag pack reports it.
          }
        }
      }
    }
    const days = hours === 0 || !Number.isFinite(hours) ? DEFAULTS.rotationInterval.toDays() : Math.ceil(hours / 24);
    return days;
  }

  /** The lists every pattern is rendered from, as they stand now. */
  private patternInputs(): PatternInputs {
    // The break-glass roles of the RESTRICTIVE secrets watched: their reads alarm too.
    const ofSecrets = this.watches.flatMap((w) => (w.restrictive && HardenedSecret.isHardenedSecret(w.secret) ? w.secret.breakGlassRoles : []));
    return collectPatternInputs(this, this.watches, [...this.props.breakGlassRoles ?? [], ...ofSecrets]);
  }
}

/** The same function: the same construct, or the same literal ARN imported twice. */
function sameFunction(a: lambda.IFunction, b: lambda.IFunction): boolean {
  return a === b || (!Token.isUnresolved(a.functionArn) && a.functionArn === b.functionArn);
}

/** Two environment values known at synth that are not the same. */
function differs(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}
