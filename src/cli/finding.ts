import type { SourceLocation } from './load';
import type { FindingSuppression } from './suppressions';

/** One finding of any pack, where it is and what it says. */
export interface AuditFinding {
  readonly pack: string;
  /** Rule id without the `[...]` suffix. */
  readonly rule: string;
  /** Rule id as reported, with its suffix. */
  readonly ruleId: string;
  readonly level: 'error' | 'warning';
  readonly message: string;
  readonly constructPath: string;
  readonly location?: SourceLocation;
  /** The suppression the template writes for this finding, honoured or not. */
  readonly suppression?: FindingSuppression;
}

/** Whether a finding is suppressed: left out of the exit code, still reported. */
export function isSuppressed(f: AuditFinding): boolean {
  return f.suppression?.honoured === true;
}
