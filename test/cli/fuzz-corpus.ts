import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { CliResult, runCli } from '../../src/cli/audit';
import { parseTemplateText } from '../../src/cli/template-text';

const ROOT = path.join(__dirname, '..', '..');
const DIRS = [path.join(ROOT, 'test', 'fixtures', 'templates'), path.join(ROOT, 'test', 'fixtures', 'cli')];

/** A corpus template: its file name and text. */
export interface CorpusTemplate {
  readonly name: string;
  readonly text: string;
}

/** Every JSON and YAML template of the corpus (test/fixtures/templates and test/fixtures/cli). */
export function corpus(): CorpusTemplate[] {
  return DIRS.flatMap(dir => fs.readdirSync(dir)
    .filter(f => /\.(json|ya?ml)$/.test(f) && f !== 'labels.json')
    .sort()
    .map(f => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') })));
}

/** One way to break a template. */
export type Mutation =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'retype'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'wrap-if'; readonly at: number; readonly other: unknown }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'transform'; readonly name: string }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'duplicate-lines'; readonly at: number; readonly count: number };

const TRANSFORMS = ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31', 'Acme::Macro', 'AWS::SecretsManager-2020-07-23'];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrap-if' as const), at: fc.nat(), other: fc.oneof(fc.constant({ Ref: 'AWS::NoValue' }), fc.jsonValue({ maxDepth: 2 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transform' as const), name: fc.constantFrom(...TRANSFORMS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-lines' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 6 }) }) },
);

/** A mutated template file: its name (sometimes starting with a digit) and text. */
export interface Mutant {
  readonly name: string;
  readonly text: string;
}

export const mutantArb = (templates: CorpusTemplate[]): fc.Arbitrary<Mutant> => fc.record({
  template: fc.constantFrom(...templates),
  mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  prefix: fc.constantFrom('', '01-', '9 ', 'x.'),
  asJson: fc.boolean(),
}).map(({ template, mutations, prefix, asJson }) => mutate(template, mutations, prefix, asJson));

/** Applies the mutations; structural ones to the parsed JSON when the template is JSON, text ones to any. */
export function mutate(template: CorpusTemplate, mutations: readonly Mutation[], prefix: string, asJson: boolean): Mutant {
  const structural = mutations.some(m => m.kind !== 'truncate' && m.kind !== 'duplicate-lines');
  let text = template.text;
  // Structural mutations work on the parsed template (YAML short forms in their long form),
  // written back as JSON text (which is YAML too); text mutations on the file's own text.
  let doc: unknown = structural ? parsed(template) : undefined;
  const duplicates: string[] = [];
  for (const m of mutations) {
    if (m.kind === 'truncate' || m.kind === 'duplicate-lines') {
      if (doc !== undefined) {
        text = serialise(doc, duplicates);
        doc = undefined;
      }
      if (m.kind === 'truncate') {
        text = text.slice(0, m.at % (text.length + 1));
      } else {
        const lines = text.split('\n');
        const at = m.at % lines.length;
        lines.splice(at, 0, ...lines.slice(at, at + m.count));
        text = lines.join('\n');
      }
      continue;
    }
    if (doc === undefined) {
      continue;
    }
    if (m.kind === 'transform') {
      if (isObject(doc)) {
        doc.Transform = m.name;
      }
      continue;
    }
    const slots = slotsOf(doc);
    if (slots.length === 0) {
      continue;
    }
    const slot = slots[m.at % slots.length];
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(slot.parent)) {
          slot.parent.splice(slot.key as number, 1);
        } else {
          delete slot.parent[slot.key as string];
        }
        break;
      case 'retype':
        set(slot, m.value);
        break;
      case 'wrap-if':
        set(slot, { 'Fn::If': ['IsProd', get(slot), m.other] });
        break;
      case 'duplicate':
        if (typeof slot.key === 'string') {
          duplicates.push(slot.key);
        }
        break;
    }
  }
  if (doc !== undefined) {
    text = serialise(doc, duplicates);
  }
  const ext = structural ? (asJson ? '.json' : '.yaml') : path.extname(template.name);
  return { name: `${prefix}${path.basename(template.name, path.extname(template.name))}${ext}`, text };
}

function parsed(template: CorpusTemplate): unknown {
  try {
    return parseTemplateText(template.text, template.name).document;
  } catch {
    return undefined;
  }
}

interface Slot {
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

function slotsOf(doc: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 6) {
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        out.push({ parent: value, key: i });
        walk(v, depth + 1);
      });
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        out.push({ parent: value, key: k });
        walk(v, depth + 1);
      }
    }
  };
  walk(doc, 0);
  return out;
}

function get(slot: Slot): unknown {
  return (slot.parent as Record<string | number, unknown>)[slot.key];
}

function set(slot: Slot, value: unknown): void {
  (slot.parent as Record<string | number, unknown>)[slot.key] = value;
}

/** JSON text; each key named in `duplicates` is written twice where it first appears (the first copy emptied). */
function serialise(doc: unknown, duplicates: string[]): string {
  const pending = new Set(duplicates);
  const write = (value: unknown): string => {
    if (Array.isArray(value)) {
      return `[${value.map(write).join(',')}]`;
    }
    if (isObject(value)) {
      const entries = Object.entries(value).map(([k, v]) => {
        const entry = `${JSON.stringify(k)}:${write(v)}`;
        if (pending.delete(k)) {
          return `${JSON.stringify(k)}:{},\n${entry}`;
        }
        return entry;
      });
      return `{${entries.join(',\n')}}`;
    }
    return JSON.stringify(value) ?? 'null';
  };
  return write(doc);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What one in-process run of the command on a mutant gave, and what is wrong with it. */
export interface FuzzOutcome {
  readonly exitCode: number;
  readonly problems: string[];
}

/** Runs `audit` in process on the mutant written to `dir`, and checks the contract of the command. */
export function auditMutant(dir: string, mutant: Mutant, format: string): FuzzOutcome {
  const file = path.join(dir, mutant.name);
  fs.writeFileSync(file, mutant.text);
  let result: CliResult;
  try {
    result = runCli(['audit', file, '--format', format, '--fail-on', 'error']);
  } catch (e) {
    return { exitCode: -1, problems: [`threw ${(e as Error).stack ?? e}`] };
  } finally {
    fs.rmSync(file, { force: true });
  }
  return { exitCode: result.exitCode, problems: contractProblems(file, result, format) };
}

/** What a run of the command on `file` breaks of its contract (empty when nothing). */
export function contractProblems(file: string, result: CliResult, format: string): string[] {
  const problems: string[] = [];
  if (![0, 1, 2].includes(result.exitCode)) {
    problems.push(`exit code ${result.exitCode}`);
  }
  if (/\n\s+at /.test(result.stderr) || /\n\s+at /.test(result.stdout)) {
    problems.push('a stack trace was printed');
  }
  for (const line of result.stderr.split('\n').filter(l => l !== '')) {
    if (!line.startsWith(`cdk-hardened-secrets: ${file}: `)) {
      problems.push(`a line on stderr does not name the file: ${line}`);
    }
  }
  if (result.exitCode === 2 && result.stderr === '') {
    problems.push('exit 2 without a message');
  }
  if (result.exitCode !== 2 && format === 'json') {
    try {
      JSON.parse(result.stdout);
    } catch {
      problems.push('--format json printed something that is not JSON');
    }
  }
  return problems;
}

/** A fresh directory for the mutants, outside the working directory (files are shown by absolute path). */
export function fuzzDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-fuzz-')));
}
