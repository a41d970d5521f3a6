/**
 * The pieces of the PostgreSQL rotation proof: the secrets in the Secrets Manager model, an
 * application that logs in with whatever AWSCURRENT says, a driver that rotates the way Secrets
 * Manager does, and fault injection around every call a rotation step makes.
 */
import { randomUUID } from 'crypto';
import { GetSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { AppDatabase, Login, PostgresServer } from './postgres-server';
import { CredentialService, DatabaseCredentials, RotationEvent, RotationLogger } from '../../../src/rotation/runtime';
import { SecretsManagerModel } from '../runtime/secrets-manager-model';

export type Step = RotationEvent['Step'];
export type Handler = (event: RotationEvent) => Promise<void>;
export const STEPS: readonly Step[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** The application secret and its admin secret, as the example documents them. */
export interface AppSecrets {
  readonly appSecretArn: string;
  readonly adminSecretArn: string;
}

/** Creates the admin secret and the application secret (rotation enabled) for `user` in the model. */
export function createAppSecrets(model: SecretsManagerModel, server: PostgresServer, app: AppDatabase, user: Login): AppSecrets {
  const connection = { engine: 'postgres', host: server.host, port: server.port, dbname: app.dbname };
  const adminSecretArn = model.createSecret(`${user.username}/admin`, JSON.stringify({ ...connection, username: app.admin.username, password: app.admin.password }));
  const appSecretArn = model.createSecret(user.username, JSON.stringify({
    ...connection, username: user.username, password: user.password, masterarn: adminSecretArn,
  }), { rotationEnabled: true });
  return { appSecretArn, adminSecretArn };
}

/**
 * What the application does with credentials: a new connection, a query on its table (so a
 * clone without the privileges would fail too), then close. Throws when any of it fails.
 */
export async function appLogin(credentials: DatabaseCredentials, connectTimeoutMillis = 5_000): Promise<void> {
  const client = new Client({
    host: String(credentials.host),
    port: Number(credentials.port),
    database: String(credentials.dbname),
    user: credentials.username,
    password: credentials.password,
    connectionTimeoutMillis: connectTimeoutMillis,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT count(*) FROM widgets');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One login of the load loop. */
export interface LoginAttempt {
  /** When the loop read AWSCURRENT (ms, performance clock). */
  readonly start: number;
  /** When the login finished or failed. */
  readonly end: number;
  readonly ok: boolean;
  readonly username: string;
  readonly error?: string;
}

/**
 * The application under load: one async loop that, each iteration, reads AWSCURRENT through
 * the Secrets Manager client and logs in with it on a new connection, as fast as it can.
 */
export class LoadLoop {
  public readonly attempts: LoginAttempt[] = [];
  private stopping = false;
  private running?: Promise<void>;
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(private readonly client: SecretsManagerClient, private readonly secretId: string) {}

  public start(): void {
    this.startedAt = performance.now();
    this.running = this.loop();
  }

  public async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.stoppedAt = performance.now();
  }

  public get durationMs(): number {
    return (this.stoppedAt || performance.now()) - this.startedAt;
  }

  public get failures(): LoginAttempt[] {
    return this.attempts.filter(a => !a.ok);
  }

  /** Logins per second over the run. */
  public get rate(): number {
    return this.attempts.length / (this.durationMs / 1000);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const start = performance.now();
      let username = '?';
      try {
        const value = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
        const credentials = JSON.parse(value.SecretString!) as DatabaseCredentials;
        username = credentials.username;
        await appLogin(credentials);
        this.attempts.push({ start, end: performance.now(), ok: true, username });
      } catch (e) {
        this.attempts.push({ start, end: performance.now(), ok: false, username, error: (e as Error).message });
      }
    }
  }
}

/** The timing of one rotation (ms, performance clock). */
export interface RotationTiming {
  readonly token: string;
  readonly start: number;
  /** When each step started and ended. */
  readonly steps: Record<Step, { readonly start: number; readonly end: number }>;
}

/**
 * One rotation as Secrets Manager runs it: RotateSecret stages AWSPENDING on a new version (a
 * random UUID), then the function is invoked for the four steps in order with that token.
 */
export async function rotate(client: SecretsManagerClient, handler: Handler, secretId: string): Promise<RotationTiming> {
  const token = randomUUID();
  const start = performance.now();
  await client.send(new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: token }));
  const steps = {} as Record<Step, { start: number; end: number }>;
  for (const step of STEPS) {
    const stepStart = performance.now();
    await handler({ Step: step, SecretId: secretId, ClientRequestToken: token });
    steps[step] = { start: stepStart, end: performance.now() };
  }
  return { token, start, steps };
}

/** A logger that keeps the error lines only (the handler logs two lines per step). */
export class QuietLogger implements RotationLogger {
  public readonly errors: string[] = [];
  public info(): void {}
  public warn(): void {}
  public error(message: string, fields?: Record<string, unknown>): void {
    this.errors.push(JSON.stringify({ message, ...fields }));
  }
}

/** How an injected fault behaves at the call it hits. */
export type FaultMode = 'throw before' | 'throw after' | 'timeout before' | 'timeout after';
export const FAULT_MODES: readonly FaultMode[] = ['throw before', 'throw after', 'timeout before', 'timeout after'];

/** The error an injected `throw` raises. */
export class InjectedFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InjectedFault';
  }
}

/** One call of an invocation: its name and which occurrence of that name it is (1-based). */
export interface CallPoint {
  readonly name: string;
  readonly occurrence: number;
}

/**
 * Sees the calls a handler invocation makes (Secrets Manager API calls `sm:<Command>`, database
 * service calls `db:<method>`, SQL statements `sql:<VERB>`) and fails the one it is armed for:
 *
 * - `throw before` / `throw after`: the call throws without running, or after it ran (its
 *   effect is done but the step does not know: a lost response);
 * - `timeout before` / `timeout after`: the call never returns, without running or after it
 *   ran; the invocation is abandoned and its database connections are closed, as Lambda ends
 *   an invocation at its timeout and resets the execution environment.
 *
 * Calls outside `invoke` (the test's own checks, the load loop) pass through untouched.
 */
export class FaultPlan {
  /** The calls of the last invocation, in order. */
  public trace: CallPoint[] = [];
  /** The call the armed fault hit, if it did. */
  public fired?: CallPoint;
  private active = false;
  private armed?: { readonly point: CallPoint; readonly mode: FaultMode };
  private hang?: () => void;
  private readonly connections = new Set<{ end(): Promise<void> }>();

  /** Arms a fault for the next invocation. */
  public arm(point: CallPoint, mode: FaultMode): void {
    this.armed = { point, mode };
    this.fired = undefined;
  }

  /** Whether an invocation is running (calls are being counted). */
  public get counting(): boolean {
    return this.active;
  }

  /** Notes a database connection the invocation uses (closed if the invocation hangs). */
  public track(connection: { end(): Promise<void> }): void {
    this.connections.add(connection);
  }

  /**
   * Runs one handler invocation. Rejects with the handler's error, or with a `Lambda timeout`
   * error when an injected timeout hangs it (the hung invocation is never resumed).
   */
  public async invoke(handler: Handler, event: RotationEvent): Promise<void> {
    this.trace = [];
    this.connections.clear();
    this.active = true;
    let hung = false;
    const timeout = new Promise<never>((_, reject) => {
      this.hang = () => {
        hung = true;
        reject(new Error(`Lambda timeout: ${event.Step} hung at ${this.fired?.name}`));
      };
    });
    try {
      await Promise.race([handler(event), timeout]);
    } finally {
      this.active = false;
      this.armed = undefined;
      this.hang = undefined;
      if (hung) {
        // The execution environment is reset: its connections close, and PostgreSQL rolls back
        // what they had not committed.
        await Promise.all([...this.connections].map(c => c.end().catch(() => undefined)));
      }
      this.connections.clear();
    }
  }

  /** Wraps one call. */
  public async around<T>(name: string, call: () => Promise<T>): Promise<T> {
    if (!this.active) {
      return call();
    }
    const point = { name, occurrence: this.trace.filter(c => c.name === name).length + 1 };
    this.trace.push(point);
    const armed = this.armed;
    if (!armed || armed.point.name !== name || armed.point.occurrence !== point.occurrence) {
      return call();
    }
    this.fired = point;
    this.armed = undefined;
    if (armed.mode === 'throw before') {
      throw new InjectedFault(`injected failure before ${name}`);
    }
    if (armed.mode === 'timeout before') {
      return this.never();
    }
    await call().catch(() => undefined);
    if (armed.mode === 'throw after') {
      throw new InjectedFault(`injected failure after ${name}`);
    }
    return this.never();
  }

  /** A call that never returns; the invocation is abandoned (Lambda timeout). */
  private never(): Promise<never> {
    this.hang?.();
    return new Promise<never>(() => undefined);
  }
}

/** `name#occurrence`, e.g. `sm:GetSecretValue#2`. */
export function pointName(point: CallPoint | undefined): string {
  return point ? `${point.name}#${point.occurrence}` : 'no call';
}

/** A credential service whose calls go through a `FaultPlan`. */
export class FaultyService implements CredentialService {
  constructor(private readonly inner: CredentialService, private readonly plan: FaultPlan) {}

  public login(credentials: DatabaseCredentials): Promise<void> {
    return this.plan.around('db:login', () => this.inner.login(credentials));
  }

  public setPassword(admin: DatabaseCredentials, username: string, password: string, template?: string): Promise<void> {
    return this.plan.around('db:setPassword', () => this.inner.setPassword(admin, username, password, template));
  }
}

/** Median of numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The 99th percentile (0 for none). */
export function p99(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
