import * as fs from 'fs';
import * as path from 'path';
import { ALL_SCENARIOS } from './matrices';
import { CLAIMS } from './matrices/claims';
import { accessTable } from '../../build-tools/access-table';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const ROWS = ALL_SCENARIOS.flatMap((s) => s.rows);

describe('README "What each default protects against"', () => {
  test('is the table rendered from the access matrices', () => {
    // Regenerate with: ts-node --project tsconfig.dev.json build-tools/access-table.ts --write
    expect(README).toContain(accessTable());
  });

  test.each(Object.entries(CLAIMS))('claim %s is proven by at least one evaluated request', (_key, claim) => {
    expect(ROWS.filter((r) => r.claim === claim).length).toBeGreaterThan(0);
  });

  test('every row proves a claim of the README', () => {
    const claims: string[] = Object.values(CLAIMS);
    expect(ROWS.filter((r) => !claims.includes(r.claim))).toEqual([]);
  });

  test('the matrices hold at least 200 requests', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(200);
  });
});
