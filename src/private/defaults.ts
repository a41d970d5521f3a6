import { Duration, RemovalPolicy } from 'aws-cdk-lib';

/**
 * Every security default of the library, in one typed place.
 *
 * Props document these values with `@default`; a test pins each of them.
 */
export const DEFAULTS = {
  /** Secrets and keys survive stack deletion and replacement. */
  removalPolicy: RemovalPolicy.RETAIN,
  /** Rotation interval when the caller gives neither an interval nor an expression. */
  rotationInterval: Duration.days(30),
  /** Shortest rotation interval Secrets Manager accepts. */
  minRotationInterval: Duration.hours(4),
  /** Longest rotation interval this library accepts. */
  maxRotationInterval: Duration.days(365),
  /** Rotation windows are whole hours between these bounds (RotationRules.Duration). */
  minRotationWindowHours: 1,
  maxRotationWindowHours: 24,
  /** KMS waiting period before a scheduled key deletion completes. */
  keyPendingWindow: Duration.days(30),
  minKeyPendingWindowDays: 7,
  maxKeyPendingWindowDays: 30,
  /** `<environment>/<application>/<name>`. */
  secretNamePattern: '^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.+=@-]*$',
  /** Shortest justification accepted where a control is waived. */
  minJustificationLength: 10,
  /** Longest gap between two rotations `SecretsManagerChecks` accepts unless told otherwise. */
  checksMaxRotationInterval: Duration.days(30),
  /** Tags `SecretsManagerChecks` expects on every secret unless told otherwise. */
  checksRequiredTags: ['owner', 'environment', 'data-classification'],
  /** The version stage ordinary readers are pinned to. */
  readerVersionStages: ['AWSCURRENT'],
} as const;

/** Tag keys the library writes. */
export const TAG_KEYS = {
  owner: 'owner',
  environment: 'environment',
  dataClassification: 'data-classification',
  rotation: 'rotation',
} as const;
