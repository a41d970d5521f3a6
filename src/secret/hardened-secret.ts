import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KnownPrincipals, restrictiveKeyStatement, restrictiveStatements, SecretAccessMode } from './access-mode';
import { GrantToFunctionOptions } from './consumer-options';
import { grantBatchRead, grantToFunction } from './consumers';
import { IHardenedSecret, isMarkedHardenedSecret, markHardenedSecret } from './contract';
import { grantKeyUse, readCondition, WRITE_ACTIONS, WRITE_KEY_ACTIONS } from './grants';
import { HardenedSecretProps } from './hardened-secret-props';
import { HardenedSecretAttributes, ImportedHardenedSecret } from './imported-secret';
import { validateHardenedSecretProps } from './props-validation';
import { SecretReplication, validateReplicaRegions } from './replication';
import { applyResourcePolicy, SecretPrincipals } from './resource-policy';
import { SecretKey } from '../key/secret-key';
import { checkRotationThroughEndpoints, validateNoReplicas } from '../network/require-vpc-endpoint';
import { acknowledge, LITERAL_VALUE_RULE_ID } from '../private/acknowledgements';
import { DEFAULTS, TAG_KEYS } from '../private/defaults';
import { deploymentRoleArns } from '../private/deployment';
import { PropsValidator } from '../private/validation';
import { RotationKind } from '../rotation/rotation-policy';

/**
 * An AWS Secrets Manager secret that is hardened by default.
 *
 * - encrypted with a customer-managed `SecretKey` (never `aws/secretsmanager`);
 * - a resource policy with `BlockPublicPolicy`, that denies deletion and replication changes
 *   to all but the break-glass roles, policy changes to all but those and the deployment
 *   role, and any request without TLS;
 * - reads granted on `AWSCURRENT` only, decryption only through Secrets Manager;
 * - rotation chosen explicitly; tags for owner, environment, classification and rotation;
 * - retained when removed from the stack.
 *
 * It is a `secretsmanager.Secret`, so it goes wherever aws-cdk-lib accepts one.
 */
export class HardenedSecret extends secretsmanager.Secret implements IHardenedSecret {
  /**
   * Whether `x` is an `IHardenedSecret` of this library: a `HardenedSecret`, or a secret imported
   * with `fromHardenedSecretAttributes` or the `fromSecret*` methods of this class.
   *
   * @param x any object
   */
  public static isHardenedSecret(x: unknown): x is IHardenedSecret {
    return isMarkedHardenedSecret(x);
  }

  /**
   * Imports a secret made elsewhere as an `IHardenedSecret`, with grants that work where
   * aws-cdk-lib's imports do not: `kms:Decrypt` through Secrets Manager on the secret's key
   * (aws-cdk issue 10160), `-??????` after a partial ARN or a name (issues 12411, 20490), and
   * the replicas' ARNs and keys (issue 17382). It cannot change the secret: grants go into the
   * grantees' policies only (a grantee in another account also needs the secret's resource policy
   * and key policy, where the secret is defined).
   *
   * @param scope the scope
   * @param id the id
   * @param attrs exactly one of the complete ARN, the partial ARN and the name; the key and the replicas
   */
  public static fromHardenedSecretAttributes(scope: Construct, id: string, attrs: HardenedSecretAttributes): IHardenedSecret {
    return ImportedHardenedSecret.fromAttributes(scope, id, attrs);
  }

  /**
   * Imports a secret by its complete ARN, with the grants of `fromHardenedSecretAttributes` (its key
   * is not known, so grants name every key of its account and region, through Secrets Manager
   * only). The result is an `IHardenedSecret` (`HardenedSecret.isHardenedSecret` says so), typed
   * `ISecret` as the method it overrides.
   *
   * @param scope the scope
   * @param id the id
   * @param secretCompleteArn the ARN with the six characters Secrets Manager appends
   */
  public static fromSecretCompleteArn(scope: Construct, id: string, secretCompleteArn: string): secretsmanager.ISecret {
    return ImportedHardenedSecret.fromAttributes(scope, id, { secretCompleteArn });
  }

  /**
   * Imports a secret by its partial ARN, with the grants of `fromHardenedSecretAttributes`; an
   * `IHardenedSecret` typed `ISecret` (see `fromSecretCompleteArn`).
   *
   * @param scope the scope
   * @param id the id
   * @param secretPartialArn the ARN without the six characters Secrets Manager appends
   */
  public static fromSecretPartialArn(scope: Construct, id: string, secretPartialArn: string): secretsmanager.ISecret {
    return ImportedHardenedSecret.fromAttributes(scope, id, { secretPartialArn });
  }

  /**
   * Imports a secret of the scope's account and region by name, with the grants of
   * `fromHardenedSecretAttributes`; an `IHardenedSecret` typed `ISecret` (see `fromSecretCompleteArn`).
   *
   * @param scope the scope
   * @param id the id
   * @param secretName the name of the secret
   */
  public static fromSecretNameV2(scope: Construct, id: string, secretName: string): secretsmanager.ISecret {
    return ImportedHardenedSecret.fromAttributes(scope, id, { secretName });
  }

  /**
   * Imports a secret by aws-cdk-lib's attributes, with the grants of `fromHardenedSecretAttributes`
   * (which also takes replica regions); an `IHardenedSecret` typed `ISecret` (see `fromSecretCompleteArn`).
   *
   * @param scope the scope
   * @param id the id
   * @param attrs the complete or partial ARN, and the key
   */
  public static fromSecretAttributes(scope: Construct, id: string, attrs: secretsmanager.SecretAttributes): secretsmanager.ISecret {
    return ImportedHardenedSecret.fromAttributes(scope, id, {
      secretCompleteArn: attrs.secretCompleteArn,
      secretPartialArn: attrs.secretPartialArn,
      secretKey: attrs.encryptionKey,
    });
  }

  /**
   * Grants `secretsmanager:BatchGetSecretValue` and read access to each of `secrets`.
   *
   * `BatchGetSecretValue` has no resource-level permission, so it is granted on `"*"`. For a role,
   * user or group created in this app it goes into a customer-managed policy of its own,
   * `<grantee>/BatchGetSecretValuePolicy` (one per grantee, reused by later calls), where the
   * `AwsSolutions-IAM5[Resource::*]` finding is acknowledged: a `"*"` added later to the grantee's
   * other policies is still reported. Any other grantee (an imported role, an account) gets the
   * statement the way aws-cdk-lib's grants add it, and no acknowledgement.
   * Secrets Manager also checks `GetSecretValue` on each secret, which is granted on each ARN only,
   * with each secret's own `grantRead` (for a `HardenedSecret`: the `AWSCURRENT` version only).
   *
   * @param grantee the principal
   * @param secrets the secrets it reads in a batch, by ARN (`SecretIdList`)
   * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html
   */
  public static grantBatchRead(grantee: iam.IGrantable, secrets: secretsmanager.ISecret[]): iam.Grant {
    return grantBatchRead(grantee, secrets);
  }

  /** The customer-managed KMS key that encrypts the secret. */
  public readonly secretKey: kms.IKey;

  /** The KMS key that encrypts the secret: always `secretKey`. */
  public readonly encryptionKey?: kms.IKey;

  /** How the secret rotates. */
  public readonly rotationKind: RotationKind;

  /** The value of the `rotation` tag, e.g. `hosted-30d`. */
  public readonly rotationLabel: string;

  /** The function that rotates the secret, when it is a construct of the app. */
  public readonly rotationFunction?: lambda.IFunction;

  /** The roles CloudFormation deploys the secret's stack as, when they were given. */
  public readonly deploymentRoles?: iam.IRole[];

  /** Who the resource policy lets through. */
  public readonly accessMode: SecretAccessMode;

  /** The roles that may delete the secret, change its replication and change its resource policy. */
  public readonly breakGlassRoles: iam.IRole[];

  /** Replica regions, their keys, and the grants that follow them. */
  private readonly replication: SecretReplication;

  private readonly readers: iam.IGrantable[] = [];
  private readonly writers: iam.IGrantable[] = [];

  /** The principals a restrictive secret lets through; undefined in the standard mode. */
  private readonly knownPrincipals?: KnownPrincipals;

  /** The value of `requireVpcEndpoint`: a secret read only through them cannot be replicated. */
  private readonly requiredEndpoints?: ec2.IVpcEndpoint[];

  constructor(scope: Construct, id: string, props: HardenedSecretProps) {
    validateHardenedSecretProps(scope, id, props);
    const removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;

    super(scope, id, {
      secretName: props.secretName,
      description: props.description,
      generateSecretString: props.generateSecretString,
      secretStringValue: props.secretStringValue,
      secretObjectValue: props.secretObjectValue,
      removalPolicy,
    });

    // The key is a child of the secret, so it cannot exist before super(): attach it here.
    this.secretKey = props.encryptionKey ?? new SecretKey(this, 'Key', { removalPolicy, deploymentRoles: props.deploymentRoles });
    this.encryptionKey = this.secretKey;
    (this.node.defaultChild as secretsmanager.CfnSecret).kmsKeyId = this.secretKey.keyArn;
    this.requiredEndpoints = props.requireVpcEndpoint;
    this.replication = new SecretReplication(this, removalPolicy);
    for (const replica of props.replicaRegions ?? []) {
      this.replication.add(replica);
    }

    markHardenedSecret(this);
    this.rotationKind = props.rotation.kind;
    this.rotationLabel = props.rotation._label;
    this.deploymentRoles = props.deploymentRoles;
    this.breakGlassRoles = [...props.breakGlassRoles ?? []];

    const stack = Stack.of(this);
    const principals: SecretPrincipals = {
      breakGlassArns: (props.breakGlassRoles ?? []).map((role) => role.roleArn),
      deploymentArns: deploymentRoleArns(stack, props.deploymentRoles),
      deploymentMayDelete: removalPolicy === RemovalPolicy.DESTROY,
      keyArn: this.secretKey.keyArn,
    };
    applyResourcePolicy(this, principals, removalPolicy, props.requireVpcEndpoint);

    const rotation = props.rotation._bind(this, this.replication);
    this.rotationFunction = rotation.rotationFunction;

    this.accessMode = props.accessMode ?? SecretAccessMode.STANDARD;
    if (this.accessMode.isRestrictive) {
      // One list, read at synthesis, renders both policies: grants made later land in it.
      const known = new KnownPrincipals(this);
      known.add(() => [...principals.breakGlassArns, ...principals.deploymentArns]);
      known.add(() => this.readers);
      known.add(() => this.writers);
      known.add(() => (this.rotationFunction?.role ? [this.rotationFunction.role] : []));
      const { additionalPrincipals = [], rotationRole } = this.accessMode._options;
      known.add(() => [...additionalPrincipals, ...rotationRole ? [rotationRole] : []]);
      this.knownPrincipals = known;
      for (const statement of restrictiveStatements(known.arns, this.accessMode._options.organizationId)) {
        this.addToResourcePolicy(statement);
      }
      if (props.encryptionKey === undefined) {
        this.secretKey.addToResourcePolicy(restrictiveKeyStatement(known.arns));
      }
    }
    if (props.requireVpcEndpoint !== undefined) {
      checkRotationThroughEndpoints(this, props.requireVpcEndpoint, rotation.network);
    }

    if (props.plaintextJustification !== undefined && (props.secretStringValue !== undefined || props.secretObjectValue !== undefined)) {
      // The literal was accepted with a justification: record it where the pack looks.
      acknowledge(this.node.defaultChild!, LITERAL_VALUE_RULE_ID, `Literal value accepted: ${props.plaintextJustification.trim()}`);
    }

    const tags: Array<[string, string | undefined]> = [
      [TAG_KEYS.owner, props.owner],
      [TAG_KEYS.environment, props.environment],
      [TAG_KEYS.dataClassification, props.dataClassification],
      [TAG_KEYS.rotation, this.rotationLabel],
    ];
    for (const [key, value] of tags) {
      if (value !== undefined) {
        Tags.of(this).add(key, value);
      }
    }

    for (const reader of props.readers ?? []) {
      this.grantRead(reader);
    }
  }

  /**
   * Refused: a `HardenedSecret` rotates as its `rotation` prop says, and a second schedule would
   * contradict it (Secrets Manager keeps one rotation configuration per secret).
   *
   * @param id the id the schedule would have had
   * @param options the schedule that is refused
   */
  public addRotationSchedule(id: string, options: secretsmanager.RotationScheduleOptions): secretsmanager.RotationSchedule {
    return new PropsValidator(this).refuse(
      `addRotationSchedule('${id}')`,
      `a second rotation schedule (${options.hostedRotation ? 'hosted rotation' : 'a rotation function'})`,
      'none: set the `rotation` prop (SecretRotationPolicy.hosted, .lambda, .custom or .none)',
    );
  }

  /**
   * Does nothing: the resource policy already denies `DeleteSecret` to every principal but the
   * break-glass roles (and the deployment roles with `RemovalPolicy.DESTROY`).
   *
   * aws-cdk-lib calls this when a rotation schedule is added; its statement denies
   * `DeleteSecret` to the account root, which in a resource policy binds every principal of the
   * account, break glass included, so a rotating secret could never be deleted.
   */
  public denyAccountRootDelete(): void {
    // Intentionally empty; see above.
  }

  /**
   * Grants read access to the secret's value and metadata, and decryption through Secrets Manager.
   *
   * Reads are pinned to the stages given (`AWSCURRENT` by default): a request that names another
   * stage (`AWSPENDING`, `AWSPREVIOUS`) is refused. A request that names no stage, or only a
   * `VersionId` (what AWS's caching clients and the JDBC driver send), is allowed: IAM cannot tell
   * which stage a version id is in, so a reader that knows the id of an older version can read it.
   * Rotation code that must read `AWSPENDING` passes the stages it needs.
   *
   * A grantee in another account is added to the resource policy and to the key policy.
   *
   * @param grantee the principal
   * @param versionStages the stages the grantee may read
   * @default versionStages ['AWSCURRENT']
   */
  public grantRead(grantee: iam.IGrantable, versionStages?: string[]): iam.Grant {
    this.knownPrincipals?.check(grantee, 'grantRead');
    const conditions = readCondition(this, versionStages);
    const value = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.arnForPolicies, ...this.replicaSecretArns],
      resource: this,
      conditions,
    });
    const metadata = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['secretsmanager:DescribeSecret'],
      resourceArns: [this.arnForPolicies, ...this.replicaSecretArns],
      resource: this,
    });
    grantKeyUse(this, this.secretKey, grantee, ['kms:Decrypt']);
    this.replication?.grantRead(grantee);
    this.readers.push(grantee);
    return value.combine(metadata);
  }

  /**
   * Grants writing new versions of the secret and moving its stages, with the key use this needs
   * through Secrets Manager. `UpdateSecret` is not granted: it could change the secret's key.
   *
   * @param grantee the principal
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    this.knownPrincipals?.check(grantee, 'grantWrite');
    const grant = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: WRITE_ACTIONS,
      resourceArns: [this.arnForPolicies],
      resource: this,
    });
    // PutSecretValue with a customer-managed key needs GenerateDataKey and Decrypt.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
    grantKeyUse(this, this.secretKey, grantee, WRITE_KEY_ACTIONS);
    // Replicas are read-only; their keys re-encrypt each version the grantee writes.
    this.replication?.grantWrite(grantee);
    this.writers.push(grantee);
    return grant;
  }

  /** The principals granted read access through this secret so far. */
  public get grantedReaders(): iam.IGrantable[] {
    return [...this.readers];
  }

  /** The principals granted write access through this secret so far. */
  public get grantedWriters(): iam.IGrantable[] {
    return [...this.writers];
  }

  /** The regions this secret is replicated to. */
  public get replicaRegionNames(): string[] {
    return this.replication?.regions ?? [];
  }

  /**
   * The ARNs of the replicas: the primary's ARN with the region replaced.
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
   */
  public get replicaSecretArns(): string[] {
    return this.replication?.secretArns ?? [];
  }

  /**
   * The ARN of the replica in `region`.
   *
   * @param region a replica region of this secret
   */
  public replicaSecretArn(region: string): string {
    if (!this.replicaRegionNames.includes(region)) {
      const v = new PropsValidator(this);
      v.fail('replicaSecretArn region', region, `a replica region of this secret: ${this.replicaRegionNames.join(', ') || 'none'}`);
      v.throwIfInvalid();
    }
    return this.replication.replicaArn(region);
  }

  /**
   * Replicates the secret to one more region, with the same rules as the `replicaRegions` prop
   * (so not a secret with `requireVpcEndpoint`).
   *
   * @param region the replica region
   * @param encryptionKey the key of the replica, in that region
   * @default encryptionKey - a new `SecretKey` in a replica-key stack for that region
   */
  public addReplicaRegion(region: string, encryptionKey?: kms.IKeyRef): void {
    const key = encryptionKey === undefined || (encryptionKey as kms.IKey).keyArn !== undefined
      ? encryptionKey as kms.IKey | undefined
      : kms.Key.fromKeyArn(this, `ReplicaKey${region}`, encryptionKey.keyRef.keyArn);
    const v = new PropsValidator(this);
    validateReplicaRegions(v, Stack.of(this), [{ region, encryptionKey: key }], 'addReplicaRegion', this.replicaRegionNames);
    validateNoReplicas(v, this.requiredEndpoints, [region], 'addReplicaRegion');
    v.throwIfInvalid();
    this.replication.add({ region, encryptionKey: key });
  }

  /**
   * Lets a Lambda function read the secret: `grantRead` (the `AWSCURRENT` version), an
   * environment variable holding the secret's ARN (never its value) and, optionally, the AWS
   * Parameters and Secrets Lambda extension with a cache TTL.
   *
   * @param fn the function, in this secret's region
   * @param options the variable name and extension settings
   */
  public grantToFunction(fn: lambda.Function, options: GrantToFunctionOptions = {}): iam.Grant {
    return grantToFunction(this, fn, options);
  }


}
