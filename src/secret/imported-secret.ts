import { Annotations, Arn, ArnFormat, Fn, Resource, SecretsManagerSecretOptions, SecretValue, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SecretAccessMode } from './access-mode';
import { IHardenedSecret, markHardenedSecret } from './contract';
import { grantKeyUse, grantUnknownKeyUse, readCondition, WRITE_ACTIONS, WRITE_KEY_ACTIONS } from './grants';
import { futurePath, isResolved, PropsValidator } from '../private/validation';
import { RotationKind } from '../rotation/rotation-policy';

/**
 * A secret made elsewhere (another app, the console, another tool), for `HardenedSecret.fromHardenedSecretAttributes`.
 *
 * Give exactly one of `secretCompleteArn`, `secretPartialArn` and `secretName`.
 */
export interface HardenedSecretAttributes {
  /**
   * The complete ARN of the secret, with the six characters Secrets Manager appends to the name.
   *
   * @default - one of `secretPartialArn` or `secretName`
   */
  readonly secretCompleteArn?: string;

  /**
   * The ARN of the secret without the six characters Secrets Manager appends: grants name
   * `<partial ARN>-??????`.
   *
   * @default - one of `secretCompleteArn` or `secretName`
   */
  readonly secretPartialArn?: string;

  /**
   * The name of the secret, in the account and region of the scope's stack: grants name
   * `<ARN of the name>-??????`.
   *
   * @default - one of `secretCompleteArn` or `secretPartialArn`
   */
  readonly secretName?: string;

  /**
   * The customer-managed key that encrypts the secret. Grants add `kms:Decrypt` (and, for
   * writers, `kms:GenerateDataKey`) on it to the grantee's policy, through Secrets Manager only.
   *
   * @default - not known: grants name every key of the secret's account and region, through
   * Secrets Manager of that region only (acknowledged as `AwsSolutions-IAM5` with the reason)
   */
  readonly secretKey?: kms.IKey;

  /**
   * The regions the secret is replicated to, each with the key of its replica. Grants cover the
   * replica ARNs (the secret's ARN with the region replaced) and their keys.
   *
   * @default - no replicas
   */
  readonly replicaRegions?: secretsmanager.ReplicaRegion[];

  /**
   * How the secret rotates, where it is defined.
   *
   * @default RotationKind.UNKNOWN
   */
  readonly rotationKind?: RotationKind;
}

/** The ARN forms an import starts from, validated. */
interface ImportedArns {
  /** The ARN grants name: the complete ARN, or a partial one followed by `-??????`. */
  readonly policyArn: string;
  /** `secretArn`: the complete ARN, or the partial one. */
  readonly secretArn: string;
  readonly secretFullArn?: string;
}

/** What Secrets Manager appends to a secret's name in its ARN. */
const SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * An `IHardenedSecret` made elsewhere. It cannot change the secret (no resource policy, no
 * rotation): its grants go into the grantees' policies, with the key use Secrets Manager needs
 * and the replicas' ARNs, which aws-cdk-lib's imports leave out (aws-cdk issues 10160, 17382,
 * 12411 and 20490).
 */
export class ImportedHardenedSecret extends Resource implements IHardenedSecret {
  /**
   * Imports a secret; validates the attributes.
   *
   * @param scope the scope
   * @param id the id
   * @param attrs the secret's ARN or name, key and replicas
   */
  public static fromAttributes(scope: Construct, id: string, attrs: HardenedSecretAttributes): IHardenedSecret {
    const v = new PropsValidator(futurePath(scope, id));
    const arns = importedArns(v, Stack.of(scope), attrs);
    validateReplicas(v, attrs.replicaRegions);
    v.throwIfInvalid();
    return new ImportedHardenedSecret(scope, id, attrs, arns!);
  }

  public readonly encryptionKey?: kms.IKey;
  public readonly secretArn: string;
  public readonly secretFullArn?: string;
  public readonly secretName: string;
  public readonly rotationKind: RotationKind;
  public readonly rotationFunction?: lambda.IFunction;
  public readonly deploymentRoles?: iam.IRole[];
  public readonly accessMode = SecretAccessMode.STANDARD;
  public readonly breakGlassRoles: iam.IRole[] = [];
  public readonly replicaRegionNames: string[];
  private readonly replicas: secretsmanager.ReplicaRegion[];
  private readonly policyArn: string;
  private readonly base: secretsmanager.ISecret;
  private readonly readers: iam.IGrantable[] = [];
  private readonly writers: iam.IGrantable[] = [];

  private constructor(scope: Construct, id: string, attrs: HardenedSecretAttributes, arns: ImportedArns) {
    super(scope, id, { environmentFromArn: arns.secretArn });
    markHardenedSecret(this);
    // aws-cdk-lib's import does the naming, values and dynamic references; grants are made here.
    this.base = secretsmanager.Secret.fromSecretAttributes(this, 'Secret', arns.secretFullArn !== undefined
      ? { secretCompleteArn: arns.secretFullArn, encryptionKey: attrs.secretKey }
      : { secretPartialArn: arns.secretArn, encryptionKey: attrs.secretKey });
    this.encryptionKey = attrs.secretKey;
    this.secretArn = arns.secretArn;
    this.secretFullArn = arns.secretFullArn;
    this.secretName = this.base.secretName;
    this.policyArn = arns.policyArn;
    this.rotationKind = attrs.rotationKind ?? RotationKind.UNKNOWN;
    this.replicas = [...attrs.replicaRegions ?? []];
    this.replicaRegionNames = this.replicas.map((r) => r.region);
  }

  public get secretRef(): secretsmanager.SecretReference {
    return this.base.secretRef;
  }

  public get secretValue(): SecretValue {
    return this.base.secretValue;
  }

  /** The ARN of each replica, in the order of `replicaRegionNames`. */
  public get replicaSecretArns(): string[] {
    return this.replicaRegionNames.map((region) => replicaArn(this.policyArn, region));
  }

  public get grantedReaders(): iam.IGrantable[] {
    return [...this.readers];
  }

  public get grantedWriters(): iam.IGrantable[] {
    return [...this.writers];
  }

  public secretValueFromJson(key: string): SecretValue {
    return this.base.secretValueFromJson(key);
  }

  public cfnDynamicReferenceKey(options?: SecretsManagerSecretOptions): string {
    return this.base.cfnDynamicReferenceKey(options);
  }

  /**
   * Grants reading the value (the stages given, `AWSCURRENT` by default, as `HardenedSecret`
   * does) and the metadata of the secret and its replicas, and decryption through Secrets Manager.
   *
   * @param grantee the principal
   * @param versionStages the stages the grantee may read
   * @default versionStages ['AWSCURRENT']
   */
  public grantRead(grantee: iam.IGrantable, versionStages?: string[]): iam.Grant {
    const arns = [this.policyArn, ...this.replicaSecretArns];
    const value = iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: arns,
      conditions: readCondition(this, versionStages),
    });
    const metadata = iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:DescribeSecret'], resourceArns: arns });
    this.grantKeys(grantee, ['kms:Decrypt'], ['kms:Decrypt']);
    this.warnIfOtherAccount(grantee);
    this.readers.push(grantee);
    return value.combine(metadata);
  }

  /**
   * Grants writing new versions of the secret and moving its stages, with the key use this needs
   * through Secrets Manager (and, for each replica, what replicating the new version needs).
   *
   * @param grantee the principal
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: WRITE_ACTIONS,
      resourceArns: [this.policyArn],
    });
    this.grantKeys(grantee, WRITE_KEY_ACTIONS, ['kms:GenerateDataKey', 'kms:Encrypt']);
    this.warnIfOtherAccount(grantee);
    this.writers.push(grantee);
    return grant;
  }

  /**
   * Refused: the rotation of an imported secret is set where the secret is defined.
   *
   * @param id the id the schedule would have had
   * @param _options the schedule that is refused
   */
  public addRotationSchedule(id: string, _options: secretsmanager.RotationScheduleOptions): secretsmanager.RotationSchedule {
    return new PropsValidator(this).refuse(`addRotationSchedule('${id}')`, 'a rotation schedule for an imported secret',
      'none: set the rotation where the secret is defined (HardenedSecret rotation prop)');
  }

  /**
   * Adds nothing: the resource policy of an imported secret belongs to where it is defined.
   *
   * @param _statement the statement
   */
  public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: false };
  }

  /** Does nothing: the resource policy of an imported secret belongs to where it is defined. */
  public denyAccountRootDelete(): void {
    // Intentionally empty.
  }

  public attach(target: secretsmanager.ISecretAttachmentTarget): secretsmanager.ISecret {
    return this.base.attach(target);
  }

  /** A grantee of another account also needs the secret's resource policy, which is not here. */
  private warnIfOtherAccount(grantee: iam.IGrantable): void {
    const account = grantee.grantPrincipal.principalAccount;
    if (account !== undefined && Token.compareStrings(this.env.account, account) === TokenComparison.DIFFERENT) {
      Annotations.of(this).addWarningV2('cdk-hardened-secrets:imported-secret-cross-account',
        `${grantee.grantPrincipal} is in account ${account}, the secret in ${this.env.account}: an imported secret's resource policy ` +
        'and key policy cannot be changed here, so allow the principal where the secret is defined (HardenedSecret grantRead there)');
    }
  }

  /** Key use for the primary (`actions`) and for each replica (`replicaActions`). */
  private grantKeys(grantee: iam.IGrantable, actions: string[], replicaActions: string[]): void {
    if (this.encryptionKey !== undefined) {
      grantKeyUse(this, this.encryptionKey, grantee, actions);
    } else {
      grantUnknownKeyUse(Stack.of(this), this.env.region, this.env.account, grantee, actions);
    }
    for (const replica of this.replicas) {
      const alias = aliasNameOf(replica.encryptionKey);
      if (replica.encryptionKey !== undefined && alias === undefined) {
        grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: replicaActions,
          resources: [replica.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${replica.region}.amazonaws.com` } },
        }));
      } else if (alias !== undefined) {
        grantUnknownKeyUse(Stack.of(this), replica.region, this.env.account, grantee, replicaActions, alias);
      } else {
        grantUnknownKeyUse(Stack.of(this), replica.region, this.env.account, grantee, replicaActions);
      }
    }
  }
}

/** Validates which ARN or name was given and returns the ARNs the import uses. */
function importedArns(v: PropsValidator, stack: Stack, attrs: HardenedSecretAttributes): ImportedArns | undefined {
  const given = (['secretCompleteArn', 'secretPartialArn', 'secretName'] as const).filter((k) => attrs[k] !== undefined);
  if (given.length !== 1) {
    v.conflict(given.length === 0 ? ['secretCompleteArn', 'secretPartialArn', 'secretName'] : [...given], 'give exactly one of them');
    return undefined;
  }
  if (attrs.secretCompleteArn !== undefined) {
    const arn = attrs.secretCompleteArn;
    if (isResolved(arn)) {
      const ok = isSecretArn(arn) && SUFFIX.test(arn);
      v.check(ok, 'secretCompleteArn', arn, "a secret ARN ending in '-' and the six characters Secrets Manager appends (else give secretPartialArn)");
    }
    return { policyArn: arn, secretArn: arn, secretFullArn: arn };
  }
  if (attrs.secretPartialArn !== undefined) {
    const arn = attrs.secretPartialArn;
    if (isResolved(arn)) {
      v.check(isSecretArn(arn), 'secretPartialArn', arn, 'arn:<partition>:secretsmanager:<region>:<account>:secret:<name>');
      // Secrets Manager reads a name ending in '-' and six characters as a complete ARN.
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen
      v.check(!SUFFIX.test(arn), 'secretPartialArn', arn, "a partial ARN not ending in '-' and six characters (that is a complete ARN: give secretCompleteArn)");
    }
    return { policyArn: `${arn}-??????`, secretArn: arn };
  }
  const name = attrs.secretName!;
  if (isResolved(name)) {
    v.check(/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name), 'secretName', name, '1 to 512 of A-Z a-z 0-9 / _ + = . @ -');
  }
  const arn = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return { policyArn: `${arn}-??????`, secretArn: arn };
}

function isSecretArn(arn: string): boolean {
  try {
    const parts = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME);
    return parts.service === 'secretsmanager' && parts.resource === 'secret' && !!parts.resourceName && !!parts.region && !!parts.account;
  } catch {
    return false;
  }
}

function validateReplicas(v: PropsValidator, replicas: secretsmanager.ReplicaRegion[] | undefined): void {
  const seen = new Set<string>();
  (replicas ?? []).forEach((replica, i) => {
    const region: unknown = replica?.region;
    const ok = typeof region === 'string' && isResolved(region) && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) && !seen.has(region);
    v.check(ok, `replicaRegions[${i}].region`, region, 'a region name known at synth (e.g. eu-west-1), each once');
    if (typeof region === 'string') {
      seen.add(region);
    }
  });
}

/**
 * The alias name of a replica key given as an alias: a key of another region is named by its alias
 * (an alias of this app's other stack, or one imported by name), never by the alias ARN.
 */
function aliasNameOf(key: kms.IKey | undefined): string | undefined {
  const name = (key as Partial<kms.IAlias> | undefined)?.aliasName;
  return typeof name === 'string' ? name : undefined;
}

/** The ARN of the replica in `region`: the secret's ARN with the region replaced. */
function replicaArn(arn: string, region: string): string {
  if (!Token.isUnresolved(arn)) {
    const parts = arn.split(':');
    return [...parts.slice(0, 3), region, ...parts.slice(4)].join(':');
  }
  const parts = Fn.split(':', arn, 7);
  return Fn.join(':', [...parts.slice(0, 3), region, ...parts.slice(4)]);
}
