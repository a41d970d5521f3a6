/**
 * Guard parity benchmark: the exported Guard rules, run by the cfn-guard binary, against
 * `SecretsManagerChecks` on the template corpus (test/fixtures/templates) and the blind batch
 * (test/fixtures/blind), in each input shape (test/guard/shapes.ts): the template, the Guard
 * Hook's input, AWS Config configuration items as recorded, and AWS Config's proactive input (the
 * CloudFormation properties, which the CONFIG rules also decide).
 *
 * Per shape it prints the templates, the (rule, resource) ERROR pairs the pack finds on the rules
 * the shape's export holds, those Guard finds, how many are equal, and the differences (listed in
 * test/guard/parity-differences.ts, or not: an unlisted or vanished difference fails a check, as
 * test/guard/parity.test.ts does). Then the time of one cfn-guard run over the shape's documents
 * (one process start for the whole corpus) against the pack's time over the same templates
 * (`CfnInclude` into a fresh stack, then the pack), both measured in this run, interleaved, and
 * their ratio.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/guard-parity.ts [--corpus templates,blind] [--iterations 3] [--warmup 1]`
 * (`npm run bench:guard-parity`). Writes `bench/results/guard-parity.json`; exits 1 when a check fails.
 */
import * as path from 'node:path';
import {
  Check, collectGarbage, elapsedMs, Environment, exitCode, fmt, int, interleavedRounds, machine, markdownTable, median,
  packageVersion, parseFlags, printSummary, runBenchmark, runTimes, writeResults,
} from './common';
import { PARITY_DIFFERENCES } from '../test/guard/parity-differences';
import {
  BLIND_DIR, compare, CORPUS_DIR, corpusFiles, differenceKey, exportedRuleIds, exportedRules, Finding, guardFindings,
  packErrors, PARITY_SHAPES, ParityShape, shapeCorpus, targetOf, templateKey,
} from '../test/guard/parity-run';
import { runCfnGuard } from '../test/helpers/cfn-guard';

const RESULTS_FILE = path.join(__dirname, 'results', 'guard-parity.json');
const CHILD_ENV = 'BENCH_GUARD_PARITY_MEASURE';
const CORPORA = { templates: CORPUS_DIR, blind: BLIND_DIR } as const;
type Corpus = keyof typeof CORPORA;
const LIMITS = {
  /** Differences not in test/guard/parity-differences.ts, per shape. */
  maxUnlisted: 0,
  /** Listed differences that no longer happen, per shape. */
  maxVanished: 0,
};

interface Options {
  readonly corpora: Corpus[];
  readonly iterations: number;
  readonly warmup: number;
}

interface ShapeResult {
  readonly shape: ParityShape;
  readonly templates: number;
  readonly documents: number;
  readonly packPairs: number;
  readonly guardPairs: number;
  readonly equal: number;
  readonly listed: number;
  readonly unlisted: string[];
  readonly vanished: string[];
  readonly guardMs: number;
  /** One cfn-guard run on the shape's first document alone: the start-up and rule parsing every run pays. */
  readonly oneDocumentMs: number;
}

interface Measurement {
  readonly templates: number;
  readonly packMs: number;
  readonly shapes: ShapeResult[];
}

function measure(options: Options): Measurement {
  const templates = options.corpora.flatMap(c => corpusFiles(CORPORA[c]).map(file => ({ dir: CORPORA[c], file })));
  const keys = new Set(templates.map(t => templateKey(t.dir, t.file)));
  const shaped = new Map(PARITY_SHAPES.map(shape => [shape, shapeCorpus(shape, templates)]));
  const rules = new Map(PARITY_SHAPES.map(shape => [shape, exportedRules(targetOf(shape))]));

  let pack = new Map<string, Set<Finding>>();
  const packSamples: number[] = [];
  const guardSamples = new Map<ParityShape, number[]>(PARITY_SHAPES.map(s => [s, []]));
  const oneSamples = new Map<ParityShape, number[]>(PARITY_SHAPES.map(s => [s, []]));
  const guardLast = new Map<ParityShape, ReturnType<typeof guardFindings>>();
  type Contender = 'pack' | ParityShape;
  interleavedRounds<Contender>(['pack', ...PARITY_SHAPES], options.warmup, options.iterations, (contender, _r, timed) => {
    collectGarbage();
    if (contender === 'pack') {
      const start = process.hrtime.bigint();
      const out = new Map<string, Set<Finding>>();
      for (const { dir, file } of templates) {
        out.set(templateKey(dir, file), packErrors(dir, file));
      }
      const ms = elapsedMs(start, process.hrtime.bigint());
      pack = out;
      if (timed) {
        packSamples.push(ms);
      }
      console.error(`  pack: ${fmt(ms, 0)} ms`);
      return;
    }
    const found = guardFindings(contender, shaped.get(contender)!, rules.get(contender)!);
    guardLast.set(contender, found);
    const one = runCfnGuard(rules.get(contender)!, shaped.get(contender)!.documents.slice(0, 1));
    if (timed) {
      guardSamples.get(contender)!.push(found.milliseconds);
      oneSamples.get(contender)!.push(one.milliseconds);
    }
  });

  const shapes = PARITY_SHAPES.map((shape): ShapeResult => {
    const found = guardLast.get(shape)!;
    const c = compare(shape, pack, found.byTemplate, exportedRuleIds(rules.get(shape)!));
    const listed = PARITY_DIFFERENCES.filter(d => d.shape === shape && keys.has(d.template));
    const listedKeys = new Set(listed.map(differenceKey));
    const actualKeys = new Set(c.differences.map(differenceKey));
    return {
      shape,
      templates: c.templates,
      documents: found.documents,
      packPairs: c.pack,
      guardPairs: c.guard,
      equal: c.equal,
      listed: listed.length,
      unlisted: [...actualKeys].filter(k => !listedKeys.has(k)),
      vanished: [...listedKeys].filter(k => !actualKeys.has(k)),
      guardMs: median(guardSamples.get(shape)!),
      oneDocumentMs: median(oneSamples.get(shape)!),
    };
  });
  return { templates: templates.length, packMs: median(packSamples), shapes };
}

function checks(m: Measurement): Check[] {
  return m.shapes.flatMap((s): Check[] => [
    {
      name: `${s.shape}: every difference is listed with its reason`,
      status: s.unlisted.length <= LIMITS.maxUnlisted ? 'PASS' : 'FAIL',
      detail: s.unlisted.length === 0 ? 'none unlisted' : s.unlisted.slice(0, 10).join('; '),
    },
    {
      name: `${s.shape}: every listed difference still happens`,
      status: s.vanished.length <= LIMITS.maxVanished ? 'PASS' : 'FAIL',
      detail: s.vanished.length === 0 ? 'none vanished' : s.vanished.slice(0, 10).join('; '),
    },
  ]);
}

function table(m: Measurement): string {
  const header = [
    'shape', 'templates', 'documents', 'pack pairs', 'Guard pairs', 'equal', 'listed differences', 'unlisted',
    'cfn-guard run ms', 'pack ms', 'ratio cfn-guard / pack', 'one-document run ms',
  ];
  const rows = m.shapes.map(s => [
    s.shape, int(s.templates), int(s.documents), int(s.packPairs), int(s.guardPairs), int(s.equal), int(s.listed),
    int(s.unlisted.length + s.vanished.length), fmt(s.guardMs, 1), fmt(m.packMs, 0), fmt(s.guardMs / m.packMs, 4), fmt(s.oneDocumentMs, 1),
  ]);
  return markdownTable(header, header.map((_, i) => (i === 0 ? '---' : '---:')), rows);
}

const USAGE = 'usage: bench/guard-parity.ts [--corpus templates,blind] [--iterations N>=1] [--warmup N>=0]';

function int1(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) {
    throw new Error(`${flag}: expected an integer >= ${min}, got '${text}'\n${USAGE}`);
  }
  return v;
}

function parseArgs(argv: string[]): Options {
  const { values } = parseFlags(argv, { valued: ['--corpus', '--iterations', '--warmup'], switches: [], usage: USAGE });
  const corpora = (values['--corpus'] ?? 'templates,blind').split(',').map(s => s.trim());
  const unknown = corpora.filter(c => !(c in CORPORA));
  if (unknown.length > 0 || corpora.length === 0) {
    throw new Error(`--corpus: expected some of ${Object.keys(CORPORA).join(', ')}, got '${values['--corpus']}'\n${USAGE}`);
  }
  return {
    corpora: (Object.keys(CORPORA) as Corpus[]).filter(c => corpora.includes(c)),
    iterations: values['--iterations'] ? int1('--iterations', values['--iterations'], 1) : 3,
    warmup: values['--warmup'] ? int1('--warmup', values['--warmup'], 0) : 1,
  };
}

function environment(options: Options): Environment {
  return {
    ...machine(),
    awsCdkLib: packageVersion('aws-cdk-lib'),
    cfnGuardValidator: packageVersion('@cdklabs/cdk-validator-cfnguard'),
    corpora: options.corpora.join('+'),
    warmup: options.warmup,
    iterations: options.iterations,
  };
}

function report(options: Options, env: Environment, m: Measurement, startedAt: bigint): number {
  const judged = checks(m);
  const times = runTimes(startedAt);
  console.log(`\n${m.templates} templates (${options.corpora.join(' + ')}); medians of ${options.iterations} timed rounds after ${options.warmup} warm-up, interleaved:\n`);
  console.log(table(m));
  console.log('\n- pack pairs: the pack\'s ERROR (rule, logical id) pairs on the rules the shape\'s export holds; Guard pairs: cfn-guard\'s');
  console.log('- cfn-guard run: one process over every document of the shape (rules parsed once); pack: CfnInclude + SecretsManagerChecks on every template');
  console.log('- one-document run: cfn-guard on the shape\'s first document alone (a template, one hook input, one item): what each start pays\n');
  printSummary(judged, times, RESULTS_FILE);
  writeResults(RESULTS_FILE, { environment: env, limits: LIMITS, times }, { templates: m.templates, packMs: m.packMs, shapes: m.shapes }, judged);
  return exitCode(judged);
}

runBenchmark({ file: __filename, childEnv: CHILD_ENV, title: 'Guard parity benchmark', parseArgs, environment, measure, report });
