import { Annotations, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RotationFunction } from './rotation-function';
import { ReplicaRotationGrants } from './rotation-grants';
import { RotationOptions } from './schedule-options';
import { scheduleGap } from '../analysis/schedule';
import { RotationNetwork } from '../network/require-vpc-endpoint';
import { SecretsManagerEndpoint } from '../network/secrets-manager-endpoint';
import { acknowledge, ROTATION_RULE_IDS } from '../private/acknowledgements';
import { DEFAULTS } from '../private/defaults';
import { isResolved, PropsValidator } from '../private/validation';

/**
 * What binding a rotation policy to a secret built (internal): everything the secret needs
 * afterwards, complete when `_bind` returns.
 */
export interface RotationBinding {
  /** The schedule resource; undefined without rotation. */
  readonly schedule?: secretsmanager.RotationSchedule;
  /** The rotation function when it is a construct of the app (not for hosted rotation). */
  readonly rotationFunction?: lambda.IFunction;
  /** How the rotation function reaches Secrets Manager; undefined without rotation. */
  readonly network?: RotationNetwork;
}

/**
 * The kind of rotation a secret has.
 */
export enum RotationKind {
  /** A rotation function that Secrets Manager hosts (RDS, Redshift, DocumentDB). */
  HOSTED = 'hosted',
  /** A rotation function that you provide. */
  LAMBDA = 'lambda',
  /** A `RotationFunction` of this library, wired with least-privilege permissions. */
  CUSTOM = 'custom',
  /** No rotation, with a recorded justification. */
  NONE = 'none',
  /** A secret imported without saying how it rotates: rotation is managed outside this app. */
  UNKNOWN = 'unknown',
}

/**
 * How a secret rotates. Rotation is a required, explicit choice: pick one of the factories.
 *
 * @example
 * SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser());
 * SecretRotationPolicy.lambda(myRotationFunction, { automaticallyAfter: Duration.days(7) });
 * SecretRotationPolicy.custom(new RotationFunction(this, 'TokenRotation', { vpc }));
 * SecretRotationPolicy.none('Third-party API key; the vendor offers no rotation API (TICKET-123)');
 */
export abstract class SecretRotationPolicy {
  /**
   * Rotation by a function that Secrets Manager hosts for you (RDS, Redshift, DocumentDB).
   *
   * The hosted function is created with the secret's KMS key; pass `vpc`, `vpcSubnets` and
   * `securityGroups` in the `HostedRotation` options for databases in a VPC. In a VPC the function
   * reaches Secrets Manager through the VPC's Secrets Manager endpoint made in this app before the
   * secret (`SecretsManagerEndpoint.of(vpc)`, or `vpc.addInterfaceEndpoint`), whose security group
   * then lets the function's groups in on 443. No endpoint is created for it: without one, a warning
   * (`cdk-hardened-secrets:hosted-rotation-endpoint`) says the function uses the VPC's routes.
   *
   * @param rotation e.g. `secretsmanager.HostedRotation.postgreSqlMultiUser({ masterSecret })`
   * @param options the schedule
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
   */
  public static hosted(rotation: secretsmanager.HostedRotation, options: RotationOptions = {}): SecretRotationPolicy {
    return new ScheduledRotation(RotationKind.HOSTED, options, { hostedRotation: rotation });
  }

  /**
   * Rotation by a Lambda function that implements the four rotation steps.
   *
   * The function's invoke permission for Secrets Manager is limited to this account.
   *
   * @param fn the rotation function
   * @param options the schedule
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html
   */
  public static lambda(fn: lambda.IFunction, options: RotationOptions = {}): SecretRotationPolicy {
    return new ScheduledRotation(RotationKind.LAMBDA, options, { rotationLambda: fn });
  }

  /**
   * Rotation by a `RotationFunction`: the built-in random-value rotator, or your rotator module
   * (`RotationCode.fromEntry`).
   *
   * The secret is wired to the function with least privilege:
   * - Secrets Manager may invoke the function only for this secret of this account
   *   (`SourceArn` and `SourceAccount` on the invoke permission);
   * - the function's role may `DescribeSecret`, `GetSecretValue`, `PutSecretValue` and
   *   `UpdateSecretVersionStage` on this secret only, without a version-stage condition
   *   (rotation reads `AWSPENDING`), and use the secret's key only through Secrets Manager.
   *
   * One function may rotate several secrets, of this stack or of other stacks of the same
   * account and region (a shared function in a platform stack): the permission and the grants
   * of each secret are made in the secret's stack, the grants of a stack's secrets packed into
   * as few managed policies as IAM's 6,144-character limit allows.
   *
   * @param fn the rotation function
   * @param options the schedule
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
   */
  public static custom(fn: RotationFunction, options: RotationOptions = {}): SecretRotationPolicy {
    return new ScheduledRotation(RotationKind.CUSTOM, options, { rotationFunction: fn });
  }

  /**
   * No rotation. The justification is recorded as the acknowledgement of every nag rule that
   * asks for rotation (AwsSolutions-SMG4, HIPAA, NIST 800-53 R5), so it appears in audit reports.
   *
   * @param justification why this secret cannot rotate, at least 10 characters
   */
  public static none(justification: string): SecretRotationPolicy {
    return new NoRotation(justification);
  }

  /** The kind of rotation. */
  public abstract readonly kind: RotationKind;

  /**
   * The value of the `rotation` tag: `hosted-30d`, `lambda-12h`, `custom-cron`, `none`.
   *
   * @internal
   */
  public abstract readonly _label: string;

  /**
   * The problems the factory found in its options, with prop names under `rotation`; the secret
   * reports them with its own path (the factory cannot know it).
   *
   * @internal
   */
  protected readonly _problems = new PropsValidator('rotation');

  /**
   * Reports the factory's problems into the validator of the secret being built.
   *
   * @internal
   */
  public _validate(v: PropsValidator): void {
    v.adopt(this._problems);
  }

  /**
   * Creates the rotation of a validated secret: its schedule, the function's permissions and
   * the network access of a hosted function. Called once, by the secret.
   *
   * @param secret the secret being built
   * @param replicas grants that follow the secret's replica keys, when it has replicas
   * @internal
   */
  public abstract _bind(secret: secretsmanager.Secret, replicas?: ReplicaRotationGrants): RotationBinding;
}

class ScheduledRotation extends SecretRotationPolicy {
  public readonly _label: string;
  private readonly schedule: ResolvedSchedule;

  constructor(
    public readonly kind: RotationKind,
    private readonly options: RotationOptions,
    private readonly target: RotationTarget,
  ) {
    super();
    if (kind === RotationKind.CUSTOM && !(target.rotationFunction instanceof RotationFunction)) {
      this._problems.fail('rotation (SecretRotationPolicy.custom function)', target.rotationFunction === undefined ? undefined : 'another object', 'a RotationFunction');
    }
    this.schedule = resolveSchedule(this._problems, 'rotation', options);
    this._label = `${kind}-${scheduleLabel(this.schedule)}`;
  }

  public _bind(secret: secretsmanager.Secret, replicas?: ReplicaRotationGrants): RotationBinding {
    const { schedule, endpoint } = this.createSchedule(secret, replicas);
    return {
      schedule,
      rotationFunction: this.target.rotationFunction?.function ?? this.target.rotationLambda,
      network: this.network(endpoint),
    };
  }

  /** How the rotation function reaches Secrets Manager (see `RotationNetwork`). */
  private network(hostedEndpoint?: ec2.IInterfaceVpcEndpoint): RotationNetwork {
    const { hostedRotation, rotationFunction, rotationLambda } = this.target;
    if (rotationFunction) {
      const endpoint = rotationFunction.secretsManagerEndpoint;
      return { name: `rotation function ${rotationFunction.node.path}`, inVpc: true, endpoint, withoutEndpoint: endpoint === undefined };
    }
    if (rotationLambda) {
      // An imported function does not say whether it is in a VPC.
      return { name: `rotation function ${rotationLambda.node.path}`, inVpc: rotationLambda instanceof lambda.Function ? rotationLambda.isBoundToVpc : undefined };
    }
    const inVpc = hostedRotation !== undefined && hostedRotationVpc(hostedRotation) !== undefined;
    return { name: 'the hosted rotation function', inVpc, endpoint: hostedEndpoint, withoutEndpoint: inVpc && hostedEndpoint === undefined };
  }

  /** Creates the schedule; returns it and the Secrets Manager endpoint a hosted rotation in a VPC uses. */
  private createSchedule(
    secret: secretsmanager.Secret,
    replicas?: ReplicaRotationGrants,
  ): { schedule: secretsmanager.RotationSchedule; endpoint?: ec2.IInterfaceVpcEndpoint } {
    const schedule = this.schedule;
    const custom = this.target.rotationFunction;
    // What Secret.addRotationSchedule does (same construct id), which HardenedSecret refuses to
    // users so that a secret never gets a second schedule outside its `rotation`.
    const rotation = new secretsmanager.RotationSchedule(secret, 'Rotation', {
      secret,
      hostedRotation: this.target.hostedRotation,
      // aws-cdk-lib grants a function it owns more than rotation needs (kms:ReEncrypt*,
      // kms:GenerateDataKey*, and an invoke permission from any account). It grants nothing to
      // a referenced function, so a RotationFunction is passed by reference and wired below.
      rotationLambda: custom
        ? lambda.Function.fromFunctionAttributes(secret, 'RotationFunction', { functionArn: custom.functionArn, sameEnvironment: true })
        : this.target.rotationLambda,
      // The interval is rendered below from the validated schedule; this only keeps
      // aws-cdk-lib's own checks consistent with it.
      automaticallyAfter: this.options.automaticallyAfter,
    });
    const cfn = rotation.node.defaultChild as secretsmanager.CfnRotationSchedule;
    cfn.rotationRules = { scheduleExpression: schedule.expression, duration: schedule.duration };
    cfn.rotateImmediatelyOnUpdate = schedule.rotateImmediatelyOnUpdate;

    // A hosted rotation function in a VPC calls the public Secrets Manager name, which the
    // endpoint's private DNS resolves to the endpoint: let its security group reach it.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-network-rotation.html
    const hosted = this.target.hostedRotation;
    const hostedVpc = hosted ? hostedRotationVpc(hosted) : undefined;
    // Found, never created: a VPC may have a Secrets Manager endpoint made outside the app, and a
    // second one with private DNS fails to deploy.
    let endpoint: ec2.IInterfaceVpcEndpoint | undefined;
    if (hosted && hostedVpc) {
      endpoint = SecretsManagerEndpoint._find(hostedVpc);
      if (endpoint !== undefined) {
        SecretsManagerEndpoint._allow(endpoint, hosted, `Secrets Manager API from the hosted rotation of ${secret.node.path}`);
      } else {
        Annotations.of(secret).addWarningV2('cdk-hardened-secrets:hosted-rotation-endpoint',
          `The hosted rotation of ${secret.node.path} runs in ${hostedVpc.node.path}, for which no Secrets Manager interface endpoint ` +
          'was made in this app before the secret: it reaches Secrets Manager through the VPC\'s routes (a NAT gateway), or not at all ' +
          'in subnets without internet access. Call SecretsManagerEndpoint.of(vpc) before creating the secret, or let the hosted ' +
          "rotation's security groups reach the VPC's existing endpoint.");
      }
    }

    if (custom) {
      // The permission and the grants are made in the secret's stack, so a function of another
      // stack adds no reference back to this one (no dependency cycle).
      const bound = custom._bindSecret(secret, rotation, replicas);
      // Secrets Manager invokes the function as soon as the schedule exists: the permission, the
      // grants and the role's own policies (children of the role) must be in place first. The
      // role of another stack becomes a dependency on that stack. On the schedule resource only:
      // the permission, a child of the schedule construct, needs none of them.
      cfn.node.addDependency(...bound, custom.role);
    }

    const fn = this.target.rotationLambda;
    if (fn) {
      // aws-cdk-lib lets secretsmanager.amazonaws.com invoke the function from any account
      // (the confused-deputy problem): pin the invoking account.
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
      for (const child of fn.node.children) {
        if (child instanceof lambda.CfnPermission && child.principal === 'secretsmanager.amazonaws.com') {
          child.sourceAccount = Stack.of(secret).account;
        }
      }
    }
    return { schedule: rotation, endpoint };
  }
}

/**
 * The VPC a hosted rotation runs in. aws-cdk-lib keeps its options private; `connections` only
 * works after binding and throws outside a VPC. A test pins this against aws-cdk-lib upgrades.
 */
function hostedRotationVpc(rotation: secretsmanager.HostedRotation): ec2.IVpc | undefined {
  return (rotation as unknown as { readonly props?: { readonly vpc?: ec2.IVpc } }).props?.vpc;
}

/** What a scheduled rotation rotates with: exactly one of these. */
interface RotationTarget {
  readonly hostedRotation?: secretsmanager.HostedRotation;
  readonly rotationLambda?: lambda.IFunction;
  readonly rotationFunction?: RotationFunction;
}

class NoRotation extends SecretRotationPolicy {
  public readonly kind = RotationKind.NONE;
  public readonly _label = 'none';

  constructor(private readonly justification: string) {
    super();
    this._problems.check(
      typeof justification === 'string' && justification.trim().length >= DEFAULTS.minJustificationLength,
      'rotation (SecretRotationPolicy.none justification)',
      justification,
      `a reason of at least ${DEFAULTS.minJustificationLength} characters`,
    );
  }

  public _bind(secret: secretsmanager.Secret): RotationBinding {
    const resource = secret.node.defaultChild!;
    for (const id of ROTATION_RULE_IDS) {
      acknowledge(resource, id, `Rotation waived: ${this.justification.trim()}`);
    }
    return {};
  }
}

/** A rotation schedule after validation, ready to render. */
export interface ResolvedSchedule {
  /** `rate(...)` or `cron(...)`. */
  readonly expression: string;
  /** The interval in hours, when the expression is a rate. */
  readonly intervalHours?: number;
  /** `Nh`, or undefined. */
  readonly duration?: string;
  readonly rotateImmediatelyOnUpdate?: boolean;
}

/**
 * Validates the schedule options into `v` (prop names prefixed with `prefix`) and resolves them.
 */
function resolveSchedule(v: PropsValidator, prefix: string, options: RotationOptions = {}): ResolvedSchedule {
  const minHours = DEFAULTS.minRotationInterval.toHours();
  const maxHours = DEFAULTS.maxRotationInterval.toHours();
  const range = `from ${minHours} hours to ${DEFAULTS.maxRotationInterval.toDays()} days`;

  let expression: string;
  let intervalHours: number | undefined;
  if (options.automaticallyAfter && options.scheduleExpression) {
    v.conflict([`${prefix}.automaticallyAfter`, `${prefix}.scheduleExpression`], 'give one of them, not both');
  }
  if (options.scheduleExpression !== undefined) {
    expression = options.scheduleExpression;
    if (isResolved(expression)) {
      // The grammar the pack and the report read schedules with: a schedule this accepts is one
      // they can judge, and one that never fires (cron(0 0 31 2 ? *)) is refused here too.
      const prop = `${prefix}.scheduleExpression`;
      const grammar = "'rate(N hours|days)' or 'cron(minutes hours day-of-month month day-of-week year)'";
      let gap: ReturnType<typeof scheduleGap> | undefined;
      try {
        gap = scheduleGap(expression);
      } catch (e) {
        v.fail(prop, expression, `${grammar}: ${(e as Error).message}`);
      }
      if (gap !== undefined && gap.rateHours !== undefined) {
        intervalHours = gap.rateHours;
        v.check(intervalHours >= minHours && intervalHours <= maxHours, prop, expression, `a rate ${range}`);
      } else if (gap !== undefined) {
        v.check(Number.isFinite(gap.hours), prop, expression, `a cron schedule that keeps firing (${gap.explanation})`);
      }
    }
  } else {
    const after = options.automaticallyAfter ?? DEFAULTS.rotationInterval;
    if (after.isUnresolved()) {
      expression = `rate(${after.toDays()} days)`;
    } else {
      const hours = after.toHours({ integral: false });
      v.check(
        Number.isInteger(hours) && hours >= minHours && hours <= maxHours,
        `${prefix}.automaticallyAfter`,
        after,
        `whole hours ${range}`,
      );
      intervalHours = hours;
      expression = hours % 24 === 0 ? `rate(${hours / 24} ${hours === 24 ? 'day' : 'days'})` : `rate(${hours} hours)`;
    }
  }

  let duration: string | undefined;
  if (options.window) {
    const hours = options.window.toHours({ integral: false });
    const okHours =
      Number.isInteger(hours) && hours >= DEFAULTS.minRotationWindowHours && hours <= DEFAULTS.maxRotationWindowHours;
    v.check(
      okHours,
      `${prefix}.window`,
      options.window,
      `whole hours from ${DEFAULTS.minRotationWindowHours} to ${DEFAULTS.maxRotationWindowHours}`,
    );
    if (okHours && intervalHours !== undefined && hours >= intervalHours) {
      v.fail(`${prefix}.window`, options.window, `shorter than the rotation interval (${intervalHours} hours)`);
    }
    duration = `${hours}h`;
  }
  return { expression, intervalHours, duration, rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate };
}

/** A short, tag-safe summary of a schedule: `30d`, `12h`, `cron`. */
function scheduleLabel(schedule: ResolvedSchedule): string {
  const h = schedule.intervalHours;
  if (h === undefined) {
    return schedule.expression.startsWith('cron') ? 'cron' : 'custom';
  }
  return h % 24 === 0 ? `${h / 24}d` : `${h}h`;
}
