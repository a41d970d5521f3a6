import { IMPORT_SCENARIOS } from './matrices/imported-secret';
import { mismatches } from './matrix';

describe('imported secrets: every promised decision, evaluated by the IAM engine', () => {
  test.each(IMPORT_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    // GIVEN the scenario's app, WHEN each request of its matrix is evaluated
    const result = await mismatches(scenario);
    // THEN every decision is the one the matrix (and the README) states
    expect(result.mismatches).toEqual([]);
    expect(result.evaluated).toBe(scenario.rows.length);
  });
});
