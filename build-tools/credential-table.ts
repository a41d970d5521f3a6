/**
 * Renders the credential catalogue (`src/analysis/credential-properties.ts`) as the table of
 * docs/credentials.md, between its markers, so that the page lists exactly the properties
 * `NoCredentialInResourceProperty` checks. `test/nag/rules/no-credential-in-resource-property.test.ts`
 * fails when the page differs; `ts-node --project tsconfig.dev.json build-tools/credential-table.ts --write`
 * rewrites it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ANY_RESOURCE, CREDENTIAL_PROPERTIES, CredentialProperty, alternativesOf } from '../src/analysis/credential-properties';

const CREDENTIALS_MD = path.join(__dirname, '..', 'docs', 'credentials.md');
export const START = '<!-- credential-table:start -->';
export const END = '<!-- credential-table:end -->';

const HEADER = '| resource type | property | holds | instead of a literal | note |\n|---|---|---|---|---|\n';

/** What CloudFormation accepts in the property's place, in the order the rule's findings give them. */
function alternatives(row: CredentialProperty): string {
  const out = alternativesOf(row).map(a => (a.startsWith('a secret in ') ? `secret ARN: \`${a.slice('a secret in '.length)}\`` : a.startsWith('a NoEcho') ? a.slice(2) : `\`${a}\``));
  if (row.managed) {
    out[0] = `managed: ${out[0]}`;
  }
  return out.length > 0 ? out.join('; ') : 'none: fetch the value at boot with the instance role';
}

/** Table cells must not break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The table: header and one row per catalogue row, in catalogue order. */
export function credentialTable(): string {
  const rows = CREDENTIAL_PROPERTIES.map(row => {
    const types = row.resourceTypes.map(t => (t === ANY_RESOURCE ? `[any resource cfn-init reads](${row.source})` : `[${t}](${row.source})`)).join('<br>');
    const only = row.credentialNamedKeysOnly ? ' (keys named like a credential)' : '';
    return `| ${types} | \`${cell(row.path)}\`${only} | ${row.kind} | ${cell(alternatives(row))} | ${cell(row.comment ?? '')} |`;
  });
  return HEADER + rows.join('\n') + '\n';
}

/** `markdown` with the text between the markers replaced by {@link credentialTable}. */
export function withCredentialTable(markdown: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`docs/credentials.md has no ${START} ... ${END} markers`);
  }
  return `${markdown.slice(0, start + START.length)}\n\n${credentialTable()}\n${markdown.slice(end)}`;
}

if (require.main === module && process.argv.includes('--write')) {
  fs.writeFileSync(CREDENTIALS_MD, withCredentialTable(fs.readFileSync(CREDENTIALS_MD, 'utf8')));
}
