import { CredentialService, DatabaseCredentials } from '../../../src/rotation/runtime/strategies';
import { RotationEvent, RotationLogger } from '../../../src/rotation/runtime/types';

/**
 * An in-memory database for the strategies: users with passwords and privileges. Like
 * PostgreSQL, a user may change its own password; only a superuser changes another's or
 * creates users. `leaky` makes its errors quote the password tried, as some drivers do, to
 * prove the handler redacts what it cannot control.
 */
export class FakeDatabase implements CredentialService {
  public readonly users = new Map<string, { password: string; privileges: string[]; superuser: boolean }>();
  public loginCalls = 0;
  public setPasswordCalls = 0;

  constructor(private readonly options: { leaky?: boolean } = {}) {}

  public addUser(username: string, password: string, options: { superuser?: boolean; privileges?: string[] } = {}): void {
    this.users.set(username, { password, superuser: options.superuser ?? false, privileges: options.privileges ?? [] });
  }

  /** Whether the credentials log in, without counting it as a call of the service. */
  public accepts(credentials: { username?: unknown; password?: unknown }): boolean {
    const user = typeof credentials.username === 'string' ? this.users.get(credentials.username) : undefined;
    return user !== undefined && user.password === credentials.password;
  }

  public async login(credentials: DatabaseCredentials): Promise<void> {
    this.loginCalls++;
    if (!this.accepts(credentials)) {
      throw new Error(this.options.leaky
        ? `password authentication failed for user "${credentials.username}" with password "${credentials.password}"`
        : `password authentication failed for user "${credentials.username}"`);
    }
  }

  public async setPassword(admin: DatabaseCredentials, username: string, password: string, template?: string): Promise<void> {
    this.setPasswordCalls++;
    await this.login(admin);
    const self = this.users.get(admin.username)!;
    if (admin.username !== username && !self.superuser) {
      throw new Error(`permission denied: ${admin.username} cannot change the password of ${username}`);
    }
    const user = this.users.get(username);
    if (user) {
      user.password = password;
      return;
    }
    const model = template === undefined ? undefined : this.users.get(template);
    if (!model) {
      throw new Error(`role "${username}" does not exist`);
    }
    this.users.set(username, { password, superuser: model.superuser, privileges: [...model.privileges] });
  }
}

/** A logger that keeps its lines as JSON text (what CloudWatch would store). */
export class CapturingLogger implements RotationLogger {
  public readonly lines: string[] = [];

  public info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ level: 'info', message, ...fields }));
  }

  public warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ level: 'warn', message, ...fields }));
  }

  public error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ level: 'error', message, ...fields }));
  }

  public parsed(): Array<Record<string, any>> {
    return this.lines.map(l => JSON.parse(l));
  }
}

export const STEPS: ReadonlyArray<RotationEvent['Step']> = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** The four events of one rotation. */
export function events(secretId: string, token: string): RotationEvent[] {
  return STEPS.map(Step => ({ Step, SecretId: secretId, ClientRequestToken: token }));
}

/** Runs the four steps of a rotation in order; the first failure propagates. */
export async function runSteps(handler: (e: RotationEvent) => Promise<void>, secretId: string, token: string): Promise<void> {
  for (const event of events(secretId, token)) {
    await handler(event);
  }
}

/** The message of what a promise rejected with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
