/**
 * The nag acknowledgements `SecretsGuardHook` places on what it creates, with their reasons. Not
 * exported from the package: the tests list them, the construct applies them. Each names the
 * rule and, through `path`, the exact resource below the hook.
 */

const REPLICATION_REASON =
  'Cross-Region replication needs a second bucket in another region, which one stack cannot create. The bucket holds ' +
  'Guard Hook output reports, which CloudFormation also shows in the stack events and the hook invocation summary; ' +
  'it is versioned, KMS-encrypted and TLS-only. Replicate it from a central account if required.';

const ACCESS_LOGS_NOT_LOGGED_REASON =
  'This is the server access logs bucket of the Guard Hook log bucket; logging it to itself would loop, and logging it ' +
  'to a third bucket would only move the question. It is versioned, KMS-encrypted, TLS-only and blocks public access. ' +
  'Give accessLogsBucket to log to an existing bucket instead.';

const LOG_OBJECTS_WILDCARD_REASON =
  'CloudFormation names the Guard output reports it writes at each invocation; the execution role may only PutObject ' +
  'under the one log bucket of this hook (<bucket>/*), and read nothing there.';

/** One acknowledgement of the hook: the path below the hook, the rule, why. */
export interface HookAcknowledgement {
  /** Construct path relative to the hook, e.g. `AccessLogsBucket/Resource`. */
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** The acknowledgements of the hook's own log bucket and of its access logs bucket (when the hook creates it). */
export function logBucketAcknowledgements(ownAccessLogs: boolean): HookAcknowledgement[] {
  return [
    ...(ownAccessLogs
      ? [
        { path: 'AccessLogsBucket/Resource', rule: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
        { path: 'AccessLogsBucket/Resource', rule: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
        { path: 'AccessLogsBucket/Resource', rule: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
      ]
      : []),
    { path: 'LogBucket/Resource', rule: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
    { path: 'LogBucket/Resource', rule: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
    { path: 'LogBucket/Resource', rule: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  ];
}

/** The acknowledgement of the execution role's write to its log bucket's objects. */
export function logWriteAcknowledgement(findingId: string): HookAcknowledgement {
  return { path: 'ExecutionRole/Policy/Resource', rule: findingId, reason: LOG_OBJECTS_WILDCARD_REASON };
}

/**
 * The AWS Control Tower proactive controls (cfn-guard) a hook that creates its own access logs
 * bucket cannot pass, with why. cfn-guard has no acknowledgements: the tests compare the
 * violations with this list. With `accessLogsBucket` given, the list is empty.
 */
export const HOOK_CONTROL_TOWER_EXCEPTIONS: readonly HookAcknowledgement[] = [
  { path: 'AccessLogsBucket/Resource', rule: 's3_bucket_logging_enabled_check', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
];
