/**
 * Renders README "What each default protects against" from the access matrices in
 * `test/access/matrices`: each claim with the requests the IAM engine evaluated for it, so that
 * the README claims nothing that no evaluated request proves. `test/access/readme-claims.test.ts`
 * fails when the README table differs; `ts-node --project tsconfig.dev.json
 * build-tools/access-table.ts --write` rewrites it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { replaceTable } from './markdown-table';
import { ALL_SCENARIOS } from '../test/access/matrices';
import { CLAIMS } from '../test/access/matrices/claims';
import { AccessRow } from '../test/access/matrix';

const README = path.join(__dirname, '..', 'README.md');
const HEADER = '| claim | evaluated requests | allowed | denied |\n|---|---|---|---|\n';

/** Who a row's principal is, in the words of the table. */
const WHO: Record<string, string> = {
  admin: 'administrator',
  root: 'account root',
  deployment: 'deployment role',
  stranger: 'ungranted role',
  breakGlass: 'break glass',
  reader: 'reader',
  readerCurrent: "reader (['AWSCURRENT'])",
  writer: 'writer',
  rotation: 'rotation role',
  partner: 'granted role of another account',
  partnerWithoutPolicy: 'the same without its own IAM policy',
  partnerColleague: 'ungranted role of that account',
  keyAdmin: 'named key admin',
  config: 'AWS Config',
  legacyReader: 'reader named by an existing policy',
  lateReader: 'reader granted later',
  publisher: 'publisher allowed by IAM',
  generator: 'organisation role (GetRandomPassword)',
  cloudwatch: 'CloudWatch',
  cloudtrail: 'CloudTrail',
  events: 'EventBridge',
  s3Logging: 'S3 server access logging',
};

function principals(rows: AccessRow[], allowed: boolean): string {
  const names = [...new Set(rows.filter((r) => (r.expect === 'Allowed') === allowed).map((r) => WHO[r.who] ?? r.who))];
  return names.length > 0 ? names.join(', ') : '—';
}

/** The table: one row per claim, in the order of `CLAIMS`. */
export function accessTable(): string {
  const rows = ALL_SCENARIOS.flatMap((s) => s.rows);
  const lines = Object.values(CLAIMS).map((claim) => {
    const proving = rows.filter((r) => r.claim === claim);
    return `| ${claim} | ${proving.length} | ${principals(proving, true)} | ${principals(proving, false)} |`;
  });
  return HEADER + lines.join('\n') + '\n';
}

/** The README with its access table replaced by {@link accessTable}. */
export function readmeWithAccessTable(readme: string): string {
  return replaceTable(readme, HEADER, accessTable(), 'access table');
}

if (require.main === module && process.argv.includes('--write')) {
  fs.writeFileSync(README, readmeWithAccessTable(fs.readFileSync(README, 'utf8')));
}
