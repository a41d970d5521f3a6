/**
 * What a `SecretsGuardHook` creates to keep its Guard output reports unless it is given a log
 * bucket: a customer-managed key, the log bucket and the bucket its server access logs go to.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { logServerAccess, sendObjectEventsToEventBridge } from '../private/access-logged-bucket';
import { denyGrantsNotForAwsResources } from '../private/kms';

/** The prefix of the log bucket's server access logs in the access logs bucket. */
export const ACCESS_LOG_PREFIX = 'guard-hook-log-bucket/';

/** What `createLogBucket` made. */
export interface HookLogBucket {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  /** The access logs bucket, when the hook created it. */
  readonly accessLogsBucket?: s3.Bucket;
}

/**
 * The hook's log bucket: SSE-KMS with a new rotated key, versioned, TLS-only, public access
 * blocked, ACLs disabled, Object Lock available, object events to EventBridge, reports expired
 * after `retention`, server access logs to `accessLogs` or to a new bucket hardened alike.
 *
 * A customer-managed key rather than S3-managed encryption: a Guard output report quotes the
 * property values a failed rule looked at, so a report on a template with a literal secret
 * value holds that value; reading a report then takes both `s3:GetObject` and `kms:Decrypt`.
 * HIPAA, NIST 800-53 R5, PCI DSS and Control Tower (CT.S3.PR.10) ask for SSE-KMS too.
 */
export function createLogBucket(
  hook: Construct,
  removalPolicy: RemovalPolicy,
  retention: Duration,
  accessLogs: s3.IBucket | undefined,
): HookLogBucket {
  const key = new kms.Key(hook, 'LogKey', {
    description: 'Encrypts the Guard output reports of the hardened-secrets Guard Hook',
    enableKeyRotation: true,
    removalPolicy,
  });
  key.addToResourcePolicy(denyGrantsNotForAwsResources());
  const props = (lifecycle: s3.LifecycleRule): s3.BucketProps => ({
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    // Object Lock without a default retention (Control Tower CT.S3.PR.9): objects can be locked,
    // the hook's writes still work.
    objectLockEnabled: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [lifecycle],
    removalPolicy,
  });
  const expiring: s3.LifecycleRule = {
    expiration: retention,
    noncurrentVersionExpiration: Duration.days(30),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  };
  const ownAccessLogs = accessLogs === undefined ? new s3.Bucket(hook, 'AccessLogsBucket', props(expiring)) : undefined;
  const bucket = new s3.Bucket(hook, 'LogBucket', props(expiring));
  sendObjectEventsToEventBridge([ownAccessLogs, bucket]);
  logServerAccess(bucket, accessLogs ?? ownAccessLogs!, ACCESS_LOG_PREFIX, ownAccessLogs ? key : undefined);
  return { bucket, key, accessLogsBucket: ownAccessLogs };
}
