/**
 * The PostgreSQL proof of the rotation framework: the rotator of
 * examples/rotation/postgres-alternating-users.ts against a real PostgreSQL (a throwaway
 * cluster on 127.0.0.1, see postgres-server.ts) and the Secrets Manager model.
 *
 * - Under load: an application logs in continuously with whatever AWSCURRENT says while the
 *   secret is rotated 100 times. Alternating users: no failed login. Single user, the same run:
 *   the failure window is measured and reported (not asserted: it depends on timing).
 * - Fault injection: every call of every step (Secrets Manager and database) fails once, by
 *   throwing or hanging (a Lambda timeout), before or after it took effect; the retry converges,
 *   AWSCURRENT logs in after every invocation, no version is lost, at most one AWSPENDING.
 *
 * The figures go to .tmp/postgres-report.md. Without PostgreSQL the file is skipped locally and
 * fails under CI=true (.ci/run installs Debian's postgresql package).
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Client } from 'pg';
import {
  AppDatabase, createAppRole, findPostgresBinaries, Login, POSTGRES_MISSING, PostgresServer, seedAppDatabase, startPostgres,
} from './postgres-server';
import {
  appLogin, CallPoint, createAppSecrets, FAULT_MODES, FaultMode, FaultPlan, FaultyService, Handler, LoadLoop, median, p99, pointName, QuietLogger,
  rotate, RotationTiming, sleep, Step, STEPS,
} from './rotation-harness';
import { PostgresCredentialService } from '../../../examples/rotation/postgres-alternating-users';
import { alternatingUsers, createRotationHandler, DatabaseCredentials, Rotator, singleUser } from '../../../src/rotation/runtime';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, mockedModel, modelClient, SecretsManagerModel } from '../runtime/secrets-manager-model';

/** Rotations per load run. */
const ROTATIONS = 100;
/**
 * Pause between two rotations. A password that stops being AWSCURRENT is changed by the next
 * rotation's setSecret; the pause keeps that later than the slowest login in flight (the
 * report shows both). Real schedules rotate at most every 4 hours.
 */
const PAUSE_MS = 250;
const REPORT = path.join(__dirname, '..', '..', '..', '.tmp', 'postgres-report.md');

const sm = mockClient(SecretsManagerClient);
const binaries = findPostgresBinaries();
const ci = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';

if (!binaries && ci) {
  describe('PostgreSQL rotation proof', () => {
    test('PostgreSQL is installed (required under CI)', () => {
      throw new Error(POSTGRES_MISSING);
    });
  });
} else if (!binaries) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the PostgreSQL rotation proof: ${POSTGRES_MISSING}`);
  describe.skip('PostgreSQL rotation proof (PostgreSQL not installed)', () => {
    test('skipped', () => undefined);
  });
} else {
  describe('PostgreSQL rotation proof', () => {
    let server: PostgresServer;
    let app: AppDatabase;
    const report: { load: LoadFigures[]; faults?: FaultFigures } = { load: [] };

    beforeAll(async () => {
      server = await startPostgres(binaries);
      app = await seedAppDatabase(server);
    }, 120_000);

    afterAll(async () => {
      await server?.stop();
      if (report.load.length > 0 || report.faults) {
        const text = renderReport(server, report.load, report.faults);
        fs.mkdirSync(path.dirname(REPORT), { recursive: true });
        fs.writeFileSync(REPORT, text);
        // eslint-disable-next-line no-console
        console.log(text);
      }
    }, 60_000);

    describe('under load: an application logs in with AWSCURRENT while the secret rotates', () => {
      test('alternating users: 100 rotations, at least 20 logins/s, no failed login', async () => {
        // GIVEN app_user, its secret and the admin secret (app_admin), and the example's rotator
        const figures = await loadRun('alternating users', app.user, service => alternatingUsers(service));
        report.load.push(figures);

        // THEN every rotation completed, the application kept logging in, and never failed
        expect(figures.rotationErrors).toEqual([]);
        expect(figures.rotations).toBeGreaterThanOrEqual(ROTATIONS);
        expect(figures.loginsPerSecond).toBeGreaterThanOrEqual(20);
        expect(figures.failureSamples).toEqual([]);
        expect(figures.failedLogins).toBe(0);
        // Both users took turns and both can read the application's table
        expect(figures.usernames).toEqual(['app_user', 'app_user_clone']);
      }, 150_000);

      test('single user, the same run: the failure window is measured', async () => {
        // GIVEN a user of its own with the same privileges, rotated with singleUser
        const user = await createAppRole(server, app, 'single_user');
        const figures = await loadRun('single user', user, service => singleUser(service));
        report.load.push(figures);

        // THEN the rotations completed; every failed login (if any: it depends on timing) was a
        // password rejected while the database already had the new one and AWSCURRENT the old
        expect(figures.rotationErrors).toEqual([]);
        expect(figures.rotations).toBeGreaterThanOrEqual(ROTATIONS);
        expect(figures.loginsPerSecond).toBeGreaterThanOrEqual(20);
        for (const sample of figures.failureSamples) {
          expect(sample).toMatch(/password authentication failed for user "single_user"/);
        }
        expect(figures.failuresOutsideWindows).toBe(0);
        expect(figures.usernames).toEqual(['single_user']);
      }, 150_000);
    });

    describe('fault injection: each call of each step fails once, then Secrets Manager retries', () => {
      const plan = new FaultPlan();
      const logger = new QuietLogger();
      let model: SecretsManagerModel;
      let client: SecretsManagerClient;
      let handler: Handler;
      /** The calls each step makes, from a clean rotation that creates the clone. */
      const calls = {} as Record<Step, CallPoint[]>;
      const figures: FaultFigures = {
        scenarios: 0, invocations: 0, injected: 0, failedInvocations: 0, absorbed: [], notReached: [], failedScenarios: [], points: calls,
      };
      let users = 0;
      let statements: jest.SpiedFunction<Client['query']>;

      beforeAll(async () => {
        // Secrets Manager calls and SQL statements go through the plan, as the service's calls do
        model = mockedModel(sm, (command, _input, call) => plan.around(`sm:${command}`, call));
        const query = Client.prototype.query as (...args: unknown[]) => Promise<unknown>;
        statements = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
          if (!plan.counting || typeof args[0] !== 'string') {
            return query.apply(this, args);
          }
          plan.track(this);
          // The verb only: the text of ALTER ROLE holds a password verifier
          return plan.around(`sql:${args[0].trimStart().split(/\s/)[0].toUpperCase()}`, () => query.apply(this, args));
        } as never);
        client = modelClient();
        handler = createRotationHandler(alternatingUsers(new FaultyService(new PostgresCredentialService(), plan)), { client, logger });
        report.faults = figures;

        // A clean rotation: which calls does each step make?
        const user = await createAppRole(server, app, 'fi_probe');
        const { appSecretArn } = createAppSecrets(model, server, app, user);
        const token = randomUUID();
        await client.send(new RotateSecretCommand({ SecretId: appSecretArn, ClientRequestToken: token }));
        for (const step of STEPS) {
          await plan.invoke(handler, { Step: step, SecretId: appSecretArn, ClientRequestToken: token });
          calls[step] = plan.trace;
        }
      }, 60_000);

      afterAll(() => {
        statements?.mockRestore();
      });

      test('the steps make the calls the scenarios fail', () => {
        // The handler may change; the scenarios follow it. These are some of the calls they fail.
        const names = (step: Step) => calls[step].map(c => c.name);
        expect(names('setSecret')).toEqual(expect.arrayContaining(['db:setPassword', 'sql:BEGIN', 'sql:CREATE', 'sql:GRANT', 'sql:ALTER', 'sql:COMMIT']));
        expect(names('testSecret')).toEqual(expect.arrayContaining(['db:login', 'sql:SELECT']));
        expect(names('finishSecret')).toContain('sm:UpdateSecretVersionStage');
      });

      describe.each(STEPS)('%s', step => {
        test.each(FAULT_MODES)('%s each call: the retry converges, AWSCURRENT always logs in', async mode => {
          for (const point of calls[step]) {
            await scenario(step, point, mode).catch(e => {
              figures.failedScenarios.push((e as Error).message);
              throw e;
            });
          }
        }, 120_000);
      });

      test('a real statement timeout: setSecret waits for a lock on the role, then the retry converges', async () => {
        // GIVEN a rotator whose statements time out after 500 ms, and a user rotated once (the clone exists)
        const slow = createRotationHandler(alternatingUsers(new PostgresCredentialService({ statementTimeoutMillis: 500 })), { client, logger });
        const user = await createAppRole(server, app, 'fi_lock');
        const { appSecretArn: arn } = createAppSecrets(model, server, app, user);
        const invariants = new Invariants(model, arn);
        await invariants.check();

        for (const [rotation, blockingStatement] of [
          // rotation 1 creates fi_lock_clone: another transaction is creating the same role
          [1, 'CREATE ROLE fi_lock_clone'],
          // rotation 2 sets fi_lock's password: another transaction is altering the role
          [2, 'ALTER ROLE fi_lock CONNECTION LIMIT -1'],
        ] as const) {
          const token = randomUUID();
          const previous = model.valueOf(arn, AWSCURRENT)!;
          await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token }));
          await slow({ Step: 'createSecret', SecretId: arn, ClientRequestToken: token });
          await invariants.check();

          // WHEN an uncommitted transaction holds the role while setSecret runs
          const blocker = await server.connect(app.admin, app.dbname);
          try {
            await blocker.query('BEGIN');
            await blocker.query(blockingStatement);
            const error = await slow({ Step: 'setSecret', SecretId: arn, ClientRequestToken: token }).then(() => undefined, e => e as Error);

            // THEN setSecret fails with the server's statement timeout, and AWSCURRENT still logs in
            expect(`rotation ${rotation}: ${error?.message}`).toMatch(/canceling statement due to statement timeout/);
            await invariants.check();
          } finally {
            await blocker.query('ROLLBACK');
            await blocker.end();
          }

          // WHEN Secrets Manager retries, the lock gone
          for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) {
            await slow({ Step: step, SecretId: arn, ClientRequestToken: token });
            await invariants.check();
          }
          // THEN the rotation completed
          await invariants.completed(token, previous);
        }
        figures.lockTimeoutPassed = true;
      }, 60_000);

      /**
       * Rotates a fresh user twice with `point` of `step` failing with `mode` each time.
       * Rotation 1 creates the clone, rotation 2 sets the base user's password (it makes no
       * CREATE ROLE or GRANT: those points are not reached there). After the failure, rotation 1
       * retries the failed step (Lambda's retry of an invocation); rotation 2 starts over from
       * createSecret with the same token (a later attempt of the same rotation). The invariants
       * are checked after every invocation.
       */
      async function scenario(step: Step, point: CallPoint, mode: FaultMode): Promise<void> {
        const where = `${step}, ${mode} ${pointName(point)}`;
        const user = await createAppRole(server, app, `fi_${++users}`);
        const { appSecretArn: arn } = createAppSecrets(model, server, app, user);
        const invariants = new Invariants(model, arn);
        await invariants.check();
        figures.scenarios++;

        for (const rotation of [1, 2]) {
          const label = `${where}, rotation ${rotation}`;
          const token = randomUUID();
          const previous = model.valueOf(arn, AWSCURRENT)!;
          await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token }));
          let faulted = false;
          let next = 0;
          let attempts = 0;
          while (next < STEPS.length) {
            if (++attempts > 10) {
              throw new Error(`${label}: the rotation does not converge`);
            }
            const current = STEPS[next];
            const inject = current === step && !faulted;
            if (inject) {
              plan.arm(point, mode);
            }
            figures.invocations++;
            let error: Error | undefined;
            try {
              await plan.invoke(handler, { Step: current, SecretId: arn, ClientRequestToken: token });
            } catch (e) {
              error = e as Error;
              figures.failedInvocations++;
            }
            if (inject) {
              faulted = true;
              if (!plan.fired) {
                if (rotation === 1 || plan.trace.some(c => c.name === point.name && c.occurrence === point.occurrence)) {
                  throw new Error(`${label}: the fault did not fire; the calls were ${plan.trace.map(pointName).join(', ')}`);
                }
                figures.notReached.push(`${step}: ${pointName(point)}`);
              } else {
                figures.injected++;
              }
              if (plan.fired && !error) {
                // The step tolerated the fault (the "does AWSPENDING already log in?" probe failing)
                figures.absorbed.push(`${step}: ${mode} ${pointName(point)}`);
              }
            } else if (error) {
              throw new Error(`${label}: ${current} failed without an injected fault: ${error.message}`);
            }
            await invariants.check(label);
            next = !error ? next + 1 : rotation === 1 ? next : 0;
          }
          await invariants.completed(token, previous, label);
        }
      }
    });

    /** One load run: the figures of a strategy. */
    async function loadRun(strategy: string, user: Login, rotator: (service: PostgresCredentialService) => Rotator): Promise<LoadFigures> {
      const model = mockedModel(sm);
      const client = modelClient();
      const { appSecretArn } = createAppSecrets(model, server, app, user);
      const logger = new QuietLogger();
      const handler = createRotationHandler(rotator(new PostgresCredentialService()), { client, logger });

      // WHEN the application logs in continuously while the secret is rotated ROTATIONS times
      const load = new LoadLoop(client, appSecretArn);
      load.start();
      await sleep(PAUSE_MS);
      const rotations: RotationTiming[] = [];
      const rotationErrors: string[] = [];
      for (let i = 0; i < ROTATIONS; i++) {
        try {
          rotations.push(await rotate(client, handler, appSecretArn));
        } catch (e) {
          rotationErrors.push((e as Error).message);
          break;
        }
        await sleep(PAUSE_MS);
      }
      await load.stop();
      return loadFigures(strategy, load, rotations, rotationErrors, model.countStage(appSecretArn, AWSPENDING));
    }
  });
}

/**
 * The invariants of one secret, checked after every invocation: at most one AWSPENDING; every
 * version value ever stored is still there, unchanged; AWSCURRENT logs in (and reads the
 * table); AWSPREVIOUS is the value AWSCURRENT had before it.
 */
class Invariants {
  private readonly seen = new Map<string, string>();
  private readonly currents: string[] = [];

  constructor(private readonly model: SecretsManagerModel, private readonly arn: string) {}

  public async check(label = ''): Promise<void> {
    const where = label ? `${label}: ` : '';
    const pending = this.model.countStage(this.arn, AWSPENDING);
    if (pending > 1) {
      throw new Error(`${where}${pending} versions are AWSPENDING`);
    }
    const versions = this.model.versions(this.arn);
    for (const [versionId, value] of this.seen) {
      if (versions.find(v => v.versionId === versionId)?.value !== value) {
        throw new Error(`${where}version ${versionId} was lost or changed`);
      }
    }
    versions.filter(v => v.value !== undefined).forEach(v => this.seen.set(v.versionId, v.value!));
    const current = this.model.valueOf(this.arn, AWSCURRENT)!;
    await loginOrThrow(current, `${where}AWSCURRENT`);
    if (this.currents[this.currents.length - 1] !== current) {
      this.currents.push(current);
    }
    if (this.currents.length > 1 && this.model.valueOf(this.arn, AWSPREVIOUS) !== this.currents[this.currents.length - 2]) {
      throw new Error(`${where}AWSPREVIOUS is not the previous AWSCURRENT`);
    }
  }

  /** After a rotation: the token is AWSCURRENT, the old value AWSPREVIOUS, no AWSPENDING, and both log in. */
  public async completed(token: string, previous: string, label = ''): Promise<void> {
    const where = label ? `${label}: ` : '';
    if (this.model.versionWith(this.arn, AWSCURRENT) !== token) {
      throw new Error(`${where}the rotation's version is not AWSCURRENT`);
    }
    if (this.model.countStage(this.arn, AWSPENDING) !== 0) {
      throw new Error(`${where}AWSPENDING is left after the rotation`);
    }
    if (this.model.valueOf(this.arn, AWSPREVIOUS) !== previous) {
      throw new Error(`${where}AWSPREVIOUS is not the value before the rotation`);
    }
    const before: string = JSON.parse(previous).username;
    const after: string = JSON.parse(this.model.valueOf(this.arn, AWSCURRENT)!).username;
    const expected = before.endsWith('_clone') ? before.slice(0, -'_clone'.length) : `${before}_clone`;
    if (after !== expected) {
      throw new Error(`${where}AWSCURRENT is ${after}, expected ${expected}`);
    }
    // Alternating users: the previous credentials keep working until the next rotation
    await loginOrThrow(previous, `${where}AWSPREVIOUS`);
  }
}

async function loginOrThrow(value: string, what: string): Promise<void> {
  const credentials = JSON.parse(value) as DatabaseCredentials;
  try {
    await appLogin(credentials);
  } catch (e) {
    throw new Error(`${what} (${credentials.username}) does not log in: ${(e as Error).message}`);
  }
}

interface LoadFigures {
  readonly strategy: string;
  readonly rotations: number;
  readonly rotationErrors: string[];
  readonly rotationMedianMs: number;
  readonly durationSeconds: number;
  readonly logins: number;
  readonly failedLogins: number;
  readonly loginsPerSecond: number;
  readonly loginMedianMs: number;
  readonly loginP99Ms: number;
  readonly loginMaxMs: number;
  readonly usernames: string[];
  readonly failureSamples: string[];
  /** Rotations during which at least one login failed. */
  readonly rotationsWithFailures: number;
  /** Per rotation with failures: first failed login's start to last failed login's end. */
  readonly observedWindowMedianMs: number;
  readonly observedWindowMaxMs: number;
  /** Failed logins that started outside any setSecret-start to finishSecret-end interval (plus one login). */
  readonly failuresOutsideWindows: number;
  /** Per rotation: setSecret start to finishSecret end (when single-user credentials in AWSCURRENT can be stale). */
  readonly exposureMedianMs: number;
  readonly exposureMaxMs: number;
  readonly exposureTotalMs: number;
  /** Shortest time between a value leaving AWSCURRENT (finishSecret) and the next setSecret. */
  readonly minSafetyMarginMs: number;
  readonly pendingAtEnd: number;
}

interface FaultFigures {
  scenarios: number;
  invocations: number;
  /** Faults that fired. */
  injected: number;
  failedInvocations: number;
  /** Points of rotation 1 that rotation 2 does not reach (no CREATE ROLE, no GRANT). */
  notReached: string[];
  /** Faults the step tolerated without failing. */
  absorbed: string[];
  /** Scenarios whose invariants did not hold (the test fails). */
  failedScenarios: string[];
  lockTimeoutPassed?: boolean;
  points: Record<Step, CallPoint[]>;
}

function loadFigures(strategy: string, load: LoadLoop, rotations: RotationTiming[], rotationErrors: string[], pendingAtEnd: number): LoadFigures {
  const latencies = load.attempts.map(a => a.end - a.start);
  const maxLogin = Math.max(0, ...latencies);
  const failures = load.failures;
  const windows = rotations.map(r => ({ from: r.steps.setSecret.start, to: r.steps.finishSecret.end }));
  const byRotation = new Map<number, { first: number; last: number }>();
  let outside = 0;
  for (const f of failures) {
    const i = windows.findIndex(w => f.start >= w.from - maxLogin && f.start <= w.to);
    if (i < 0) {
      outside++;
      continue;
    }
    const entry = byRotation.get(i) ?? { first: f.start, last: f.end };
    byRotation.set(i, { first: Math.min(entry.first, f.start), last: Math.max(entry.last, f.end) });
  }
  const observed = [...byRotation.values()].map(w => w.last - w.first);
  const exposures = windows.map(w => w.to - w.from);
  const margins = rotations.slice(1).map((r, i) => r.steps.setSecret.start - rotations[i].steps.finishSecret.end);
  return {
    strategy,
    rotations: rotations.length,
    rotationErrors,
    rotationMedianMs: median(rotations.map(r => r.steps.finishSecret.end - r.start)),
    durationSeconds: load.durationMs / 1000,
    logins: load.attempts.length,
    failedLogins: failures.length,
    loginsPerSecond: load.rate,
    loginMedianMs: median(latencies),
    loginP99Ms: p99(latencies),
    loginMaxMs: maxLogin,
    usernames: [...new Set(load.attempts.filter(a => a.ok).map(a => a.username))].sort(),
    failureSamples: [...new Set(failures.map(f => `${f.username}: ${f.error}`))].slice(0, 5),
    rotationsWithFailures: byRotation.size,
    observedWindowMedianMs: median(observed),
    observedWindowMaxMs: Math.max(0, ...observed),
    failuresOutsideWindows: outside,
    exposureMedianMs: median(exposures),
    exposureMaxMs: Math.max(0, ...exposures),
    exposureTotalMs: exposures.reduce((a, b) => a + b, 0),
    minSafetyMarginMs: margins.length ? Math.min(...margins) : 0,
    pendingAtEnd,
  };
}

function renderReport(server: PostgresServer | undefined, load: LoadFigures[], faults?: FaultFigures): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const lines = [
    '# PostgreSQL rotation proof: figures',
    '',
    `Written by test/rotation/postgres/postgres-rotation.test.ts on ${new Date().toISOString()}.`,
    server ? `Server: ${server.binaries.version}, ${server.binaries.binDir}, on ${server.host}:${server.port}, run as OS user \`${server.osUser}\`, SCRAM-SHA-256.` : '',
    `Machine: ${os.cpus().length} CPUs, Node ${process.version}.`,
    '',
  ];
  if (load.length > 0) {
    lines.push(
      '## Under load',
      '',
      'One application loop reads AWSCURRENT (GetSecretValue on the model) and logs in on a new connection (`SELECT count(*) FROM widgets`), ' +
      `as fast as it can, while ${ROTATIONS} rotations run (RotateSecret, then createSecret → setSecret → testSecret → finishSecret), ${PAUSE_MS} ms apart.`,
      '',
      '| | ' + load.map(f => f.strategy).join(' | ') + ' |',
      '|---|' + load.map(() => '---:|').join(''),
    );
    const row = (name: string, value: (f: LoadFigures) => string) => lines.push(`| ${name} | ${load.map(value).join(' | ')} |`);
    row('rotations completed', f => `${f.rotations}`);
    row('rotation (4 steps), median', f => ms(f.rotationMedianMs));
    row('run time', f => `${f.durationSeconds.toFixed(1)} s`);
    row('logins', f => `${f.logins}`);
    row('logins per second', f => f.loginsPerSecond.toFixed(1));
    row('login latency median / p99 / max', f => `${ms(f.loginMedianMs)} / ${ms(f.loginP99Ms)} / ${ms(f.loginMaxMs)}`);
    row('**failed logins**', f => `**${f.failedLogins}** (${(100 * f.failedLogins / Math.max(1, f.logins)).toFixed(2)} %)`);
    row('rotations with a failed login', f => `${f.rotationsWithFailures} of ${f.rotations}`);
    row('observed failure window per rotation, median / max', f => `${ms(f.observedWindowMedianMs)} / ${ms(f.observedWindowMaxMs)}`);
    row('setSecret start → finishSecret end, median / max / total', f => `${ms(f.exposureMedianMs)} / ${ms(f.exposureMaxMs)} / ${(f.exposureTotalMs / 1000).toFixed(2)} s`);
    row('shortest finishSecret → next setSecret', f => ms(f.minSafetyMarginMs));
    row('users that logged in', f => f.usernames.join(', '));
    row('AWSPENDING versions at the end', f => `${f.pendingAtEnd}`);
    for (const f of load.filter(x => x.failureSamples.length > 0)) {
      lines.push('', `${f.strategy}, failure messages: ${f.failureSamples.map(s => `\`${s}\``).join('; ')}`);
    }
    lines.push(
      '',
      'Single user: from the ALTER ROLE in setSecret until finishSecret moves AWSCURRENT, the database has the new password and ' +
      'AWSCURRENT the old one, so a client that reads AWSCURRENT then fails; the observed window is that interval as the load loop saw it. ' +
      'Alternating users: setSecret changes the user that is not AWSCURRENT, so a value read from AWSCURRENT keeps working until the ' +
      'rotation after next; a login fails only if it takes longer than the time between two rotations (here the shortest ' +
      'finishSecret → next setSecret, against the slowest login; in production at least 4 hours).',
      '',
    );
  }
  if (faults) {
    const points = STEPS.map(s => `${s}: ${(faults.points[s] ?? []).map(c => c.name).join(', ')}`).join('; ');
    lines.push(
      '## Fault injection',
      '',
      `Calls per step (from a clean first rotation; \`sm:\` Secrets Manager, \`db:\` the credential service, \`sql:\` its statements): ${points}.`,
      '',
      'Each call failed once in 4 ways (throw before / after it ran, hang before / after it ran = Lambda timeout), on a fresh user, ' +
      'in 2 rotations (1: creates the clone, retries the failed step; 2: alters the base user, starts over from createSecret with the same token): ' +
      `${faults.scenarios} scenarios, ${faults.injected} faults injected, ${faults.invocations} invocations, ${faults.failedInvocations} of them failed by the fault ` +
      `(rotation 2 makes no CREATE ROLE or GRANT: ${faults.notReached.length} points not reached there). ` +
      'A hang abandons the invocation and closes its database connections (Lambda resets the environment at a timeout). ' +
      'After every invocation: at most one AWSPENDING, no version lost or changed, AWSCURRENT logs in and reads the table, AWSPREVIOUS is the previous AWSCURRENT; ' +
      'after every rotation: the token is AWSCURRENT, no AWSPENDING, AWSPREVIOUS logs in. ' +
      (faults.failedScenarios.length === 0 ? 'All held.' : `**${faults.failedScenarios.length} scenarios failed**: ${faults.failedScenarios.join('; ')}`),
      '',
      `Faults the step absorbed (it succeeded, correctly: setSecret treats any error of its "does AWSPENDING already log in?" probe as "no"): ${[...new Set(faults.absorbed)].join('; ') || 'none'}.`,
      '',
      'Plus a real PostgreSQL timeout: setSecret blocked by another transaction holding the role (CREATE ROLE of the clone; ALTER ROLE of the user), ' +
      'statement_timeout 500 ms: the step fails, AWSCURRENT keeps logging in, the retry converges: ' +
      (faults.lockTimeoutPassed ? 'held.' : '**did not pass** (see the jest output).'),
      '',
    );
  }
  return lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n');
}
