/**
 * A rotation function for a self-managed PostgreSQL, written with the rotation framework's
 * alternating-users strategy and the `pg` driver.
 *
 * The secret it rotates holds the application's login as JSON:
 *
 *   {"engine":"postgres","host":"db.internal","port":5432,"dbname":"app",
 *    "username":"app_user","password":"...","masterarn":"<ARN of the admin secret>"}
 *
 * and the admin secret (the `masterarn`) holds the same fields for a role with CREATEROLE.
 * Each rotation sets a new password on the user that is *not* AWSCURRENT (`app_user` and
 * `app_user_clone` take turns), logged in as the admin, so the credentials clients hold keep
 * working while the rotation runs: no failed logins, even mid-rotation.
 * `test/rotation/postgres/postgres-rotation.test.ts` proves it on a real PostgreSQL.
 *
 * Bundle it with `new RotationFunction(this, 'Rotation', { vpc, code: RotationCode.fromEntry(entry) })`
 * and pass that to `SecretRotationPolicy.custom(rotation)`, which grants the rotation permissions
 * on the rotated secret; also grant it read on the admin secret (`adminSecret.grantRead(rotation)`)
 * and network access to the database. In your own project import the runtime from
 * `cdk-hardened-secrets/lib/rotation/runtime` instead of `../../src/rotation/runtime`.
 *
 * TLS: the driver reads the libpq environment variables, so set `PGSSLMODE=verify-full` (and
 * `PGSSLROOTCERT`) on the function for a database outside a trusted network.
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'crypto';
import { promisify } from 'util';
// pg is a dependency of the rotation function, not of the construct library.
// eslint-disable-next-line import/no-extraneous-dependencies
import { Client } from 'pg';
import { alternatingUsers, createRotationHandler, CredentialService, DatabaseCredentials, singleUser } from '../../src/rotation/runtime';

/** Options of `PostgresCredentialService`. */
export interface PostgresCredentialServiceOptions {
  /** How long to wait for a connection (TCP, TLS and authentication). @default 5000 */
  readonly connectTimeoutMillis?: number;
  /** How long one statement may run before the server cancels it (e.g. waiting for a lock). @default 10000 */
  readonly statementTimeoutMillis?: number;
}

/**
 * Logs in to PostgreSQL and changes passwords, for the rotation strategies.
 *
 * Connection details come from the credentials themselves (`host`, `port`, `dbname`), so one
 * function can rotate the secrets of several databases.
 */
export class PostgresCredentialService implements CredentialService {
  private readonly connectTimeoutMillis: number;
  private readonly statementTimeoutMillis: number;

  constructor(options: PostgresCredentialServiceOptions = {}) {
    this.connectTimeoutMillis = options.connectTimeoutMillis ?? 5_000;
    this.statementTimeoutMillis = options.statementTimeoutMillis ?? 10_000;
  }

  /** Connects with the credentials and runs `SELECT 1`; throws when that fails. */
  public async login(credentials: DatabaseCredentials): Promise<void> {
    await this.withClient(credentials, client => client.query('SELECT 1'));
  }

  /**
   * Logged in as `admin`, sets the password of `username`. When `username` does not exist yet
   * (the first alternating rotation creates `app_user_clone`) it is created as a member of
   * `template`, so it has exactly the privileges `template` has, today and after any later
   * GRANT or REVOKE on `template`. (Copying `template`'s grants one by one would be a snapshot
   * that drifts, and would miss default privileges and ownership.) Objects created by the
   * clone belong to the clone; if the application creates objects, run
   * `ALTER ROLE app_user_clone SET role = 'app_user'` once so both users create them as
   * `app_user`. Role settings (`ALTER ROLE app_user SET ...`) are not copied either.
   *
   * One transaction: a retry after a failure never finds a clone without its membership.
   */
  public async setPassword(admin: DatabaseCredentials, username: string, password: string, template?: string): Promise<void> {
    // Roles belong to the whole cluster: any database the admin may connect to will do.
    await this.withClient(admin, async client => {
      const role = client.escapeIdentifier(username);
      await client.query('BEGIN');
      try {
        const existing = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [username]);
        if (existing.rowCount === 0) {
          if (template === undefined) {
            throw new Error(`Role ${username} does not exist`);
          }
          await client.query(`CREATE ROLE ${role} WITH LOGIN`);
          await client.query(`GRANT ${client.escapeIdentifier(template)} TO ${role}`);
        }
        // ALTER ROLE takes no bind parameters, so the value is an escaped literal. It is a SCRAM
        // verifier, not the password: the server never sees the password, so neither can a
        // statement log (log_statement), pg_stat_statements nor an error report.
        await client.query(`ALTER ROLE ${role} WITH PASSWORD ${client.escapeLiteral(await scramSha256Verifier(password))}`);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** Runs `work` on a new connection made with `credentials`, then closes it. */
  private async withClient<T>(credentials: DatabaseCredentials, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      host: String(credentials.host),
      port: Number(credentials.port ?? 5432),
      database: String(credentials.dbname ?? 'postgres'),
      user: credentials.username,
      password: credentials.password,
      connectionTimeoutMillis: this.connectTimeoutMillis,
      statement_timeout: this.statementTimeoutMillis,
      // If the function dies inside the transaction (a Lambda timeout) and the connection stays
      // open, the server rolls back and releases the role's locks instead of holding them.
      idle_in_transaction_session_timeout: this.statementTimeoutMillis,
      application_name: 'secrets-manager-rotation',
    });
    // A connection error after connect() resolved (e.g. the server restarts) must not crash the function.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802 and 7677), as psql's
 * `\password` computes it on the client: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 * PostgreSQL stores a verifier given to `ALTER ROLE ... PASSWORD` as it is. The password is
 * used as is: Secrets Manager's random passwords are printable ASCII, which SASLprep leaves
 * unchanged.
 */
export async function scramSha256Verifier(password: string, iterations = 4096): Promise<string> {
  const salt = randomBytes(16);
  const saltedPassword = await promisify(pbkdf2)(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(saltedPassword, 'Client Key')).digest();
  const serverKey = hmac(saltedPassword, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The Lambda entry point: alternating users, no failed logins during a rotation. */
export const handler = createRotationHandler(alternatingUsers(new PostgresCredentialService()));

/**
 * For comparison only: the user changes its own password. Between setSecret and finishSecret
 * the database has the new password and AWSCURRENT the old one, so clients that read the
 * secret then fail to log in (the test measures that window).
 */
export const singleUserHandler = createRotationHandler(singleUser(new PostgresCredentialService()));
