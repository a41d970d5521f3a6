import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEFAULTS } from '../private/defaults';
import { deploymentRoleArns } from '../private/deployment';
import { denyGrantsNotForAwsResources } from '../private/kms';
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
   * Principals that administer the key (policy, rotation, aliases, deletion).
   *
   * Administrators get no cryptographic permission: they cannot decrypt a secret with this key.
   * When you name administrators, the CloudFormation execution role of the stack is added to
   * them, because KMS refuses a key policy that would lock out the principal creating it.
   *
   * @default - the account root, which delegates administration to IAM policies of the account
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

const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * A customer-managed KMS key for Secrets Manager secrets.
 *
 * - automatic yearly rotation of the key material;
 * - usable for cryptography only through Secrets Manager in this region (`kms:ViaService`) by
 *   principals of this account (`kms:CallerAccount`), and only when an IAM policy also allows it;
 * - administrators cannot decrypt;
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
