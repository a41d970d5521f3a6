import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as fc from 'fast-check';
import { HardenedSecret, SecretKey, SecretRotationPolicy } from '../../src';
import { newStack, TEST_ENV } from '../helpers/stacks';
import { expectRefused } from '../helpers/validation';

/**
 * Two properties of `replicaRegions`, each with its own oracle:
 *
 * - replicas valid by construction (regions aws-cdk-lib knows in the primary's partition, each
 *   once and none the primary's, each with no key, a key ARN or an alias of its region, or a
 *   SecretKey in a stack of its region) give an app whose every stack synthesises, and a secret
 *   whose `ReplicaRegions` lists those regions in order, each with the key it was given;
 * - the same replicas with exactly one of them (or the stack) pushed out of range fail with a
 *   HardenedSecretsValidationError whose every problem names `replicaRegions`, at that index.
 *
 * The ranges are those of `validateReplicaRegions` in src/secret/replication.ts.
 */

const PRIMARY = TEST_ENV.region;
/** The regions a replica may be in: aws-cdk-lib's regions of the primary's partition, but the primary's own. */
const REPLICA_REGIONS = RegionInfo.regions.filter((r) => r.partition === 'aws' && r.name !== PRIMARY).map((r) => r.name);
const KNOWN = new Set(RegionInfo.regions.map((r) => r.name));

const VALID_RUNS = 50;
const INVALID_RUNS = 20;

type KeyChoice =
  | { readonly kind: 'library' }
  | { readonly kind: 'arn' }
  | { readonly kind: 'alias'; readonly name: string }
  | { readonly kind: 'secret-key' };

/** A key for a replica of its region: none (the library makes one), its ARN, an alias name, a SecretKey there. */
const keyChoice: fc.Arbitrary<KeyChoice> = fc.oneof(
  { arbitrary: fc.constant<KeyChoice>({ kind: 'library' }), weight: 3 },
  { arbitrary: fc.constant<KeyChoice>({ kind: 'arn' }), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-zA-Z0-9/_-]{1,40}$/).filter((n) => !n.startsWith('aws/')).map((n): KeyChoice => ({ kind: 'alias', name: `alias/${n}` })), weight: 1 },
  { arbitrary: fc.constant<KeyChoice>({ kind: 'secret-key' }), weight: 1 },
);

interface ReplicaSpec {
  readonly region: string;
  readonly key: KeyChoice;
}

/** One to five distinct replica regions, each with a key of its region. */
const replicas: fc.Arbitrary<ReplicaSpec[]> = fc.uniqueArray(fc.constantFrom(...REPLICA_REGIONS), { minLength: 1, maxLength: 5 })
  .chain((regions) => fc.tuple(...regions.map((region) => keyChoice.map((key): ReplicaSpec => ({ region, key })))));

/** The primary stack: a concrete region, with or without an account. */
const withAccount = fc.boolean();

const ALIAS_OF_SECRET_KEY = (i: number) => `alias/team/replica-${i}`;

function keyArn(region: string): string {
  return `arn:aws:kms:${region}:${TEST_ENV.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
}

/** The key of replica `i`, made as `choice` says (a SecretKey in a stack of `keyRegion`). */
function keyFor(app: App, stack: Stack, i: number, choice: KeyChoice, keyRegion: string): kms.IKey | undefined {
  switch (choice.kind) {
    case 'library':
      return undefined;
    case 'arn':
      return kms.Key.fromKeyArn(stack, `Key${i}`, keyArn(keyRegion));
    case 'alias':
      return kms.Alias.fromAliasName(stack, `Alias${i}`, choice.name);
    case 'secret-key':
      return new SecretKey(newStack(`Keys${i}`, { app, region: keyRegion }), 'Key', { aliasName: ALIAS_OF_SECRET_KEY(i) });
  }
}

/** The primary stack, in a concrete region, with or without an account. */
function primaryStack(app: App, account: boolean): Stack {
  return account ? newStack('Primary', { app }) : new Stack(app, 'Primary', { env: { region: PRIMARY } });
}

function replicaRegions(app: App, stack: Stack, specs: ReplicaSpec[]): secretsmanager.ReplicaRegion[] {
  return specs.map((r, i) => ({ region: r.region, encryptionKey: keyFor(app, stack, i, r.key, r.region) }));
}

function secretIn(stack: Stack, regions: secretsmanager.ReplicaRegion[]): HardenedSecret {
  return new HardenedSecret(stack, 'Db', {
    rotation: SecretRotationPolicy.none('Property test secret without rotation'),
    replicaRegions: regions,
  });
}

test(`${VALID_RUNS} valid replica lists: every stack synthesises, and ReplicaRegions names each region with its key, in order`, () => {
  fc.assert(
    fc.property(withAccount, replicas, (account, specs) => {
      const app = new App();
      const stack = primaryStack(app, account);
      const secret = secretIn(stack, replicaRegions(app, stack, specs));

      // The app synthesises: no cross-region reference, every stack has a template.
      const assembly = app.synth();
      const primaryArtifact = assembly.getStackByName('Primary');
      const library = specs.filter((s) => s.key.kind === 'library').map((s) => s.region);
      // One key stack per region where the library makes the key, which the primary deploys after.
      const keyStacks = assembly.stacks.filter((s) => s.id.startsWith('PrimaryReplicaKeys'));
      expect(keyStacks.map((s) => s.environment.region).sort()).toEqual([...library].sort());
      expect(primaryArtifact.dependencies.map((d) => d.id)).toEqual(expect.arrayContaining(keyStacks.map((s) => s.id)));

      const [rendered] = Object.values<any>(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret'));
      const rows: Array<{ Region: string; KmsKeyId: string }> = rendered.Properties.ReplicaRegions;
      expect(rows.map((r) => r.Region)).toEqual(specs.map((s) => s.region));
      specs.forEach((s, i) => {
        const kmsKeyId = rows[i].KmsKeyId;
        switch (s.key.kind) {
          case 'library':
            expect(kmsKeyId).toMatch(/^alias\/hardened-secrets\/replica\/eu-west-1\//);
            break;
          case 'arn':
            expect(kmsKeyId).toBe(keyArn(s.region));
            break;
          case 'alias':
            expect(kmsKeyId).toBe(s.key.name);
            break;
          case 'secret-key':
            expect(kmsKeyId).toBe(ALIAS_OF_SECRET_KEY(i));
            break;
        }
      });
      expect(secret.replicaRegionNames).toEqual(specs.map((s) => s.region));
    }),
    { numRuns: VALID_RUNS },
  );
});

/** One replica (or the stack) pushed out of range. */
interface Mutation {
  /** The prop the error must name, when replica `i` was picked. */
  readonly prop: (i: number) => string;
  /** The replica list with the change made at `i`. */
  readonly apply: (ctx: { app: App; stack: Stack; regions: secretsmanager.ReplicaRegion[]; i: number }) => secretsmanager.ReplicaRegion[];
  /** Builds the primary stack, when the mutation is the stack's. */
  readonly stack?: (app: App) => Stack;
}

/** `regions` with entry `i` replaced. */
function replaced(regions: secretsmanager.ReplicaRegion[], i: number, replica: secretsmanager.ReplicaRegion): secretsmanager.ReplicaRegion[] {
  return regions.map((r, j) => (j === i ? replica : r));
}

/** A region other than `region`, chosen by `n`: the primary's, or another replica region. */
function otherRegion(region: string, n: number): string {
  const others = [PRIMARY, ...REPLICA_REGIONS].filter((r) => r !== region);
  return others[n % others.length];
}

const notARegion = fc.oneof(
  fc.constantFrom('eu-westt-1', 'US-EAST-1', '', 'us-east-1 ', 'mars-north-1', 'eu-west'),
  fc.string({ maxLength: 15 }),
).filter((r) => !KNOWN.has(r));

const regionProp = (i: number) => `replicaRegions[${i}].region`;
const keyProp = (i: number) => `replicaRegions[${i}].encryptionKey`;

/** Each way of pushing one replica (or the stack) out of range. */
const MUTATIONS: Array<[string, fc.Arbitrary<Mutation>]> = [
  ['an empty list', fc.constant<Mutation>({ prop: () => 'replicaRegions', apply: () => [] })],
  ['a primary stack without a concrete region', fc.constant<Mutation>({
    prop: () => 'replicaRegions',
    stack: (app) => new Stack(app, 'Primary', { env: { account: TEST_ENV.account } }),
    apply: ({ regions }) => regions,
  })],
  ['a region aws-cdk-lib does not know', notARegion.map((region): Mutation => ({
    prop: regionProp,
    apply: ({ regions, i }) => replaced(regions, i, { region }),
  }))],
  ['a region of another partition', fc.constantFrom(...RegionInfo.regions.filter((r) => r.partition !== 'aws').map((r) => r.name)).map((region): Mutation => ({
    prop: regionProp,
    apply: ({ regions, i }) => replaced(regions, i, { region }),
  }))],
  ['the primary region', fc.constant<Mutation>({
    prop: regionProp,
    apply: ({ regions, i }) => replaced(regions, i, { region: PRIMARY }),
  })],
  ['a region given twice', fc.constant<Mutation>({
    prop: (i) => regionProp(i + 1),
    apply: ({ regions, i }) => [...regions.slice(0, i + 1), { region: regions[i].region }, ...regions.slice(i + 1)],
  })],
  ['a key ARN of another region', fc.nat().map((n): Mutation => ({
    prop: keyProp,
    apply: ({ stack, regions, i }) => replaced(regions, i, {
      region: regions[i].region,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Elsewhere', keyArn(otherRegion(regions[i].region, n))),
    }),
  }))],
  ['an AWS managed key', fc.constantFrom('alias/aws/secretsmanager', 'alias/aws/kms').map((name): Mutation => ({
    prop: keyProp,
    apply: ({ stack, regions, i }) => replaced(regions, i, { region: regions[i].region, encryptionKey: kms.Alias.fromAliasName(stack, 'Managed', name) }),
  }))],
  ['an alias that is no alias name', fc.oneof(fc.constantFrom('alias/', 'alias/has space', 'key/1234', 'alias/ünïcode', `alias/${'a'.repeat(251)}`), fc.string({ maxLength: 20 }))
    .filter((n) => !/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(n))
    .map((name): Mutation => ({
      prop: keyProp,
      apply: ({ stack, regions, i }) => replaced(regions, i, { region: regions[i].region, encryptionKey: kms.Alias.fromAliasName(stack, 'NotAnAlias', name) }),
    }))],
  ['a SecretKey in a stack of another region', fc.nat().map((n): Mutation => ({
    prop: keyProp,
    apply: ({ app, regions, i }) => replaced(regions, i, {
      region: regions[i].region,
      encryptionKey: new SecretKey(newStack('ElsewhereKeys', { app, region: otherRegion(regions[i].region, n) }), 'Key', { aliasName: 'alias/team/elsewhere' }),
    }),
  }))],
  ['a kms.Key of another stack of its region', fc.constant<Mutation>({
    prop: keyProp,
    apply: ({ app, regions, i }) => replaced(regions, i, {
      region: regions[i].region,
      encryptionKey: new kms.Key(newStack('PlainKeys', { app, region: regions[i].region }), 'Key'),
    }),
  })],
];

test.each(MUTATIONS)('valid replicas but %s fail with a HardenedSecretsValidationError naming that replica', (_what, mutation) => {
  fc.assert(
    fc.property(withAccount, replicas, mutation, fc.nat(), (account, specs, m, pick) => {
      const app = new App();
      const stack = m.stack?.(app) ?? primaryStack(app, account);
      const i = pick % specs.length;
      const regions = m.apply({ app, stack, regions: replicaRegions(app, stack, specs), i });
      // Every problem is about that replica (or the list): nothing else was out of range.
      expectRefused(() => secretIn(stack, regions), 'Primary/Db', m.prop(i));
    }),
    { numRuns: INVALID_RUNS },
  );
});
