/**
 * The nag acknowledgements `SecretAccessMonitor` places on the trail it creates, with their
 * reasons. Not exported from the package: the tests list them, the construct applies them.
 * Each names the rule and, through `path`, the exact resource below the monitor.
 */

const REPLICATION_REASON =
  'Cross-Region replication needs a second bucket in another region, which one stack cannot create. The trail is ' +
  'multi-Region, its log files are integrity-validated and versioned, and every event is also delivered to the ' +
  'CloudWatch Logs log group; replicate the bucket from the organisation log-archive account if required.';

const ACCESS_LOGS_NOT_LOGGED_REASON =
  'This is the server access logs bucket of the trail bucket; logging it to itself would loop, and logging it to a ' +
  'third bucket would only move the question. It is versioned, TLS-only and blocks public access.';

const LOGS_ROLE_INLINE_REASON =
  'aws-cdk-lib\'s cloudtrail.Trail creates this role and its policy for CloudTrail alone (only cloudtrail.amazonaws.com ' +
  'may assume it); the policy allows CreateLogStream and PutLogEvents on one log group and is attached to that one role, ' +
  'so a managed policy would add a resource without adding control.';

const LOGS_ROLE_WILDCARD_REASON =
  'CloudTrail names the log streams it creates in the trail log group at run time; the role may only ' +
  'CreateLogStream and PutLogEvents, and only in that one log group (log-group:<name>:*).';

/** One acknowledgement of the monitor: the path below the monitor, the rule, why. */
export interface MonitorAcknowledgement {
  /** Construct path relative to the monitor, e.g. `AccessLogsBucket/Resource`. */
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** Every acknowledgement of a monitor that creates its own trail. */
export const TRAIL_ACKNOWLEDGEMENTS: readonly MonitorAcknowledgement[] = [
  { path: 'AccessLogsBucket/Resource', rule: 'AwsSolutions-S1', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
  { path: 'AccessLogsBucket/Resource', rule: 'HIPAA.Security-S3BucketLoggingEnabled', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
  { path: 'AccessLogsBucket/Resource', rule: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
  { path: 'AccessLogsBucket/Resource', rule: 'PCI.DSS.321-S3BucketLoggingEnabled', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
  { path: 'AccessLogsBucket/Resource', rule: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { path: 'AccessLogsBucket/Resource', rule: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { path: 'AccessLogsBucket/Resource', rule: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { path: 'TrailBucket/Resource', rule: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { path: 'TrailBucket/Resource', rule: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { path: 'TrailBucket/Resource', rule: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { path: 'Trail/LogsRole/DefaultPolicy/Resource', rule: 'AwsSolutions-IAM5', reason: LOGS_ROLE_WILDCARD_REASON },
  { path: 'Trail/LogsRole/DefaultPolicy/Resource', rule: 'HIPAA.Security-IAMNoInlinePolicy', reason: LOGS_ROLE_INLINE_REASON },
  { path: 'Trail/LogsRole/DefaultPolicy/Resource', rule: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: LOGS_ROLE_INLINE_REASON },
  { path: 'Trail/LogsRole/DefaultPolicy/Resource', rule: 'PCI.DSS.321-IAMNoInlinePolicy', reason: LOGS_ROLE_INLINE_REASON },
];

/**
 * The AWS Control Tower proactive controls (cfn-guard) the new trail cannot pass, with why.
 * cfn-guard has no acknowledgements: the tests compare the violations with this list.
 */
export const CONTROL_TOWER_EXCEPTIONS: readonly MonitorAcknowledgement[] = [
  { path: 'AccessLogsBucket/Resource', rule: 's3_bucket_logging_enabled_check', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
];
