/**
 * AWS's CloudFormation linter, cfn-lint, on every template the project synthesises: the example
 * apps, the integration snapshots and the access-proof apps (templates.ts lists them). One
 * synthesis per app, one cfn-lint process for all templates.
 *
 * Zero errors; every warning and informational finding is fixed or listed, with its reason, in
 * accepted-warnings.ts, and every entry there still matches a finding.
 *
 * cfn-lint runs from the virtualenv that .ci/run creates from requirements-dev.txt (the version
 * pinned there): without it the file is skipped locally and fails under CI=true.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AcceptedWarning, ACCEPTED_WARNINGS } from './accepted-warnings';
import { APP_SOURCES, INTEG_DIR, LintedTemplate, synthesiseAll } from './templates';

const ROOT = path.join(__dirname, '..', '..');
const VENV = path.join(ROOT, '.venv');
const CFN_LINT = path.join(VENV, 'bin', 'cfn-lint');
const VENV_MISSING = `${CFN_LINT} not found: the virtualenv with cfn-lint is made by .ci/run ` +
  '(python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt).';

/** One finding of cfn-lint's JSON output (the fields this test reads). */
interface CfnLintMatch {
  readonly Filename: string;
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Location: { readonly Path?: ReadonlyArray<string | number> };
  readonly Rule: { readonly Id: string };
}

/** A finding, named the way accepted-warnings.ts matches it. */
interface Finding {
  readonly rule: string;
  /** `<source> <stack>`. */
  readonly template: string;
  /** `<type> <logical id>`, or empty for a finding on the template itself. */
  readonly resource: string;
  /** Where in the template, e.g. `Resources/X/DependsOn/1`. */
  readonly path: string;
  readonly message: string;
}

/** A finding as one line of a failure message. */
function line(f: Finding): string {
  return `${f.rule} ${f.template} ${f.resource || '(template)'} ${f.path}: ${f.message}`;
}

function accepts(entry: AcceptedWarning, f: Finding): boolean {
  return entry.rule === f.rule && entry.template.test(f.template) && entry.resource.test(f.resource) &&
    (entry.message?.test(f.message) ?? true);
}

/** The cfn-lint version requirements-dev.txt pins. */
function pinnedVersion(): string {
  const pin = /^cfn-lint==(\S+)$/m.exec(fs.readFileSync(path.join(ROOT, 'requirements-dev.txt'), 'utf8'));
  if (!pin) {
    throw new Error('requirements-dev.txt pins no cfn-lint version');
  }
  return pin[1];
}

/** The cfn-lint version installed in the virtualenv, from its package metadata. */
function installedVersion(): string | undefined {
  const lib = path.join(VENV, 'lib');
  for (const python of fs.readdirSync(lib)) {
    const packages = path.join(lib, python, 'site-packages');
    const dist = fs.existsSync(packages) ? fs.readdirSync(packages).find((d) => /^cfn_lint-.*\.dist-info$/.test(d)) : undefined;
    if (dist) {
      return /^cfn_lint-(.+)\.dist-info$/.exec(dist)![1];
    }
  }
  return undefined;
}

/** The .ts files under `dir`. */
function exampleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? exampleFiles(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** Whether a template declares resources: cfn-lint rejects one without (E1001), and the CDK CLI does not deploy it. */
function hasResources(template: LintedTemplate): boolean {
  const resources = JSON.parse(fs.readFileSync(template.file, 'utf8')).Resources;
  return resources !== undefined && Object.keys(resources).length > 0;
}

/** Runs cfn-lint once on all `templates`, in every region one of them is pinned to. */
function runCfnLint(templates: readonly LintedTemplate[]): Finding[] {
  const regions = [...new Set(templates.flatMap((t) => (t.region ? [t.region] : [])))].sort();
  const result = spawnSync(CFN_LINT, [
    '--format', 'json',
    '--include-checks', 'I',
    '--regions', ...regions,
    '--', ...templates.map((t) => t.file),
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  // Exit status: the sum of 2 (errors), 4 (warnings) and 8 (informational findings) reported; an
  // odd status (1) or none is a failure to run.
  if (result.status === null || result.status % 2 !== 0 || result.status > 14) {
    throw new Error(`cfn-lint failed (status ${result.status}, ${result.error ?? ''}): ${result.stderr}`);
  }
  const byFile = new Map(templates.map((t) => [path.resolve(t.file), t]));
  const resources = new Map<string, Record<string, { Type: string }>>();
  return (JSON.parse(result.stdout) as CfnLintMatch[]).map((m) => {
    const template = byFile.get(path.resolve(m.Filename));
    if (!template) {
      throw new Error(`cfn-lint reported on a file it was not given: ${m.Filename}`);
    }
    if (!resources.has(template.file)) {
      resources.set(template.file, JSON.parse(fs.readFileSync(template.file, 'utf8')).Resources ?? {});
    }
    const where = m.Location.Path ?? [];
    const logicalId = where[0] === 'Resources' && where.length > 1 ? String(where[1]) : undefined;
    const type = logicalId ? resources.get(template.file)![logicalId]?.Type : undefined;
    return {
      rule: m.Rule.Id,
      template: template.name,
      resource: logicalId ? `${type ?? '?'} ${logicalId}` : '',
      path: where.join('/'),
      message: m.Message,
    };
  });
}

const ci = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
const installed = fs.existsSync(CFN_LINT);

if (!installed && ci) {
  describe('cfn-lint', () => {
    test('the virtualenv with cfn-lint exists (required under CI)', () => {
      throw new Error(VENV_MISSING);
    });
  });
} else if (!installed) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping cfn-lint: ${VENV_MISSING}`);
  describe.skip('cfn-lint (no virtualenv)', () => {
    test('skipped', () => undefined);
  });
} else {
  describe('cfn-lint on every template of the examples, the integ snapshots and the access proofs', () => {
    let dir: string;
    let templates: LintedTemplate[];
    let linted: LintedTemplate[];
    let findings: Finding[];

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
      templates = synthesiseAll(dir);
      linted = templates.filter(hasResources);
      findings = runCfnLint(linted);
    }, 300_000);

    afterAll(() => {
      if (dir) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the virtualenv has the cfn-lint version requirements-dev.txt pins', () => {
      expect(installedVersion()).toBe(pinnedVersion());
    });

    test('every template is linted but the integ tests\' empty assertion stacks', () => {
      // integ-tests-alpha's DeployAssert stack of each integ app has no resources: cfn-lint rejects a
      // template without Resources (E1001), and `cdk deploy` skips such a stack.
      const skipped = templates.filter((t) => !linted.includes(t)).map((t) => t.name);
      const integApps = new Set(templates.filter((t) => t.name.startsWith('integ/')).map((t) => t.name.split(' ')[0]));
      expect(skipped).toHaveLength(integApps.size);
      for (const name of skipped) {
        expect(name).toMatch(/^integ\/integ\.[\w-]+\.ts \w+DeployAssert[0-9A-F]{8}$/);
      }
    });

    test('every example app, access scenario and integ app contributes templates', () => {
      const sources = new Set(linted.map((t) => t.name.replace(/ [^ ]+$/, '')));
      const integApps = fs.readdirSync(INTEG_DIR).filter((f) => /^integ\..+\.ts$/.test(f)).map((f) => `integ/${f}`);
      expect([...APP_SOURCES, ...integApps].filter((s) => !sources.has(s))).toEqual([]);
    });

    test('every app of examples/ is among them', () => {
      // examples/compliance-report.ts registers validation plugins on examples/app.ts: the same templates.
      const SAME_TEMPLATES = new Set(['examples/compliance-report.ts']);
      const builders = exampleFiles(path.join(ROOT, 'examples'))
        .filter((file) => /^export function build\w*App\(/m.test(fs.readFileSync(file, 'utf8')))
        .map((file) => path.relative(ROOT, file).split(path.sep).join('/'));
      expect(builders.length).toBeGreaterThan(10);
      expect(builders.filter((file) => !APP_SOURCES.includes(file) && !SAME_TEMPLATES.has(file))).toEqual([]);
    });

    test('no errors', () => {
      expect(findings.filter((f) => f.rule.startsWith('E')).map(line)).toEqual([]);
    });

    test('every warning and informational finding is accepted in accepted-warnings.ts', () => {
      const open = findings.filter((f) => !f.rule.startsWith('E') && !ACCEPTED_WARNINGS.some((e) => accepts(e, f)));
      expect(open.map(line)).toEqual([]);
    });

    test('every accepted warning is still reported', () => {
      const stale = ACCEPTED_WARNINGS.filter((e) => !findings.some((f) => accepts(e, f)));
      expect(stale.map((e) => `${e.rule} ${e.template} ${e.resource} ${e.message ?? ''}`)).toEqual([]);
    });

    test('accepted entries are warnings or informational findings, each with a reason', () => {
      for (const entry of ACCEPTED_WARNINGS) {
        expect({ rule: entry.rule, ok: /^[WI]\d{4}$/.test(entry.rule) && entry.reason.length >= 40 }).toEqual({ rule: entry.rule, ok: true });
      }
    });
  });
}
