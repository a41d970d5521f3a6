import { MAX_PASSWORD_LENGTH, passwordViolations, validatePasswordPolicy } from './password-policy';
import { PasswordPolicyOptions, RotationContext, Rotator } from './types';

/** Options of `RandomValueRotator`. */
export interface RandomValueOptions {
  /** How the new value is generated (and what testSecret checks). @default GetRandomPassword's defaults */
  readonly passwordPolicy?: PasswordPolicyOptions;
  /**
   * When the value is a JSON object, the field to rotate; the other fields are kept.
   * @default the whole value is replaced
   */
  readonly field?: string;
}

/**
 * The environment variables `RandomValueRotator.fromEnvironment` reads; the construct that
 * deploys the built-in function sets them.
 */
export const RANDOM_VALUE_ENV = {
  passwordLength: 'ROTATION_PASSWORD_LENGTH',
  excludeCharacters: 'ROTATION_EXCLUDE_CHARACTERS',
  excludePunctuation: 'ROTATION_EXCLUDE_PUNCTUATION',
  excludeNumbers: 'ROTATION_EXCLUDE_NUMBERS',
  excludeUppercase: 'ROTATION_EXCLUDE_UPPERCASE',
  excludeLowercase: 'ROTATION_EXCLUDE_LOWERCASE',
  requireEachIncludedType: 'ROTATION_REQUIRE_EACH_INCLUDED_TYPE',
  field: 'ROTATION_FIELD',
} as const;

/**
 * Rotates a shared secret or an API token to a new random value. There is no service to
 * update: the consumers of the secret must accept both AWSCURRENT and AWSPREVIOUS (a webhook
 * signing key checked against both, a token both sides read from the secret), so the old value
 * keeps working until the next rotation. `set` does nothing; `test` checks the new value
 * satisfies the policy, so a value that a consumer's validation would reject is never promoted.
 */
export class RandomValueRotator implements Rotator {
  /**
   * Reads the options from environment variables (see `RANDOM_VALUE_ENV`). An unset or empty
   * variable means the default; any other value that is not valid throws, so a misconfigured
   * function fails at its first invocation instead of generating weaker values.
   */
  public static fromEnvironment(env: Record<string, string | undefined>): RandomValueRotator {
    const flag = (name: string): boolean | undefined => {
      const value = env[name]?.trim().toLowerCase();
      if (value === undefined || value === '') {
        return undefined;
      }
      if (value !== 'true' && value !== 'false') {
        throw new Error(`${name} must be "true" or "false", got "${env[name]}"`);
      }
      return value === 'true';
    };
    const lengthText = env[RANDOM_VALUE_ENV.passwordLength]?.trim();
    let length: number | undefined;
    if (lengthText !== undefined && lengthText !== '') {
      length = /^\d+$/.test(lengthText) ? Number(lengthText) : NaN;
      if (!Number.isInteger(length) || length < 1 || length > MAX_PASSWORD_LENGTH) {
        throw new Error(`${RANDOM_VALUE_ENV.passwordLength} must be an integer from 1 to ${MAX_PASSWORD_LENGTH}, got "${lengthText}"`);
      }
    }
    const field = env[RANDOM_VALUE_ENV.field];
    return new RandomValueRotator({
      passwordPolicy: {
        passwordLength: length,
        excludeCharacters: env[RANDOM_VALUE_ENV.excludeCharacters] || undefined,
        excludePunctuation: flag(RANDOM_VALUE_ENV.excludePunctuation),
        excludeNumbers: flag(RANDOM_VALUE_ENV.excludeNumbers),
        excludeUppercase: flag(RANDOM_VALUE_ENV.excludeUppercase),
        excludeLowercase: flag(RANDOM_VALUE_ENV.excludeLowercase),
        requireEachIncludedType: flag(RANDOM_VALUE_ENV.requireEachIncludedType),
      },
      field: field === undefined || field.trim() === '' ? undefined : field.trim(),
    });
  }

  private readonly policy: PasswordPolicyOptions;
  private readonly field?: string;

  constructor(options: RandomValueOptions = {}) {
    this.policy = options.passwordPolicy ?? {};
    this.field = options.field;
    validatePasswordPolicy(this.policy);
    if (this.field !== undefined && this.field === '') {
      throw new Error('field must not be empty');
    }
  }

  public async generate(current: string, context: RotationContext): Promise<string> {
    const value = await context.randomPassword(this.policy);
    const object = this.field === undefined ? undefined : jsonObject(current);
    return object === undefined ? value : JSON.stringify({ ...object, [this.field!]: value });
  }

  public async set(): Promise<void> {
    // Nothing to update: consumers read the secret.
  }

  public async test(pending: string): Promise<void> {
    const object = this.field === undefined ? undefined : jsonObject(pending);
    let value = pending;
    if (object !== undefined) {
      const field = object[this.field!];
      if (typeof field !== 'string') {
        throw new Error(`The pending value has no string field "${this.field}"`);
      }
      value = field;
    }
    const violations = passwordViolations(value, this.policy);
    if (violations.length > 0) {
      throw new Error(`The pending value does not satisfy the password policy: ${violations.join('; ')}`);
    }
  }
}

/** The value as a JSON object, or undefined when it is not one. */
function jsonObject(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
