import { ENDPOINT_SCENARIOS } from './matrices/secrets-manager-endpoint';
import { mismatches } from './matrix';

describe('SecretsManagerEndpoint and requireVpcEndpoint: every promised decision, evaluated by the IAM engine', () => {
  test.each(ENDPOINT_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    // GIVEN the scenario's app, WHEN each request of its matrix is evaluated
    const result = await mismatches(scenario);
    // THEN every decision is the one the matrix (and the README) states
    expect(result.mismatches).toEqual([]);
    expect(result.evaluated).toBe(scenario.rows.length);
  });
});
