import { App, CfnParameter, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { DataClassification, HardenedSecret, HardenedSecretProps, RotationOptions, SecretRotationPolicy } from '../../src';
import { newStack, TEST_ENV } from '../helpers/stacks';
import { expectRefused } from '../helpers/validation';

/**
 * Two properties of HardenedSecret's props, each with its own oracle:
 *
 * - props valid by construction (every value inside the range the props document) synthesise,
 *   into a template CloudFormation's own rules accept, that holds what was given: the name, the
 *   description, the tags, the schedule, the removal policy;
 * - the same props with exactly one prop pushed out of its range fail with one
 *   HardenedSecretsValidationError whose every problem names that prop.
 *
 * The ranges are those of src/secret/props-validation.ts and of the schedules in
 * src/rotation/rotation-policy.ts.
 */

const RUNS = 150;

// ---- Values inside the documented ranges ------------------------------------------------------

/** A duration as plain data, so that a counterexample prints readably. */
type Amount = readonly [number, 'minutes' | 'hours' | 'days'];

function duration([n, unit]: Amount): Duration {
  return unit === 'minutes' ? Duration.minutes(n) : unit === 'hours' ? Duration.hours(n) : Duration.days(n);
}

/** A schedule: the options, and the rotation interval in hours they give (undefined for cron). */
interface ScheduleSpec {
  readonly after?: Amount;
  readonly expression?: string;
  readonly window?: Amount;
  readonly rotateImmediatelyOnUpdate?: boolean;
  /** What `RotationRules.ScheduleExpression` must be. */
  readonly renders: string;
  readonly intervalHours?: number;
}

/** What `automaticallyAfter` of `hours` renders as. */
function rateOf(hours: number): string {
  if (hours % 24 !== 0) {
    return `rate(${hours} hours)`;
  }
  return hours === 24 ? 'rate(1 day)' : `rate(${hours / 24} days)`;
}

const MIN_HOURS = 4;
const MAX_HOURS = 365 * 24;

/** A six-field cron expression that keeps firing. */
const cron = fc.oneof(
  fc.tuple(fc.nat(59), fc.nat(23), fc.constantFrom('SUN', 'MON', 'WED', 'SAT', 'MON-FRI', '*'))
    .map(([m, h, dow]) => `cron(${m} ${h} ? * ${dow} *)`),
  fc.tuple(fc.nat(59), fc.nat(23), fc.integer({ min: 1, max: 28 })).map(([m, h, d]) => `cron(${m} ${h} ${d} * ? *)`),
  fc.tuple(fc.nat(59), fc.nat(23)).map(([m, h]) => `cron(${m} ${h} * * ? *)`),
);

/** The interval part of valid schedule options. */
const interval: fc.Arbitrary<Omit<ScheduleSpec, 'window' | 'rotateImmediatelyOnUpdate'>> = fc.oneof(
  fc.constant({ renders: 'rate(30 days)', intervalHours: 720 }),
  fc.integer({ min: 1, max: 365 }).map((d) => ({ after: [d, 'days'] as Amount, renders: rateOf(d * 24), intervalHours: d * 24 })),
  fc.oneof(fc.integer({ min: MIN_HOURS, max: MAX_HOURS }), fc.integer({ min: MIN_HOURS, max: 48 }), fc.constantFrom(MIN_HOURS, MAX_HOURS))
    .map((h) => ({ after: [h, 'hours'] as Amount, renders: rateOf(h), intervalHours: h })),
  fc.integer({ min: MIN_HOURS, max: MAX_HOURS }).map((h) => ({ after: [h * 60, 'minutes'] as Amount, renders: rateOf(h), intervalHours: h })),
  fc.tuple(fc.integer({ min: 1, max: 365 }), fc.constantFrom('day', 'days')).map(([n, u]) => {
    const expression = `rate(${n} ${u})`;
    return { expression, renders: expression, intervalHours: n * 24 };
  }),
  fc.tuple(fc.integer({ min: MIN_HOURS, max: MAX_HOURS }), fc.constantFrom('hour', 'hours')).map(([n, u]) => {
    const expression = `rate(${n} ${u})`;
    return { expression, renders: expression, intervalHours: n };
  }),
  cron.map((expression) => ({ expression, renders: expression })),
);

/** Valid schedule options: a window of whole hours from 1 to 24, shorter than the interval (often the longest such). */
const schedule: fc.Arbitrary<ScheduleSpec> = interval.chain((base) => {
  const longest = Math.min(24, (base.intervalHours ?? 25) - 1);
  return fc.record({
    window: fc.option(
      fc.tuple(fc.oneof(fc.integer({ min: 1, max: longest }), fc.constant(longest)), fc.boolean()).map(([h, inMinutes]): Amount => (inMinutes ? [h * 60, 'minutes'] : [h, 'hours'])),
      { nil: undefined },
    ),
    rotateImmediatelyOnUpdate: fc.option(fc.boolean(), { nil: undefined }),
  }).map((extra) => ({ ...base, ...extra }));
});

/** A justification: at least 10 characters once trimmed. */
const justification = fc.string({ minLength: 10, maxLength: 60 }).filter((s) => s.trim().length >= 10);

type RotationSpec =
  | { readonly kind: 'hosted' | 'lambda'; readonly schedule: ScheduleSpec }
  | { readonly kind: 'none'; readonly justification: string };

const rotation: fc.Arbitrary<RotationSpec> = fc.oneof(
  fc.record({ kind: fc.constantFrom('hosted' as const, 'lambda' as const), schedule }),
  fc.record({ kind: fc.constant('none' as const), justification }),
);

/** A tag value: 1 to 256 letters (any script), digits, spaces or _.:/=+-@. */
const tagValue = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-zA-Z0-9 _.:/=+@-]{1,40}$/), weight: 4 },
  { arbitrary: fc.array(fc.constantFrom('é', 'ß', '日', 'Ж', '٣', '\u00a0', ' ', 'a', 'Z', '7', '_', '.', ':', '/', '=', '+', '-', '@'), { minLength: 1, maxLength: 30 }).map((cs) => cs.join('')), weight: 2 },
  { arbitrary: fc.constantFrom('x'.repeat(256), 'z'), weight: 1 },
);

/** A segment of the default name pattern: `<environment>` or `<application>`. */
const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
/** The last segment of the default name pattern. */
const leaf = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+=@-]{0,15}$/);
/** A first segment of a name outside the default pattern: name characters that are also tag characters. */
const freeSegment = fc.stringMatching(/^[A-Za-z0-9_+=.@-]{1,20}$/);
const DEFAULT_PATTERN = '^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.+=@-]*$';

/** `secretName`, `namePattern` and `environment`, consistent with each other. */
interface NamingSpec {
  readonly secretName?: string;
  readonly namePattern?: string;
  readonly environment?: string;
}

const naming: fc.Arbitrary<NamingSpec> = fc.oneof(
  // No name: the environment is any tag value.
  fc.record({ environment: fc.option(tagValue, { nil: undefined }) }).map((n): NamingSpec => n),
  // <environment>/<application>/<name>, the default pattern (given or not); its first segment is the environment.
  fc.record({ env: segment, app: segment, leaf, withEnvironment: fc.boolean(), explicit: fc.boolean() })
    .map(({ env, app, leaf: last, withEnvironment, explicit }): NamingSpec => ({
      secretName: `${env}/${app}/${last}`,
      namePattern: explicit ? DEFAULT_PATTERN : undefined,
      environment: withEnvironment ? env : undefined,
    })),
  // Any name of up to 512 name characters, under a pattern that accepts it.
  fc.record({
    first: freeSegment,
    rest: fc.option(fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{0,60}$/), { nil: undefined }),
    longest: fc.boolean(),
    withEnvironment: fc.boolean(),
    namePattern: fc.constantFrom('^.*$', '^[A-Za-z0-9/_+=.@-]+$', '[^ ]'),
  }).map(({ first, rest, longest, withEnvironment, namePattern }): NamingSpec => ({
    secretName: longest ? `${first}/`.padEnd(512, 'a') : rest === undefined ? first : `${first}/${rest}`,
    namePattern,
    environment: withEnvironment ? first : undefined,
  })),
).filter((n) => n.secretName === undefined || !/-[A-Za-z0-9]{6}$/.test(n.secretName));

/** How the initial value is given: each way the props accept. */
type ValueSpec =
  | { readonly kind: 'default' }
  | { readonly kind: 'generate'; readonly passwordLength?: number; readonly template?: readonly [string, string]; readonly excludePunctuation?: boolean }
  | { readonly kind: 'secrets-manager-reference' | 'parameter-reference' | 'object-reference' }
  | { readonly kind: 'literal' | 'object-literal'; readonly justification: string };

const value: fc.Arbitrary<ValueSpec> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'default' as const }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('generate' as const),
      passwordLength: fc.option(fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(1, 4096)), { nil: undefined }),
      template: fc.option(
        fc.tuple(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z0-9]{0,8}$/), { maxKeys: 3 }).map((o) => JSON.stringify(o)), fc.stringMatching(/^[a-z]{1,8}$/)),
        { nil: undefined },
      ),
      excludePunctuation: fc.option(fc.boolean(), { nil: undefined }),
    }, { requiredKeys: ['kind'] }),
    weight: 2,
  },
  { arbitrary: fc.constantFrom('secrets-manager-reference' as const, 'parameter-reference' as const, 'object-reference' as const).map((kind) => ({ kind })), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom('literal' as const, 'object-literal' as const), justification }), weight: 1 },
);

/** Valid props, as plain data. */
interface Spec {
  readonly rotation: RotationSpec;
  readonly naming: NamingSpec;
  readonly owner?: string;
  readonly dataClassification?: DataClassification;
  readonly removalPolicy?: RemovalPolicy;
  readonly breakGlassRoles?: number;
  readonly deploymentRoles?: number;
  readonly value: ValueSpec;
  /** A justification given without a literal value (allowed, and then unused). */
  readonly spareJustification?: string;
  readonly description?: string;
}

const validSpec: fc.Arbitrary<Spec> = fc.record({
  rotation,
  naming,
  owner: fc.option(tagValue, { nil: undefined }),
  dataClassification: fc.option(fc.constantFrom(...Object.values(DataClassification)), { nil: undefined }),
  removalPolicy: fc.option(
    fc.constantFrom(RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY),
    { nil: undefined },
  ),
  breakGlassRoles: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  deploymentRoles: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  value,
  spareJustification: fc.option(justification, { nil: undefined }),
  description: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
}, { requiredKeys: ['rotation', 'naming', 'value'] });

// ---- Building the props ----------------------------------------------------------------------

/** A literal that must never appear in an error message. */
const LITERAL = 'literal-value-not-to-be-echoed';

function scheduleOptions(s: ScheduleSpec): RotationOptions {
  return {
    automaticallyAfter: s.after && duration(s.after),
    scheduleExpression: s.expression,
    window: s.window && duration(s.window),
    rotateImmediatelyOnUpdate: s.rotateImmediatelyOnUpdate,
  };
}

function rotationPolicy(stack: Stack, r: RotationSpec): SecretRotationPolicy {
  switch (r.kind) {
    case 'hosted':
      return SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser(), scheduleOptions(r.schedule));
    case 'lambda':
      return SecretRotationPolicy.lambda(lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
        functionArn: `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:rotator`,
        sameEnvironment: true,
      }), scheduleOptions(r.schedule));
    case 'none':
      return SecretRotationPolicy.none(r.justification);
  }
}

function valueProps(stack: Stack, v: ValueSpec): Partial<HardenedSecretProps> {
  switch (v.kind) {
    case 'default':
      return {};
    case 'generate':
      return {
        generateSecretString: {
          passwordLength: v.passwordLength,
          secretStringTemplate: v.template?.[0],
          generateStringKey: v.template?.[1],
          excludePunctuation: v.excludePunctuation,
        },
      };
    case 'secrets-manager-reference':
      return { secretStringValue: SecretValue.secretsManager('prod/other/secret') };
    case 'parameter-reference':
      return { secretStringValue: SecretValue.cfnParameter(new CfnParameter(stack, 'Initial', { noEcho: true })) };
    case 'object-reference':
      return { secretObjectValue: { username: SecretValue.secretsManager('prod/other/secret', { jsonField: 'username' }), password: SecretValue.cfnParameter(new CfnParameter(stack, 'Password', { noEcho: true })) } };
    case 'literal':
      return { secretStringValue: SecretValue.unsafePlainText(LITERAL), plaintextJustification: v.justification };
    case 'object-literal':
      return { secretObjectValue: { password: SecretValue.unsafePlainText(LITERAL) }, plaintextJustification: v.justification };
  }
}

function roles(stack: Stack, prefix: string, n: number | undefined): iam.IRole[] | undefined {
  return n === undefined ? undefined : Array.from({ length: n }, (_, i) =>
    iam.Role.fromRoleArn(stack, `${prefix}${i}`, `arn:aws:iam::${TEST_ENV.account}:role/${prefix.toLowerCase()}-${i}`));
}

function toProps(stack: Stack, s: Spec): HardenedSecretProps {
  return {
    rotation: rotationPolicy(stack, s.rotation),
    ...s.naming,
    owner: s.owner,
    dataClassification: s.dataClassification,
    removalPolicy: s.removalPolicy,
    breakGlassRoles: roles(stack, 'BreakGlass', s.breakGlassRoles),
    deploymentRoles: roles(stack, 'Deploy', s.deploymentRoles),
    plaintextJustification: s.spareJustification,
    description: s.description,
    ...valueProps(stack, s.value),
  };
}

/** A stack whose CloudFormation template checks fail the synth instead of printing a warning. */
function strictStack(): Stack {
  return newStack('Stack', { app: new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } }) });
}

// ---- Property 1: valid props synthesise, and the template holds them --------------------------

const DELETION_POLICY: Record<string, string> = {
  [RemovalPolicy.RETAIN]: 'Retain',
  [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE]: 'RetainExceptOnCreate',
  [RemovalPolicy.DESTROY]: 'Delete',
};

function rotationLabel(r: RotationSpec): string {
  if (r.kind === 'none') {
    return 'none';
  }
  const h = r.schedule.intervalHours;
  return `${r.kind}-${h === undefined ? 'cron' : h % 24 === 0 ? `${h / 24}d` : `${h}h`}`;
}

test(`${RUNS} valid prop combinations synthesise, and the template holds the name, tags, schedule and removal policy`, () => {
  fc.assert(
    fc.property(validSpec, (s) => {
      const stack = strictStack();
      const props = toProps(stack, s);
      new HardenedSecret(stack, 'Secret', props);
      const template = Template.fromStack(stack);

      const secrets = Object.values<any>(template.findResources('AWS::SecretsManager::Secret'));
      expect(secrets).toHaveLength(1);
      const [secret] = secrets;
      expect(secret.Properties.Name).toEqual(s.naming.secretName);
      expect(secret.Properties.Description).toEqual(s.description);
      expect(secret.DeletionPolicy).toBe(DELETION_POLICY[s.removalPolicy ?? RemovalPolicy.RETAIN]);
      const tags = Object.fromEntries((secret.Properties.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
      const expectedTags: Record<string, string> = { rotation: rotationLabel(s.rotation) };
      for (const [key, v] of [['owner', s.owner], ['environment', s.naming.environment], ['data-classification', s.dataClassification]] as const) {
        if (v !== undefined) {
          expectedTags[key] = v;
        }
      }
      expect(tags).toEqual(expectedTags);

      const schedules = Object.values<any>(template.findResources('AWS::SecretsManager::RotationSchedule'));
      if (s.rotation.kind === 'none') {
        expect(schedules).toEqual([]);
      } else {
        expect(schedules).toHaveLength(1);
        const window = s.rotation.schedule.window;
        expect(schedules[0].Properties.RotationRules).toEqual({
          ScheduleExpression: s.rotation.schedule.renders,
          ...(window ? { Duration: `${duration(window).toHours()}h` } : {}),
        });
        expect(schedules[0].Properties.RotateImmediatelyOnUpdate).toEqual(s.rotation.schedule.rotateImmediatelyOnUpdate);
      }

      // The break-glass roles are named in the resource policy.
      const policy = JSON.stringify(template.findResources('AWS::SecretsManager::ResourcePolicy'));
      for (const role of props.breakGlassRoles ?? []) {
        expect(policy).toContain(role.roleArn);
      }
      // The value is where the props put it, and a generated one by default.
      const generated = s.value.kind === 'default' || s.value.kind === 'generate';
      expect(secret.Properties.GenerateSecretString !== undefined).toBe(generated);
      expect(secret.Properties.SecretString !== undefined).toBe(!generated);
    }),
    { numRuns: RUNS },
  );
});

// ---- Property 2: one prop out of range fails, naming that prop --------------------------------

/** One prop of a valid spec pushed out of its range. */
interface Mutation {
  /** What the mutation does to the props built from the spec. */
  readonly apply: (props: HardenedSecretProps, stack: Stack, s: Spec) => HardenedSecretProps;
  /** Whether it applies to this spec (e.g. a name to change); by default it applies to every spec. */
  readonly fits?: (s: Spec) => boolean;
}

const notATagValue = fc.oneof(
  fc.constantFrom('', 'x'.repeat(257), 'a#b', 'café!', '<script>', 'tab\there', 'quote"', 'comma,', 'semi;'),
  fc.string({ minLength: 1, maxLength: 20 }).filter((t) => /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/u.test(t)),
);

const hasName = (s: Spec) => s.naming.secretName !== undefined;
const rotates = (s: Spec) => s.rotation.kind !== 'none';

/** A copy of the rotation of a rotating spec, with other schedule options. */
function withSchedule(stack: Stack, s: Spec, options: RotationOptions): SecretRotationPolicy {
  return s.rotation.kind === 'lambda'
    ? SecretRotationPolicy.lambda(lambda.Function.fromFunctionAttributes(stack, 'OtherRotator', {
      functionArn: `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:other`,
      sameEnvironment: true,
    }), options)
    : SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser(), options);
}

/** The schedule options of a rotating spec. */
const scheduleOf = (s: Spec): ScheduleSpec => (s.rotation as { schedule: ScheduleSpec }).schedule;

/** A justification too short: under 10 characters once trimmed. */
const tooShort = fc.string({ maxLength: 30 }).filter((t) => t.trim().length < 10);

/** A literal initial value, which must never appear in an error message. */
const literal = () => SecretValue.unsafePlainText(LITERAL);

/** Props without any initial value: a value mutation then sets the only one. */
function withoutValue(p: HardenedSecretProps): HardenedSecretProps {
  const { generateSecretString: _g, secretStringValue: _s, secretObjectValue: _o, ...rest } = p;
  return rest;
}

/** Each way of pushing one prop out of range: [what, the prop the error must name, the mutation]. */
const MUTATIONS: Array<[string, string, fc.Arbitrary<Mutation>]> = [
  ['secretName with a character outside A-Z a-z 0-9 / _ + = . @ -', 'secretName',
    fc.tuple(fc.constantFrom(' ', '#', '!', '*', ',', '?', ':', '&', 'é'), fc.nat(20)).map(([c, at]): Mutation => ({
      fits: hasName,
      apply: (p) => {
        const i = at % p.secretName!.length;
        return { ...p, secretName: `${p.secretName!.slice(0, i)}${c}${p.secretName!.slice(i)}` };
      },
    }))],
  ['secretName ending like the random suffix of a secret ARN', 'secretName',
    fc.stringMatching(/^[A-Za-z0-9]{6}$/).map((suffix): Mutation => ({ fits: hasName, apply: (p) => ({ ...p, secretName: `${p.secretName!.slice(0, 400)}-${suffix}` }) }))],
  ['secretName longer than 512 characters', 'secretName',
    fc.integer({ min: 513, max: 700 }).map((length): Mutation => ({ fits: hasName, apply: (p) => ({ ...p, secretName: p.secretName!.padEnd(length, 'b') }) }))],
  ['secretName outside the default pattern', 'secretName',
    fc.constantFrom('Prod/orders/db', 'prod/orders', 'orders', 'prod//db', '/prod/orders/db', 'prod/orders/db/', 'prod/Orders/db').map((secretName): Mutation => ({
      fits: (s) => s.naming.namePattern === undefined || s.naming.namePattern === DEFAULT_PATTERN,
      apply: (p) => ({ ...p, secretName, environment: undefined }),
    }))],
  ['secretName whose first segment is not the environment', 'secretName',
    segment.map((other): Mutation => ({
      fits: (s) => hasName(s) && s.naming.environment !== undefined && s.naming.environment !== other,
      apply: (p) => ({ ...p, secretName: p.secretName!.replace(/^[^/]*/, other) }),
    }))],
  ['namePattern that is not a regular expression', 'namePattern',
    fc.constantFrom('([', '*', '[a-', '(?<', 'a{2,1}', '\\').map((namePattern): Mutation => ({ apply: (p) => ({ ...p, namePattern }) }))],
  ['owner that is not a tag value', 'owner', notATagValue.map((owner): Mutation => ({ apply: (p) => ({ ...p, owner }) }))],
  // (without a name: with one, the name would no longer start with it either)
  ['environment that is not a tag value', 'environment',
    notATagValue.map((environment): Mutation => ({ apply: (p) => ({ ...p, secretName: undefined, namePattern: undefined, environment }) }))],
  ['dataClassification outside the enum', 'dataClassification',
    fc.oneof(fc.constantFrom('secret', 'PUBLIC', 'Confidential', '', 'top-secret'), fc.string({ maxLength: 12 }))
      .filter((c) => !(Object.values(DataClassification) as string[]).includes(c))
      .map((c): Mutation => ({ apply: (p) => ({ ...p, dataClassification: c as DataClassification }) }))],
  ['removalPolicy SNAPSHOT', 'removalPolicy', fc.constant<Mutation>({ apply: (p) => ({ ...p, removalPolicy: RemovalPolicy.SNAPSHOT }) })],
  ['breakGlassRoles empty', 'breakGlassRoles', fc.constant<Mutation>({ apply: (p) => ({ ...p, breakGlassRoles: [] }) })],
  ['deploymentRoles empty', 'deploymentRoles', fc.constant<Mutation>({ apply: (p) => ({ ...p, deploymentRoles: [] }) })],
  ['plaintextJustification shorter than 10 characters', 'plaintextJustification',
    tooShort.map((plaintextJustification): Mutation => ({ apply: (p) => ({ ...p, plaintextJustification }) }))],
  ['a literal secretStringValue without a justification', 'secretStringValue',
    fc.constant<Mutation>({ apply: (p) => ({ ...withoutValue(p), plaintextJustification: undefined, secretStringValue: literal() }) })],
  ['a literal field of secretObjectValue without a justification', 'secretObjectValue.password',
    fc.constant<Mutation>({ apply: (p) => ({ ...withoutValue(p), plaintextJustification: undefined, secretObjectValue: { password: literal() } }) })],
  ['an ssm-secure secretStringValue, which CloudFormation does not resolve in a secret', 'secretStringValue',
    fc.constant<Mutation>({ apply: (p) => ({ ...withoutValue(p), secretStringValue: SecretValue.ssmSecure('/prod/orders/password') }) })],
  ['generateSecretString.passwordLength outside 1 to 4096', 'generateSecretString.passwordLength',
    fc.oneof(fc.integer({ min: -100, max: 0 }), fc.integer({ min: 4097, max: 100_000 }), fc.constantFrom(1.5, 32.25)).map((length): Mutation => ({
      apply: (p) => ({ ...withoutValue(p), generateSecretString: { ...p.generateSecretString, passwordLength: length } }),
    }))],
  ['generateSecretString.secretStringTemplate that is not a JSON object', 'generateSecretString.secretStringTemplate',
    fc.constantFrom('[1, 2]', 'null', '"text"', 'username=app', '{"a":').map((secretStringTemplate): Mutation => ({
      apply: (p) => ({ ...withoutValue(p), generateSecretString: { secretStringTemplate, generateStringKey: 'password' } }),
    }))],
  ['generateSecretString with a template and no key, or a key and no template', 'generateSecretString.secretStringTemplate',
    fc.boolean().map((templateOnly): Mutation => ({
      apply: (p) => ({ ...withoutValue(p), generateSecretString: templateOnly ? { secretStringTemplate: '{"username":"app"}' } : { generateStringKey: 'password' } }),
    }))],
  ['a rotation waived with a justification shorter than 10 characters', 'rotation (SecretRotationPolicy.none justification)',
    tooShort.map((reason): Mutation => ({ apply: (p) => ({ ...p, rotation: SecretRotationPolicy.none(reason) }) }))],
  ['rotation.automaticallyAfter outside whole hours from 4 hours to 365 days', 'rotation.automaticallyAfter',
    fc.oneof(
      fc.integer({ min: 0, max: MIN_HOURS - 1 }).map((h) => Duration.hours(h)),
      fc.integer({ min: MAX_HOURS + 1, max: 3 * MAX_HOURS }).map((h) => Duration.hours(h)),
      fc.integer({ min: 366, max: 5000 }).map((d) => Duration.days(d)),
      fc.integer({ min: 4 * 60 + 1, max: 10_000 }).filter((m) => m % 60 !== 0).map((m) => Duration.minutes(m)),
    ).map((after): Mutation => ({
      fits: rotates,
      // (without the spec's window, which may not fit the new interval, nor its expression)
      apply: (p, stack, s) => {
        const options = scheduleOptions({ ...scheduleOf(s), window: undefined, expression: undefined });
        return { ...p, rotation: withSchedule(stack, s, { ...options, automaticallyAfter: after }) };
      },
    }))],
  ['rotation.scheduleExpression outside the grammar or the range, or one that stops firing', 'rotation.scheduleExpression',
    fc.oneof(
      fc.integer({ min: 0, max: MIN_HOURS - 1 }).map((n) => `rate(${n} hours)`),
      fc.integer({ min: MAX_HOURS + 1, max: 100_000 }).map((n) => `rate(${n} hours)`),
      fc.integer({ min: 366, max: 10_000 }).map((n) => `rate(${n} days)`),
      fc.constantFrom('rate(0 days)', 'rate(7 weeks)', 'rate(-1 days)', 'rate(1.5 days)', 'cron(0 4 * * ?)', 'cron(0 4 ? * SUN)', 'cron(0 0 31 2 ? *)',
        'cron(0 4 ? * SUN 2025)', 'cron(60 4 * * ? *)', 'cron(0 24 * * ? *)', 'every day', '', 'rate(7 days'),
      fc.string({ maxLength: 20 }).filter((t) => !/^\s*(rate|cron)\(/i.test(t)),
    ).map((scheduleExpression): Mutation => ({
      fits: rotates,
      apply: (p, stack, s) => {
        const options = scheduleOptions({ ...scheduleOf(s), window: undefined, after: undefined });
        return { ...p, rotation: withSchedule(stack, s, { ...options, scheduleExpression }) };
      },
    }))],
  ['rotation.window outside whole hours from 1 to 24', 'rotation.window',
    fc.oneof(
      fc.constantFrom(Duration.hours(0), Duration.hours(25), Duration.minutes(90), Duration.minutes(30), Duration.days(2)),
      fc.integer({ min: 25, max: 1000 }).map((h) => Duration.hours(h)),
    ).map((window): Mutation => ({
      fits: rotates,
      apply: (p, stack, s) => ({ ...p, rotation: withSchedule(stack, s, { ...scheduleOptions(scheduleOf(s)), window }) }),
    }))],
  ['rotation.window as long as the interval', 'rotation.window',
    fc.integer({ min: MIN_HOURS, max: 24 }).map((h): Mutation => ({
      fits: rotates,
      apply: (p, stack, s) => ({ ...p, rotation: withSchedule(stack, s, { automaticallyAfter: Duration.hours(h), window: Duration.hours(h) }) }),
    }))],
  ['rotation with both automaticallyAfter and scheduleExpression', 'rotation.automaticallyAfter',
    fc.constant<Mutation>({
      fits: rotates,
      apply: (p, stack, s) => ({ ...p, rotation: withSchedule(stack, s, { automaticallyAfter: Duration.days(7), scheduleExpression: 'rate(7 days)' }) }),
    })],
];

/** Runs per way of going out of range. */
const INVALID_RUNS = 12;

test.each(MUTATIONS)('valid props but %s fail with a HardenedSecretsValidationError naming `%s`', (_what, prop, mutation) => {
  fc.assert(
    fc.property(validSpec, mutation, (s, m) => {
      fc.pre(m.fits?.(s) ?? true);
      const stack = strictStack();
      const props = m.apply(toProps(stack, s), stack, s);
      // Every problem is about that prop: nothing else was out of range.
      const { message } = expectRefused(() => new HardenedSecret(stack, 'Secret', props), 'Stack/Secret', prop);
      expect(message).not.toContain(LITERAL);
    }),
    { numRuns: INVALID_RUNS },
  );
});
