import { GuardRuleSource } from '../definition';

/** Every catalogue rule written as Guard rules, in catalogue order where it matters (the export sorts). */
export const GUARD_RULES: readonly GuardRuleSource[] = [
];
