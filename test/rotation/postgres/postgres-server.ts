/**
 * A throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory, listening
 * on 127.0.0.1 on a free port, with SCRAM-SHA-256 password authentication for every connection.
 *
 * It uses the server binaries of Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`,
 * or `pg_ctl`, `initdb` and `postgres` on the PATH). `.ci/run` installs the package when it is
 * missing. PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs
 * to the `postgres` user (created by the package), or to `nobody` when there is no such user.
 */
import { execFileSync, spawn, SpawnOptions } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

/** Where the PostgreSQL server binaries are. */
export interface PostgresBinaries {
  readonly binDir: string;
  readonly version: string;
}

/** A database login. */
export interface Login {
  readonly username: string;
  readonly password: string;
}

/** A running throwaway server. */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly binaries: PostgresBinaries;
  /** The temporary directory: data directory, socket, log, password file. */
  readonly baseDir: string;
  /** The operating-system user the server runs as. */
  readonly osUser: string;
  /** The bootstrap superuser (`postgres`) and its password. */
  readonly superuser: Login;
  /** A new connected client; the caller ends it. */
  connect(login: Login, database?: string): Promise<Client>;
  /** Stops the server and deletes the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** The seeded application: database `app`, admin role `app_admin`, application role `app_user`. */
export interface AppDatabase {
  readonly dbname: string;
  readonly admin: Login;
  readonly user: Login;
  /** The table `app_user` may read. */
  readonly table: string;
}

const SERVER_BINARIES = ['pg_ctl', 'initdb', 'postgres'];

/**
 * Finds the server binaries: the directory of `pg_ctl` on the PATH (symlinks resolved) when
 * `initdb` and `postgres` are next to it, else the newest `/usr/lib/postgresql/<version>/bin`.
 * Undefined when PostgreSQL is not installed.
 */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const pgCtl = path.join(dir, 'pg_ctl');
    if (isExecutable(pgCtl)) {
      candidates.push(path.dirname(fs.realpathSync(pgCtl)));
    }
  }
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs.readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
    candidates.push(...versions.map(v => path.join(debianRoot, v, 'bin')));
  }
  for (const binDir of candidates) {
    if (SERVER_BINARIES.every(b => isExecutable(path.join(binDir, b)))) {
      const version = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf-8' }).trim();
      return { binDir, version };
    }
  }
  return undefined;
}

/**
 * Starts a fresh cluster: `initdb -A scram-sha-256` with a random superuser password, then
 * `pg_ctl start -w` listening on 127.0.0.1 only, its Unix socket in the temporary directory.
 */
export async function startPostgres(binaries: PostgresBinaries): Promise<PostgresServer> {
  const owner = serverOwner();
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-pg-'));
  let started = false;
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'server.log');
  const bin = (name: string) => path.join(binaries.binDir, name);
  const run = (file: string, args: string[]) => runAs(owner, file, args, baseDir);
  try {
    const superuser: Login = { username: 'postgres', password: randomBytes(18).toString('base64url') };
    const pwFile = path.join(baseDir, 'pwfile');
    fs.writeFileSync(pwFile, `${superuser.password}\n`, { mode: 0o600 });
    if (owner) {
      fs.chownSync(baseDir, owner.uid, owner.gid);
      fs.chownSync(pwFile, owner.uid, owner.gid);
    }
    // --no-sync: a throwaway cluster needs no fsync (the server settings below say the same).
    await run(bin('initdb'), [
      '-D', dataDir, '-U', superuser.username, `--pwfile=${pwFile}`, '-A', 'scram-sha-256',
      '-E', 'UTF8', '--locale=C', '--no-sync',
    ]);
    fs.rmSync(pwFile);

    // A free port can be taken between the probe and the start: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), [
        '',
        '# rotation tests',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${baseDir}'`,
        'max_connections = 200',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        "password_encryption = 'scram-sha-256'",
        '',
      ].join('\n'));
      try {
        await run(bin('pg_ctl'), ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile]);
        started = true;
      } catch (e) {
        if (attempt >= 3) {
          throw e;
        }
        continue;
      }
      const server: PostgresServer = {
        host: '127.0.0.1',
        port,
        binaries,
        baseDir,
        osUser: owner?.name ?? os.userInfo().username,
        superuser,
        connect: async (login, database = 'postgres') => {
          const client = new Client({ host: '127.0.0.1', port, user: login.username, password: login.password, database, connectionTimeoutMillis: 10_000 });
          try {
            await client.connect();
          } catch (e) {
            await client.end().catch(() => undefined);
            throw e;
          }
          return client;
        },
        stop: async () => {
          if (started) {
            started = false;
            await run(bin('pg_ctl'), ['stop', '-w', '-t', '30', '-m', 'fast', '-D', dataDir]).catch(() => killPostmaster(dataDir));
          }
          fs.rmSync(baseDir, { recursive: true, force: true });
        },
      };
      return server;
    }
  } catch (e) {
    if (started) {
      await run(bin('pg_ctl'), ['stop', '-w', '-m', 'immediate', '-D', dataDir]).catch(() => killPostmaster(dataDir));
    }
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf-8').slice(-2000) : '';
    fs.rmSync(baseDir, { recursive: true, force: true });
    throw new Error(`Could not start PostgreSQL (${binaries.binDir}) as ${owner?.name ?? os.userInfo().username}: ${(e as Error).message}${log ? `\nserver log:\n${log}` : ''}`);
  }
}

/**
 * Seeds the application the way a DBA would: the superuser creates `app_admin` (CREATEROLE, the
 * rotation's admin, like the RDS master user) and the `app` database it owns; `app_admin` then
 * creates `app_user` and a table `app_user` may read. Roles created by `app_admin` may be
 * altered by it on PostgreSQL 16+ too (where CREATEROLE no longer covers other roles).
 */
export async function seedAppDatabase(server: PostgresServer): Promise<AppDatabase> {
  const admin: Login = { username: 'app_admin', password: randomBytes(18).toString('base64url') };
  const user: Login = { username: 'app_user', password: randomBytes(18).toString('base64url') };
  const superClient = await server.connect(server.superuser);
  try {
    await superClient.query(`CREATE ROLE app_admin WITH LOGIN CREATEROLE PASSWORD ${superClient.escapeLiteral(admin.password)}`);
    await superClient.query('CREATE DATABASE app OWNER app_admin');
  } finally {
    await superClient.end();
  }
  const adminClient = await server.connect(admin, 'app');
  try {
    await adminClient.query(`CREATE ROLE app_user WITH LOGIN PASSWORD ${adminClient.escapeLiteral(user.password)}`);
    await adminClient.query('CREATE TABLE widgets (id integer PRIMARY KEY, name text NOT NULL)');
    await adminClient.query("INSERT INTO widgets VALUES (1, 'sprocket'), (2, 'gear')");
    await adminClient.query('GRANT SELECT ON widgets TO app_user');
  } finally {
    await adminClient.end();
  }
  return { dbname: 'app', admin, user, table: 'widgets' };
}

/**
 * Creates another application role like `app_user` (LOGIN, SELECT on the table), as `app_admin`,
 * so that each scenario rotates a user of its own.
 */
export async function createAppRole(server: PostgresServer, app: AppDatabase, username: string): Promise<Login> {
  const login: Login = { username, password: randomBytes(18).toString('base64url') };
  const client = await server.connect(app.admin, app.dbname);
  try {
    const role = client.escapeIdentifier(username);
    await client.query(`CREATE ROLE ${role} WITH LOGIN PASSWORD ${client.escapeLiteral(login.password)}`);
    await client.query(`GRANT SELECT ON ${client.escapeIdentifier(app.table)} TO ${role}`);
  } finally {
    await client.end();
  }
  return login;
}

/** Why the PostgreSQL tests cannot run here, for the skip message or the CI failure. */
export const POSTGRES_MISSING =
  'PostgreSQL server binaries not found (pg_ctl, initdb and postgres on the PATH or in /usr/lib/postgresql/*/bin). ' +
  "Install Debian's package: apt-get install -y --no-install-recommends postgresql (.ci/run does).";

interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** When running as root, the unprivileged user to run the server as; undefined otherwise. */
function serverOwner(): OsUser | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      if (uid > 0) {
        return { name, uid, gid };
      }
    } catch {
      // No such user: try the next.
    }
  }
  throw new Error('Running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

/** Runs a binary (as `owner` when given) and rejects with its output when it fails. */
function runAs(owner: OsUser | undefined, file: string, args: string[], cwd: string): Promise<void> {
  const options: SpawnOptions = {
    cwd,
    // pg_ctl keeps the server's stdout/stderr open: send them to the log file (-l), not a pipe.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', HOME: cwd },
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, options);
    let output = '';
    child.stdout?.on('data', d => { output += d; });
    child.stderr?.on('data', d => { output += d; });
    child.on('error', reject);
    child.on('close', code => code === 0
      ? resolve()
      : reject(new Error(`${path.basename(file)} ${args[0]} exited with ${code}: ${output.trim().slice(-2000)}`)));
  });
}

/** Last resort when `pg_ctl stop` fails: SIGQUIT (immediate shutdown) to the postmaster. */
function killPostmaster(dataDir: string): void {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf-8').split('\n')[0]);
    if (pid > 0) {
      process.kill(pid, 'SIGQUIT');
    }
  } catch {
    // Not running.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
