/**
 * Renders the rule table of RULES.md from the rule catalogue, so that RULES.md says exactly what
 * the rules say. `test/nag/secrets-manager-checks.test.ts` fails when the table differs;
 * `ts-node --project tsconfig.dev.json build-tools/rules-table.ts --write`
 * rewrites it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NagMessageLevel } from 'cdk-nag';
import { gapAnchor } from './guard-rules';
import { replaceTable } from './markdown-table';
import { ruleAnchor } from '../src/cli/sarif';
import { GUARD_TARGETS } from '../src/guard/definition';
import { SecretsGuardRules } from '../src/guard/export';
import { GUARD_RULES } from '../src/guard/rules';
import { RULES } from '../src/nag/rules';

const RULES_MD = path.join(__dirname, '..', 'RULES.md');
const HEADER = '| rule id | level | looks at | requirement | controls | fix | Guard |\n|---|---|---|---|---|---|---|\n';
/** The header before the Guard column: a RULES.md that still has it is rewritten all the same. */
const PREVIOUS_HEADER = '| rule id | level | looks at | requirement | controls | fix |\n|---|---|---|---|---|---|\n';

/**
 * The Guard targets a rule is exported to (`cdk-hardened-secrets export-guard-rules`), and a link
 * to what guard-rules/GAPS.md says when the export leaves part of it out; `—` when it is not
 * exported at all.
 */
function guardColumn(ruleName: string): string {
  const exported = GUARD_TARGETS.filter(t => GUARD_RULES.some(s => s.rule === ruleName && s.targets.includes(t)));
  const gapped = SecretsGuardRules.gaps().some(g => g.ruleId === `HardenedSecrets-${ruleName}`);
  const link = `[gaps](guard-rules/GAPS.md#${gapAnchor(ruleName)})`;
  if (exported.length === 0) {
    return `— (${link})`;
  }
  return gapped ? `${exported.join(', ')} (${link})` : exported.join(', ');
}

/** The table: header and one row per rule, in catalogue order. */
export function rulesTable(): string {
  const rows = RULES.map(r => {
    const resources = r.resourceTypes === '*' ? ['every resource'] : r.resourceTypes.map(t => t.replace('AWS::', ''));
    // Rules that also read outputs, parameters, mappings, conditions or rules name those sections.
    const types = [...resources, ...(r.sections ?? []).map(s => s.toLowerCase())].join(', ');
    const level = r.level === NagMessageLevel.ERROR ? 'error' : 'warning';
    // The anchor is what the audit's SARIF links each rule to (helpUri).
    return `| <a id="${ruleAnchor(r.name)}"></a>\`HardenedSecrets-${r.name}\` | ${level} | ${types} | ${r.requirement} | ${r.controls} | ${r.fix} | ${guardColumn(r.name)} |`;
  });
  return HEADER + rows.join('\n') + '\n';
}

/** RULES.md with its rule table replaced by {@link rulesTable}. */
export function readmeWithTable(readme: string): string {
  const current = readme.includes(HEADER) ? readme : readme.replace(PREVIOUS_HEADER, HEADER);
  return replaceTable(current, HEADER, rulesTable(), 'rule table');
}

if (require.main === module && process.argv.includes('--write')) {
  fs.writeFileSync(RULES_MD, readmeWithTable(fs.readFileSync(RULES_MD, 'utf8')));
}
