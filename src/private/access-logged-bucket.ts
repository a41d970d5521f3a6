import { Stack, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';

/** Object-level events of each bucket to EventBridge (Control Tower CT.S3.PR.4), natively: no custom resource. */
export function sendObjectEventsToEventBridge(buckets: ReadonlyArray<s3.Bucket | undefined>): void {
  for (const b of buckets) {
    if (b) {
      (b.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }
}

/**
 * Server access logging of `bucket` into `target` under `prefix`, by bucket policy rather than
 * ACL, whatever the app's feature flags.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 *
 * When the construct made `target` itself, `targetKey` is the KMS key that encrypts it: `target`'s
 * policy then admits the log delivery service for `bucket` only (this account, this source), and
 * the key lets the service encrypt the logs (SSE-KMS). A target given by the app keeps its own
 * policies.
 */
export function logServerAccess(bucket: s3.Bucket, target: s3.IBucket, prefix: string, targetKey?: kms.IKey): void {
  const account = Stack.of(bucket).account;
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
  if (targetKey === undefined) {
    return;
  }
  target.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'S3ServerAccessLogsDelivery',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': account } },
  }));
  targetKey.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'S3ServerAccessLogsEncrypt',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': account } },
  }));
}
