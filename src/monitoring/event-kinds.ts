/**
 * The kinds of Secrets Manager and KMS events `SecretAccessMonitor` raises an alarm on.
 *
 * One kind is one detector (a metric filter and an alarm, or an EventBridge rule) whatever the
 * number of secrets watched.
 */
export enum SecretEventKind {
  /**
   * `GetSecretValue` / `BatchGetSecretValue` of a watched secret that succeeded for a principal
   * allowed to read none of the watched secrets: the allow-list is the union of every watched
   * secret's readers, and the pattern does not filter on the secret (one detector whatever the
   * number of secrets). A principal allowed to read one watched secret that reads another is not
   * caught here: IAM and the resource policy deny that read unless access was granted outside
   * the code; the compliance report's "who can read" and the pack's IAM rules catch such grants.
   *
   * When every watched secret is a `HardenedSecret` in `SecretAccessMode.RESTRICTIVE`, whose
   * resource policy refuses every principal it does not name, no reader is listed: the detector
   * matches a read refused with `AccessDenied*` (somebody the policies do not name tried) and a
   * successful read by one of the monitor's `breakGlassRoles`. When some are RESTRICTIVE and some
   * not, it matches both a read outside the union of readers and a refused read.
   */
  UNEXPECTED_READ = 'UNEXPECTED_READ',
  /** `DeleteSecret` or `RestoreSecret`. */
  DELETION = 'DELETION',
  /** `PutSecretValue` / `UpdateSecretVersionStage` by a principal that is not a rotation role or an allowed writer. */
  WRITE_OUTSIDE_ROTATION = 'WRITE_OUTSIDE_ROTATION',
  /** `UpdateSecret`, which can also change the secret's KMS key. */
  SECRET_UPDATED = 'SECRET_UPDATED',
  /** `PutResourcePolicy` / `DeleteResourcePolicy`. */
  POLICY_CHANGE = 'POLICY_CHANGE',
  /** `ReplicateSecretToRegions` / `RemoveRegionsFromReplication` / `StopReplicationToReplica`. */
  REPLICATION_CHANGE = 'REPLICATION_CHANGE',
  /** `RotationFailed`, the event Secrets Manager records when a rotation does not complete. */
  ROTATION_FAILED = 'ROTATION_FAILED',
  /** `DisableKey` / `ScheduleKeyDeletion` / `PutKeyPolicy` on the keys of the watched secrets. */
  KEY_CHANGE = 'KEY_CHANGE',
  /** A burst of Secrets Manager calls refused with `AccessDenied`. */
  ACCESS_DENIED_BURST = 'ACCESS_DENIED_BURST',
}

/** Which allow-list, if any, a detector excludes. */
export type AllowList = 'readers' | 'writers';

/** What one detector watches (internal). */
export interface DetectorSpec {
  readonly kind: SecretEventKind;
  /** Construct id of the detector, and the metric name. Public contract: never rename. */
  readonly id: string;
  readonly description: string;
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  /** Only calls that succeeded (no `errorCode`). */
  readonly successfulOnly: boolean;
  /** Only calls refused with one of these error codes (wildcards allowed). */
  readonly errorCodes?: readonly string[];
  /** Principals excluded from the alarm. */
  readonly allowList?: AllowList;
  /** Narrowed to the KMS keys of the watched secrets when the pattern fits. */
  readonly keysOnly?: boolean;
  /** A read-only management event: EventBridge admits it only with the rule state below. */
  readonly readOnly?: boolean;
  /** The `detail-type` of the event on EventBridge. */
  readonly detailType: string;
}

const SM = 'secretsmanager.amazonaws.com';
const API_CALL = 'AWS API Call via CloudTrail';

/**
 * The detectors, in a fixed order (dashboard widgets, tests and the README table follow it).
 *
 * Event names: https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html
 * and https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
 */
export const DETECTORS: readonly DetectorSpec[] = [
  {
    kind: SecretEventKind.UNEXPECTED_READ,
    id: 'UnexpectedSecretRead',
    description: 'A secret value was read by a principal allowed to read none of the watched secrets',
    eventSource: SM,
    eventNames: ['GetSecretValue', 'BatchGetSecretValue'],
    successfulOnly: true,
    allowList: 'readers',
    readOnly: true,
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.DELETION,
    id: 'SecretDeletion',
    description: 'A secret was scheduled for deletion or restored',
    eventSource: SM,
    eventNames: ['DeleteSecret', 'RestoreSecret'],
    successfulOnly: true,
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.WRITE_OUTSIDE_ROTATION,
    id: 'SecretWriteOutsideRotation',
    description: 'A secret value or its stages were changed by a principal that is not its rotation role or an allowed writer',
    eventSource: SM,
    eventNames: ['PutSecretValue', 'UpdateSecretVersionStage'],
    successfulOnly: true,
    allowList: 'writers',
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.SECRET_UPDATED,
    id: 'SecretUpdated',
    description: 'A secret was updated (value, description or KMS key)',
    eventSource: SM,
    eventNames: ['UpdateSecret'],
    successfulOnly: true,
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.POLICY_CHANGE,
    id: 'SecretPolicyChange',
    description: 'The resource policy of a secret was changed or deleted',
    eventSource: SM,
    eventNames: ['PutResourcePolicy', 'DeleteResourcePolicy'],
    successfulOnly: true,
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.REPLICATION_CHANGE,
    id: 'SecretReplicationChange',
    description: 'The replication of a secret to other regions was changed',
    eventSource: SM,
    eventNames: ['ReplicateSecretToRegions', 'RemoveRegionsFromReplication', 'StopReplicationToReplica'],
    successfulOnly: true,
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.ROTATION_FAILED,
    id: 'SecretRotationFailed',
    description: 'The rotation of a secret failed',
    eventSource: SM,
    eventNames: ['RotationFailed'],
    successfulOnly: false,
    detailType: 'AWS Service Event via CloudTrail',
  },
  {
    kind: SecretEventKind.KEY_CHANGE,
    id: 'SecretKeyChange',
    description: 'A KMS key of the secrets was disabled, scheduled for deletion or had its policy replaced',
    eventSource: 'kms.amazonaws.com',
    eventNames: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
    successfulOnly: true,
    keysOnly: true,
    detailType: API_CALL,
  },
  {
    kind: SecretEventKind.ACCESS_DENIED_BURST,
    id: 'SecretAccessDenied',
    description: 'Secrets Manager refused calls with AccessDenied',
    eventSource: SM,
    eventNames: [],
    successfulOnly: false,
    // Secrets Manager records AccessDenied (IAM) and AccessDeniedException (e.g. KMS) codes.
    errorCodes: ['AccessDenied*'],
    detailType: API_CALL,
  },
];

/** The detector of one kind. */
export function detectorOf(kind: SecretEventKind): DetectorSpec {
  return DETECTORS.find((d) => d.kind === kind)!;
}
