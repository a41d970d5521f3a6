/**
 * Corpus benchmark: what each checker catches of the labelled template corpus
 * (`test/fixtures/templates`, labels in `labels.json`, format in test/nag/corpus.test.ts), per
 * concern (hard-coded credentials, encryption and keys, rotation, ...: `bench/concerns.ts`).
 *
 * The checkers:
 * - `SecretsManagerChecks`, default options;
 * - the five cdk-nag packs together (`allPacks()`: AwsSolutions, HIPAA Security, NIST 800-53 R5,
 *   PCI DSS 3.2.1, Serverless);
 * - the AWS Control Tower proactive controls that `@cdklabs/cdk-validator-cfnguard` runs with
 *   cfn-guard (every violation is an error);
 * - Checkov, pinned in `requirements-checkov.txt` (the virtualenv `.ci/run` makes, or made on the
 *   first run: see `test/helpers/checkov.ts`), CloudFormation and secrets frameworks, on the template files themselves
 *   (every failed check is an error).
 *
 * The first three read each template the way the `audit` command does: `loadTemplates` of
 * src/cli/load.ts, one fresh app per template and checker. A template it refuses is counted
 * under "could not check" for them, as is one on which a checker throws (the cfn-guard plugin does
 * on some templates with list parameters).
 *
 * Per concern, the denominator is the misconfigured templates whose labels expect an error-level
 * finding of that concern (a rule of ours of that concern at error level, not "cannot be proven").
 * A checker *catches* one when it reports an error-level finding of that concern on it, and
 * catches it *on the right resource* when that finding names one of the logical ids the labels
 * expect for the concern. Concerns where all our rules are warnings (monitoring, tagging and
 * naming, network and endpoint) are advisory: their denominator is every misconfigured template
 * that expects a finding of the concern, and a finding at any level catches it. A *false alarm*
 * is an error-level finding of the concern on a hardened template. Overall recall counts
 * (template, concern) pairs of the error-level concerns; "union of the peers" catches a pair when
 * any of cdk-nag, Control Tower or Checkov does.
 *
 * When `test/fixtures/blind/labels.json` exists (`{ file: { kind: 'vulnerable' | 'fine',
 * credentials: [logicalIds], note } }`), a second section reports the credentials concern on that
 * batch: caught when a credential finding at error level names a listed logical id.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/corpus.ts [--detail] [--no-checkov]`
 * (`--detail` adds a row per template and the peer ids that fired without a concern;
 * `--no-checkov` leaves Checkov out, for a machine without Python or PyPI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { CDK_NAG, CHECKOV, Concern, CONCERNS, CONTROL_TOWER, ourConcern, peerConcern, PeerMapping, peerMapping } from './concerns';
import { LoadedApp, loadTemplates } from '../src/cli/load';
import { RULES } from '../src/nag/rules';
import { runCheckov } from '../test/helpers/checkov';
import { packFindings } from '../test/nag/pack-helpers';
import { allPacks, controlTowerViolations, nagFindings } from '../test/nag-helpers';

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');
const CORPUS = path.join(FIXTURES, 'templates');
const BLIND = path.join(FIXTURES, 'blind');

/** One finding of one checker on one template. */
interface Finding {
  /** The checker's rule id (ours without the `HardenedSecrets-` prefix and suffix). */
  readonly rule: string;
  readonly concern?: Concern;
  readonly logicalId?: string;
  readonly error: boolean;
}

/** A checker's findings on a template, or why it could not check it. */
type Outcome = { readonly findings: Finding[] } | { readonly failed: string };

interface Checker {
  readonly name: string;
  readonly peer: boolean;
  /** The mapping table of a peer (to list its ids that fired without a concern). */
  readonly table?: Readonly<Record<string, PeerMapping>>;
  check(files: string[]): Map<string, Outcome>;
}

/** The stack `loadTemplates` made of a single template file, and the logical id of a construct path. */
function load(file: string): { stack: Stack; logicalIdOf: (constructPath: string) => string | undefined } {
  const loaded: LoadedApp = loadTemplates(file);
  const stack = loaded.app.node.children.find(Stack.isStack);
  if (!stack) {
    throw new Error('no stack');
  }
  return { stack, logicalIdOf: p => loaded.locations.get(p)?.logicalId ?? p.split('/').pop() };
}

/** The first line of what a checker threw: why it could not check a template. */
function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n').map(l => l.trim()).find(l => l) ?? 'it threw';
}

/** Runs `fn` on each file, catching what it throws as the reason the checker could not check it. */
function perFile(files: string[], fn: (file: string) => Finding[]): Map<string, Outcome> {
  return new Map(files.map((file): [string, Outcome] => {
    try {
      return [file, { findings: fn(file) }];
    } catch (e) {
      return [file, { failed: reasonOf(e) }];
    }
  }));
}

const baseRule = (id: string) => id.replace(/\[.*$/s, '');

function checkers(withCheckov: boolean, checkovVersion: { value?: string }): Checker[] {
  const list: Checker[] = [
    {
      name: 'SecretsManagerChecks',
      peer: false,
      check: files => perFile(files, file => {
        const { stack, logicalIdOf } = load(file);
        return packFindings(stack).map(f => {
          const rule = baseRule(f.rule).replace(/^HardenedSecrets-/, '');
          return { rule, concern: ourConcern(rule), logicalId: logicalIdOf(f.path), error: f.severity === 'error' };
        });
      }),
    },
    {
      name: 'cdk-nag, 5 packs',
      peer: true,
      table: CDK_NAG,
      check: files => perFile(files, file => {
        const { stack, logicalIdOf } = load(file);
        return nagFindings(stack, allPacks()).map(f => {
          const rule = baseRule(f.rule);
          return { rule, concern: peerConcern(CDK_NAG, rule), logicalId: logicalIdOf(f.resource), error: f.severity === 'error' };
        });
      }),
    },
    {
      name: 'Control Tower (cfn-guard)',
      peer: true,
      table: CONTROL_TOWER,
      check: files => perFile(files, file => controlTowerViolations(load(file).stack).flatMap(v => {
        const concern = peerConcern(CONTROL_TOWER, v.rule);
        const ids = v.resources.length > 0 ? v.resources : [undefined];
        return ids.map(logicalId => ({ rule: v.rule, concern, logicalId, error: true }));
      })),
    },
  ];
  if (withCheckov) {
    list.push({
      name: 'Checkov',
      peer: true,
      table: CHECKOV,
      check: files => {
        let run: ReturnType<typeof runCheckov>;
        try {
          run = runCheckov(files);
        } catch (e) {
          // No Python or no PyPI: every template is "could not check", with the reason; --no-checkov leaves it out.
          checkovVersion.value = `not run (${reasonOf(e)})`;
          return new Map(files.map(file => [file, { failed: `Checkov did not run: ${reasonOf(e)}` }]));
        }
        checkovVersion.value = run.version;
        return new Map(files.map(file => [file, run.unparsed.includes(file)
          ? { failed: 'Checkov could not parse it' }
          : {
            findings: run.failures.filter(f => f.file === file)
              .map(f => ({ rule: f.checkId, concern: peerConcern(CHECKOV, f.checkId), logicalId: f.logicalId, error: true })),
          }]));
      },
    });
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

interface Label {
  readonly kind: string;
  readonly expected: string[];
  readonly unproven?: string[];
}

const LEVELS = new Map(RULES.map(r => [r.name, r.level]));

/** Advisory concerns: no rule of ours in them reports errors. */
const ADVISORY = new Set((Object.keys(CONCERNS) as Concern[])
  .filter(c => !RULES.some(r => ourConcern(r.name) === c && r.level === NagMessageLevel.ERROR)));

/** The logical ids the labels of one template expect per concern (on the concern's basis). */
function expectedByConcern(label: Label): Map<Concern, Set<string>> {
  const out = new Map<Concern, Set<string>>();
  for (const expected of label.expected) {
    const [id, logicalId] = expected.split('@');
    const rule = id.replace(/^HardenedSecrets-/, '');
    const concern = ourConcern(rule);
    if (!concern) {
      continue;
    }
    const isError = LEVELS.get(rule) === NagMessageLevel.ERROR && !(label.unproven ?? []).includes(expected);
    if (isError || ADVISORY.has(concern)) {
      out.set(concern, (out.get(concern) ?? new Set()).add(logicalId));
    }
  }
  return out;
}

/** Whether a finding counts towards `concern` (errors only, except in advisory concerns). */
const counts = (f: Finding, concern: Concern) => f.concern === concern && (f.error || ADVISORY.has(concern));

const findingsOf = (o: Outcome | undefined): Finding[] => (o && 'findings' in o ? o.findings : []);
const pct = (n: number, of: number) => (of === 0 ? '—' : `${Math.round((100 * n) / of)}%`);
const yes = (b: boolean) => (b ? 'yes' : '**no**');

function corpusSection(
  all: Checker[],
  results: Map<Checker, Map<string, Outcome>>,
  files: string[],
  labels: Record<string, Label>,
  detail: boolean,
): string[] {
  const misconfigured = files.filter(f => labels[path.basename(f)].kind === 'misconfigured');
  const hardened = files.filter(f => labels[path.basename(f)].kind === 'hardened');
  const expected = new Map(files.map(f => [f, expectedByConcern(labels[path.basename(f)])]));
  const concerns = Object.keys(CONCERNS) as Concern[];
  const denominator = (c: Concern) => misconfigured.filter(f => expected.get(f)!.has(c));
  const peers = all.filter(c => c.peer);
  const ours = all.find(c => !c.peer)!;

  const caught = (checker: Checker, file: string, c: Concern) => findingsOf(results.get(checker)!.get(file)).some(f => counts(f, c));
  const onResource = (checker: Checker, file: string, c: Concern) =>
    findingsOf(results.get(checker)!.get(file)).some(f => counts(f, c) && f.logicalId !== undefined && expected.get(file)!.get(c)!.has(f.logicalId));
  const unionCaught = (file: string, c: Concern) => peers.some(p => caught(p, file, c));
  const falseAlarms = (checker: Checker, c: Concern) =>
    hardened.filter(f => findingsOf(results.get(checker)!.get(f)).some(x => x.concern === c && x.error)).length;

  const lines: string[] = [
    `Corpus: ${files.length} templates (${misconfigured.length} misconfigured, ${hardened.length} hardened; `
      + `${files.filter(t => t.endsWith('.json')).length} JSON, ${files.filter(t => /\.ya?ml$/.test(t)).length} YAML)`,
    '',
    'Recall per concern: misconfigured templates caught with an error of the concern (on the right resource in brackets); '
      + '† advisory concern, where a finding at any level counts.',
    '',
    `| concern | templates | ${all.map(c => c.name).join(' | ')} `
      + '| union of the peers | ours ≥ best peer |',
    `|---|---:|${all.map(() => '---:').join('|')}|---:|---|`,
  ];
  const behind: string[] = [];
  for (const c of concerns) {
    const d = denominator(c);
    const cells = all.map(ch => `${d.filter(f => caught(ch, f, c)).length} (${d.filter(f => onResource(ch, f, c)).length})`);
    const best = Math.max(0, ...peers.map(p => d.filter(f => caught(p, f, c)).length));
    const mine = d.filter(f => caught(ours, f, c)).length;
    if (mine < best) {
      behind.push(CONCERNS[c]);
    }
    lines.push(`| ${CONCERNS[c]}${ADVISORY.has(c) ? ' †' : ''} | ${d.length} | ${cells.join(' | ')} `
      + `| ${d.filter(f => unionCaught(f, c)).length} | ${d.length === 0 ? '—' : yes(mine >= best)} |`);
  }

  lines.push(
    '',
    `False alarms per concern: hardened templates (of ${hardened.length}) with an error of the concern.`,
    '',
    `| concern | ${all.map(c => c.name).join(' | ')} |`,
    `|---|${all.map(() => '---:').join('|')}|`,
    ...concerns.map(c => `| ${CONCERNS[c]} | ${all.map(ch => falseAlarms(ch, c)).join(' | ')} |`),
  );

  // Overall: (template, concern) pairs of the error-level concerns.
  const pairs = concerns.filter(c => !ADVISORY.has(c)).flatMap(c => denominator(c).map(f => [f, c] as const));
  const pairsCaught = (ch: Checker) => pairs.filter(([f, c]) => caught(ch, f, c)).length;
  const union = pairs.filter(([f, c]) => unionCaught(f, c)).length;
  const anyError = (ch: Checker, f: string) => findingsOf(results.get(ch)!.get(f)).some(x => x.error);
  const couldNot = (ch: Checker) => files.filter(f => 'failed' in results.get(ch)!.get(f)!).length;
  lines.push(
    '',
    `Overall: ${pairs.length} (template, concern) pairs of the error-level concerns; a template "with an error" has any error finding, of a concern or not.`,
    '',
    `| checker | pairs caught (of ${pairs.length}) | recall | on the right resource | misconfigured with an error (of ${misconfigured.length}) `
      + `| hardened with an error (of ${hardened.length}) | could not check |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...all.map(ch => `| ${ch.name} | ${pairsCaught(ch)} | ${pct(pairsCaught(ch), pairs.length)} `
      + `| ${pairs.filter(([f, c]) => onResource(ch, f, c)).length} | ${misconfigured.filter(f => anyError(ch, f)).length} `
      + `| ${hardened.filter(f => anyError(ch, f)).length} | ${couldNot(ch)} |`),
    `| union of the peers | ${union} | ${pct(union, pairs.length)} | | | | |`,
  );

  // The acceptance: every misconfigured template caught on an expected resource, no hardened one with an error.
  const missed = misconfigured.filter(f => ![...expected.get(f)!.keys()].some(c => !ADVISORY.has(c) && onResource(ours, f, c)));
  const flagged = hardened.filter(f => anyError(ours, f));
  lines.push(
    '',
    `- every misconfigured template caught with an error on an expected resource: ${yes(missed.length === 0)}`
      + `${missed.length ? ` (missed: ${missed.map(f => path.basename(f)).join(', ')})` : ''}`,
    `- hardened templates with an error: ${flagged.length}${flagged.length ? ` (${flagged.map(f => path.basename(f)).join(', ')})` : ''}`,
    `- ours ≥ the best peer on every concern: ${yes(behind.length === 0)}${behind.length ? ` (behind on: ${behind.join(', ')})` : ''}`,
    `- ours ≥ the union of the peers overall: ${yes(pairsCaught(ours) >= union)} (${pairsCaught(ours)} against ${union} of ${pairs.length})`,
  );

  const refusals = all.flatMap(ch => files.filter(f => 'failed' in results.get(ch)!.get(f)!)
    .map(f => `- ${ch.name} could not check ${path.basename(f)}: ${(results.get(ch)!.get(f) as { failed: string }).failed}`));
  if (refusals.length > 0) {
    lines.push('', ...refusals);
  }

  if (detail) {
    const short = (c: Concern) => c.slice(0, 4);
    lines.push(
      '',
      'Per template: the concerns the labels expect, then per checker the concerns it caught (* on the right resource) '
        + 'and its number of error findings (n/a: could not check).',
      '',
      `| template | kind | expected | ${all.map(c => c.name).join(' | ')} |`,
      `|---|---|---|${all.map(() => '---').join('|')}|`,
      ...files.map(f => {
        const label = labels[path.basename(f)];
        const exp = [...expected.get(f)!.keys()];
        const cells = all.map(ch => {
          const o = results.get(ch)!.get(f)!;
          if ('failed' in o) {
            return 'n/a';
          }
          const got = label.kind === 'misconfigured'
            ? exp.filter(c => caught(ch, f, c)).map(c => `${short(c)}${onResource(ch, f, c) ? '*' : ''}`)
            : concerns.filter(c => o.findings.some(x => x.concern === c && x.error)).map(short);
          return `${got.join(' ') || '–'} / ${o.findings.filter(x => x.error).length}`;
        });
        return `| ${path.basename(f)} | ${label.kind} | ${exp.map(short).join(' ') || '–'} | ${cells.join(' | ')} |`;
      }),
    );
    for (const ch of peers) {
      const unmapped = new Map<string, number>();
      for (const f of files) {
        for (const id of new Set(findingsOf(results.get(ch)!.get(f)).filter(x => !peerMapping(ch.table!, x.rule)).map(x => x.rule))) {
          unmapped.set(id, (unmapped.get(id) ?? 0) + 1);
        }
      }
      lines.push('', `${ch.name}: ids that fired with no concern (templates): `
        + ([...unmapped].sort().map(([id, n]) => `${id} (${n})`).join(', ') || 'none'));
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The blind batch (credentials only)
// ---------------------------------------------------------------------------------------------

interface BlindLabel {
  readonly kind: 'vulnerable' | 'fine';
  readonly credentials: string[];
  readonly note?: string;
}

function blindSection(all: Checker[], labels: Record<string, BlindLabel>): string[] {
  const files = Object.keys(labels).sort().map(f => path.join(BLIND, f));
  const vulnerable = files.filter(f => labels[path.basename(f)].kind === 'vulnerable');
  const fine = files.filter(f => labels[path.basename(f)].kind === 'fine');
  const lines = [
    `Blind batch (test/fixtures/blind): ${files.length} templates (${vulnerable.length} vulnerable, ${fine.length} fine), hard-coded credentials only.`,
    '',
    `| checker | vulnerable caught on a listed resource (of ${vulnerable.length}) | caught anywhere in the template `
      + `| fine with a credential error (of ${fine.length}) | could not check |`,
    '|---|---:|---:|---:|---:|',
  ];
  const missed: string[] = [];
  const peersOnListed = new Set<string>();
  const peersAnywhere = new Set<string>();
  for (const ch of all) {
    const results = ch.check(files);
    const credentialErrors = (f: string) => findingsOf(results.get(f)).filter(x => x.concern === 'credentials' && x.error);
    const listed = (f: string) => labels[path.basename(f)].credentials;
    const onListed = vulnerable.filter(f => credentialErrors(f).some(x => x.logicalId !== undefined && listed(f).includes(x.logicalId)));
    const anywhere = vulnerable.filter(f => credentialErrors(f).length > 0);
    if (ch.peer) {
      onListed.forEach(f => peersOnListed.add(f));
      anywhere.forEach(f => peersAnywhere.add(f));
    } else {
      missed.push(...vulnerable.filter(f => !onListed.includes(f)).map(f => `missed ${path.basename(f)}`));
      missed.push(...fine.filter(f => credentialErrors(f).length > 0).map(f => `false error on ${path.basename(f)}`));
    }
    lines.push(`| ${ch.name} | ${onListed.length} | ${anywhere.length} `
      + `| ${fine.filter(f => credentialErrors(f).length > 0).length} | ${files.filter(f => 'failed' in results.get(f)!).length} |`);
  }
  lines.push(`| union of the peers | ${peersOnListed.size} | ${peersAnywhere.size} | | |`);
  if (missed.length > 0) {
    lines.push('', `SecretsManagerChecks: ${missed.join('; ')}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  const detail = process.argv.includes('--detail');
  const withCheckov = !process.argv.includes('--no-checkov');
  const checkovVersion: { value?: string } = {};
  const all = checkers(withCheckov, checkovVersion);

  const labels: Record<string, Label> = JSON.parse(fs.readFileSync(path.join(CORPUS, 'labels.json'), 'utf8'));
  const files = Object.keys(labels).sort().map(f => path.join(CORPUS, f));
  const results = new Map(all.map(ch => {
    const start = Date.now();
    const outcomes = ch.check(files);
    process.stderr.write(`bench:corpus: ${ch.name} took ${((Date.now() - start) / 1000).toFixed(1)} s on ${files.length} templates\n`);
    return [ch, outcomes];
  }));

  const unmappedRules = RULES.map(r => r.name).filter(n => !ourConcern(n));
  const lines = [
    `bench:corpus, ${new Date().toISOString().slice(0, 10)}; ${withCheckov ? `Checkov ${checkovVersion.value}` : 'without Checkov'}`,
    '',
    ...corpusSection(all, results, files, labels, detail),
  ];
  if (unmappedRules.length > 0) {
    lines.push('', `Rules of ours with no concern in bench/concerns.ts (not counted): ${unmappedRules.join(', ')}`);
  }
  const blindLabels = path.join(BLIND, 'labels.json');
  if (fs.existsSync(blindLabels)) {
    lines.push('', ...blindSection(all, JSON.parse(fs.readFileSync(blindLabels, 'utf8'))));
  } else {
    lines.push('', 'Blind batch: test/fixtures/blind/labels.json does not exist; skipped.');
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main();
