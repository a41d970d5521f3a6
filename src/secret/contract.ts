import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SecretAccessMode } from './access-mode';
import { RotationKind } from '../rotation/rotation-policy';

/** Marks every `IHardenedSecret` of this library, made here or imported (see `isHardenedSecret`). */
const HARDENED_SECRET_SYMBOL = Symbol.for('cdk-hardened-secrets.HardenedSecret');

/** Marks `secret` as an `IHardenedSecret` for `HardenedSecret.isHardenedSecret` (internal). */
export function markHardenedSecret(secret: IHardenedSecret): void {
  Object.defineProperty(secret, HARDENED_SECRET_SYMBOL, { value: true });
}

/**
 * A Secrets Manager secret made by this library.
 */
export interface IHardenedSecret extends secretsmanager.ISecret {
  // The key is `encryptionKey` (of ISecret): known for every HardenedSecret, optional for imports.

  /** How the secret rotates; `UNKNOWN` for a secret imported without saying. */
  readonly rotationKind: RotationKind;

  /** The regions the secret is replicated to, in the order they were added. */
  readonly replicaRegionNames: string[];

  /** The ARN of each replica, in the order of `replicaRegionNames`. */
  readonly replicaSecretArns: string[];

  /**
   * The function that rotates the secret, when it is a construct of the app (`lambda` and
   * `custom` rotation).
   *
   * @default - none: hosted rotation (its function is created at deployment), no rotation, or an
   * imported secret
   */
  readonly rotationFunction?: lambda.IFunction;

  /**
   * The principals granted read access through this secret so far (`readers`, `grantRead`,
   * `grantToFunction`), in the order they were granted. Read it at synthesis to see every grant.
   */
  readonly grantedReaders: iam.IGrantable[];

  /** The principals granted write access through this secret so far (`grantWrite`). */
  readonly grantedWriters: iam.IGrantable[];

  /**
   * The roles CloudFormation deploys the secret's stack as, when they were given.
   *
   * @default - the CloudFormation execution role of the stack's `DefaultStackSynthesizer`
   */
  readonly deploymentRoles?: iam.IRole[];

  /** The roles that may delete the secret and change its policy; none for an import (not known here). */
  readonly breakGlassRoles: iam.IRole[];

  /** Who the resource policy lets through; `STANDARD` for an import (its policy is not known here). */
  readonly accessMode: SecretAccessMode;
}


/** Whether `x` carries the mark of `markHardenedSecret`. */
export function isMarkedHardenedSecret(x: unknown): x is IHardenedSecret {
  return x !== null && typeof x === 'object' && HARDENED_SECRET_SYMBOL in x;
}
