import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEFAULTS } from '../private/defaults';
import { deploymentRoleArns } from '../private/deployment';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { measurePolicy, POLICY_SIZE_LIMITS } from '../private/policy-size';
import { futurePath, isResolved, PropsValidator } from '../private/validation';

/**
 * Properties of a `SecretKey`.
 */
export interface SecretKeyProps {
  /**
   * The alias of the key, starting with `alias/`.
   *
   * @default - `alias/secrets/<unique id of this construct>`
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
   */
  readonly aliasName?: string;

  /**
   * A description of the key.
   *
   * @default 'Encrypts AWS Secrets Manager secrets; usable only through Secrets Manager'
   */
  readonly description?: string;

  /**
   * Principals that administer the key (policy, rotation, aliases, deletion): only they (and the
   * CloudFormation execution role of the stack, because KMS refuses a key policy that would lock
   * out the principal creating it) can disable the key, schedule its deletion or change its policy.
   * Every principal of the account can still read the key's metadata (`DescribeKey`,
   * `GetKeyRotationStatus`, ...), as AWS Config and Security Hub need.
   *
   * The key policy gives administrators no cryptographic permission. That alone does not stop
   * them decrypting: key use through Secrets Manager is delegated to the account's IAM policies,
   * so a principal whose IAM policies allow `kms:Decrypt` and `secretsmanager:GetSecretValue`
   * (e.g. `AdministratorAccess`) can read the secret.
   *
   * @default - the account root: administration is delegated to the account's IAM policies, so any
   *   principal whose IAM policies allow it (e.g. `AdministratorAccess`) can administer the key
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
   */
  readonly admins?: iam.IPrincipal[];

  /**
   * Roles CloudFormation deploys this stack as; used only when `admins` is given.
   *
   * @default - the CloudFormation execution role of the stack's `DefaultStackSynthesizer`
   */
  readonly deploymentRoles?: iam.IRole[];

  /**
   * How long KMS waits before deleting the key once deletion is scheduled (7 to 30 days).
   *
   * @default Duration.days(30)
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-scheduling-key-deletion
   */
  readonly pendingWindow?: Duration;

  /**
   * What happens to the key when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Create a multi-Region primary key, for secrets replicated to other regions.
   *
   * @default false
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
   */
  readonly multiRegion?: boolean;

  /**
   * Let every principal of the account use the key through Secrets Manager without a KMS
   * permission of its own, as the AWS managed key `aws/secretsmanager` does. Who can read a
   * secret is then decided by Secrets Manager permissions alone.
   *
   * Leave this off for keys of new secrets: `HardenedSecret.grantRead` grants the decrypt
   * permission. `SecretGuardrails` in `ENFORCE` mode turns it on for the key it adds to
   * existing secrets, so that readers granted before the key existed keep working.
   *
   * @default false - principals also need `kms:Decrypt` in their identity policy
   */
  readonly accountWideUse?: boolean;
}

/**
 * Administrative KMS actions on one key; none of them reads or writes data.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 */
const ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReplicateKey',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
];

/**
 * What Secrets Manager needs of a customer-managed key, as the `aws/secretsmanager` key grants it.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
 */
const SECRETS_MANAGER_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:CreateGrant',
  'kms:DescribeKey',
];

/**
 * Key metadata every principal of the account may read when administration is limited to named
 * admins: AWS Config's `cmk-backing-key-rotation-enabled` (Security Hub KMS.4) reads the rotation
 * status with the account's service-linked role.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/cmk-backing-key-rotation-enabled.html
 */
const METADATA_READ_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListResourceTags',
];

const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * A customer-managed KMS key for Secrets Manager secrets.
 *
 * - automatic yearly rotation of the key material;
 * - usable for cryptography only through Secrets Manager in this region (`kms:ViaService`) by
 *   principals of this account (`kms:CallerAccount`), and only when an IAM policy also allows it;
 * - administration by the account's IAM policies, or only by the named `admins`;
 * - grants may be created only for AWS resources (Control Tower CT.KMS.PR.3);
 * - retained when removed from the stack.
 *
 * One key can encrypt many secrets.
 */
export class SecretKey extends kms.Key {
  /** The alias of this key. */
  public readonly alias: kms.IAlias;

  constructor(scope: Construct, id: string, props: SecretKeyProps = {}) {
    const stack = Stack.of(scope);
    validateSecretKeyProps(futurePath(scope, id), stack, props);

    super(scope, id, {
      description: props.description ?? 'Encrypts AWS Secrets Manager secrets; usable only through Secrets Manager',
      enableKeyRotation: true,
      pendingWindow: props.pendingWindow ?? DEFAULTS.keyPendingWindow,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
      multiRegion: props.multiRegion,
      policy: secretKeyPolicy(stack, props),
    });

    this.node.addValidation({ validate: () => (this.policy ? validateKeyPolicySize(this, this.policy) : []) });

    this.alias = new kms.Alias(this, 'Alias', {
      aliasName: props.aliasName ?? `alias/secrets/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      targetKey: this,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
  }
}

function validateSecretKeyProps(path: string, stack: Stack, props: SecretKeyProps): void {
  const v = new PropsValidator(path);
  if (props.pendingWindow && !props.pendingWindow.isUnresolved()) {
    const days = props.pendingWindow.toDays({ integral: false });
    v.check(
      Number.isInteger(days) && days >= DEFAULTS.minKeyPendingWindowDays && days <= DEFAULTS.maxKeyPendingWindowDays,
      'pendingWindow',
      props.pendingWindow,
      `whole days from ${DEFAULTS.minKeyPendingWindowDays} to ${DEFAULTS.maxKeyPendingWindowDays}`,
    );
  }
  if (props.aliasName !== undefined && isResolved(props.aliasName)) {
    v.check(
      ALIAS_PATTERN.test(props.aliasName) && !props.aliasName.startsWith('alias/aws/'),
      'aliasName',
      props.aliasName,
      "'alias/' followed by 1 to 250 of [a-zA-Z0-9/_-], not starting with 'alias/aws/'",
    );
  }
  if (props.removalPolicy !== undefined) {
    // SNAPSHOT is for data stores; CloudFormation rejects it on keys.
    const allowed = [RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY];
    v.check(allowed.includes(props.removalPolicy), 'removalPolicy', props.removalPolicy, allowed.join(', '));
  }
  if (props.admins !== undefined) {
    v.check(props.admins.length > 0, 'admins', '[]', 'at least one principal, or omit the prop for the account root');
    // KMS refuses a key policy that would lock out the principal creating the key.
    v.check(
      deploymentRoleArns(stack, props.deploymentRoles).length > 0,
      'deploymentRoles',
      undefined,
      'the roles CloudFormation deploys as, required with `admins` when the stack synthesizer is not DefaultStackSynthesizer',
    );
  }
  v.throwIfInvalid();
}

/** KMS refuses a key policy over its size limit at deployment: refuse it at synth. */
function validateKeyPolicySize(key: SecretKey, policy: iam.PolicyDocument): string[] {
  const limit = POLICY_SIZE_LIMITS.keyPolicy;
  const size = measurePolicy(Stack.of(key), policy, limit);
  const v = new PropsValidator(key);
  v.check(
    size.characters <= limit,
    'key policy (admins and grants to principals of other accounts)',
    `${size.principals} principals in ${size.statements} statements, up to ${size.characters} characters once deployed`,
    `at most ${limit} characters (the KMS limit): grant fewer principals of other accounts, or one AccountPrincipal per account`,
  );
  try {
    v.throwIfInvalid();
  } catch (e) {
    return [(e as Error).message];
  }
  return [];
}

/** The whole key policy, built from the props alone. */
function secretKeyPolicy(stack: Stack, props: SecretKeyProps): iam.PolicyDocument {
  const admins: iam.IPrincipal[] = props.admins
    ? [
      ...props.admins,
      ...deploymentRoleArns(stack, props.deploymentRoles).map((arn) => new iam.ArnPrincipal(arn)),
    ]
    : [new iam.AccountRootPrincipal()];

  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'KeyAdministration',
        principals: admins,
        actions: ADMIN_ACTIONS,
        resources: ['*'],
      }),
      ...(props.admins
        ? [new iam.PolicyStatement({
          sid: 'KeyMetadataReadableByAccount',
          principals: [new iam.AccountRootPrincipal()],
          actions: METADATA_READ_ACTIONS,
          resources: ['*'],
        })]
        : []),
      new iam.PolicyStatement({
        sid: 'UseThroughSecretsManagerOnly',
        // With AnyPrincipal the CallerAccount condition below keeps use inside the account.
        principals: [props.accountWideUse ? new iam.AnyPrincipal() : new iam.AccountRootPrincipal()],
        actions: SECRETS_MANAGER_USE_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: {
            // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
            'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`,
            // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
            'kms:CallerAccount': stack.account,
          },
        },
      }),
      denyGrantsNotForAwsResources(),
    ],
  });
}
