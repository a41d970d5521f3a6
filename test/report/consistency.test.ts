import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { loadTemplates } from '../../src/cli/load';
import { profileChecks, ProfileName } from '../../src/cli/profiles';
import { selectRules } from '../../src/nag/rule-selection';
import { RULES } from '../../src/nag/rules';
import { buildReport } from '../../src/report/build';
import { CONTROLS } from '../../src/report/controls';
import { ComplianceReport } from '../../src/report/model';

const TEMPLATES = path.join(__dirname, '..', 'fixtures', 'templates');
const labels: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(TEMPLATES, 'labels.json'), 'utf8'));
const templates = Object.keys(labels).sort();
const ENV = { account: '111111111111', region: 'eu-west-1' };

/**
 * Every control result is traceable to the report's findings: each check is a rule that ran,
 * and its status and count are those of that rule's open findings (fail: an open error; warn:
 * open warnings only; pass: none).
 */
function untraceable(report: ComplianceReport, ran: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const control of report.controls) {
    for (const check of control.checks) {
      const where = `${control.framework} ${control.control} ${check.check}`;
      const own = report.findings.filter(f => f.ruleName === check.check);
      const open = own.filter(f => !f.acknowledged);
      const expected = open.some(f => f.level === 'error') ? 'fail' : open.length > 0 ? 'warn' : 'pass';
      if (check.source !== 'pack' || !ran.has(check.check)) {
        problems.push(`${where}: not a rule that ran`);
      }
      if (check.status !== expected || check.findings !== open.length || check.acknowledged !== own.length - open.length) {
        problems.push(`${where}: ${check.status} with ${check.findings} finding(s), but the report has ${open.length} open (${expected})`);
      }
    }
    const statuses = control.checks.map(c => c.status);
    const worst = statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
    if (control.status !== worst) {
      problems.push(`${control.framework} ${control.control}: ${control.status}, its checks say ${worst}`);
    }
  }
  return problems;
}

describe('every control result of a corpus run is traceable to the findings', () => {
  test.each(['strict', 'baseline'] as ProfileName[])('profile %s', (profile) => {
    const ran = new Set(selectRules(profileChecks(profile)).map(r => r.name));
    const problems: string[] = [];
    let failing = 0;
    for (const template of templates) {
      const loaded = loadTemplates(path.join(TEMPLATES, template));
      const { report } = buildReport({ root: loaded.app, templateFiles: loaded.templateFiles, checks: profileChecks(profile) });
      problems.push(...untraceable(report, ran).map(p => `${template}: ${p}`));
      failing += report.controls.filter(c => c.status === 'fail').length;
    }
    expect(problems).toEqual([]);
    // The corpus is misconfigured enough for the check to mean something.
    expect(failing).toBeGreaterThan(templates.length);
  }, 300_000);
});

describe('SecretPolicyRequiresTls is a rule: a missing TLS deny is a finding the controls cite', () => {
  test('a secret without a resource policy: a finding on the secret, CC6.6 and 164.312(e)(1) warn with it', () => {
    const app = new App();
    const stack = new Stack(app, 'Plain', { env: ENV });
    new secretsmanager.Secret(stack, 'Db');
    app.synth();
    const { report } = buildReport({ root: app });
    const tls = report.findings.filter(f => f.ruleName === 'SecretPolicyRequiresTls');
    expect(tls.map(f => [f.resource, f.level])).toEqual([[expect.stringMatching(/^Plain\/Db/), 'warning']]);
    for (const control of ['CC6.6', '164.312(e)(1)']) {
      const check = report.controls.find(c => c.control === control)!.checks.find(k => k.check === 'SecretPolicyRequiresTls')!;
      expect(check).toEqual({ check: 'SecretPolicyRequiresTls', source: 'pack', status: 'warn', findings: 1, acknowledged: 0 });
    }
    expect(report.secrets[0].resourcePolicy.tlsRequired).toBe(false);
  });

  test('a resource policy that denies secretsmanager:* without TLS: no finding, the inventory says tlsRequired', () => {
    const app = new App();
    const stack = new Stack(app, 'Tls', { env: ENV });
    const secret = new secretsmanager.Secret(stack, 'Db');
    secret.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:*'],
      resources: ['*'],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    app.synth();
    const { report } = buildReport({ root: app });
    expect(report.findings.filter(f => f.ruleName === 'SecretPolicyRequiresTls')).toEqual([]);
    expect(report.secrets[0].resourcePolicy.tlsRequired).toBe(true);
    const check = report.controls.find(c => c.control === 'CC6.6')!.checks.find(k => k.check === 'SecretPolicyRequiresTls')!;
    expect(check.status).toBe('pass');
  });
});

describe('one PCI DSS version in the rules and in the report', () => {
  const pciOf = (controls: string) => /PCI DSS (\S+) ([^;]+)/.exec(controls);

  test('every rule that cites PCI DSS cites version 4.0, as the report\'s controls do', () => {
    const versions = new Set(RULES.map(r => pciOf(r.controls)?.[1]).filter(v => v !== undefined));
    const reportVersions = new Set(CONTROLS.filter(c => c.framework.startsWith('PCI DSS')).map(c => c.framework.replace('PCI DSS ', '')));
    expect([...versions]).toEqual(['4.0']);
    expect([...reportVersions]).toEqual(['4.0']);
    expect(RULES.filter(r => /PCI DSS 3\.2\.1/.test(r.controls)).map(r => r.name)).toEqual([]);
  });

  test('a rule listed under a PCI DSS requirement of the report cites a sub-requirement of it', () => {
    const mismatches: string[] = [];
    for (const control of CONTROLS.filter(c => c.framework === 'PCI DSS 4.0')) {
      for (const check of control.checks) {
        const rule = RULES.find(r => r.name === check);
        const cited = (pciOf(rule?.controls ?? '')?.[2] ?? '').split(',').map(s => s.trim());
        if (!cited.some(c => c === control.control || c.startsWith(`${control.control}.`))) {
          mismatches.push(`${check} under PCI DSS 4.0 ${control.control} cites ${cited.join(', ') || 'nothing'}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('every check of the mapping is a rule of the catalogue', () => {
    const names = new Set(RULES.map(r => r.name));
    expect(CONTROLS.flatMap(c => c.checks).filter(c => !names.has(c))).toEqual([]);
  });
});
