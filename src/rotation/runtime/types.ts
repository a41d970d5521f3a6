import type { PasswordPolicyOptions } from './password-policy-options';

export type { PasswordPolicyOptions } from './password-policy-options';

/**
 * The contract between the rotation framework and a rotator.
 *
 * Secrets Manager calls a rotation function four times per rotation, each with the same
 * `ClientRequestToken` (the version id of the new value):
 * `createSecret` → `setSecret` → `testSecret` → `finishSecret`.
 * The framework does the Secrets Manager side of each step (stages, idempotency, retries);
 * a rotator does the service side.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 */

/** The event Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  /** Present when the secret's key is not the default key. */
  readonly RotationToken?: string;
}

/** What a rotator step knows besides the secret values. */
export interface RotationContext {
  /** The secret's ARN (as the event gives it). */
  readonly secretId: string;
  /** The version id of the new value (the event's ClientRequestToken). */
  readonly token: string;
  /** Structured logger; never pass it a secret value. */
  readonly log: RotationLogger;
  /** Generates a random password with Secrets Manager's GetRandomPassword. */
  randomPassword(options?: PasswordPolicyOptions): Promise<string>;
  /** The AWSCURRENT value of another secret (e.g. the admin secret of alternating users). */
  readSecret(secretId: string): Promise<string>;
}

/** A structured JSON logger. Field values must never be secret values. */
export interface RotationLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a rotator implements. Values are the secret's `SecretString` (for database
 * credentials, a JSON object as text).
 *
 * Each method may be called again for the same token after a failure (Secrets Manager retries
 * a failed step), so each must be safe to repeat.
 */
export interface Rotator {
  /** createSecret: the new value, from the current one (e.g. same username, new password). */
  generate(current: string, context: RotationContext): Promise<string>;
  /** setSecret: make the service accept `pending` (e.g. ALTER USER ... PASSWORD). */
  set(pending: string, current: string, context: RotationContext): Promise<void>;
  /** testSecret: prove `pending` works (e.g. log in with it). Throw if it does not. */
  test(pending: string, context: RotationContext): Promise<void>;
  /** finishSecret, after the framework made `pending` AWSCURRENT: optional clean-up. */
  finish?(pending: string, previous: string, context: RotationContext): Promise<void>;
}
