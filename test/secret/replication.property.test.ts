import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { HardenedSecret, SecretKey, SecretRotationPolicy } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';

/**
 * Property: any replication props yield either templates for every stack of the app (the secret's
 * and the replica-key stacks), or one HardenedSecretsValidationError naming `replicaRegions`;
 * never another exception (a TypeError, an aws-cdk-lib cross-region reference error, a region
 * CloudFormation would refuse at deploy).
 */

const PRIMARY = 'eu-west-1';
const VALID = ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-north-1', 'ap-southeast-2', 'sa-east-1'];

/** Mostly valid values, some invalid: both paths are explored. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: invalid, weight: 1 });
}

const region = mostly(
  fc.constantFrom(...VALID),
  fc.oneof(fc.constantFrom(PRIMARY, 'cn-north-1', 'us-gov-west-1', 'eu-westt-1', 'US-EAST-1', ''), fc.string({ maxLength: 15 })),
);

type KeyChoice =
  | { kind: 'none' }
  | { kind: 'arn'; region: string }
  | { kind: 'alias'; name: string }
  | { kind: 'secret-key'; region: string };

const keyChoice: fc.Arbitrary<KeyChoice> = fc.oneof(
  { arbitrary: fc.constant<KeyChoice>({ kind: 'none' }), weight: 6 },
  { arbitrary: fc.constantFrom(PRIMARY, ...VALID).map((r): KeyChoice => ({ kind: 'arn', region: r })), weight: 1 },
  {
    arbitrary: mostly(
      fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/).map((n) => `alias/${n}`),
      fc.oneof(fc.constant('alias/aws/secretsmanager'), fc.string({ maxLength: 20 })),
    ).map((name): KeyChoice => ({ kind: 'alias', name })),
    weight: 1,
  },
  { arbitrary: fc.constantFrom(PRIMARY, ...VALID).map((r): KeyChoice => ({ kind: 'secret-key', region: r })), weight: 1 },
);

const replicas = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.array(fc.record({ region, key: keyChoice }), { minLength: 0, maxLength: 4 }), weight: 8 },
);

const env = fc.constantFrom<{ account?: string; region?: string }>(
  { account: '111111111111', region: PRIMARY },
  { account: '111111111111', region: PRIMARY },
  { region: PRIMARY },
  { account: '111111111111' },
);

function keyFor(app: App, stack: Stack, i: number, choice: KeyChoice): kms.IKey | undefined {
  switch (choice.kind) {
    case 'none':
      return undefined;
    case 'arn':
      return kms.Key.fromKeyArn(stack, `Key${i}`, `arn:aws:kms:${choice.region}:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    case 'alias':
      return kms.Alias.fromAliasName(stack, `Alias${i}`, choice.name);
    case 'secret-key': {
      const keys = new Stack(app, `Keys${i}`, { env: { account: '111111111111', region: choice.region } });
      return new SecretKey(keys, 'Key', { aliasName: `alias/team/replica-${i}` });
    }
  }
}

test('replication props: templates for every stack, or our validation error naming replicaRegions', () => {
  fc.assert(
    fc.property(env, replicas, (stackEnv, sample) => {
      const app = new App();
      const stack = new Stack(app, 'Primary', { env: stackEnv });
      const replicaRegions: secretsmanager.ReplicaRegion[] | undefined = sample?.map((r, i) => ({
        region: r.region,
        encryptionKey: keyFor(app, stack, i, r.key),
      }));
      let secret: HardenedSecret;
      try {
        secret = new HardenedSecret(stack, 'Db', {
          rotation: SecretRotationPolicy.none('Property test secret without rotation'),
          replicaRegions,
        });
      } catch (e) {
        if (!(e instanceof HardenedSecretsValidationError)) {
          throw e;
        }
        expect(e.message).toMatch(/`replicaRegions/);
        return;
      }
      // A template for every stack, and the app synthesises (no cross-region reference error).
      for (const s of app.node.children.filter(Stack.isStack)) {
        Template.fromStack(s);
      }
      app.synth();
      const rendered = Template.fromStack(stack).findResources('AWS::SecretsManager::Secret');
      const props = Object.values<any>(rendered)[0].Properties;
      const expected = (replicaRegions ?? []).map((r) => r.region);
      expect((props.ReplicaRegions ?? []).map((r: any) => r.Region)).toEqual(expected);
      // Every replica names a key; the library-made ones live in a key stack the secret depends on.
      for (const r of props.ReplicaRegions ?? []) {
        expect(r.KmsKeyId).toBeTruthy();
      }
      expect(secret.replicaRegionNames).toEqual(expected);
      expect(new Set(expected).size).toBe(expected.length);
      expect(expected).not.toContain(PRIMARY);
    }),
    { numRuns: 150 },
  );
});
