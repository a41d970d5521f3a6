import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { catalogueRuleId, guardReportFindings } from '../../src/guard/definition';
import { SecretsGuardRules, exportSources } from '../../src/guard/export';
import { GUARD_RULES } from '../../src/guard/rules';
import { GuardTarget } from '../../src/guard/shape';
import { cfnGuardBinary } from '../helpers/cfn-guard';

/**
 * Runs the export of `target` on `documents` (by name: a template, a hook input or a
 * configuration item) with the real cfn-guard binary, in one start, and returns each document's
 * findings as `HardenedSecrets-<Rule>@<logicalId>` (a configuration item, which is one resource,
 * as `HardenedSecrets-<Rule>@<document name>`).
 *
 * `binary` runs another cfn-guard (AWS Config evaluates custom policy rules with Guard 2).
 */
export function exportFindings(
  target: GuardTarget, documents: Record<string, unknown>, binary: string = cfnGuardBinary(), rules?: readonly string[],
): Map<string, string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-export-'));
  try {
    const rulesDir = path.join(dir, 'rules');
    const data = path.join(dir, 'data');
    fs.mkdirSync(rulesDir);
    fs.mkdirSync(data);
    const files = rules === undefined ? SecretsGuardRules.export(target) : exportSources(target, GUARD_RULES.filter(r => rules.includes(r.rule)));
    for (const file of files) {
      fs.writeFileSync(path.join(rulesDir, file.fileName), file.content);
    }
    for (const [name, document] of Object.entries(documents)) {
      fs.writeFileSync(path.join(data, `${name}.json`), JSON.stringify(document));
    }
    const out = new Map<string, string[]>(Object.keys(documents).map(n => [n, []]));
    if (binary !== cfnGuardBinary()) {
      return guard2Findings(binary, rulesDir, data, out);
    }
    const run = spawnSync(binary, ['validate', '-r', rulesDir, '-d', data, '--output-format', 'json', '--show-summary', 'none', '--structured'],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // 19: some rule failed.
    if (run.error || ![0, 19].includes(run.status ?? -1)) {
      throw new Error(`cfn-guard failed (${run.status}): ${run.error?.message ?? run.stderr.slice(0, 2000)}`);
    }
    for (const report of JSON.parse(run.stdout) as Array<{ name: string; not_compliant?: unknown[] }>) {
      const name = path.basename(report.name, '.json');
      out.set(name, guardReportFindings(report).map(f => `${f.ruleId}@${f.logicalId ?? name}`).sort());
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Guard 2 (2.1) prints one JSON object per rules file and data file, `{ data_from, rules_from,
 * not_compliant: { <rule>: [...] } }`, with no paths to logical ids: used on configuration items,
 * each one resource. Exit code 5: some rule failed.
 */
function guard2Findings(binary: string, rules: string, data: string, out: Map<string, string[]>): Map<string, string[]> {
  for (const file of fs.readdirSync(data)) {
    const run = spawnSync(binary, ['validate', '-r', rules, '-d', path.join(data, file), '--output-format', 'json', '--show-summary', 'none'],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.error || ![0, 5].includes(run.status ?? -1)) {
      throw new Error(`cfn-guard 2 failed (${run.status}): ${run.error?.message ?? run.stderr.slice(0, 2000)}`);
    }
    const name = path.basename(file, '.json');
    const findings = new Set<string>();
    for (const line of run.stdout.split('\n').filter(l => l.trim().startsWith('{'))) {
      const report = JSON.parse(line) as { not_compliant?: Record<string, unknown[]> };
      for (const [rule, failures] of Object.entries(report.not_compliant ?? {})) {
        const id = catalogueRuleId(rule);
        if (id !== undefined && failures.length > 0) {
          findings.add(`${id}@${name}`);
        }
      }
    }
    out.set(name, [...findings].sort());
  }
  return out;
}

/** The findings of one document. */
export function findingsOf(target: GuardTarget, document: unknown, binary?: string, rules?: readonly string[]): string[] {
  return exportFindings(target, { doc: document }, binary, rules).get('doc') ?? [];
}

/** A template of `resources`. */
export function template(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { ...extra, Resources: resources };
}

/** The Guard Hook input for one resource (`Resources.<id>.ResourceType / ResourceProperties`). */
export function hookInput(logicalId: string, type: string, properties: Record<string, unknown>): unknown {
  return { Resources: { [logicalId]: { ResourceType: type, ResourceProperties: properties } } };
}

/** An AWS Config configuration item (recorded, or a proactive evaluation's when `configuration` holds CloudFormation properties). */
export function configItem(resourceType: string, configuration: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { version: '1.3', resourceType, resourceId: 'resource-id', awsRegion: 'us-east-1', configuration, ...extra };
}

/** Guard 2 (`cfn-guard` 2.x, AWS Config's runtime), when `CFN_GUARD2` names its binary. */
export const GUARD2 = process.env.CFN_GUARD2;

/** One document a rule must pass or fail on, in one target. */
export interface RuleCase {
  /** What the case shows, unique within the file. */
  readonly name: string;
  readonly target: GuardTarget;
  /** The catalogue rule (`SecretCustomerManagedKey`). */
  readonly rule: string;
  readonly document: unknown;
  /**
   * The logical ids the rule must report (a configuration item: `['doc']` when it must fail);
   * `[]` for a compliant document.
   */
  readonly fails: string[];
}

/**
 * Evaluates every case of a test file with the export of its target, one cfn-guard start per
 * target (and per case with Guard 2, when `CFN_GUARD2` is set, for CONFIG), and declares one
 * test per case: the rule's findings on the document are exactly `fails`.
 */
export function describeRuleCases(title: string, cases: readonly RuleCase[]): void {
  describe(title, () => {
    const results = new Map<string, string[]>();
    const guard2 = new Map<string, string[]>();
    // Only the rules the cases are about: each file tests its own rules' Guard text.
    const rules = [...new Set(cases.map(c => c.rule))];
    beforeAll(() => {
      for (const target of [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG]) {
        const mine = cases.filter(c => c.target === target);
        if (mine.length === 0) {
          continue;
        }
        const documents = Object.fromEntries(mine.map((c, i) => [`${target}-${i}`, c.document]));
        const run = exportFindings(target, documents, undefined, rules);
        mine.forEach((c, i) => results.set(c.name, run.get(`${target}-${i}`) ?? []));
        if (target === GuardTarget.CONFIG && GUARD2 !== undefined) {
          const run2 = exportFindings(target, documents, GUARD2, rules);
          mine.forEach((c, i) => guard2.set(c.name, run2.get(`${target}-${i}`) ?? []));
        }
      }
    });

    const expected = (c: RuleCase) => c.fails.map(id => `HardenedSecrets-${c.rule}@${id === 'doc' ? '' : id}`);
    const actual = (c: RuleCase, findings: string[]) => findings
      .filter(f => f.startsWith(`HardenedSecrets-${c.rule}@`))
      .map(f => (c.target === GuardTarget.CONFIG ? `${f.split('@')[0]}@` : f))
      .filter((f, i, all) => all.indexOf(f) === i)
      .sort();

    test.each(cases.map(c => [`${c.target}: ${c.rule}: ${c.name}`, c] as const))('%s', (_, c) => {
      expect(actual(c, results.get(c.name) ?? [])).toEqual([...expected(c)].sort());
    });

    const configCases = cases.filter(c => c.target === GuardTarget.CONFIG);
    if (GUARD2 !== undefined && configCases.length > 0) {
      test.each(configCases.map(c => [`Guard 2: ${c.rule}: ${c.name}`, c] as const))('%s', (_, c) => {
        expect(actual(c, guard2.get(c.name) ?? [])).toEqual([...expected(c)].sort());
      });
    }
  });
}
