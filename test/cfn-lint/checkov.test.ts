/**
 * Checkov, a peer scanner, on every template the project synthesises (templates.ts lists them: the
 * example apps, the integration snapshots and the access-proof apps), with its CloudFormation and
 * secrets frameworks: every failed check is fixed or listed, with its reason, in
 * checkov-accepted.ts, and every entry there still matches a failure.
 *
 * Checkov runs from the virtualenv that .ci/run creates from requirements-checkov.txt: without it
 * the file is skipped locally and fails under CI=true.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AcceptedCheckovFailure, ACCEPTED_CHECKOV_FAILURES } from './checkov-accepted';
import { LintedTemplate, synthesiseAll } from './templates';
import { CHECKOV_BINARY, pinnedCheckovVersion, runCheckov } from '../helpers/checkov';

/** A failed check, named the way checkov-accepted.ts matches it. */
interface Failure {
  readonly check: string;
  /** `<source> <stack>`. */
  readonly template: string;
  /** `<type> <logical id>`, or empty when Checkov names no resource. */
  readonly resource: string;
}

function line(f: Failure): string {
  return `${f.check} ${f.template} ${f.resource || '(template)'}`;
}

function accepts(entry: AcceptedCheckovFailure, f: Failure): boolean {
  return entry.check === f.check && entry.template.test(f.template) && entry.resource.test(f.resource);
}

/** The checks concerning what the library generates: secrets, KMS, IAM, Lambda and logging. */
const CONCERNED = /^CKV_(SECRET_\d+|AWS_(7|33|40|61|62|63|64|107|108|109|110|111|115|116|117|149|173|18|35|45|66|67|86|158))$/;

const ci = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
const installed = fs.existsSync(CHECKOV_BINARY);
const MISSING = `${CHECKOV_BINARY} not found: .ci/run makes it ` +
  '(python3 -m venv .venv-checkov && .venv-checkov/bin/pip install -r requirements-checkov.txt).';

if (!installed && ci) {
  describe('Checkov', () => {
    test('the virtualenv with Checkov exists (required under CI)', () => {
      throw new Error(MISSING);
    });
  });
} else if (!installed) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping Checkov: ${MISSING}`);
  describe.skip('Checkov (no virtualenv)', () => {
    test('skipped', () => undefined);
  });
} else {
  describe('Checkov on every template of the examples, the integ snapshots and the access proofs', () => {
    let dir: string;
    let templates: LintedTemplate[];
    let version: string;
    let failures: Failure[];
    let unparsed: string[];

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkov-'));
      // Checkov's report tells files apart by base name: each gets a unique one.
      fs.mkdirSync(path.join(dir, 'scan'));
      templates = synthesiseAll(path.join(dir, 'apps')).map((t, index) => {
        const file = path.join(dir, 'scan', `${String(index).padStart(3, '0')}-${path.basename(t.file)}`);
        fs.copyFileSync(t.file, file);
        return { ...t, file };
      });
      const byFile = new Map(templates.map((t) => [t.file, t]));
      const run = runCheckov(templates.map((t) => t.file), { install: false });
      version = run.version;
      unparsed = run.unparsed;
      failures = run.failures.map((f) => {
        const template = byFile.get(f.file)!;
        const resources = JSON.parse(fs.readFileSync(template.file, 'utf8')).Resources ?? {};
        const type = f.logicalId ? resources[f.logicalId]?.Type : undefined;
        return { check: f.checkId, template: template.name, resource: f.logicalId ? `${type ?? '?'} ${f.logicalId}` : '' };
      });
    }, 300_000);

    afterAll(() => {
      if (dir) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the virtualenv has the Checkov version requirements-checkov.txt pins', () => {
      expect(version).toBe(pinnedCheckovVersion());
    });

    test('Checkov reads every template', () => {
      expect(templates.length).toBeGreaterThan(40);
      expect(unparsed).toEqual([]);
    });

    test('every failed check is fixed or accepted in checkov-accepted.ts', () => {
      const open = failures.filter((f) => !ACCEPTED_CHECKOV_FAILURES.some((e) => accepts(e, f)));
      expect(open.map(line)).toEqual([]);
    });

    test('every accepted failure still occurs', () => {
      const stale = ACCEPTED_CHECKOV_FAILURES.filter((e) => !failures.some((f) => accepts(e, f)));
      expect(stale.map((e) => `${e.check} ${e.template} ${e.resource}`)).toEqual([]);
    });

    test('a failure of a check on secrets, KMS, IAM, Lambda or logging is accepted only with a reason, and a credential finding on one named template only', () => {
      for (const entry of ACCEPTED_CHECKOV_FAILURES) {
        expect(entry.check).toMatch(CONCERNED);
        expect(entry.reason.length).toBeGreaterThan(80);
      }
      // A credential-scanner finding (CKV_SECRET_*) is accepted on one named template, never a family.
      for (const entry of ACCEPTED_CHECKOV_FAILURES.filter((e) => e.check.startsWith('CKV_SECRET_'))) {
        expect(entry.template.source).toMatch(/^\^.*\$$/);
      }
    });
  });
}
