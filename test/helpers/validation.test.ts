import { expectRefused } from './validation';
import { HardenedSecretsValidationError } from '../../src/private/validation';

const refuse = (...problems: string[]) => () => {
  throw new HardenedSecretsValidationError('Stack/Thing', problems);
};

describe('expectRefused', () => {
  test('passes when every problem names the prop, as an invalid value or in a conflict', () => {
    const error = expectRefused(refuse('invalid `a.b`: got 1; allowed: 2', 'conflicting props `a.b` and `c`: give one'), 'Stack/Thing', 'a.b');
    expect(error.problems).toHaveLength(2);
  });

  test.each<[string, () => unknown, string, string]>([
    ['nothing is thrown', () => undefined, 'Stack/Thing', 'a'],
    ['another error is thrown', () => { throw new Error('invalid `a`'); }, 'Stack/Thing', 'a'],
    ['the error is for another construct', refuse('invalid `a`: got 1'), 'Stack/Other', 'a'],
    ['another prop is refused too', refuse('invalid `a`: got 1', 'invalid `b`: got 2'), 'Stack/Thing', 'a'],
    ['only a prop that starts like it is refused', refuse('invalid `a.b`: got 1'), 'Stack/Thing', 'a'],
  ])('fails when %s', (_label, build, path, prop) => {
    // (the failure of one of expectRefused's own expectations)
    expect(() => expectRefused(build, path, prop)).toThrow(/expect\(/);
  });
});
