/**
 * The one bucket that holds the Guard Hook rules for a whole organisation: in the deploying
 * (management or delegated administrator) account, KMS-encrypted, versioned, TLS-only, its access
 * logged, readable by the hook execution roles of the organisation's accounts and by nobody else
 * outside this account, writable only from this account.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { rulesBucketAcknowledgements } from './acknowledgements';
import { logServerAccess, sendObjectEventsToEventBridge } from '../private/access-logged-bucket';
import { acknowledge } from '../private/acknowledgements';
import { denyGrantsNotForAwsResources } from '../private/kms';

/** The prefix of the rules bucket's server access logs in the access logs bucket. */
export const ACCESS_LOG_PREFIX = 'guard-rules-bucket/';

/** What the rules bucket is made from. */
export interface RulesBucketOptions {
  /** The organisation whose accounts may read the rules (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** The object key of the rules. */
  readonly objectKey: string;
  /**
   * The ARN pattern (`ArnLike`) of the roles that may read the rules: the hook execution roles
   * the member stack creates, in any account of the organisation.
   */
  readonly readerRoleArnPattern: string;
  /** What happens to the buckets and the key when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** Where the server access logs go; a new bucket unless given. */
  readonly accessLogsBucket?: s3.IBucket;
}

/** The rules bucket and what protects it. */
export interface RulesBucket {
  readonly bucket: s3.Bucket;
  /** The access logs bucket, when the rollout created it. */
  readonly accessLogsBucket?: s3.Bucket;
  readonly key: kms.Key;
}

/** The S3 object actions that change or remove an object or its protection. */
export const OBJECT_WRITE_ACTIONS = [
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectTagging',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:RestoreObject',
];

/**
 * What a Guard Hook execution role needs to read its rules.
 *
 * @see https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/guard-hooks-prepare-to-create-hook.html
 */
export const RULES_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];

/**
 * Creates the rules bucket, its access-logs bucket and their key under `scope`.
 */
export function createRulesBucket(scope: Construct, options: RulesBucketOptions): RulesBucket {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'RulesKey', {
    description: 'Encrypts the Guard Hook rules shared with the organisation, and their access logs',
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  key.addToResourcePolicy(denyGrantsNotForAwsResources());
  const orgReader = {
    StringEquals: { 'aws:PrincipalOrgID': options.organizationId },
    ArnLike: { 'aws:PrincipalArn': options.readerRoleArnPattern },
  };
  // A hook role of another account decrypts through S3 only, in the bucket's region; S3 lets it
  // read nothing but the rules object (bucket policy below).
  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'OrganizationHookRolesDecryptRules',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        ...orgReader.StringEquals,
        'kms:ViaService': `s3.${stack.region}.amazonaws.com`,
      },
      ArnLike: orgReader.ArnLike,
    },
  }));

  const bucketProps: s3.BucketProps = {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    // Every hook invocation of every account downloads the rules: a bucket key spares KMS most calls.
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    // Object Lock without a default retention: a published rules version can be locked (legal
    // hold or retention) so that the version every hook pins cannot be deleted.
    objectLockEnabled: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Non-current versions are kept long: a hook may still pin one while a rollout is under way.
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    removalPolicy: options.removalPolicy,
  };
  const ownAccessLogs = options.accessLogsBucket === undefined
    ? new s3.Bucket(scope, 'RulesAccessLogsBucket', bucketProps)
    : undefined;
  const bucket = new s3.Bucket(scope, 'RulesBucket', bucketProps);
  sendObjectEventsToEventBridge([ownAccessLogs, bucket]);
  logServerAccess(bucket, options.accessLogsBucket ?? ownAccessLogs!, ACCESS_LOG_PREFIX, ownAccessLogs ? key : undefined);

  // The hook execution roles of the organisation read the rules object, every version of it.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'OrganizationHookRolesReadRules',
    principals: [new iam.AnyPrincipal()],
    actions: RULES_READ_ACTIONS,
    resources: [bucket.arnForObjects(options.objectKey)],
    conditions: orgReader,
  }));
  // Whatever a later statement or an identity policy elsewhere says, only principals of this
  // account change what the hooks of the organisation enforce.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyObjectChangesFromOutsideTheAccount',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: OBJECT_WRITE_ACTIONS,
    resources: [bucket.arnForObjects('*')],
    conditions: { StringNotEquals: { 'aws:PrincipalAccount': stack.account } },
  }));

  for (const ack of rulesBucketAcknowledgements(ownAccessLogs !== undefined)) {
    const resource = ack.path.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), scope);
    acknowledge(resource, ack.rule, ack.reason);
  }
  return { bucket, accessLogsBucket: ownAccessLogs, key };
}
