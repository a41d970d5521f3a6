/**
 * Checkov, for the conformance test of our own templates (`test/cfn-lint/checkov.test.ts`) and the
 * corpus benchmark (`bench/corpus.ts`): the version pinned in `requirements-checkov.txt`, in the
 * virtualenv `.venv-checkov` that `.ci/run` makes (the benchmark makes it on its first run if
 * missing; rebuilt when the requirements file changes), run once per batch of template files with
 * its CloudFormation and secrets frameworks.
 *
 * Checkov has a virtualenv of its own: it and Prowler (requirements-dev.txt) pin conflicting
 * versions of shared dependencies, and pip refuses them together (ResolutionImpossible).
 *
 * Only what Checkov reports is kept: the check id, the file, and the resource, which is the
 * logical id for the CloudFormation checks and, for the secrets checks (which report a line),
 * the resource whose block holds that line. The code blocks Checkov returns (they hold the
 * credentials it found) are dropped unread.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const REQUIREMENTS = path.join(ROOT, 'requirements-checkov.txt');
const VENV = path.join(ROOT, '.venv-checkov');
const STAMP = path.join(VENV, 'requirements.sha256');
/** The Checkov executable of the virtualenv. */
export const CHECKOV_BINARY = path.join(VENV, 'bin', 'checkov');
const CHECKOV = CHECKOV_BINARY;

/** One failed Checkov check on one file. */
export interface CheckovFailure {
  /** `CKV_AWS_45`, `CKV_SECRET_2`, ... */
  readonly checkId: string;
  /** The template file, as passed to `runCheckov`. */
  readonly file: string;
  /** The logical id of the resource, when Checkov names one or the reported line is inside one. */
  readonly logicalId?: string;
}

/** What one Checkov run found. */
export interface CheckovRun {
  /** `checkov --version`. */
  readonly version: string;
  readonly failures: CheckovFailure[];
  /** Files Checkov could not parse. */
  readonly unparsed: string[];
}

/** The pinned Checkov version (the `checkov==X` line of the requirements file). */
export function pinnedCheckovVersion(): string {
  const m = /^checkov==(\S+)/m.exec(fs.readFileSync(REQUIREMENTS, 'utf8'));
  if (!m) {
    throw new Error(`${REQUIREMENTS} pins no checkov version (a line checkov==X.Y.Z)`);
  }
  return m[1];
}

/**
 * Builds the virtualenv unless it holds the requirements of this tree (same file hash), as
 * `.ci/run` does for Prowler's. pip's output goes to stderr; an error names the command that failed.
 */
export function ensureCheckov(): void {
  const wanted = crypto.createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex');
  if (fs.existsSync(CHECKOV) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8').trim() === wanted) {
    return;
  }
  process.stderr.write(`installing Checkov ${pinnedCheckovVersion()} into ${path.relative(process.cwd(), VENV)} (first run only)\n`);
  fs.rmSync(VENV, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(VENV), { recursive: true });
  run('python3', ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--requirement', REQUIREMENTS]);
  fs.writeFileSync(STAMP, `${wanted}\n`);
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
}

/**
 * Runs Checkov on `files` (absolute paths of templates whose base names differ), with the
 * CloudFormation and secrets frameworks. `--skip-download` keeps it from fetching Prisma Cloud
 * guidelines: the checks are those of the installed release.
 */
export function runCheckov(files: string[], options: { install?: boolean } = {}): CheckovRun {
  if (options.install ?? true) {
    ensureCheckov();
  } else if (!fs.existsSync(CHECKOV)) {
    throw new Error(`${CHECKOV} not found: .ci/run makes it (python3 -m venv .venv-checkov && .venv-checkov/bin/pip install -r requirements-checkov.txt)`);
  }
  const version = spawnSync(CHECKOV, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (files.length === 0) {
    return { version, failures: [], unparsed: [] };
  }
  const args = ['--framework', 'cloudformation', 'secrets', '--output', 'json', '--skip-download'];
  for (const file of files) {
    args.push('--file', file);
  }
  const r = spawnSync(CHECKOV, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'ERROR' } });
  // Exit code 1 means "some check failed"; anything else is Checkov failing.
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`checkov failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.split('\n').slice(-5).join(' ')}`);
  }
  const byBase = new Map(files.map(f => [path.basename(f), f]));
  const parsed = JSON.parse(r.stdout) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const failures: CheckovFailure[] = [];
  const unparsed = new Set<string>();
  const spans = new Map<string, ResourceSpan[]>();
  for (const report of reports) {
    for (const unreadable of report.results?.parsing_errors ?? []) {
      const file = byBase.get(path.basename(unreadable));
      if (file) {
        unparsed.add(file);
      }
    }
    for (const failed of report.results?.failed_checks ?? []) {
      const file = byBase.get(path.basename(failed.file_path));
      if (!file) {
        continue;
      }
      let logicalId: string | undefined;
      if (report.check_type === 'secrets') {
        if (!spans.has(file)) {
          spans.set(file, resourceSpans(fs.readFileSync(file, 'utf8')));
        }
        const line = failed.file_line_range?.[0];
        logicalId = line === undefined ? undefined : spans.get(file)!.find(s => line >= s.from && line < s.to)?.logicalId;
      } else {
        // `AWS::Lambda::Function.Resizer`: logical ids are alphanumeric, so the id follows the last dot.
        logicalId = failed.resource?.split('.').pop();
      }
      failures.push({ checkId: failed.check_id, file, logicalId });
    }
  }
  return { version, failures, unparsed: [...unparsed].sort() };
}

interface CheckovReport {
  readonly check_type?: string;
  readonly results?: {
    readonly failed_checks?: Array<{
      readonly check_id: string;
      readonly file_path: string;
      readonly resource?: string;
      readonly file_line_range?: number[];
    }>;
    readonly parsing_errors?: string[];
  };
}

/** The lines `[from, to)` (1-based) of one resource's block in the template text. */
interface ResourceSpan {
  readonly logicalId: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The block of each resource of a pretty-printed JSON or a YAML template: the `Resources`
 * section runs to the next top-level key, and its keys at the shallowest indentation are the
 * logical ids. A line outside every block (a parameter default, an output) has no resource.
 */
export function resourceSpans(text: string): ResourceSpan[] {
  const lines = text.split('\n');
  const key = /^(\s*)"?([A-Za-z0-9]+)"?\s*:/;
  // The first key of the document sits at the top level (column 0 in YAML, 2 or 4 in JSON).
  const top = lines.map(l => key.exec(l)).find(m => m)?.[1].length ?? 0;
  const topLevel = (line: string) => {
    const m = key.exec(line);
    return m && m[1].length === top ? m[2] : undefined;
  };
  const start = lines.findIndex(l => topLevel(l) === 'Resources');
  if (start < 0) {
    return [];
  }
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (topLevel(lines[i]) !== undefined) {
      end = i;
      break;
    }
  }
  const keys: Array<{ line: number; indent: number; id: string }> = [];
  for (let i = start + 1; i < end; i++) {
    const m = key.exec(lines[i]);
    if (m) {
      keys.push({ line: i, indent: m[1].length, id: m[2] });
    }
  }
  const indent = Math.min(...keys.map(k => k.indent));
  const ids = keys.filter(k => k.indent === indent);
  return ids.map((k, i) => ({ logicalId: k.id, from: k.line + 1, to: (ids[i + 1]?.line ?? end) + 1 }));
}
