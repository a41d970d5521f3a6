import { PasswordPolicyOptions, RotationContext, Rotator } from './types';

/** Database credentials as a secret stores them: JSON with at least a username and a password. */
export interface DatabaseCredentials {
  readonly username: string;
  readonly password: string;
  readonly [key: string]: unknown;
}

/** The service side of a credential rotation (a database driver, an admin API). */
export interface CredentialService {
  /** Throws when the credentials cannot log in. */
  login(credentials: DatabaseCredentials): Promise<void>;
  /**
   * Logged in as `admin`, sets `username`'s password; when `template` is given and `username`
   * does not exist, first creates it with the same privileges as `template`.
   */
  setPassword(admin: DatabaseCredentials, username: string, password: string, template?: string): Promise<void>;
}

/** Options of both strategies. */
export interface StrategyOptions {
  /** How new passwords are generated. @default GetRandomPassword's defaults (32 characters, all classes) */
  readonly passwordPolicy?: PasswordPolicyOptions;
}

/** Options of `alternatingUsers`. */
export interface AlternatingUsersOptions extends StrategyOptions {
  /** Suffix of the second user. @default '_clone' */
  readonly cloneSuffix?: string;
  /** Field of the secret JSON holding the ARN of the admin secret. @default 'masterarn' */
  readonly adminSecretField?: string;
}

/**
 * Single user: the user changes its own password. Between setSecret and finishSecret only
 * AWSPENDING logs in (AWSCURRENT still holds the old password), so clients that read the
 * secret in that window fail until they read it again; use `alternatingUsers` when that window
 * is not acceptable.
 */
export function singleUser(service: CredentialService, options: StrategyOptions = {}): Rotator {
  return {
    generate: async (current, context) => stringify({ ...parseCredentials(current, 'AWSCURRENT'), password: await context.randomPassword(options.passwordPolicy) }),
    set: async (pending, current, context) => {
      const next = parseCredentials(pending, 'AWSPENDING');
      if (await logsIn(service, next)) {
        // A retry after the password was changed: AWSCURRENT no longer logs in, and need not.
        context.log.info('pending credentials already log in; password not changed', { username: next.username });
        return;
      }
      const admin = parseCredentials(current, 'AWSCURRENT');
      if (admin.username !== next.username) {
        throw new Error(`Single-user rotation cannot change the username (${admin.username} to ${next.username})`);
      }
      await service.setPassword(admin, next.username, next.password);
    },
    test: async pending => service.login(parseCredentials(pending, 'AWSPENDING')),
  };
}

/**
 * Alternating users: each rotation sets the password of the user that is not AWSCURRENT
 * (`app` and `app_clone` take turns), logged in as the admin whose secret the credentials
 * name. AWSCURRENT keeps working throughout, and AWSPREVIOUS until the next rotation.
 */
export function alternatingUsers(service: CredentialService, options: AlternatingUsersOptions = {}): Rotator {
  const suffix = options.cloneSuffix ?? '_clone';
  const adminField = options.adminSecretField ?? 'masterarn';
  if (suffix === '') {
    throw new Error('cloneSuffix must not be empty');
  }
  const admin = async (current: DatabaseCredentials, context: RotationContext) => {
    const arn = current[adminField];
    if (typeof arn !== 'string' || arn === '') {
      throw new Error(`The secret has no "${adminField}" field with the ARN of the admin secret`);
    }
    return parseCredentials(await context.readSecret(arn), `admin secret (${adminField})`);
  };
  return {
    generate: async (current, context) => {
      const credentials = parseCredentials(current, 'AWSCURRENT');
      const base = credentials.username.endsWith(suffix) ? credentials.username.slice(0, -suffix.length) : credentials.username;
      const username = credentials.username.endsWith(suffix) ? base : base + suffix;
      return stringify({ ...credentials, username, password: await context.randomPassword(options.passwordPolicy) });
    },
    set: async (pending, current, context) => {
      const next = parseCredentials(pending, 'AWSPENDING');
      const credentials = parseCredentials(current, 'AWSCURRENT');
      if (await logsIn(service, next)) {
        context.log.info('pending credentials already log in; password not changed', { username: next.username });
        return;
      }
      await service.setPassword(await admin(credentials, context), next.username, next.password, credentials.username);
    },
    test: async pending => service.login(parseCredentials(pending, 'AWSPENDING')),
  };
}

async function logsIn(service: CredentialService, credentials: DatabaseCredentials): Promise<boolean> {
  try {
    await service.login(credentials);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses a credentials secret. The error names the version (`what`), never the text: a value
 * that is not JSON may still be a password.
 */
export function parseCredentials(value: string, what: string): DatabaseCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`The ${what} value is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`The ${what} value is not a JSON object`);
  }
  const { username, password } = parsed as Record<string, unknown>;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
    throw new Error(`The ${what} value needs a "username" and a "password" string`);
  }
  return parsed as DatabaseCredentials;
}

function stringify(credentials: DatabaseCredentials): string {
  return JSON.stringify(credentials);
}
