import { NagMessageLevel } from 'cdk-nag';
import { SecretsRule } from './rule';
import { RULES } from './rules';

/** The options of `SecretsManagerChecks` that choose which rules run, and at which level. */
export interface RuleSelection {
  /** The warning rules to run, by name (error rules lowered with `errorsAsWarnings` included); all when undefined. */
  readonly warnings?: string[];
  /** Error rules whose findings are reported as warnings, by name. */
  readonly errorsAsWarnings?: string[];
}

/**
 * The rules a pack with `selection` runs, in catalogue order, each with the level its findings
 * are reported at. One function for the pack and the compliance report, so the report's
 * controls are evaluated on exactly the rules that ran.
 */
export function selectRules(selection: RuleSelection): SecretsRule[] {
  const lowered = new Set(selection.errorsAsWarnings ?? []);
  const enabled = selection.warnings === undefined ? undefined : new Set(selection.warnings);
  return RULES
    .map(r => (r.level === NagMessageLevel.ERROR && lowered.has(r.name) ? { ...r, level: NagMessageLevel.WARN } : r))
    .filter(r => r.level !== NagMessageLevel.WARN || enabled === undefined || enabled.has(r.name));
}
