import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { CapturingLogger, FakeDatabase, rejection, runSteps } from './fakes';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, SecretsManagerModel, mockedModel, modelClient } from './secrets-manager-model';
import * as runtime from '../../../src/rotation/runtime';
import { createRotationHandler } from '../../../src/rotation/runtime/handler';
import { REDACTED, jsonLogger, redact, redactingLogger, secretStrings } from '../../../src/rotation/runtime/logger';
import { passwordViolations, randomPasswordRequest, validatePasswordPolicy } from '../../../src/rotation/runtime/password-policy';
import { RANDOM_VALUE_ENV, RandomValueRotator } from '../../../src/rotation/runtime/random-value-rotator';
import { alternatingUsers, parseCredentials, singleUser } from '../../../src/rotation/runtime/strategies';
import { RotationContext, RotationEvent, Rotator } from '../../../src/rotation/runtime/types';

const sm = mockClient(SecretsManagerClient);
let model: SecretsManagerModel;
let log: CapturingLogger;

beforeEach(() => {
  model = mockedModel(sm);
  log = new CapturingLogger();
});

interface Rotating {
  readonly arn: string;
  readonly token: string;
  readonly oldVersion: string;
}

/** A secret with rotation started by RotateSecret (the AWSPENDING version has no value yet). */
async function rotating(value: string, options: { name?: string; rotationEnabled?: boolean } = {}): Promise<Rotating> {
  const arn = model.createSecret(options.name ?? 'app', value);
  const oldVersion = model.versionWith(arn, AWSCURRENT)!;
  const { VersionId } = await modelClient().send(new RotateSecretCommand({ SecretId: arn }));
  if (options.rotationEnabled === false) {
    model.setRotationEnabled(arn, false);
  }
  return { arn, token: VersionId!, oldVersion };
}

function handlerFor(rotator: Rotator) {
  return createRotationHandler(rotator, { client: modelClient(), logger: log });
}

function event(Step: RotationEvent['Step'], arn: string, token: string): RotationEvent {
  return { Step, SecretId: arn, ClientRequestToken: token };
}

/** Asserts that no log line contains any of the secret strings of `values`. */
function expectNoSecretInLogs(...values: Array<string | undefined>): void {
  const secrets = values.flatMap(v => secretStrings(v));
  expect(secrets.length).toBeGreaterThan(0);
  for (const line of log.lines) {
    for (const s of secrets) {
      expect(line).not.toContain(s);
    }
  }
}

/** A rotator that records its calls and does what the test says. */
function recordingRotator(overrides: Partial<Rotator> = {}): Rotator & { calls: string[] } {
  const calls: string[] = [];
  let n = 0;
  return {
    calls,
    generate: async (current, context) => {
      calls.push('generate');
      return overrides.generate ? overrides.generate(current, context) : `value-${++n}-${context.token}`;
    },
    set: async (pending, current, context) => {
      calls.push('set');
      return overrides.set?.(pending, current, context);
    },
    test: async (pending, context) => {
      calls.push('test');
      return overrides.test?.(pending, context);
    },
    ...(overrides.finish ? {
      finish: async (pending: string, previous: string, context: RotationContext) => {
        calls.push('finish');
        return overrides.finish!(pending, previous, context);
      },
    } : {}),
  };
}

describe('the rotation contract', () => {
  test('a full rotation: the token becomes AWSCURRENT, the old version AWSPREVIOUS, AWSPENDING is gone', async () => {
    // GIVEN
    const { arn, token, oldVersion } = await rotating('old-value');
    const rotator = recordingRotator();
    // WHEN
    await runSteps(handlerFor(rotator), arn, token);
    // THEN
    expect(rotator.calls).toEqual(['generate', 'set', 'test', 'test']);
    expect(model.versionWith(arn, AWSCURRENT)).toBe(token);
    expect(model.versionWith(arn, AWSPREVIOUS)).toBe(oldVersion);
    expect(model.valueOf(arn, AWSPREVIOUS)).toBe('old-value');
    expect(model.countStage(arn, AWSPENDING)).toBe(0);
    const outcomes = log.parsed().filter(l => l.message === 'rotation step succeeded');
    expect(outcomes.map(l => [l.step, l.outcome])).toEqual([
      ['createSecret', 'created pending'], ['setSecret', 'set'], ['testSecret', 'tested'], ['finishSecret', 'promoted'],
    ]);
    expect(outcomes.every(l => l.secretId === arn && l.token === token && typeof l.durationMs === 'number')).toBe(true);
    expectNoSecretInLogs('old-value', model.valueOf(arn, AWSCURRENT));
  });

  test('createSecret stores the value as AWSPENDING under the token and leaves AWSCURRENT alone', async () => {
    const { arn, token, oldVersion } = await rotating('old-value');
    await handlerFor(recordingRotator())(event('createSecret', arn, token));
    expect(model.versionWith(arn, AWSPENDING)).toBe(token);
    expect(model.versionWith(arn, AWSCURRENT)).toBe(oldVersion);
    expect(model.valueOf(arn, AWSPENDING)).toBe(`value-1-${token}`);
  });

  test('createSecret again for the same token reuses the stored value (generate is not called again)', async () => {
    // GIVEN
    const { arn, token } = await rotating('old-value');
    const rotator = recordingRotator();
    const handler = handlerFor(rotator);
    await handler(event('createSecret', arn, token));
    // WHEN
    await handler(event('createSecret', arn, token));
    // THEN
    expect(rotator.calls).toEqual(['generate']);
    expect(model.valueOf(arn, AWSPENDING)).toBe(`value-1-${token}`);
    expect(log.parsed().filter(l => l.outcome === 'reused pending')).toHaveLength(1);
  });

  test('RotationEnabled false: every step fails and nothing is written', async () => {
    const { arn, token } = await rotating('old-value', { rotationEnabled: false });
    const rotator = recordingRotator();
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      const e = await rejection(handlerFor(rotator)(event(step, arn, token)));
      expect(e.message).toBe(`Secret ${arn} is not enabled for rotation`);
    }
    expect(rotator.calls).toEqual([]);
    expect(model.calls.filter(c => c.command === 'PutSecretValue' || c.command === 'UpdateSecretVersionStage')).toEqual([]);
    expect(log.parsed().filter(l => l.level === 'error')).toHaveLength(4);
  });

  test('a token that is not a version of the secret fails', async () => {
    const { arn } = await rotating('old-value');
    const stranger = '99999999-9999-4999-8999-999999999999';
    const e = await rejection(handlerFor(recordingRotator())(event('createSecret', arn, stranger)));
    expect(e.message).toBe(`Secret version ${stranger} has no stage for rotation of secret ${arn}`);
  });

  test('a token whose version is neither AWSPENDING nor AWSCURRENT fails', async () => {
    // GIVEN: a completed rotation; its old version is AWSPREVIOUS
    const { arn, token, oldVersion } = await rotating('old-value');
    await runSteps(handlerFor(recordingRotator()), arn, token);
    // WHEN
    const e = await rejection(handlerFor(recordingRotator())(event('setSecret', arn, oldVersion)));
    // THEN
    expect(e.message).toBe(`Secret version ${oldVersion} not set as AWSPENDING for rotation of secret ${arn}`);
  });

  test('a token already AWSCURRENT: every step logs and returns without calling the rotator', async () => {
    // GIVEN
    const { arn, token } = await rotating('old-value');
    await runSteps(handlerFor(recordingRotator()), arn, token);
    const before = model.versions(arn);
    const rotator = recordingRotator({ finish: async () => undefined });
    // WHEN
    await runSteps(handlerFor(rotator), arn, token);
    // THEN
    expect(rotator.calls).toEqual([]);
    expect(model.versions(arn)).toEqual(before);
    expect(log.parsed().filter(l => l.message === 'version already AWSCURRENT')).toHaveLength(4);
  });

  test('an unknown step fails before any call', async () => {
    const { arn, token } = await rotating('old-value');
    const e = await rejection(handlerFor(recordingRotator())({ Step: 'deleteSecret' as any, SecretId: arn, ClientRequestToken: token }));
    expect(e.message).toMatch(/^Invalid rotation event/);
    expect(model.calls.filter(c => c.command === 'DescribeSecret')).toEqual([]);
  });

  test('setSecret before createSecret stored a value fails clearly', async () => {
    const { arn, token } = await rotating('old-value');
    const e = await rejection(handlerFor(recordingRotator())(event('setSecret', arn, token)));
    expect(e.message).toBe(`Secret version ${token} has no value: createSecret did not complete`);
  });

  test('setSecret passes the pending and current values; testSecret the pending one', async () => {
    const { arn, token } = await rotating('old-value');
    const seen: string[][] = [];
    const handler = handlerFor(recordingRotator({
      set: async (pending, current) => { seen.push(['set', pending, current]); },
      test: async pending => { seen.push(['test', pending]); },
    }));
    await handler(event('createSecret', arn, token));
    await handler(event('setSecret', arn, token));
    await handler(event('testSecret', arn, token));
    const pending = `value-1-${token}`;
    expect(seen).toEqual([['set', pending, 'old-value'], ['test', pending]]);
  });

  test('finishSecret never promotes a version whose test fails', async () => {
    // GIVEN: a rotator whose test fails (the service rejects the new value)
    const { arn, token, oldVersion } = await rotating('old-value');
    const handler = handlerFor(recordingRotator({ test: async () => { throw new Error('login failed'); } }));
    await handler(event('createSecret', arn, token));
    await handler(event('setSecret', arn, token));
    // WHEN: Secrets Manager is asked to finish anyway
    const e = await rejection(handler(event('finishSecret', arn, token)));
    // THEN
    expect(e.message).toBe('login failed');
    expect(model.versionWith(arn, AWSCURRENT)).toBe(oldVersion);
    expect(model.versionWith(arn, AWSPENDING)).toBe(token);
    expect(model.calls.filter(c => c.command === 'UpdateSecretVersionStage')).toEqual([]);
  });

  test('finish runs after promotion with the new and previous values; AWSPENDING is removed after it', async () => {
    const { arn, token } = await rotating('old-value');
    const finished: string[][] = [];
    let pendingDuringFinish: string | undefined;
    await runSteps(handlerFor(recordingRotator({
      finish: async (pending, previous) => {
        finished.push([pending, previous]);
        pendingDuringFinish = model.versionWith(arn, AWSPENDING);
      },
    })), arn, token);
    expect(finished).toEqual([[`value-1-${token}`, 'old-value']]);
    expect(pendingDuringFinish).toBe(token);
    expect(model.countStage(arn, AWSPENDING)).toBe(0);
  });

  test('a failed finish is retried by the next finishSecret, which then removes AWSPENDING', async () => {
    // GIVEN: finish fails once, after the promotion
    const { arn, token } = await rotating('old-value');
    let failures = 1;
    const rotator = recordingRotator({
      finish: async () => {
        if (failures-- > 0) throw new Error('clean-up failed');
      },
    });
    const handler = handlerFor(rotator);
    await handler(event('createSecret', arn, token));
    await handler(event('setSecret', arn, token));
    await handler(event('testSecret', arn, token));
    await rejection(handler(event('finishSecret', arn, token)));
    expect(model.versionWith(arn, AWSCURRENT)).toBe(token);
    expect(model.versionWith(arn, AWSPENDING)).toBe(token);
    // WHEN
    await handler(event('finishSecret', arn, token));
    // THEN
    expect(rotator.calls.filter(c => c === 'finish')).toHaveLength(2);
    expect(model.countStage(arn, AWSPENDING)).toBe(0);
    expect(log.parsed().some(l => l.outcome === 'completed after promotion')).toBe(true);
  });

  test('the event\'s RotationToken goes to PutSecretValue and never to the logs', async () => {
    const { arn, token } = await rotating('old-value');
    const rotationToken = 'rotation-token-that-is-sensitive';
    await handlerFor(recordingRotator())({ ...event('createSecret', arn, token), RotationToken: rotationToken });
    const put = model.calls.find(c => c.command === 'PutSecretValue')!.input as Record<string, unknown>;
    expect(put.RotationToken).toBe(rotationToken);
    expect(put.VersionStages).toEqual([AWSPENDING]);
    expect(log.lines.join('\n')).not.toContain(rotationToken);
  });

  test('a value in an error message is redacted from the log and from the error thrown', async () => {
    // GIVEN: a driver that quotes the password it tried
    const db = new FakeDatabase({ leaky: true });
    db.addUser('app', 'old-password-1');
    const { arn, token } = await rotating(JSON.stringify({ username: 'app', password: 'old-password-1' }));
    const handler = handlerFor(singleUser(db));
    await handler(event('createSecret', arn, token));
    // WHEN: testSecret before setSecret: login with the new password fails
    const e = await rejection(handler(event('testSecret', arn, token)));
    // THEN
    const pendingPassword = JSON.parse(model.valueOf(arn, AWSPENDING)!).password;
    expect(e.message).toBe(`password authentication failed for user "app" with password "${REDACTED}"`);
    expect(e.message).not.toContain(pendingPassword);
    expect(log.lines.join('\n')).toContain(REDACTED);
    expectNoSecretInLogs(model.valueOf(arn, AWSPENDING), model.valueOf(arn, AWSCURRENT));
  });

  test('a rotator that logs a value through the context logger is redacted', async () => {
    const { arn, token } = await rotating('old-value');
    await handlerFor(recordingRotator({
      generate: async (current, context) => {
        context.log.warn(`generating from ${current}`, { current, nested: [{ current }] });
        return 'new-value';
      },
    }))(event('createSecret', arn, token));
    const warn = log.parsed().find(l => l.level === 'warn')!;
    expect(warn).toEqual({ level: 'warn', message: `generating from ${REDACTED}`, current: REDACTED, nested: [{ current: REDACTED }] });
  });

  test('defaults: JSON lines on stdout and a client created at the first invocation', async () => {
    // GIVEN: mockClient serves every SecretsManagerClient, including the handler's own
    const { arn, token } = await rotating('old-value');
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
    try {
      // WHEN
      await runSteps(createRotationHandler(new RandomValueRotator()), arn, token);
    } finally {
      spy.mockRestore();
    }
    // THEN
    expect(model.versionWith(arn, AWSCURRENT)).toBe(token);
    const parsed = lines.map(l => JSON.parse(l));
    expect(parsed.filter(l => l.message === 'rotation step succeeded').map(l => l.step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(lines.join('\n')).not.toContain(model.valueOf(arn, AWSCURRENT));
  });

  test('the context reads another secret\'s AWSCURRENT and generates passwords with the policy', async () => {
    const other = model.createSecret('other', 'other-value');
    const { arn, token } = await rotating('old-value');
    let read: string | undefined;
    await handlerFor(recordingRotator({
      generate: async (_current, context) => {
        read = await context.readSecret(other);
        return context.randomPassword({ passwordLength: 12, excludePunctuation: true });
      },
    }))(event('createSecret', arn, token));
    expect(read).toBe('other-value');
    expect(model.calls.find(c => c.command === 'GetRandomPassword')!.input).toEqual(randomPasswordRequest({ passwordLength: 12, excludePunctuation: true }));
    expect(passwordViolations(model.valueOf(arn, AWSPENDING)!, { passwordLength: 12, excludePunctuation: true })).toEqual([]);
  });
});

describe('singleUser', () => {
  const initial = { username: 'app', password: 'initial-password', host: 'db.internal', port: 5432 };

  function database(): FakeDatabase {
    const db = new FakeDatabase();
    db.addUser('app', initial.password);
    return db;
  }

  test('rotates the user\'s own password; other fields are kept', async () => {
    // GIVEN
    const db = database();
    const { arn, token } = await rotating(JSON.stringify(initial));
    // WHEN
    await runSteps(handlerFor(singleUser(db, { passwordPolicy: { passwordLength: 20 } })), arn, token);
    // THEN
    const current = JSON.parse(model.valueOf(arn, AWSCURRENT)!);
    expect(current).toEqual({ ...initial, password: expect.any(String) });
    expect(current.password).toHaveLength(20);
    expect(current.password).not.toBe(initial.password);
    expect(db.accepts(current)).toBe(true);
    expect(db.accepts(initial)).toBe(false);
    expectNoSecretInLogs(JSON.stringify(initial), model.valueOf(arn, AWSCURRENT));
  });

  test('setSecret again after the password changed does not change it again', async () => {
    const db = database();
    const { arn, token } = await rotating(JSON.stringify(initial));
    const handler = handlerFor(singleUser(db));
    await handler(event('createSecret', arn, token));
    await handler(event('setSecret', arn, token));
    await handler(event('setSecret', arn, token));
    expect(db.setPasswordCalls).toBe(1);
    expect(db.accepts(JSON.parse(model.valueOf(arn, AWSPENDING)!))).toBe(true);
  });

  test('a pending value with another username is refused', async () => {
    const db = database();
    const rotator = singleUser(db);
    const context = {} as RotationContext;
    const e = await rejection(rotator.set(JSON.stringify({ username: 'other', password: 'x' }), JSON.stringify(initial), { ...context, log }));
    expect(e.message).toBe('Single-user rotation cannot change the username (app to other)');
  });
});

describe('alternatingUsers', () => {
  const master = { username: 'master', password: 'master-password' };

  async function setup(options: { suffix?: string; field?: string } = {}) {
    const db = new FakeDatabase();
    db.addUser('master', master.password, { superuser: true });
    db.addUser('app', 'app-password', { privileges: ['SELECT on orders'] });
    const masterArn = model.createSecret('master', JSON.stringify(master));
    const initial = { username: 'app', password: 'app-password', [options.field ?? 'masterarn']: masterArn, dbname: 'orders' };
    const arn = model.createSecret('app', JSON.stringify(initial));
    const rotator = alternatingUsers(db, { cloneSuffix: options.suffix, adminSecretField: options.field });
    const rotate = async () => {
      const { VersionId } = await modelClient().send(new RotateSecretCommand({ SecretId: arn }));
      await runSteps(handlerFor(rotator), arn, VersionId!);
    };
    return { db, arn, initial, rotate };
  }

  test('the first rotation creates the clone with the same privileges and makes it AWSCURRENT; AWSPREVIOUS still logs in', async () => {
    // GIVEN
    const { db, arn, initial, rotate } = await setup();
    // WHEN
    await rotate();
    // THEN
    const current = JSON.parse(model.valueOf(arn, AWSCURRENT)!);
    expect(current).toEqual({ ...initial, username: 'app_clone', password: expect.any(String) });
    expect(db.users.get('app_clone')!.privileges).toEqual(['SELECT on orders']);
    expect(db.accepts(current)).toBe(true);
    expect(db.accepts(JSON.parse(model.valueOf(arn, AWSPREVIOUS)!))).toBe(true);
    expectNoSecretInLogs(model.valueOf(arn, AWSCURRENT), JSON.stringify(master));
  });

  test('the second rotation flips back to the base user; both users keep working', async () => {
    const { db, arn, rotate } = await setup();
    await rotate();
    await rotate();
    const current = JSON.parse(model.valueOf(arn, AWSCURRENT)!);
    expect(current.username).toBe('app');
    expect(current.password).not.toBe('app-password');
    expect([...db.users.keys()].sort()).toEqual(['app', 'app_clone', 'master']);
    expect(db.accepts(current)).toBe(true);
    expect(db.accepts(JSON.parse(model.valueOf(arn, AWSPREVIOUS)!))).toBe(true);
  });

  test('custom suffix and admin field', async () => {
    const { db, arn, rotate } = await setup({ suffix: '_b', field: 'adminSecret' });
    await rotate();
    expect(JSON.parse(model.valueOf(arn, AWSCURRENT)!).username).toBe('app_b');
    expect(db.users.has('app_b')).toBe(true);
  });

  test('a secret without the admin field fails with a message naming the field', async () => {
    const db = new FakeDatabase();
    db.addUser('app', 'app-password');
    const { arn, token } = await rotating(JSON.stringify({ username: 'app', password: 'app-password' }));
    const handler = handlerFor(alternatingUsers(db));
    await handler(event('createSecret', arn, token));
    const e = await rejection(handler(event('setSecret', arn, token)));
    expect(e.message).toBe('The secret has no "masterarn" field with the ARN of the admin secret');
  });

  test('setSecret again after the clone was set does not set it again', async () => {
    const { db, arn } = await setup();
    const { VersionId: token } = await modelClient().send(new RotateSecretCommand({ SecretId: arn }));
    const handler = handlerFor(alternatingUsers(db));
    await handler(event('createSecret', arn, token!));
    await handler(event('setSecret', arn, token!));
    await handler(event('setSecret', arn, token!));
    expect(db.setPasswordCalls).toBe(1);
  });

  test('an empty suffix is refused', () => {
    expect(() => alternatingUsers(new FakeDatabase(), { cloneSuffix: '' })).toThrow('cloneSuffix must not be empty');
  });
});

describe('parseCredentials', () => {
  test.each([
    ['not JSON', 'hunter2-secret', 'The AWSCURRENT value is not JSON'],
    ['an array', '["hunter2-secret"]', 'The AWSCURRENT value is not a JSON object'],
    ['no username', '{"password":"hunter2-secret"}', 'The AWSCURRENT value needs a "username" and a "password" string'],
    ['a numeric password', '{"username":"app","password":12345678}', 'The AWSCURRENT value needs a "username" and a "password" string'],
  ])('%s: a message that names the version, not the value', (_name, value, message) => {
    expect(() => parseCredentials(value, 'AWSCURRENT')).toThrow(message);
  });
});

describe('RandomValueRotator', () => {
  const context = (): RotationContext => ({
    secretId: 'arn',
    token: 't',
    log,
    randomPassword: async policy => `pw-${JSON.stringify(policy ?? {}).length}`,
    readSecret: async () => { throw new Error('not used'); },
  });

  test('a full rotation to a value that satisfies the policy', async () => {
    const policy = { passwordLength: 40, excludePunctuation: true, excludeCharacters: 'lI1O0' };
    const { arn, token } = await rotating('old-token');
    await runSteps(handlerFor(new RandomValueRotator({ passwordPolicy: policy })), arn, token);
    const current = model.valueOf(arn, AWSCURRENT)!;
    expect(passwordViolations(current, policy)).toEqual([]);
    expect(model.valueOf(arn, AWSPREVIOUS)).toBe('old-token');
    expectNoSecretInLogs(current, 'old-token');
  });

  test('with a field and a JSON value, only that field changes', async () => {
    const rotator = new RandomValueRotator({ field: 'apiKey' });
    const next = await rotator.generate(JSON.stringify({ apiKey: 'old', endpoint: 'https://api' }), context());
    expect(JSON.parse(next)).toEqual({ apiKey: 'pw-2', endpoint: 'https://api' });
  });

  test('with a field and a value that is not a JSON object, the whole value is replaced', async () => {
    const rotator = new RandomValueRotator({ field: 'apiKey' });
    expect(await rotator.generate('plain-old-token', context())).toBe('pw-2');
    expect(await rotator.generate('[1,2]', context())).toBe('pw-2');
  });

  test.each([
    ['too short', 'aB3$', 'length is 4, expected 32'],
    ['a missing class', 'a'.repeat(32), 'no uppercase character; no numbers character; no punctuation character'],
  ])('test rejects a value %s, without quoting it', async (_name, value, violation) => {
    const e = await rejection(new RandomValueRotator().test(value));
    expect(e.message).toContain(violation);
    expect(e.message).not.toContain(value);
  });

  test('test rejects an excluded character and checks the field of a JSON value', async () => {
    const rotator = new RandomValueRotator({ passwordPolicy: { passwordLength: 4, excludeCharacters: 'x', requireEachIncludedType: false }, field: 'k' });
    await expect(rotator.test('{"k":"abcd"}')).resolves.toBeUndefined();
    expect((await rejection(rotator.test('{"k":"abcx"}'))).message).toContain('1 character(s) outside the allowed classes or excluded');
    expect((await rejection(rotator.test('{"other":"abcd"}'))).message).toBe('The pending value has no string field "k"');
  });

  test('set does nothing', async () => {
    await expect(new RandomValueRotator().set()).resolves.toBeUndefined();
  });

  test('the environment variable names are the contract with the construct', () => {
    expect(Object.values(RANDOM_VALUE_ENV).sort()).toEqual([
      'ROTATION_EXCLUDE_CHARACTERS', 'ROTATION_EXCLUDE_LOWERCASE', 'ROTATION_EXCLUDE_NUMBERS', 'ROTATION_EXCLUDE_PUNCTUATION',
      'ROTATION_EXCLUDE_UPPERCASE', 'ROTATION_FIELD', 'ROTATION_PASSWORD_LENGTH', 'ROTATION_REQUIRE_EACH_INCLUDED_TYPE',
    ]);
  });

  test('fromEnvironment maps every variable to the GetRandomPassword request', async () => {
    // GIVEN
    const rotator = RandomValueRotator.fromEnvironment({
      ROTATION_PASSWORD_LENGTH: '48',
      ROTATION_EXCLUDE_CHARACTERS: '"\'\\',
      ROTATION_EXCLUDE_PUNCTUATION: 'false',
      ROTATION_EXCLUDE_NUMBERS: 'TRUE',
      ROTATION_EXCLUDE_UPPERCASE: 'false',
      ROTATION_EXCLUDE_LOWERCASE: 'false',
      ROTATION_REQUIRE_EACH_INCLUDED_TYPE: 'false',
      ROTATION_FIELD: 'token',
    });
    const { arn, token } = await rotating(JSON.stringify({ token: 'old', id: 7 }));
    // WHEN
    await runSteps(handlerFor(rotator), arn, token);
    // THEN
    expect(model.calls.find(c => c.command === 'GetRandomPassword')!.input).toEqual({
      PasswordLength: 48,
      ExcludeCharacters: '"\'\\',
      ExcludePunctuation: false,
      ExcludeNumbers: true,
      ExcludeUppercase: false,
      ExcludeLowercase: false,
      RequireEachIncludedType: false,
    });
    const current = JSON.parse(model.valueOf(arn, AWSCURRENT)!);
    expect(current.id).toBe(7);
    expect(current.token).toMatch(/^[^0-9"'\\]{48}$/);
  });

  test('fromEnvironment with nothing set (or empty strings) uses the defaults', async () => {
    const { arn, token } = await rotating('old');
    await runSteps(handlerFor(RandomValueRotator.fromEnvironment({ ROTATION_PASSWORD_LENGTH: '', ROTATION_FIELD: ' ' })), arn, token);
    expect(model.calls.find(c => c.command === 'GetRandomPassword')!.input).toEqual(randomPasswordRequest({}));
    expect(model.valueOf(arn, AWSCURRENT)).toHaveLength(32);
  });

  test.each([
    [{ ROTATION_PASSWORD_LENGTH: 'abc' }, 'ROTATION_PASSWORD_LENGTH must be an integer from 1 to 4096, got "abc"'],
    [{ ROTATION_PASSWORD_LENGTH: '12.5' }, 'ROTATION_PASSWORD_LENGTH must be an integer from 1 to 4096, got "12.5"'],
    [{ ROTATION_PASSWORD_LENGTH: '0' }, 'ROTATION_PASSWORD_LENGTH must be an integer from 1 to 4096, got "0"'],
    [{ ROTATION_PASSWORD_LENGTH: '4097' }, 'ROTATION_PASSWORD_LENGTH must be an integer from 1 to 4096, got "4097"'],
    [{ ROTATION_EXCLUDE_NUMBERS: 'yes' }, 'ROTATION_EXCLUDE_NUMBERS must be "true" or "false", got "yes"'],
    [{ ROTATION_REQUIRE_EACH_INCLUDED_TYPE: '1' }, 'ROTATION_REQUIRE_EACH_INCLUDED_TYPE must be "true" or "false", got "1"'],
    [{ ROTATION_EXCLUDE_PUNCTUATION: 'true', ROTATION_EXCLUDE_NUMBERS: 'true', ROTATION_EXCLUDE_UPPERCASE: 'true', ROTATION_EXCLUDE_LOWERCASE: 'true' },
      'The password policy excludes every character class'],
    [{ ROTATION_PASSWORD_LENGTH: '3' }, 'A password of 3 character(s) cannot include one of each of 4 classes'],
  ])('fromEnvironment(%j) throws a clear error', (env, message) => {
    expect(() => RandomValueRotator.fromEnvironment(env)).toThrow(message);
  });

  test('the constructor validates the policy and the field', () => {
    expect(() => new RandomValueRotator({ passwordPolicy: { passwordLength: 0 } })).toThrow('Password length must be an integer from 1 to 4096, got 0');
    expect(() => new RandomValueRotator({ field: '' })).toThrow('field must not be empty');
  });
});

describe('logger', () => {
  test('jsonLogger writes one JSON object per line, errors as name and message', () => {
    const lines: string[] = [];
    const logger = jsonLogger(line => lines.push(line));
    logger.info('hello', { step: 'createSecret' });
    logger.warn('careful');
    logger.error('failed', { error: new TypeError('bad') });
    expect(lines.map(l => JSON.parse(l))).toEqual([
      { level: 'info', message: 'hello', step: 'createSecret' },
      { level: 'warn', message: 'careful' },
      { level: 'error', message: 'failed', error: { name: 'TypeError', message: 'bad' } },
    ]);
  });

  test('secretStrings: the whole value and the secret fields, not names and addresses', () => {
    expect(secretStrings(JSON.stringify({ username: 'application', password: 'hunter22', host: 'db.internal', masterarn: 'arn:aws:x', apiKey: 'abcd', n: 5 })).sort())
      .toEqual([JSON.stringify({ username: 'application', password: 'hunter22', host: 'db.internal', masterarn: 'arn:aws:x', apiKey: 'abcd', n: 5 }), 'abcd', 'hunter22'].sort());
    expect(secretStrings('plain')).toEqual(['plain']);
    expect(secretStrings('')).toEqual([]);
    expect(secretStrings(undefined)).toEqual([]);
  });

  test('redact replaces the longest secret first', () => {
    expect(redact('value {"p":"abcdef"} and abcdef', ['abcdef', '{"p":"abcdef"}'])).toBe(`value ${REDACTED} and ${REDACTED}`);
  });

  test('redactingLogger cleans the message, nested fields and errors', () => {
    const inner = new CapturingLogger();
    const logger = redactingLogger(inner, () => ['s3cr3t']);
    logger.error('s3cr3t leaked', { a: 's3cr3t', b: { c: ['x s3cr3t'] }, e: new Error('s3cr3t'), n: 1, z: null });
    logger.info('plain');
    expect(inner.parsed()).toEqual([
      { level: 'error', message: `${REDACTED} leaked`, a: REDACTED, b: { c: [`x ${REDACTED}`] }, e: { name: 'Error', message: REDACTED }, n: 1, z: null },
      { level: 'info', message: 'plain' },
    ]);
  });
});

describe('password policy', () => {
  test('GetRandomPassword defaults', () => {
    expect(randomPasswordRequest()).toEqual({
      PasswordLength: 32,
      ExcludePunctuation: false,
      ExcludeNumbers: false,
      ExcludeUppercase: false,
      ExcludeLowercase: false,
      RequireEachIncludedType: true,
    });
  });

  test('validatePasswordPolicy accepts the defaults and a class emptied by exclusions counts as excluded', () => {
    expect(() => validatePasswordPolicy()).not.toThrow();
    expect(() => validatePasswordPolicy({ passwordLength: 3, excludeCharacters: '0123456789' })).not.toThrow();
    expect(() => validatePasswordPolicy({ passwordLength: 1.5 })).toThrow('Password length must be an integer');
  });
});

describe('the runtime entry point', () => {
  test('exports the names rotation functions and the constructs use', () => {
    for (const name of ['createRotationHandler', 'RandomValueRotator', 'RANDOM_VALUE_ENV', 'singleUser', 'alternatingUsers', 'jsonLogger', 'AWSCURRENT', 'AWSPENDING']) {
      expect(runtime).toHaveProperty(name);
    }
    expect(runtime.createRotationHandler).toBe(createRotationHandler);
  });
});
