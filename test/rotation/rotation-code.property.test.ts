import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { EntryRotatorOptions, PasswordPolicyOptions, RandomValueRotatorOptions, RotationCode, RotationFunction } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { importedVpc } from '../helpers/vpc';
import { newStack } from '../nag-helpers';

/**
 * Property: rotator options that are valid by construction always synthesise a rotation function;
 * options made invalid in one known way always fail at synth with our validation error, naming
 * the construct and the prop (`code (RotationCode.<factory> <prop>)`), never another exception.
 */

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'examples', 'rotation', 'api-token-rotator.ts');

const CLASSES = {
  lowercase: { flag: 'excludeLowercase', characters: 'abcdefghijklmnopqrstuvwxyz' },
  uppercase: { flag: 'excludeUppercase', characters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  numbers: { flag: 'excludeNumbers', characters: '0123456789' },
  punctuation: { flag: 'excludePunctuation', characters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' },
} as const;
type ClassName = keyof typeof CLASSES;
const CLASS_NAMES = Object.keys(CLASSES) as ClassName[];

/** Synthesises a rotation function running `code`; returns the validation error, if any. */
function synth(code: () => RotationCode): HardenedSecretsValidationError | undefined {
  const stack = newStack();
  try {
    new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack), code: code() });
  } catch (e) {
    if (e instanceof HardenedSecretsValidationError) {
      return e;
    }
    throw e;
  }
  Template.fromStack(stack);
  return undefined;
}

/** Asserts that `code` fails, naming the construct and `prop` with the value and the allowed range. */
function failsNaming(code: () => RotationCode, prop: string): void {
  const error = synth(code);
  expect(error?.constructPath).toBe('Stack/Rotation');
  expect(error?.problems.some((p) => p.startsWith(`invalid \`${prop}\`: got `) && p.includes('; allowed: '))).toBe(true);
}

/**
 * A password policy with at least one class left: the classes to keep (at least one), the others
 * excluded or not, and excluded characters that never include the first character of the first
 * kept class.
 */
const policyWithAClass: fc.Arbitrary<PasswordPolicyOptions> = fc
  .subarray(CLASS_NAMES, { minLength: 1 })
  .chain((kept) => {
    const anchor = CLASSES[kept[0]].characters[0];
    const others = CLASS_NAMES.filter((c) => !kept.includes(c));
    const allCharacters = [...CLASS_NAMES.map((c) => CLASSES[c].characters).join('')].filter((c) => c !== anchor);
    return fc.record({
      flags: fc.tuple(...others.map(() => fc.boolean())),
      keptFlags: fc.tuple(...kept.map(() => fc.constantFrom(false, undefined))),
      excludeCharacters: fc.option(fc.subarray(allCharacters).map((cs) => cs.join('')), { nil: undefined }),
    }).map(({ flags, keptFlags, excludeCharacters }) => ({
      ...Object.fromEntries(others.map((c, i) => [CLASSES[c].flag, flags[i]])),
      ...Object.fromEntries(kept.map((c, i) => [CLASSES[c].flag, keptFlags[i]])),
      excludeCharacters,
    }));
  });

/** A valid length: at least 4 (the most classes) when one of each is required. */
const lengthAndRequirement = fc.oneof(
  fc.record({
    passwordLength: fc.option(fc.integer({ min: 4, max: 4096 }), { nil: undefined }),
    requireEachIncludedType: fc.constantFrom(true, undefined),
  }),
  fc.record({
    passwordLength: fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }),
    requireEachIncludedType: fc.constant(false),
  }),
);

const validRandomValue: fc.Arbitrary<RandomValueRotatorOptions> = fc.record({
  passwordPolicy: fc.option(
    fc.tuple(policyWithAClass, lengthAndRequirement).map(([policy, length]) => ({ ...policy, ...length })),
    { nil: undefined },
  ),
  field: fc.option(fc.string({ minLength: 1, maxLength: 30 }).filter((f) => f.trim().length > 0), { nil: undefined }),
});

/** One way to break valid options, with the prop the error must name. */
type Breakage<T> = fc.Arbitrary<{ readonly options: T; readonly prop: string }>;

const randomValueProp = (name: string) => `code (RotationCode.randomValue ${name})`;
const invalidRandomValue: Breakage<RandomValueRotatorOptions> = fc.oneof(
  // a length outside 1..4096, or not whole
  fc.tuple(validRandomValue, fc.oneof(
    fc.integer({ max: 0 }),
    fc.integer({ min: 4097 }),
    fc.double({ min: 1.01, max: 4095.99, noNaN: true }).filter((n) => !Number.isInteger(n)),
  ))
    .map(([options, passwordLength]) => ({ options: { ...options, passwordPolicy: { ...options.passwordPolicy, passwordLength } }, prop: randomValueProp('passwordPolicy.passwordLength') })),
  // fewer characters than the four classes required
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(true, undefined))
    .map(([passwordLength, requireEachIncludedType]) => ({ options: { passwordPolicy: { passwordLength, requireEachIncludedType } }, prop: randomValueProp('passwordPolicy.passwordLength') })),
  // more than 4096 excluded characters (of punctuation that is never the only one left)
  fc.array(fc.constantFrom('#', '%', '&', '*'), { minLength: 4097, maxLength: 4200 })
    .map((cs) => ({ options: { passwordPolicy: { excludeCharacters: cs.join('') } }, prop: randomValueProp('passwordPolicy.excludeCharacters') })),
  // every class excluded, by the flags or by excluding every character of the classes kept
  fc.subarray(CLASS_NAMES).chain((kept) => fc.shuffledSubarray([...kept.map((c) => CLASSES[c].characters).join('')], { minLength: kept.map((c) => CLASSES[c].characters).join('').length })
    .map((excluded) => ({
      options: { passwordPolicy: { ...Object.fromEntries(CLASS_NAMES.filter((c) => !kept.includes(c)).map((c) => [CLASSES[c].flag, true])), excludeCharacters: excluded.join('') } },
      prop: randomValueProp('passwordPolicy'),
    }))),
  // a blank field
  fc.tuple(validRandomValue, fc.constantFrom('', ' ', '\t', '  \n'))
    .map(([options, field]) => ({ options: { ...options, field }, prop: randomValueProp('field') })),
);

const validEntry = fc.record({
  entry: fc.constantFrom(FIXTURE, path.relative(process.cwd(), FIXTURE)),
  options: fc.record({
    handler: fc.option(fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,15}$/), { nil: undefined }),
    environment: fc.option(fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{1,15}$/), fc.string({ maxLength: 30 }), { maxKeys: 4 }), { nil: undefined }),
  }),
});

const entryProp = (name: string) => `code (RotationCode.fromEntry ${name})`;
const invalidEntry: Breakage<{ entry: string; options: EntryRotatorOptions }> = fc.oneof(
  // a module that does not exist
  fc.tuple(validEntry, fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.constantFrom('.ts', '.js', '.mjs', ''))
    .map(([valid, name, ext]) => ({ options: { ...valid, entry: path.join('no-such-directory', `${name}${ext}`) }, prop: entryProp('entry') })),
  // a file that is not a module
  fc.tuple(validEntry, fc.constantFrom('README.md', 'package.json', 'LICENSE'))
    .map(([valid, file]) => ({ options: { ...valid, entry: path.join(ROOT, file) }, prop: entryProp('entry') })),
  // a handler that is not an identifier
  fc.tuple(validEntry, fc.string({ maxLength: 20 }).filter((h) => !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(h)))
    .map(([valid, handler]) => ({ options: { ...valid, options: { ...valid.options, handler } }, prop: entryProp('handler') })),
  // an environment variable name Lambda refuses
  fc.tuple(validEntry, fc.string({ maxLength: 20 }).filter((n) => n !== '__proto__' && !/^[a-zA-Z][a-zA-Z0-9_]+$/.test(n)), fc.string({ maxLength: 10 }))
    .map(([valid, name, value]) => ({ options: { ...valid, options: { ...valid.options, environment: { ...valid.options.environment, [name]: value } } }, prop: entryProp('environment') })),
);

describe('RotationCode options (property)', () => {
  test('valid RotationCode.randomValue options always synthesise', () => {
    fc.assert(fc.property(validRandomValue, (options) => {
      expect(synth(() => RotationCode.randomValue(options))).toBeUndefined();
    }), { numRuns: 25 });
  });

  test('invalid RotationCode.randomValue options always fail, naming the prop', () => {
    fc.assert(fc.property(invalidRandomValue, ({ options, prop }) => {
      failsNaming(() => RotationCode.randomValue(options), prop);
    }), { numRuns: 60 });
  });

  test('valid RotationCode.fromEntry options always synthesise', () => {
    fc.assert(fc.property(validEntry, ({ entry, options }) => {
      expect(synth(() => RotationCode.fromEntry(entry, options))).toBeUndefined();
    }), { numRuns: 10 });
  });

  test('invalid RotationCode.fromEntry options always fail, naming the prop', () => {
    fc.assert(fc.property(invalidEntry, ({ options: { entry, options }, prop }) => {
      failsNaming(() => RotationCode.fromEntry(entry, options), prop);
    }), { numRuns: 60 });
  });
});
