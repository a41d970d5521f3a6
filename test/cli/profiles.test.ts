import * as fs from 'fs';
import * as path from 'path';
import { NagMessageLevel } from 'cdk-nag';
import { runCli } from './cli-helpers';
import { AUDIT_COMMAND_MD, pageWithTable } from '../../build-tools/profiles-table';
import { auditLoaded } from '../../src/cli/audit';
import { AuditFinding } from '../../src/cli/finding';
import { loadTemplates } from '../../src/cli/load';
import { catalogueLevel, DEFAULT_PROFILE, profileChecks, profileLevel, RULE_PROFILES, securitySeverity } from '../../src/cli/profiles';
import { UNSUPPRESSIBLE_RULES } from '../../src/cli/suppressions';
import { selectRules } from '../../src/nag/rule-selection';
import { RULES } from '../../src/nag/rules';
import { SecretsManagerChecks } from '../../src/nag/secrets-manager-checks';

const TEMPLATES = path.join(__dirname, '..', 'fixtures', 'templates');
const labels: Record<string, { kind: string }> = JSON.parse(fs.readFileSync(path.join(TEMPLATES, 'labels.json'), 'utf8'));
const templates = Object.keys(labels).sort();
const ORGANISATIONAL = ['SecretTags', 'SecretNameConvention', 'SecretCustomerManagedKey', 'ReplicaCustomerManagedKey', 'SecretBlockPublicPolicy',
  'SecretPolicyDenyDelete', 'SecretRotationInterval', 'SecretPolicyRequiresTls', 'IamReadPinnedToCurrent'];
const RANK = { off: 0, warning: 1, error: 2 };

describe('the profiles, as data over the catalogue', () => {
  test('every rule of the catalogue is placed, and every placed rule exists', () => {
    expect(Object.keys(RULE_PROFILES).sort()).toEqual(RULES.map(r => r.name).sort());
  });

  test('strict is the catalogue; baseline lowers or turns off, never raises', () => {
    for (const rule of RULES) {
      expect({ rule: rule.name, strict: profileLevel('strict', rule) }).toEqual({ rule: rule.name, strict: catalogueLevel(rule) });
      expect(RANK[profileLevel('baseline', rule)]).toBeLessThanOrEqual(RANK[catalogueLevel(rule)]);
    }
    expect(DEFAULT_PROFILE).toBe('strict');
  });

  test('baseline: every credential rule, public access and deletion protection are errors; the organisation\'s bar is off', () => {
    const level = (name: string) => profileLevel('baseline', RULES.find(r => r.name === name)!);
    for (const id of UNSUPPRESSIBLE_RULES) {
      expect({ id, level: level(id.replace(/^HardenedSecrets-/, '')) }).toEqual({ id, level: 'error' });
    }
    for (const name of ['SecretPolicyNoPublicAllow', 'SecretKeyPolicyScope', 'IamNoBroadSecretAccess', 'SecretRetained', 'SecretKeyRetained']) {
      expect({ name, level: level(name) }).toEqual({ name, level: 'error' });
    }
    for (const name of ORGANISATIONAL) {
      expect({ name, level: level(name) }).toEqual({ name, level: 'off' });
    }
  });

  test('security-severity: credential rules critical, the organisation\'s bar below high, all on GitHub\'s 0-10 scale', () => {
    for (const rule of RULES) {
      const severity = Number(securitySeverity(`HardenedSecrets-${rule.name}[Some.Path]`, catalogueLevel(rule)));
      expect(severity).toBeGreaterThanOrEqual(0);
      expect(severity).toBeLessThanOrEqual(10);
      if (UNSUPPRESSIBLE_RULES.has(`HardenedSecrets-${rule.name}`)) {
        expect({ rule: rule.name, critical: severity >= 9 }).toEqual({ rule: rule.name, critical: true });
      }
      if (ORGANISATIONAL.includes(rule.name)) {
        expect({ rule: rule.name, high: severity >= 7 }).toEqual({ rule: rule.name, high: false });
      }
    }
  });

  test('the pack runs exactly the rules of the profile, at the profile\'s level', () => {
    for (const profile of ['baseline', 'strict'] as const) {
      // The options are valid pack options (the pack validates rule names).
      expect(() => new SecretsManagerChecks(undefined, profileChecks(profile))).not.toThrow();
      const ran = selectRules(profileChecks(profile)).map(r => `${r.name}:${r.level === NagMessageLevel.ERROR ? 'error' : 'warning'}`);
      const expected = RULES.filter(r => profileLevel(profile, r) !== 'off').map(r => `${r.name}:${profileLevel(profile, r)}`);
      expect(ran).toEqual(expected);
    }
  });

  test('errorsAsWarnings names error rules only', () => {
    expect(() => new SecretsManagerChecks(undefined, { errorsAsWarnings: ['SecretTags'] })).toThrow(/errorsAsWarnings.*SecretTags/);
  });

  test('docs/audit-command.md shows the table the data renders (build-tools/profiles-table.ts --write)', () => {
    const page = fs.readFileSync(AUDIT_COMMAND_MD, 'utf8');
    expect(page).toBe(pageWithTable(page));
  });
});

describe('baseline and strict on the template corpus', () => {
  const runs = new Map<string, { baseline: AuditFinding[]; strict: AuditFinding[] }>();
  beforeAll(() => {
    for (const template of templates) {
      const loaded = () => loadTemplates(path.join(TEMPLATES, template));
      runs.set(template, {
        baseline: auditLoaded(loaded(), { maxRotationDays: 30, packs: ['hardened-secrets'], profile: 'baseline' }).findings,
        strict: auditLoaded(loaded(), { maxRotationDays: 30, packs: ['hardened-secrets'], profile: 'strict' }).findings,
      });
    }
  }, 300_000);

  const key = (f: AuditFinding) => `${f.ruleId}@${f.location?.logicalId}`;

  test('every baseline finding is a strict finding, at the baseline level of its rule', () => {
    for (const [template, { baseline, strict }] of runs) {
      const strictKeys = new Set(strict.map(key));
      for (const f of baseline) {
        expect({ template, finding: key(f), inStrict: strictKeys.has(key(f)) }).toEqual({ template, finding: key(f), inStrict: true });
        const rule = RULES.find(r => `HardenedSecrets-${r.name}` === f.rule)!;
        expect(RANK[f.level]).toBeLessThanOrEqual(RANK[profileLevel('baseline', rule)]);
      }
    }
  });

  test('day one is quieter: fewer templates fail, and a plain CloudFormation secret gets its defects only', () => {
    const failing = (which: 'baseline' | 'strict') => [...runs.values()].filter(r => r[which].some(f => f.level === 'error')).length;
    const count = (which: 'baseline' | 'strict') => [...runs.values()].reduce((n, r) => n + r[which].length, 0);
    expect(failing('baseline')).toBeLessThan(failing('strict'));
    expect(count('baseline')).toBeLessThan(count('strict'));
    // The quick-start secret: no key, policy, rotation, tags or name convention, no DeletionPolicy.
    const plain = runs.get('quickstart-app-secret.yaml')!;
    const summary = (list: AuditFinding[]) => list.map(f => `${f.level} ${f.rule.replace(/^HardenedSecrets-/, '')}`).sort();
    expect(summary(plain.strict).length).toBeGreaterThanOrEqual(8);
    expect(summary(plain.baseline)).toEqual(['error SecretRetained', 'warning SecretRetainedOnReplace', 'warning SecretRotationConfigured']);
    // A credential written into a template fails both.
    for (const [template, { baseline, strict }] of runs) {
      const credential = (list: AuditFinding[]) => list.filter(f => UNSUPPRESSIBLE_RULES.has(f.rule) && f.level === 'error').map(key).sort();
      expect({ template, baseline: credential(baseline) }).toEqual({ template, baseline: credential(strict) });
    }
  });
});

describe('--profile on the command line', () => {
  const template = path.join('test', 'fixtures', 'templates', 'quickstart-app-secret.yaml');

  test('--profile baseline: only day-one findings, the report evaluates only the rules that ran', async () => {
    const run = await runCli(['audit', template, '--format', 'json', '--profile', 'baseline']);
    const out = JSON.parse(run.stdout);
    expect(out.profile).toBe('baseline');
    const rules = [...new Set(out.findings.map((f: { rule: string }) => f.rule.replace(/^HardenedSecrets-|\[.*$/g, '')))] as string[];
    expect(rules.filter(r => profileLevel('baseline', RULES.find(x => x.name === r)!) === 'off')).toEqual([]);
    const checks = out.report.controls.flatMap((c: { checks: Array<{ check: string }> }) => c.checks.map(k => k.check));
    expect(checks.filter((c: string) => ORGANISATIONAL.includes(c))).toEqual([]);
  });

  test('the text output says which profile ran and what it left out', async () => {
    const baseline = await runCli(['audit', template, '--profile', 'baseline']);
    const off = RULES.filter(r => profileLevel('baseline', r) === 'off').length;
    expect(baseline.stdout.split('\n')[1]).toMatch(new RegExp(`^Profile baseline: ${off} rule\\(s\\) off, \\d+ error rule\\(s\\) reported as warnings`));
    expect((await runCli(['audit', template])).stdout).not.toContain('Profile ');
  });

  test('an unknown profile: one line, exit 2', async () => {
    const run = await runCli(['audit', template, '--profile', 'lenient']);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toBe('cdk-hardened-secrets: --profile lenient: expected baseline or strict\n');
  });
});
