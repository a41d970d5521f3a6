import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { CapturingLogger, FakeDatabase, STEPS } from './fakes';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, SecretsManagerModel, mockedModel, modelClient } from './secrets-manager-model';
import { createRotationHandler } from '../../../src/rotation/runtime/handler';
import { passwordViolations } from '../../../src/rotation/runtime/password-policy';
import { RandomValueRotator } from '../../../src/rotation/runtime/random-value-rotator';
import { CredentialService, DatabaseCredentials, alternatingUsers, singleUser } from '../../../src/rotation/runtime/strategies';
import { RotationEvent, Rotator } from '../../../src/rotation/runtime/types';

/**
 * The proof that a rotation survives a failure anywhere. Every call the handler makes (each
 * Secrets Manager API call, each rotator method, each call of the rotator to the database) is
 * a fault point, before and after the call: "before" is a call that never happened, "after" a
 * call that took effect but whose answer was lost. At one point, once, the call throws or hangs
 * (cut by the Lambda timeout). Then Secrets Manager's behaviour continues the rotation: the
 * failed step is invoked again, or the whole rotation is reattempted from createSecret with
 * the same token. At every fault point and after every invocation the test checks:
 *
 * - exactly one AWSCURRENT and at most one AWSPENDING;
 * - AWSCURRENT logs in (single user: AWSCURRENT or AWSPENDING logs in, the documented window
 *   between setSecret and finishSecret in which only the new password works);
 * - no version is lost or changed;
 *
 * and at the end: the token is AWSCURRENT, AWSPREVIOUS holds the old value, AWSPENDING is
 * gone, and the promoted value is one whose test passed.
 */
const sm = mockClient(SecretsManagerClient);
/** The Lambda timeout of the test: how long a hung invocation runs before it is cut. */
const TIMEOUT_MS = 10;

type Fault = 'throw' | 'timeout';
type Recovery = 'retry step' | 'restart rotation';

/** Counts fault points and fails the planned ones. */
class FaultInjector {
  public readonly visits: string[] = [];
  public fired = 0;
  /** Runs at every point (the invariants); must not throw. */
  public onVisit?: () => void;

  constructor(private readonly plan: ReadonlyMap<number, Fault> = new Map()) {}

  /** Runs `call` between a "before" and an "after" point; the "after" point is visited on failure too. */
  public async around<T>(name: string, call: () => Promise<T>): Promise<T> {
    await this.point(`before ${name}`);
    let result: T;
    try {
      result = await call();
    } catch (e) {
      await this.point(`after ${name}`);
      throw e;
    }
    await this.point(`after ${name}`);
    return result;
  }

  private async point(label: string): Promise<void> {
    const index = this.visits.length;
    this.visits.push(label);
    this.onVisit?.();
    const fault = this.plan.get(index);
    if (fault === 'throw') {
      this.fired++;
      throw new Error(`injected fault at ${label}`);
    }
    if (fault === 'timeout') {
      this.fired++;
      await new Promise<never>(() => undefined);
    }
  }
}

/** Rejects when `promise` has not settled after `ms` (the Lambda timeout). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('Task timed out')), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

function instrumentRotator(rotator: Rotator, injector: FaultInjector, tested: Set<string>): Rotator {
  return {
    generate: (current, context) => injector.around('rotator.generate', () => rotator.generate(current, context)),
    set: (pending, current, context) => injector.around('rotator.set', () => rotator.set(pending, current, context)),
    test: (pending, context) => injector.around('rotator.test', async () => {
      await rotator.test(pending, context);
      tested.add(pending);
    }),
  };
}

function instrumentService(service: CredentialService, injector: FaultInjector): CredentialService {
  return {
    login: (credentials: DatabaseCredentials) => injector.around('db.login', () => service.login(credentials)),
    setPassword: (admin, username, password, template) => injector.around('db.setPassword', () => service.setPassword(admin, username, password, template)),
  };
}

type Strategy = 'single user' | 'alternating users (creates the clone)' | 'alternating users (flips back)' | 'random value';
const STRATEGIES: Strategy[] = ['single user', 'alternating users (creates the clone)', 'alternating users (flips back)', 'random value'];
const RANDOM_POLICY = { passwordLength: 24, excludeCharacters: '"\\' };

/** A secret, its service, an instrumented handler, and the invariant checks. */
class World {
  public readonly model: SecretsManagerModel;
  public readonly injector: FaultInjector;
  public readonly db = new FakeDatabase();
  public readonly tested = new Set<string>();
  public readonly violations: string[] = [];
  public readonly log = new CapturingLogger();
  public arn = '';
  private readonly handler: (event: RotationEvent) => Promise<void>;
  private readonly values = new Map<string, string>();
  private readonly rotator: Rotator;

  constructor(private readonly strategy: Strategy, plan?: ReadonlyMap<number, Fault>) {
    this.injector = new FaultInjector(plan);
    // RotateSecret is Secrets Manager starting the rotation, not a call of the handler.
    this.model = mockedModel(sm, (command, _input, call) => command === 'RotateSecret' ? call() : this.injector.around(command, call));
    const service = instrumentService(this.db, this.injector);
    if (strategy === 'single user') {
      this.db.addUser('app', 'app-initial-password');
      this.arn = this.model.createSecret('app', JSON.stringify({ username: 'app', password: 'app-initial-password', host: 'db' }));
      this.rotator = singleUser(service);
    } else if (strategy === 'random value') {
      this.arn = this.model.createSecret('token', 'Initial-token-value-0123');
      this.rotator = new RandomValueRotator({ passwordPolicy: RANDOM_POLICY });
    } else {
      this.db.addUser('master', 'master-password', { superuser: true });
      const masterArn = this.model.createSecret('master', JSON.stringify({ username: 'master', password: 'master-password' }));
      const flipsBack = strategy === 'alternating users (flips back)';
      this.db.addUser('app', 'app-initial-password', { privileges: ['orders'] });
      if (flipsBack) {
        this.db.addUser('app_clone', 'clone-password', { privileges: ['orders'] });
      }
      this.arn = this.model.createSecret('app', JSON.stringify({
        username: flipsBack ? 'app_clone' : 'app', password: flipsBack ? 'clone-password' : 'app-initial-password', masterarn: masterArn,
      }));
      this.rotator = alternatingUsers(service);
    }
    this.handler = createRotationHandler(instrumentRotator(this.rotator, this.injector, this.tested), { client: modelClient(), logger: this.log });
    this.injector.onVisit = () => this.check();
    this.check();
  }

  /** Whether a value works: logs in to the database, or (random value) satisfies the policy. */
  public works(value: string | undefined): boolean {
    if (value === undefined) {
      return false;
    }
    return this.strategy === 'random value' ? passwordViolations(value, RANDOM_POLICY).length === 0 : this.db.accepts(JSON.parse(value));
  }

  /** The invariants; records violations (an exception here would look like a fault to the handler). */
  public check(): void {
    const where = this.injector.visits[this.injector.visits.length - 1] ?? 'start';
    const fail = (what: string) => this.violations.push(`${what} (at ${where})`);
    if (this.model.countStage(this.arn, AWSCURRENT) !== 1) fail('not exactly one AWSCURRENT');
    if (this.model.countStage(this.arn, AWSPENDING) > 1) fail('more than one AWSPENDING');
    const current = this.model.valueOf(this.arn, AWSCURRENT);
    const pending = this.model.valueOf(this.arn, AWSPENDING);
    const ok = this.strategy === 'single user' ? this.works(current) || this.works(pending) : this.works(current);
    if (!ok) fail('AWSCURRENT does not log in');
    for (const v of this.model.versions(this.arn)) {
      if (v.value === undefined) continue;
      if (this.values.has(v.versionId) && this.values.get(v.versionId) !== v.value) fail(`version ${v.versionId} changed`);
      this.values.set(v.versionId, v.value);
    }
    for (const id of this.values.keys()) {
      if (!this.model.versions(this.arn).some(v => v.versionId === id)) fail(`version ${id} lost`);
    }
  }

  /** One rotation as Secrets Manager drives it; returns the token. */
  public async rotate(recovery: (failure: number) => Recovery = () => 'retry step'): Promise<string> {
    const { VersionId: token } = await modelClient().send(new RotateSecretCommand({ SecretId: this.arn }));
    let step = 0;
    let failures = 0;
    for (let attempts = 0; step < STEPS.length; attempts++) {
      if (attempts > 40) {
        throw new Error(`rotation did not converge; visits: ${this.injector.visits.slice(-10).join(', ')}`);
      }
      try {
        await withTimeout(this.handler({ Step: STEPS[step], SecretId: this.arn, ClientRequestToken: token! }), TIMEOUT_MS);
        step++;
      } catch {
        step = recovery(failures++) === 'restart rotation' ? 0 : step;
      }
      this.check();
    }
    return token!;
  }

  /** What must hold once a rotation converged. */
  public expectConverged(token: string, old: { versionId: string; value: string; stored: string[] }): void {
    expect(this.violations).toEqual([]);
    expect(this.model.versionWith(this.arn, AWSCURRENT)).toBe(token);
    expect(this.model.countStage(this.arn, AWSPENDING)).toBe(0);
    expect(this.model.versionWith(this.arn, AWSPREVIOUS)).toBe(old.versionId);
    expect(this.model.valueOf(this.arn, AWSPREVIOUS)).toBe(old.value);
    const current = this.model.valueOf(this.arn, AWSCURRENT)!;
    expect(this.tested.has(current)).toBe(true);
    expect(this.works(current)).toBe(true);
    if (this.strategy !== 'single user') {
      // Alternating users and shared values: the previous value keeps working too.
      expect(this.works(old.value)).toBe(true);
    }
    // One new version, the token's: a retry never stored a second value.
    expect(this.storedVersions().sort()).toEqual([...old.stored, token].sort());
  }

  /** AWSCURRENT now, and the versions that have a value (to compare after the rotation). */
  public current(): { versionId: string; value: string; stored: string[] } {
    return {
      versionId: this.model.versionWith(this.arn, AWSCURRENT)!,
      value: this.model.valueOf(this.arn, AWSCURRENT)!,
      stored: this.storedVersions(),
    };
  }

  private storedVersions(): string[] {
    return this.model.versions(this.arn).filter(v => v.value !== undefined).map(v => v.versionId);
  }
}

describe.each(STRATEGIES)('%s', strategy => {
  test('without faults: the fault points a rotation visits', async () => {
    // GIVEN
    const world = new World(strategy);
    const old = world.current();
    // WHEN
    const token = await world.rotate();
    // THEN
    world.expectConverged(token, old);
    const points = new Set(world.injector.visits);
    for (const p of ['DescribeSecret', 'GetSecretValue', 'GetRandomPassword', 'PutSecretValue', 'UpdateSecretVersionStage', 'rotator.generate', 'rotator.set', 'rotator.test']) {
      expect(points).toContain(`before ${p}`);
      expect(points).toContain(`after ${p}`);
    }
    if (strategy !== 'random value') {
      expect(points).toContain('after db.setPassword');
    }
  });

  test.each<[Fault, Recovery]>([
    ['throw', 'retry step'],
    ['timeout', 'retry step'],
    ['throw', 'restart rotation'],
    ['timeout', 'restart rotation'],
  ])('a %s at every fault point, then %s: the rotation converges', async (fault, recovery) => {
    // GIVEN: the number of fault points of a clean rotation
    const clean = new World(strategy);
    await clean.rotate();
    const count = clean.injector.visits.length;
    expect(count).toBeGreaterThan(30);
    const problems: string[] = [];
    for (let i = 0; i < count; i++) {
      // WHEN: fault point i fails once
      const world = new World(strategy, new Map([[i, fault]]));
      const old = world.current();
      const label = clean.injector.visits[i];
      try {
        const token = await world.rotate(() => recovery);
        // THEN
        expect(world.injector.fired).toBe(1);
        world.expectConverged(token, old);
      } catch (e) {
        problems.push(`${fault} at #${i} ${label}: ${(e as Error).message.split('\n').slice(0, 6).join(' ')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('random interleavings of failures (property)', () => {
  test.each<Strategy>(['alternating users (creates the clone)', 'single user', 'random value'])('%s: up to 4 faults across two rotations, any recovery', async strategy => {
    await fc.assert(fc.asyncProperty(
      fc.dictionary(fc.integer({ min: 0, max: 120 }).map(String), fc.constantFrom<Fault>('throw', 'timeout'), { maxKeys: 4 }),
      fc.array(fc.constantFrom<Recovery>('retry step', 'restart rotation'), { minLength: 8, maxLength: 8 }),
      async (faults, recoveries) => {
        const world = new World(strategy, new Map(Object.entries(faults).map(([k, v]) => [Number(k), v])));
        for (let rotation = 0; rotation < 2; rotation++) {
          const old = world.current();
          const token = await world.rotate(n => recoveries[n % recoveries.length]);
          world.expectConverged(token, old);
        }
      },
    ), { numRuns: 40 });
  });
});
