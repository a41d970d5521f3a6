import { App, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { DataClassification, HardenedSecret, HardenedSecretProps, RotationOptions, SecretRotationPolicy } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';

/**
 * Property: any combination of props yields either a template or one of our validation errors,
 * never another exception (aws-cdk-lib's own errors, a TypeError, a template CloudFormation
 * would refuse at deploy time because we let a bad value through).
 */

/** Mostly valid values, some invalid: both paths are explored. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: invalid, weight: 1 });
}

const duration = mostly(
  fc.integer({ min: 1, max: 365 }).map((n) => Duration.days(n)),
  fc.oneof(
    fc.integer({ min: 0, max: 600 }).map((n) => Duration.minutes(n)),
    fc.integer({ min: 0, max: 10_000 }).map((n) => Duration.hours(n)),
    fc.integer({ min: 0, max: 500 }).map((n) => Duration.days(n)),
  ),
);
const window = mostly(
  fc.integer({ min: 1, max: 12 }).map((n) => Duration.hours(n)),
  fc.integer({ min: 0, max: 3000 }).map((n) => Duration.minutes(n)),
);

const expression = mostly(
  fc.oneof(
    fc.integer({ min: 1, max: 365 }).map((n) => `rate(${n} days)`),
    fc.constantFrom('cron(0 4 ? * SUN *)', 'cron(0 0 1 * ? *)'),
  ),
  fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('hour', 'hours', 'day', 'days')).map(([n, u]) => `rate(${n} ${u})`),
    fc.constantFrom('cron(0 4 * * ?)', 'every day', ''),
    fc.string({ maxLength: 30 }),
  ),
);

/** Usually absent. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

const scheduleOptions: fc.Arbitrary<RotationOptions> = fc.oneof(
  fc.record({ window: rarely(window), rotateImmediatelyOnUpdate: rarely(fc.boolean()) }),
  fc.record({ automaticallyAfter: duration, window: rarely(window) }),
  fc.record({ scheduleExpression: expression, window: rarely(window) }),
  fc.record({ automaticallyAfter: duration, scheduleExpression: expression }),
);

type RotationChoice = { kind: 'hosted' | 'none'; options: RotationOptions; justification: string };
const rotation: fc.Arbitrary<RotationChoice> = fc.record({
  kind: fc.constantFrom('hosted' as const, 'none' as const),
  options: scheduleOptions,
  justification: mostly(fc.constant('Vendor key without a rotation API'), fc.string({ maxLength: 40 })),
});

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
const secretName = mostly(
  fc.tuple(segment, segment, segment).map((parts) => parts.join('/')),
  fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('prod/app/db-abcdef', 'x', 'a'.repeat(600))),
);

const text = mostly(segment, fc.oneof(fc.string({ maxLength: 20 }), fc.constant('a'.repeat(300))));

interface Sample {
  readonly rotation: RotationChoice;
  readonly secretName?: string;
  readonly namePattern?: string;
  readonly owner?: string;
  readonly environment?: string;
  readonly dataClassification?: string;
  readonly removalPolicy?: RemovalPolicy;
  readonly breakGlass?: number;
  readonly value?: 'literal' | 'ssm' | 'reference' | 'object-literal' | 'generate' | 'generate-template-only';
  readonly plaintextJustification?: string;
  readonly description?: string;
}

const sample: fc.Arbitrary<Sample> = fc.record(
  {
    rotation,
    secretName: rarely(secretName),
    namePattern: rarely(mostly(fc.constantFrom('^.*$', '^[a-z0-9/-]+$'), fc.oneof(fc.constant('(['), fc.string({ maxLength: 10 })))),
    owner: rarely(text),
    environment: rarely(text),
    dataClassification: rarely(mostly(fc.constantFrom<string>(...Object.values(DataClassification)), fc.string({ maxLength: 10 }))),
    removalPolicy: fc.constantFrom(
      undefined,
      RemovalPolicy.RETAIN,
      RemovalPolicy.DESTROY,
      RemovalPolicy.SNAPSHOT,
      RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    ),
    breakGlass: rarely(fc.integer({ min: 0, max: 2 })),
    value: rarely(fc.constantFrom('literal' as const, 'ssm' as const, 'reference' as const, 'object-literal' as const, 'generate' as const, 'generate-template-only' as const)),
    plaintextJustification: rarely(mostly(fc.constant('Placeholder replaced before first use'), fc.string({ maxLength: 30 }))),
    description: rarely(fc.string({ maxLength: 30 })),
  },
  { requiredKeys: ['rotation', 'removalPolicy'] },
);

function toProps(stack: Stack, s: Sample): HardenedSecretProps {
  const values: Partial<HardenedSecretProps> = {
    'literal': { secretStringValue: SecretValue.unsafePlainText('literal-value') },
    'ssm': { secretStringValue: SecretValue.ssmSecure('/prod/x') },
    'reference': { secretStringValue: SecretValue.secretsManager('prod/other/secret') },
    'object-literal': { secretObjectValue: { user: SecretValue.unsafePlainText('admin') } },
    'generate': { generateSecretString: { passwordLength: 40 } },
    'generate-template-only': { generateSecretString: { secretStringTemplate: '{"u":"a"}' } },
    'none': {},
  }[s.value ?? 'none']!;
  const roles = Array.from({ length: s.breakGlass ?? 0 }, (_, i) =>
    iam.Role.fromRoleArn(stack, `BreakGlass${i}`, `arn:aws:iam::111111111111:role/bg-${i}`),
  );
  return {
    rotation: s.rotation.kind === 'hosted'
      ? SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser(), s.rotation.options)
      : SecretRotationPolicy.none(s.rotation.justification),
    secretName: s.secretName,
    namePattern: s.namePattern,
    owner: s.owner,
    environment: s.environment,
    dataClassification: s.dataClassification as DataClassification | undefined,
    removalPolicy: s.removalPolicy,
    breakGlassRoles: s.breakGlass === undefined ? undefined : roles,
    plaintextJustification: s.plaintextJustification,
    description: s.description,
    ...values,
  };
}

test('1,000 random prop combinations give a template or a HardenedSecretsValidationError', () => {
  let templates = 0;
  let rejected = 0;
  fc.assert(
    fc.property(sample, (s) => {
      // Turn CloudFormation's own template checks into errors: a template AWS would reject fails here.
      const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
      const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
      try {
        new HardenedSecret(stack, 'Secret', toProps(stack, s));
        const template = Template.fromStack(stack);
        template.resourceCountIs('AWS::SecretsManager::Secret', 1);
        templates++;
      } catch (e) {
        if (!(e instanceof HardenedSecretsValidationError)) {
          throw e;
        }
        expect(e.message).toMatch(/^Stack\/Secret: /);
        expect(e.message).not.toContain('literal-value');
        rejected++;
      }
    }),
    { numRuns: 1000 },
  );
  // Both outcomes must occur, or the generators are not exploring the props.
  expect(templates).toBeGreaterThan(50);
  expect(rejected).toBeGreaterThan(50);
});
