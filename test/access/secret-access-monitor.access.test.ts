import { MONITOR_SCENARIOS } from './matrices/secret-access-monitor';
import { mismatches } from './matrix';

describe('SecretAccessMonitor: every promised decision, evaluated by the IAM engine', () => {
  test.each(MONITOR_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    // GIVEN the scenario's app, WHEN each request of its matrix is evaluated
    const result = await mismatches(scenario);
    // THEN every decision is the one the matrix (and the README) states
    expect(result.mismatches).toEqual([]);
    expect(result.evaluated).toBe(scenario.rows.length);
  });

});
