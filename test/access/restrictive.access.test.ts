import { RESTRICTIVE_SCENARIOS } from './matrices/restrictive';
import { mismatches } from './matrix';

describe('the restrictive access mode: every promised decision, evaluated by the IAM engine', () => {
  test.each(RESTRICTIVE_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    // GIVEN the scenario's app, WHEN each request of its matrix is evaluated
    const result = await mismatches(scenario);
    // THEN every decision is the one the matrix (and the README) states
    expect(result.mismatches).toEqual([]);
    expect(result.evaluated).toBe(scenario.rows.length);
  });
});
