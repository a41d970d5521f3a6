/**
 * The nag acknowledgements `SecretsOrganizationRollout` places, with their reasons. Not exported
 * from the package: the tests list them, the construct applies them. Each names the rule and,
 * through `path`, the exact resource below the construct.
 */

const REPLICATION_REASON =
  'Cross-Region replication needs a second bucket in another region, which one stack cannot create. The bucket holds ' +
  'the published Guard rules (which the CLI regenerates from the catalogue at any time) or the access logs of that ' +
  'bucket; it is versioned, Object Lock-enabled, KMS-encrypted and TLS-only. Replicate it from the log-archive account if required.';

const ACCESS_LOGS_NOT_LOGGED_REASON =
  'This is the server access logs bucket of the Guard rules bucket; logging it to itself would loop, and logging it ' +
  'to a third bucket would only move the question. It is versioned, KMS-encrypted, TLS-only and blocks public access. ' +
  'Give accessLogsBucket to log to an existing bucket instead.';

/** One acknowledgement of the rollout: the path below the construct, the rule, why. */
export interface RolloutAcknowledgement {
  /** Construct path relative to the rollout, e.g. `RulesAccessLogsBucket/Resource`. */
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/**
 * Every acknowledgement on the rules bucket and, when the rollout creates it, its access-logs
 * bucket.
 */
export function rulesBucketAcknowledgements(ownAccessLogs: boolean): RolloutAcknowledgement[] {
  const replication = (path: string): RolloutAcknowledgement[] => [
    { path, rule: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
    { path, rule: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
    { path, rule: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  ];
  return [
    ...(ownAccessLogs ? replication('RulesAccessLogsBucket/Resource') : []),
    ...replication('RulesBucket/Resource'),
  ];
}

/**
 * The AWS Control Tower proactive controls (cfn-guard) a rollout that creates its own access logs
 * bucket cannot pass, with why. cfn-guard has no acknowledgements: the tests compare the
 * violations with this list. With `accessLogsBucket` given, there is none.
 */
export const ROLLOUT_CONTROL_TOWER_EXCEPTIONS: readonly RolloutAcknowledgement[] = [
  { path: 'RulesAccessLogsBucket/Resource', rule: 's3_bucket_logging_enabled_check', reason: ACCESS_LOGS_NOT_LOGGED_REASON },
];
