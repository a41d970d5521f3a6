import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { GuardHookStackFilters, SecretsConfigRules, SecretsGuardHook } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../helpers/stacks';

/**
 * Properties: any alias and stack filters give either a hook whose template carries them, or one
 * HardenedSecretsValidationError naming exactly the props the oracle finds invalid; the same for
 * the Config rules' day counts. The oracles restate the documented constraints their own way.
 */

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A part of an alias: mostly 2 to 64 letters or digits, sometimes too short, too long or with other characters. */
const part = fc.oneof(
  { arbitrary: fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 2, maxLength: 64 }), weight: 6 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...ALNUM, '-', '_', ':', ' '), minLength: 0, maxLength: 70 }), weight: 1 },
  { arbitrary: fc.constantFrom('AWS', 'aws', 'Aws'), weight: 1 },
);
const alias = fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('::'));

/** The documented alias rule: three `::`-separated parts of 2 to 64 letters or digits, the first not starting with AWS. */
function aliasValid(a: string): boolean {
  const parts = a.split('::');
  return parts.length === 3
    && parts.every((p) => p.length >= 2 && p.length <= 64 && [...p].every((c) => ALNUM.includes(c)))
    && !a.toLowerCase().startsWith('aws');
}

const stackName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.tuple(fc.constantFrom(...'abcXYZ*?'), fc.string({ unit: fc.constantFrom(...'abc-XYZ019*?'), maxLength: 20 })).map(([h, t]) => h + t), weight: 6 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...'ab-_1 .'), minLength: 0, maxLength: 10 }), weight: 1 },
);
const names = fc.option(fc.array(stackName, { minLength: 0, maxLength: 55 }), { nil: undefined });

/** A stack name or pattern as the GuardHook schema has it: a letter, * or ? first, then letters, digits, -, * or ?; 128 at most. */
function nameValid(n: string): boolean {
  const first = n.charAt(0);
  const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return n.length >= 1 && n.length <= 128 && (isLetter(first) || first === '*' || first === '?')
    && [...n].every((c) => isLetter(c) || (c >= '0' && c <= '9') || c === '-' || c === '*' || c === '?');
}

function listValid(list: string[] | undefined): boolean {
  return list === undefined || (list.length >= 1 && list.length <= 50 && new Set(list).size === list.length && list.every(nameValid));
}

describe('SecretsGuardHook props (property)', () => {
  test('a hook with the given alias and filters, or one validation error naming exactly the invalid props', () => {
    fc.assert(
      fc.property(alias, names, names, (a, include, exclude) => {
        const stackFilters: GuardHookStackFilters | undefined = include === undefined && exclude === undefined
          ? undefined
          : { includeStackNames: include, excludeStackNames: exclude };
        const invalid = [
          ...(aliasValid(a) ? [] : ['alias']),
          ...(listValid(include) ? [] : ['stackFilters.includeStackNames']),
          ...(listValid(exclude) ? [] : ['stackFilters.excludeStackNames']),
        ];
        const stack = newStack();
        let error: unknown;
        try {
          new SecretsGuardHook(stack, 'Guard', { alias: a, stackFilters });
        } catch (e) {
          error = e;
        }
        if (invalid.length === 0) {
          expect(error).toBeUndefined();
          const hook = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::GuardHook'))[0].Properties;
          expect(hook.Alias).toBe(a);
          const rendered = stackFilters === undefined ? undefined : JSON.parse(JSON.stringify({ Include: include, Exclude: exclude }));
          expect(hook.StackFilters?.StackNames).toEqual(rendered);
        } else {
          expect(error).toBeInstanceOf(HardenedSecretsValidationError);
          const problems = (error as HardenedSecretsValidationError).problems;
          const named = new Set(problems.map((p) => /`([^`]+?)(\[\d+\])?`/.exec(p)![1]));
          expect([...named].sort()).toEqual(invalid.sort());
          expect(problems.every((p) => p.startsWith('invalid `') && p.includes('; allowed: '))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('SecretsConfigRules props (property)', () => {
  test('day counts from 1 to 365 give the parameters, anything else one error naming the prop', () => {
    const days = fc.option(fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double({ min: 0, max: 400, noNaN: true })), { nil: undefined });
    fc.assert(
      fc.property(days, days, (maxRotationDays, unusedForDays) => {
        const ok = (d: number | undefined) => d === undefined || (Number.isInteger(d) && d >= 1 && d <= 365);
        const invalid = [...(ok(maxRotationDays) ? [] : ['maxRotationDays']), ...(ok(unusedForDays) ? [] : ['unusedForDays'])];
        const stack = newStack();
        let error: unknown;
        try {
          new SecretsConfigRules(stack, 'ConfigRules', { maxRotationDays, unusedForDays, customPolicyRules: false });
        } catch (e) {
          error = e;
        }
        if (invalid.length === 0) {
          expect(error).toBeUndefined();
          const template = Template.fromStack(stack);
          template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maximumAllowedRotationFrequency: maxRotationDays ?? 30 } });
          template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { unusedForDays: unusedForDays ?? 90 } });
        } else {
          expect(error).toBeInstanceOf(HardenedSecretsValidationError);
          expect((error as HardenedSecretsValidationError).problems.map((p) => /`([^`]+)`/.exec(p)![1])).toEqual(invalid);
        }
      }),
      { numRuns: 100 },
    );
  });
});
