import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The cfn-guard 3 binary bundled in @cdklabs/cdk-validator-cfnguard (the one the Control Tower
 * tests run), for this machine's platform and architecture.
 */
export function cfnGuardBinary(): string {
  const root = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const platform = process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : 'ubuntu';
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  return path.join(root, 'bin', platform, arch, process.platform === 'win32' ? 'cfn-guard.exe' : 'cfn-guard');
}

/** A Guard rule file to evaluate: its name and its Guard 3 text. */
export interface GuardRulesInput {
  readonly fileName: string;
  readonly content: string;
}

/**
 * A data file to evaluate the rules on: a name unique in the run, and the document (written as
 * JSON), or the file's own text (a template as written, YAML short forms included).
 */
export interface GuardDataInput {
  readonly name: string;
  readonly document?: unknown;
  readonly text?: { readonly content: string; readonly extension: string };
}

/** One rule a data file did not comply with, and the logical ids the failing clauses point at. */
export interface GuardRuleFailure {
  /** The Guard rule's name, as written after `rule` in the rule file. */
  readonly rule: string;
  /**
   * The logical ids under `/Resources/<id>` of the values the failing clauses traversed to. Empty
   * when the clauses point at no resource (a configuration item, or a rule on the whole document).
   */
  readonly logicalIds: string[];
  /** Those of `logicalIds` that are under `/Resources/`. */
  readonly resourceIds: string[];
}

/** Options of {@link runCfnGuard}. */
export interface RunOptions {
  /**
   * Count only the failed checks whose report holds this text (e.g. `HardenedSecrets-`, with
   * which every exported rule's messages start); a failed rule none of whose checks holds it is
   * left out.
   * @default every failed check
   */
  readonly marker?: string;
}

/** What cfn-guard said about one data file. */
export interface GuardFileResult {
  readonly name: string;
  /** cfn-guard's own entry for the file (`{ name, status, not_compliant, compliant, not_applicable }`). */
  readonly raw: unknown;
  readonly failures: GuardRuleFailure[];
  /** The rules that passed, and those whose `when` guard skipped the file. */
  readonly compliant: string[];
  readonly notApplicable: string[];
}

/** A run of the binary: the results by data file name, and how long the process took. */
export interface GuardRun {
  readonly results: Map<string, GuardFileResult>;
  readonly milliseconds: number;
}

/**
 * Evaluates `rules` on every document of `data` in one cfn-guard process
 * (`validate -r <dir> -d <dir> --output-format json --show-summary none --structured`): the
 * binary's start and the parsing of the rules are most of a run on one small file, so a corpus
 * is evaluated in one start, not one per file (as test/helpers/control-tower.ts does for the
 * Control Tower rules).
 *
 * cfn-guard exits 19 when a file fails a rule and 0 when all pass; anything else, or output that
 * is not the structured JSON, throws with what the binary printed.
 */
export function runCfnGuard(rules: readonly GuardRulesInput[], data: readonly GuardDataInput[], options: RunOptions = {}): GuardRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-guard-'));
  try {
    const rulesDir = path.join(dir, 'rules');
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(rulesDir);
    fs.mkdirSync(dataDir);
    for (const r of rules) {
      fs.writeFileSync(path.join(rulesDir, r.fileName), r.content);
    }
    const byFile = new Map<string, string>();
    data.forEach((d, i) => {
      // An index keeps names unique on disk whatever characters they hold.
      const base = path.join(dataDir, String(i).padStart(5, '0'));
      const file = d.text ? `${base}${d.text.extension === '.yml' ? '.yaml' : d.text.extension}` : `${base}.json`;
      fs.writeFileSync(file, d.text ? d.text.content : JSON.stringify(d.document));
      byFile.set(file, d.name);
    });
    const results = new Map<string, GuardFileResult>();
    if (data.length === 0) {
      return { results, milliseconds: 0 };
    }
    const start = process.hrtime.bigint();
    const run = spawnSync(cfnGuardBinary(), [
      'validate', '--rules', rulesDir, '--data', dataDir,
      '--output-format', 'json', '--show-summary', 'none', '--structured',
    ], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    const milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.error || (run.status !== 0 && run.status !== 19)) {
      throw new Error(`cfn-guard failed (exit ${run.status}): ${run.error?.message ?? ''}${run.stderr}${run.stdout.slice(0, 2000)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(run.stdout);
    } catch (e) {
      throw new Error(`cfn-guard printed no JSON (${(e as Error).message}): ${run.stderr}${run.stdout.slice(0, 2000)}`);
    }
    for (const entry of parsed as RawFileResult[]) {
      const name = byFile.get(path.resolve(entry.name)) ?? byFile.get(entry.name) ?? entry.name;
      results.set(name, {
        name,
        failures: asList(entry.not_compliant).map(f => failureOf(f, options.marker)).filter((f): f is GuardRuleFailure => f !== undefined),
        raw: entry,
        compliant: asList(entry.compliant).map(String),
        notApplicable: asList(entry.not_applicable).map(String),
      });
    }
    return { results, milliseconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The part of cfn-guard's structured output read here. */
interface RawFileResult {
  readonly name: string;
  readonly not_compliant?: unknown;
  readonly compliant?: unknown;
  readonly not_applicable?: unknown;
}

/** `not_compliant` is a list, or an empty object when nothing failed. */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value;
  }
  return value !== null && typeof value === 'object' ? Object.values(value) : [];
}

/**
 * A failed rule: `{ Rule: { name, checks: [...] } }`, whose checks nest clauses, blocks and named
 * rules in shapes that depend on how the rule is written. Every value a clause traversed to
 * carries a `path` (`/Resources/MySecret/Properties/KmsKeyId`, `/Outputs/Password/Value`); the
 * logical ids are read from those paths wherever they are nested, skipping the document's own
 * data (`value`) beside a path. With `marker`, only the checks whose report holds it count (a
 * rule's custom messages start with the catalogue id, while a filter's comparison that cfn-guard
 * also lists names no finding).
 */
function failureOf(raw: unknown, marker: string | undefined): GuardRuleFailure | undefined {
  const rule = (raw as { Rule?: { name?: string; checks?: unknown } }).Rule ?? (raw as { name?: string; checks?: unknown });
  const ids = new Map<string, string>();
  let marked = marker === undefined;
  for (const check of asList(rule.checks)) {
    if (marker === undefined || JSON.stringify(check).includes(marker)) {
      marked = true;
      collectPaths(check, ids);
    }
  }
  const logicalIds = [...new Set(ids.keys())].sort();
  return marked ? { rule: String(rule.name), logicalIds, resourceIds: logicalIds.filter(id => ids.get(id) === 'Resources') } : undefined;
}

/** The template sections whose entries a finding can name. */
const SECTION_PATH = /^\/(Resources|Outputs|Parameters|Mappings|Conditions|Rules)\/([^/]+)/;

/** Collects logical id -> section from the paths in `value`. */
function collectPaths(value: unknown, ids: Map<string, string>): void {
  if (Array.isArray(value)) {
    value.forEach(v => collectPaths(v, ids));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  const located = typeof (value as { path?: unknown }).path === 'string';
  for (const [key, child] of Object.entries(value)) {
    if (located && key === 'value') {
      continue; // the document's own data at that path, not more of the report
    }
    if (key === 'path' && typeof child === 'string') {
      const match = SECTION_PATH.exec(child);
      if (match) {
        // JSON pointer escapes (RFC 6901)
        ids.set(match[2].replace(/~1/g, '/').replace(/~0/g, '~'), match[1]);
      }
    } else {
      collectPaths(child, ids);
    }
  }
}
