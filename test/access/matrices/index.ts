import { Scenario } from '../matrix';
import { HARDENED_SECRET_SCENARIOS } from './hardened-secret';
import { IMPORT_SCENARIOS } from './imported-secret';
import { REPLICA_SCENARIOS } from './replicas';
import { RESTRICTIVE_SCENARIOS } from './restrictive';
import { MONITOR_SCENARIOS } from './secret-access-monitor';
import { GUARDRAIL_SCENARIOS } from './secret-guardrails';
import { ENDPOINT_SCENARIOS } from './secrets-manager-endpoint';

/** Every access matrix of the library: the README's claims are rendered from these rows. */
export const ALL_SCENARIOS: Scenario[] = [
  ...HARDENED_SECRET_SCENARIOS,
  ...REPLICA_SCENARIOS,
  ...IMPORT_SCENARIOS,
  ...RESTRICTIVE_SCENARIOS,
  ...ENDPOINT_SCENARIOS,
  ...GUARDRAIL_SCENARIOS,
  ...MONITOR_SCENARIOS,
];
