/**
 * Renders the audit profiles' rule table of docs/audit-command.md from the profile data
 * (`src/cli/profiles.ts`), between the `profiles-table` markers, so the page says exactly what
 * `--profile` does. `test/cli/profiles.test.ts` fails when the table differs;
 * `ts-node --project tsconfig.dev.json build-tools/profiles-table.ts --write` rewrites it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { catalogueLevel, PROFILE_NAMES, profileLevel, RULE_PROFILES, securitySeverity } from '../src/cli/profiles';
import { PACK_NAME } from '../src/nag/rule';
import { RULES } from '../src/nag/rules';

export const AUDIT_COMMAND_MD = path.join(__dirname, '..', 'docs', 'audit-command.md');
const START = '<!-- profiles-table:start (build-tools/profiles-table.ts --write) -->';
const END = '<!-- profiles-table:end -->';

/** The table: one row per rule, in catalogue order. */
export function profilesTable(): string {
  const header = `| rule | catalogue | ${PROFILE_NAMES.map(p => `\`${p}\``).join(' | ')} | security-severity | why |`;
  const rows = RULES.map(r => {
    const level = catalogueLevel(r);
    const severity = securitySeverity(`${PACK_NAME}-${r.name}`, level);
    return `| \`${r.name}\` | ${level} | ${PROFILE_NAMES.map(p => profileLevel(p, r)).join(' | ')} | ${severity} | ${RULE_PROFILES[r.name]?.reason ?? '(not placed yet)'} |`;
  });
  return [header, `|---|---|${PROFILE_NAMES.map(() => '---').join('|')}|---:|---|`, ...rows].join('\n');
}

/** The page with the text between the markers replaced by {@link profilesTable}. */
export function pageWithTable(page: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`docs/audit-command.md has no ${START} ... ${END} markers`);
  }
  return `${page.slice(0, start + START.length)}\n${profilesTable()}\n${page.slice(end)}`;
}

if (require.main === module && process.argv.includes('--write')) {
  fs.writeFileSync(AUDIT_COMMAND_MD, pageWithTable(fs.readFileSync(AUDIT_COMMAND_MD, 'utf8')));
}
