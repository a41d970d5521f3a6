import { HardenedSecretsValidationError } from '../../src/private/validation';

/**
 * Runs `build` and expects it to throw one `HardenedSecretsValidationError`, for the construct at
 * `constructPath`, every problem of which names `prop` (as `` `prop` ``: an invalid value of it, or
 * a conflict that includes it). For a property test that pushes exactly one prop out of range:
 * a problem about another prop means that prop was refused too.
 *
 * @returns the error, for further checks
 */
export function expectRefused(build: () => unknown, constructPath: string, prop: string): HardenedSecretsValidationError {
  let error: unknown;
  try {
    build();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(HardenedSecretsValidationError);
  const refused = error as HardenedSecretsValidationError;
  expect(refused.constructPath).toBe(constructPath);
  expect(refused.problems.length).toBeGreaterThan(0);
  expect(refused.problems.filter((p) => !p.includes(`\`${prop}\``))).toEqual([]);
  return refused;
}
