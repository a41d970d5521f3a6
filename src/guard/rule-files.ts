/**
 * The exported rule files the hook and the Config rules deploy: one export per target, computed
 * once per process (the export is a pure function of the catalogue).
 */
import { SecretsGuardRules } from './export';
import { GuardRuleFile, GuardTarget } from './shape';

let hook: GuardRuleFile | undefined;
let config: GuardRuleFile[] | undefined;
let everyType: boolean | undefined;

/** The one Guard Hook rule file (`hardened-secrets.guard`). */
export function hookRuleFile(): GuardRuleFile {
  if (hook === undefined) {
    const files = SecretsGuardRules.export(GuardTarget.HOOK);
    if (files.length !== 1) {
      throw new Error(`The Guard Hook export gave ${files.length} files; a Guard Hook reads exactly one`);
    }
    hook = files[0];
  }
  return hook;
}

/** The AWS Config rule files, one per catalogue rule. */
export function configRuleFiles(): GuardRuleFile[] {
  config ??= SecretsGuardRules.export(GuardTarget.CONFIG);
  return config;
}

/**
 * Whether a rule of the hook file looks at resources of every type (e.g. an AWS access key in any
 * property): the hook file's `resourceTypes` lists the types of the rules that name theirs, and the
 * template export, one file per rule, says which rules name none.
 */
export function hookRulesCoverEveryType(): boolean {
  if (everyType === undefined) {
    const ids = new Set(hookRuleFile().ruleIds);
    everyType = SecretsGuardRules.export(GuardTarget.TEMPLATE)
      .some((f) => f.resourceTypes.length === 0 && f.ruleIds.some((id) => ids.has(id)));
  }
  return everyType;
}
