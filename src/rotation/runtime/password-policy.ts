import { PasswordPolicyOptions } from './types';

/** The character classes of Secrets Manager's GetRandomPassword. */
export const CHARACTER_CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  /** GetRandomPassword's punctuation: every printable ASCII character that is not a letter, digit or space. */
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
} as const;

/** The longest password GetRandomPassword generates. */
export const MAX_PASSWORD_LENGTH = 4096;

/** The GetRandomPassword request for a policy (its defaults are Secrets Manager's). */
export interface RandomPasswordRequest {
  readonly PasswordLength: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludePunctuation: boolean;
  readonly ExcludeNumbers: boolean;
  readonly ExcludeUppercase: boolean;
  readonly ExcludeLowercase: boolean;
  readonly RequireEachIncludedType: boolean;
}

/** Maps a `PasswordPolicyOptions` to GetRandomPassword parameters, with the documented defaults filled in. */
export function randomPasswordRequest(policy: PasswordPolicyOptions = {}): RandomPasswordRequest {
  return {
    PasswordLength: policy.passwordLength ?? 32,
    ...(policy.excludeCharacters ? { ExcludeCharacters: policy.excludeCharacters } : {}),
    ExcludePunctuation: policy.excludePunctuation ?? false,
    ExcludeNumbers: policy.excludeNumbers ?? false,
    ExcludeUppercase: policy.excludeUppercase ?? false,
    ExcludeLowercase: policy.excludeLowercase ?? false,
    RequireEachIncludedType: policy.requireEachIncludedType ?? true,
  };
}

/**
 * The classes a policy allows, each without its excluded characters; a class whose characters
 * are all excluded is not allowed.
 */
export function allowedClasses(policy: PasswordPolicyOptions = {}): Array<{ readonly name: string; readonly characters: string }> {
  const excluded = new Set(policy.excludeCharacters ?? '');
  const flags: Record<keyof typeof CHARACTER_CLASSES, boolean | undefined> = {
    lowercase: policy.excludeLowercase,
    uppercase: policy.excludeUppercase,
    numbers: policy.excludeNumbers,
    punctuation: policy.excludePunctuation,
  };
  return (Object.keys(CHARACTER_CLASSES) as Array<keyof typeof CHARACTER_CLASSES>)
    .filter(name => !flags[name])
    .map(name => ({ name, characters: [...CHARACTER_CLASSES[name]].filter(c => !excluded.has(c)).join('') }))
    .filter(c => c.characters.length > 0);
}

/**
 * Why `value` does not satisfy `policy`, as messages that never quote the value (they name the
 * rule and, for a forbidden character, its class, not the character). Empty when it does.
 */
export function passwordViolations(value: string, policy: PasswordPolicyOptions = {}): string[] {
  const request = randomPasswordRequest(policy);
  const classes = allowedClasses(policy);
  const allowed = new Set(classes.flatMap(c => [...c.characters]));
  const violations: string[] = [];
  if (value.length !== request.PasswordLength) {
    violations.push(`length is ${value.length}, expected ${request.PasswordLength}`);
  }
  const forbidden = [...value].filter(c => !allowed.has(c)).length;
  if (forbidden > 0) {
    violations.push(`${forbidden} character(s) outside the allowed classes or excluded`);
  }
  if (request.RequireEachIncludedType) {
    for (const c of classes) {
      if (![...value].some(ch => c.characters.includes(ch))) {
        violations.push(`no ${c.name} character`);
      }
    }
  }
  return violations;
}

/**
 * Throws when a policy cannot generate a password: a length outside 1..4096, every class
 * excluded, or more classes required than there are characters.
 */
export function validatePasswordPolicy(policy: PasswordPolicyOptions = {}): void {
  const length = policy.passwordLength ?? 32;
  if (!Number.isInteger(length) || length < 1 || length > MAX_PASSWORD_LENGTH) {
    throw new Error(`Password length must be an integer from 1 to ${MAX_PASSWORD_LENGTH}, got ${length}`);
  }
  const classes = allowedClasses(policy);
  if (classes.length === 0) {
    throw new Error('The password policy excludes every character class');
  }
  if ((policy.requireEachIncludedType ?? true) && classes.length > length) {
    throw new Error(`A password of ${length} character(s) cannot include one of each of ${classes.length} classes`);
  }
}
