import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { rejection } from './fakes';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, SecretsManagerModel, mockedModel, modelClient } from './secrets-manager-model';
import { CHARACTER_CLASSES, passwordViolations } from '../../../src/rotation/runtime/password-policy';

/**
 * The model is the oracle of the runtime's proof, so it is tested first, through the SDK
 * client, against the behaviour the Secrets Manager API reference documents.
 */
const sm = mockClient(SecretsManagerClient);
let model: SecretsManagerModel;
let client: SecretsManagerClient;
const V1 = '11111111-1111-4111-8111-111111111111';
const V2 = '22222222-2222-4222-8222-222222222222';
const V3 = '33333333-3333-4333-8333-333333333333';

beforeEach(() => {
  model = mockedModel(sm);
  client = modelClient();
});

/** VersionIdsToStages with sorted labels. */
async function stages(secretId: string): Promise<Record<string, string[]>> {
  const d = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(Object.entries(d.VersionIdsToStages ?? {}).map(([k, v]) => [k, [...v].sort()]));
}

async function value(secretId: string, selector: { VersionId?: string; VersionStage?: string } = {}): Promise<string | undefined> {
  return (await client.send(new GetSecretValueCommand({ SecretId: secretId, ...selector }))).SecretString;
}

describe('DescribeSecret', () => {
  test('an unknown secret is ResourceNotFoundException', async () => {
    const e = await rejection(client.send(new DescribeSecretCommand({ SecretId: 'nope' })));
    expect(e.name).toBe('ResourceNotFoundException');
  });

  test('by name or ARN: RotationEnabled and only the versions that have labels', async () => {
    // GIVEN
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two' }));
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V3, SecretString: 'three' }));
    // WHEN
    const byName = await client.send(new DescribeSecretCommand({ SecretId: 'app' }));
    // THEN: V1 lost its last label (AWSPREVIOUS moved to V2): deprecated, not listed
    expect(byName.ARN).toBe(arn);
    expect(byName.RotationEnabled).toBe(false);
    expect(await stages(arn)).toEqual({ [V2]: [AWSPREVIOUS], [V3]: [AWSCURRENT] });
  });

  test('a secret scheduled for deletion is described (DeletedDate) but not readable', async () => {
    const arn = model.createSecret('app', 'one');
    model.scheduleDeletion(arn);
    expect((await client.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeInstanceOf(Date);
    expect((await rejection(value(arn))).name).toBe('InvalidRequestException');
    expect((await rejection(client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'x' })))).name).toBe('InvalidRequestException');
  });
});

describe('GetSecretValue', () => {
  test('AWSCURRENT by default; by VersionId; by VersionStage; both must name the same version', async () => {
    // GIVEN
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    // THEN
    expect(await value(arn)).toBe('one');
    expect(await value(arn, { VersionId: V2 })).toBe('two');
    expect(await value(arn, { VersionStage: AWSPENDING })).toBe('two');
    expect(await value(arn, { VersionId: V2, VersionStage: AWSPENDING })).toBe('two');
    const e = await rejection(value(arn, { VersionId: V1, VersionStage: AWSPENDING }));
    expect(e.name).toBe('ResourceNotFoundException');
    expect((await rejection(value(arn, { VersionStage: 'NOPE' }))).name).toBe('ResourceNotFoundException');
    expect((await rejection(value(arn, { VersionId: V3 }))).name).toBe('ResourceNotFoundException');
  });

  test('a deprecated version is still readable by VersionId', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'two' }));
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'three' }));
    expect(await stages(arn)).not.toHaveProperty(V1);
    expect(await value(arn, { VersionId: V1 })).toBe('one');
  });

  test('the empty version RotateSecret creates has no value yet: ResourceNotFoundException', async () => {
    const arn = model.createSecret('app', 'one');
    await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: V2 }));
    expect(await stages(arn)).toMatchObject({ [V2]: [AWSPENDING] });
    const e = await rejection(value(arn, { VersionId: V2, VersionStage: AWSPENDING }));
    expect(e.name).toBe('ResourceNotFoundException');
  });
});

describe('PutSecretValue', () => {
  test('without VersionStages moves AWSCURRENT; AWSPREVIOUS follows to the old version', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    const out = await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two' }));
    expect(out.VersionStages).toEqual([AWSCURRENT]);
    expect(await stages(arn)).toEqual({ [V1]: [AWSPREVIOUS], [V2]: [AWSCURRENT] });
  });

  test('VersionStages [AWSPENDING] leaves AWSCURRENT where it is', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V2]: [AWSPENDING] });
    expect(await value(arn)).toBe('one');
  });

  test('the first version of a secret gets AWSCURRENT', async () => {
    const arn = model.createSecret('empty');
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V1, SecretString: 'one', VersionStages: [AWSPENDING] }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT, AWSPENDING] });
  });

  test('the same token and value again: succeeds and does nothing', async () => {
    // GIVEN
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    const before = model.versions(arn);
    // WHEN
    const out = await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    // THEN
    expect(out.VersionId).toBe(V2);
    expect(model.versions(arn)).toEqual(before);
  });

  test('the same token with another value: ResourceExistsException, the version is unchanged', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    const e = await rejection(client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'other', VersionStages: [AWSPENDING] })));
    expect(e.name).toBe('ResourceExistsException');
    expect(await value(arn, { VersionId: V2 })).toBe('two');
  });

  test('fills the empty AWSPENDING version RotateSecret created', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: V2 }));
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V2]: [AWSPENDING] });
    expect(await value(arn, { VersionId: V2, VersionStage: AWSPENDING })).toBe('two');
  });

  test('a custom label moves from the version that had it', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: ['blue'] }));
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V3, SecretString: 'three', VersionStages: ['blue'] }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V3]: ['blue'] });
  });

  test.each([
    ['no value', {}, 'InvalidParameterException'],
    ['both a string and a binary', { SecretString: 'x', SecretBinary: new Uint8Array([1]) }, 'InvalidParameterException'],
    ['a token shorter than 32 characters', { SecretString: 'x', ClientRequestToken: 'short' }, 'ValidationException'],
  ])('rejects %s', async (_name, input, errorName) => {
    const arn = model.createSecret('app', 'one');
    const e = await rejection(client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, ...input })));
    expect(e.name).toBe(errorName);
  });
});

describe('UpdateSecretVersionStage', () => {
  async function withPending(): Promise<string> {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: V2, SecretString: 'two', VersionStages: [AWSPENDING] }));
    return arn;
  }

  test('moving AWSCURRENT needs RemoveFromVersionId; AWSPREVIOUS follows automatically', async () => {
    // GIVEN
    const arn = await withPending();
    // WHEN
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSCURRENT, MoveToVersionId: V2, RemoveFromVersionId: V1 }));
    // THEN
    expect(await stages(arn)).toEqual({ [V1]: [AWSPREVIOUS], [V2]: [AWSCURRENT, AWSPENDING] });
    expect(await value(arn)).toBe('two');
  });

  test('moving a label attached elsewhere without RemoveFromVersionId: InvalidParameterException, nothing moves', async () => {
    const arn = await withPending();
    const e = await rejection(client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSCURRENT, MoveToVersionId: V2 })));
    expect(e.name).toBe('InvalidParameterException');
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V2]: [AWSPENDING] });
  });

  test('RemoveFromVersionId that does not hold the label: InvalidParameterException', async () => {
    const arn = await withPending();
    const wrongRemove = new UpdateSecretVersionStageCommand({
      SecretId: arn, VersionStage: AWSCURRENT, MoveToVersionId: V2, RemoveFromVersionId: V2,
    });
    const e = await rejection(client.send(wrongRemove));
    expect(e.name).toBe('InvalidParameterException');
  });

  test('a label on no version moves without RemoveFromVersionId', async () => {
    const arn = await withPending();
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'green', MoveToVersionId: V2 }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V2]: [AWSPENDING, 'green'] });
  });

  test('removing the last label deprecates the version: not listed, still readable by id', async () => {
    const arn = await withPending();
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSPENDING, RemoveFromVersionId: V2 }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT] });
    expect(await value(arn, { VersionId: V2 })).toBe('two');
  });

  test('moving a label to the version that has it is a no-op (a retried finishSecret)', async () => {
    const arn = await withPending();
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSCURRENT, MoveToVersionId: V2, RemoveFromVersionId: V1 }));
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSCURRENT, MoveToVersionId: V2 }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSPREVIOUS], [V2]: [AWSCURRENT, AWSPENDING] });
  });

  test('but retried with the old RemoveFromVersionId it fails: the label is no longer there', async () => {
    const arn = await withPending();
    const move = new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSCURRENT, MoveToVersionId: V2, RemoveFromVersionId: V1 });
    await client.send(move);
    expect((await rejection(client.send(move))).name).toBe('InvalidParameterException');
  });

  test.each([
    ['an unknown MoveToVersionId', { VersionStage: 'x', MoveToVersionId: V3 }, 'ResourceNotFoundException'],
    ['an unknown RemoveFromVersionId', { VersionStage: AWSCURRENT, RemoveFromVersionId: V3 }, 'ResourceNotFoundException'],
    ['neither version', { VersionStage: AWSPENDING }, 'InvalidParameterException'],
    ['no VersionStage', { MoveToVersionId: V2 }, 'InvalidParameterException'],
  ])('rejects %s', async (_name, input, errorName) => {
    const arn = await withPending();
    const e = await rejection(client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: undefined, ...input })));
    expect(e.name).toBe(errorName);
  });

  test('AWSPREVIOUS is on one version only after several promotions', async () => {
    const arn = model.createSecret('app', 'v0');
    for (let i = 1; i <= 4; i++) {
      await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: `v${i}` }));
    }
    expect(model.countStage(arn, AWSPREVIOUS)).toBe(1);
    expect(model.valueOf(arn, AWSPREVIOUS)).toBe('v3');
    expect(model.valueOf(arn, AWSCURRENT)).toBe('v4');
  });
});

describe('RotateSecret', () => {
  test('creates an empty AWSPENDING version and enables rotation', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    const out = await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: V2 }));
    expect(out.VersionId).toBe(V2);
    expect((await client.send(new DescribeSecretCommand({ SecretId: arn }))).RotationEnabled).toBe(true);
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V2]: [AWSPENDING] });
  });

  test('refuses while AWSPENDING is on a version that is not AWSCURRENT', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: V2 }));
    const e = await rejection(client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: V3 })));
    expect(e.name).toBe('InvalidRequestException');
  });

  test('accepts when AWSPENDING stayed on the AWSCURRENT version, and moves it', async () => {
    const arn = model.createSecret('app', 'one', { versionId: V1 });
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSPENDING, MoveToVersionId: V1 }));
    await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: V2 }));
    expect(await stages(arn)).toEqual({ [V1]: [AWSCURRENT], [V2]: [AWSPENDING] });
  });
});

describe('GetRandomPassword', () => {
  test('32 characters with one of each class by default', async () => {
    const { RandomPassword } = await client.send(new GetRandomPasswordCommand({}));
    expect(passwordViolations(RandomPassword!)).toEqual([]);
    for (const chars of Object.values(CHARACTER_CLASSES)) {
      expect([...RandomPassword!].some(c => chars.includes(c))).toBe(true);
    }
  });

  test.each([
    ['length 0', { PasswordLength: 0 }],
    ['length 4097', { PasswordLength: 4097 }],
    ['every class excluded', { ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }],
    ['every digit excluded with only digits left', { ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeCharacters: '0123456789' }],
    ['too short for one of each class', { PasswordLength: 3 }],
  ])('rejects %s with InvalidParameterException', async (_name, input) => {
    expect((await rejection(client.send(new GetRandomPasswordCommand(input)))).name).toBe('InvalidParameterException');
  });

  test('property: every generated password satisfies the policy it was asked for', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        passwordLength: fc.integer({ min: 4, max: 64 }),
        excludeCharacters: fc.string({ maxLength: 10 }),
        excludePunctuation: fc.boolean(),
        excludeNumbers: fc.boolean(),
        excludeUppercase: fc.boolean(),
        excludeLowercase: fc.constant(false),
        requireEachIncludedType: fc.boolean(),
      }),
      async policy => {
        const { RandomPassword } = await client.send(new GetRandomPasswordCommand({
          PasswordLength: policy.passwordLength,
          ExcludeCharacters: policy.excludeCharacters,
          ExcludePunctuation: policy.excludePunctuation,
          ExcludeNumbers: policy.excludeNumbers,
          ExcludeUppercase: policy.excludeUppercase,
          RequireEachIncludedType: policy.requireEachIncludedType,
        }));
        expect(passwordViolations(RandomPassword!, policy)).toEqual([]);
      },
    ), { numRuns: 200 });
  });
});

describe('version quota', () => {
  test('deprecated versions beyond the 100 most recent are deleted once older than 24 hours', async () => {
    // GIVEN: 1 + 104 versions in the same day
    const arn = model.createSecret('app', 'v0', { versionId: V1 });
    for (let i = 1; i <= 104; i++) {
      await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: `v${i}` }));
    }
    expect(model.versions(arn)).toHaveLength(105);
    // WHEN: a day later, one more version
    model.advance(25 * 60 * 60 * 1000);
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'v105' }));
    // THEN: 100 kept, the oldest (deprecated) went; labelled versions stay
    expect(model.versions(arn)).toHaveLength(100);
    expect((await rejection(value(arn, { VersionId: V1 }))).name).toBe('ResourceNotFoundException');
    expect(model.valueOf(arn, AWSPREVIOUS)).toBe('v104');
  });
});

describe('invariants under random operation sequences', () => {
  const LABELS = [AWSCURRENT, AWSPENDING, AWSPREVIOUS, 'blue'];
  const TOKENS = [V1, V2, V3, '44444444-4444-4444-8444-444444444444'];
  const op = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), token: fc.constantFrom(...TOKENS), value: fc.constantFrom('a', 'b'), stages: fc.option(fc.subarray(LABELS, { minLength: 1 })) }),
    fc.record({ kind: fc.constant('move' as const), label: fc.constantFrom(...LABELS), to: fc.option(fc.constantFrom(...TOKENS)), from: fc.option(fc.constantFrom(...TOKENS)) }),
  );

  test('a label is on at most one version; a version\'s value never changes; Describe lists exactly the labelled versions', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 25 }), async ops => {
      model = mockedModel(sm);
      const arn = model.createSecret('app', 'initial');
      const values = new Map<string, string>();
      for (const o of ops) {
        try {
          if (o.kind === 'put') {
            await client.send(new PutSecretValueCommand({
              SecretId: arn, ClientRequestToken: o.token, SecretString: o.value, VersionStages: o.stages ?? undefined,
            }));
          } else {
            await client.send(new UpdateSecretVersionStageCommand({
              SecretId: arn, VersionStage: o.label, MoveToVersionId: o.to ?? undefined, RemoveFromVersionId: o.from ?? undefined,
            }));
          }
        } catch (e) {
          expect(['InvalidParameterException', 'ResourceNotFoundException', 'ResourceExistsException']).toContain((e as Error).name);
        }
        for (const label of LABELS) {
          expect(model.countStage(arn, label)).toBeLessThanOrEqual(1);
        }
        for (const v of model.versions(arn)) {
          if (values.has(v.versionId)) {
            expect(v.value).toBe(values.get(v.versionId));
          }
          values.set(v.versionId, v.value!);
        }
        const listed = await stages(arn);
        expect(Object.keys(listed).sort()).toEqual(model.versions(arn).filter(v => v.stages.length > 0).map(v => v.versionId).sort());
      }
    }), { numRuns: 150 });
  });
});
