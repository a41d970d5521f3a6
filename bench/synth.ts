/**
 * Synth-scale benchmark: `HardenedSecret` against plain aws-cdk-lib `Secret` + `Key`.
 *
 * What is measured, for each number of secrets N:
 *
 * - "hardened": one stack with one shared `SecretKey` and N `HardenedSecret`s, each rotated by one
 *   shared rotation function;
 * - "plain": one stack with N pairs of `kms.Key` + `secretsmanager.Secret`, written the way the
 *   aws-cdk README shows it, each with the same rotation, so both sides do the same job.
 *
 * Rotation is a shared Lambda function, not hosted rotation: the AWS::SecretsManager transform
 * turns every hosted rotation into a nested stack at deploy time, so 160 hosted rotations would
 * exceed CloudFormation's 500-resource limit after the transform whatever the library does.
 *
 * One timed iteration is "build a new App + Stack + constructs, then `app.synth()`", the work
 * `cdk synth` does for the stack. After 2 untimed rounds at the largest N (JIT, lazily loaded
 * modules, aws-cdk-lib's validation engine), each N runs 2 untimed warm-up iterations per variant
 * and then 11 timed ones (at least 5); we report the median. Hardened and plain
 * iterations are interleaved, alternating which one goes first, so that drift (thermal
 * throttling, other load on the machine, heap growth) hits both sides alike; a full GC runs
 * before every iteration so that one side's garbage is not collected on the other side's clock.
 *
 * Why a ratio: absolute milliseconds depend on the machine. The plain baseline is measured in
 * the same process, at the same time, so `hardened / plain` cancels the machine speed out and
 * is what the checks judge. Template size and resource count are deterministic and judged
 * against the CloudFormation quotas (500 resources, 1,000,000 bytes for a template uploaded
 * to S3).
 *
 * Why a child process: see `bench/common.ts`. The process started by `npx projen bench` only
 * type-checks, reports and writes the results; it forks itself with transpile-only ts-node and
 * `--expose-gc`, and that child, whose heap holds nothing but the CDK apps, does the timing.
 *
 * Run: `npx projen bench [--n 1,10,100,160] [--iterations 11] [--warmup 2] [--verbose]`
 * Writes `bench/results/synth.json`; exits 1 when a check fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  alternate, Check, collectGarbage, elapsedMs, Environment, exitCode, fmt, int, interleavedRounds, machine,
  markdownTable, median, packageVersion, parseFlags, printSummary, round, runBenchmark, runTimes, writeResults,
} from './common';
import { HardenedSecret, SecretKey, SecretRotationPolicy } from '../src';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const DEFAULT_SIZES = [1, 10, 100, 160];
const DEFAULT_WARMUP = 2;
const DEFAULT_ITERATIONS = 11;
const MIN_ITERATIONS = 5;
/** Interleaved rounds at the largest N before anything is timed (JIT, engine start-up). */
const GLOBAL_WARMUP_ROUNDS = 2;

const ENV = { account: '111111111111', region: 'eu-west-1' };
const STACK_ID = 'Bench';
/** aws-cdk-lib's per-stack resource limit; 0 turns its synth-time check off. */
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';
/** aws-cdk-lib's built-in CloudFormation Validate rule "template has more than 500 resources". */
const TOO_MANY_RESOURCES_RULE = 'CloudFormation-Validate::F0007';
const RESULTS_FILE = path.join(__dirname, 'results', 'synth.json');
/** Set in the environment of the measuring child process. */
const CHILD_ENV = 'BENCH_SYNTH_MEASURE';

/** The thresholds the checks apply. */
const LIMITS = {
  /** N at which the synth-time ratio is judged. */
  ratioAtN: 100,
  maxRatio: 1.3,
  /** Resources each extra hardened secret may add (Secret, ResourcePolicy, RotationSchedule). */
  maxResourcesPerExtraSecret: 3,
  /** N that must fit in one stack. */
  fitN: 160,
  /** https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html */
  maxResources: 500,
  /** Template body uploaded to S3. */
  maxTemplateBytes: 1_000_000,
} as const;

const VARIANTS = ['hardened', 'plain'] as const;
type Variant = (typeof VARIANTS)[number];

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

interface Options {
  readonly sizes: number[];
  readonly warmup: number;
  readonly iterations: number;
  /** Log every iteration to stderr. */
  readonly verbose: boolean;
}

/** One timed construct + synth. */
interface Sample {
  readonly totalMs: number;
  readonly constructMs: number;
  readonly synthMs: number;
}

/** What the synthesized template of one variant at one N looks like. */
interface TemplateStats {
  /** `JSON.stringify(template)` in UTF-8 bytes. */
  readonly bytes: number;
  /** Entries of `Resources`, including `AWS::CDK::Metadata`. */
  readonly resources: number;
  readonly resourceTypes: Record<string, number>;
  /** `AWS::SecretsManager::RotationSchedule`s with a `HostedRotationLambda`. */
  readonly hostedRotations: number;
}

interface VariantResult {
  readonly medianMs: number;
  readonly constructMedianMs: number;
  readonly synthMedianMs: number;
  readonly samplesMs: number[];
  readonly template: TemplateStats;
  /** `(resources(N) - resources(1)) / (N - 1)`, for N > 1. */
  resourcesPerExtraSecret?: number;
}

interface SizeResult {
  readonly n: number;
  readonly hardened: VariantResult;
  readonly plain: VariantResult;
  /** hardened median / plain median. */
  readonly ratio: number;
}

interface Template {
  readonly Resources?: Record<string, { readonly Type?: string; readonly Properties?: Record<string, unknown> }>;
}

// ---------------------------------------------------------------------------------------------
// The two apps
// ---------------------------------------------------------------------------------------------

type Builder = (stack: Stack, n: number) => void;

/** The rotation function both sides share, deployed elsewhere (imported by ARN). */
function rotator(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
    functionArn: `arn:aws:lambda:${stack.region}:${stack.account}:function:secret-rotator`,
    sameEnvironment: true,
  });
}

/** One shared `SecretKey` and N `HardenedSecret`s rotated by the shared function. */
function buildHardened(stack: Stack, n: number): void {
  const key = new SecretKey(stack, 'Key');
  const fn = rotator(stack);
  for (let i = 0; i < n; i++) {
    new HardenedSecret(stack, `S${i}`, { encryptionKey: key, rotation: SecretRotationPolicy.lambda(fn) });
  }
}

/** N pairs of `kms.Key` + `secretsmanager.Secret` with the same rotation. */
function buildPlain(stack: Stack, n: number): void {
  const fn = rotator(stack);
  for (let i = 0; i < n; i++) {
    const encryptionKey = new kms.Key(stack, `K${i}`);
    const secret = new secretsmanager.Secret(stack, `S${i}`, { encryptionKey });
    secret.addRotationSchedule('Rotation', { rotationLambda: fn, automaticallyAfter: Duration.days(30) });
  }
}

const BUILDERS: Record<Variant, Builder> = { hardened: buildHardened, plain: buildPlain };

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

interface Run {
  readonly sample: Sample;
  readonly template: unknown;
}

/**
 * Builds and synthesizes one app.
 *
 * - `analyticsReporting` is on, as the CDK CLI sets it by default, so the template carries the
 *   `AWS::CDK::Metadata` resource a real deployment has.
 * - aws-cdk-lib's own 500-resource check is off (context 0) and its built-in validation rule
 *   for it is acknowledged, on both sides: the plain variant needs 4 resources per secret and
 *   would throw (or warn on every iteration) at N=160. The limits are checked here instead.
 */
function runOnce(variant: Variant, n: number, outdir: string, readTemplate: boolean): Run {
  const start = process.hrtime.bigint();
  const app = new App({ outdir, analyticsReporting: true, context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 } });
  const stack = new Stack(app, STACK_ID, { env: ENV });
  Validations.of(stack).acknowledge({ id: TOO_MANY_RESOURCES_RULE, reason: 'benchmark: resource counts are reported, not deployed' });
  BUILDERS[variant](stack, n);
  const built = process.hrtime.bigint();
  const assembly = app.synth();
  const end = process.hrtime.bigint();

  const template: unknown = readTemplate ? assembly.getStackArtifact(stack.artifactId).template : undefined;
  return {
    sample: { totalMs: elapsedMs(start, end), constructMs: elapsedMs(start, built), synthMs: elapsedMs(built, end) },
    template,
  };
}

function templateStats(template: unknown): TemplateStats {
  const resources = Object.values((template as Template).Resources ?? {});
  const resourceTypes: Record<string, number> = {};
  let hostedRotations = 0;
  for (const resource of resources) {
    const type = resource.Type ?? '<no type>';
    resourceTypes[type] = (resourceTypes[type] ?? 0) + 1;
    if (type === 'AWS::SecretsManager::RotationSchedule' && resource.Properties?.HostedRotationLambda !== undefined) {
      hostedRotations++;
    }
  }
  return {
    bytes: Buffer.byteLength(JSON.stringify(template), 'utf8'),
    resources: resources.length,
    resourceTypes,
    hostedRotations,
  };
}

function summarize(samples: Sample[], template: TemplateStats): VariantResult {
  return {
    medianMs: median(samples.map((s) => s.totalMs)),
    constructMedianMs: median(samples.map((s) => s.constructMs)),
    synthMedianMs: median(samples.map((s) => s.synthMs)),
    samplesMs: samples.map((s) => round(s.totalMs, 2)),
    template,
  };
}

/** A full GC, then one run; `gcMs` is reported with `--verbose` and is never part of the sample. */
function collectAndRun(variant: Variant, n: number, outdir: string, readTemplate: boolean): Run & { gcMs: number } {
  const gcMs = collectGarbage();
  return { ...runOnce(variant, n, outdir, readTemplate), gcMs };
}

function logRun(n: number, iteration: number, timed: boolean, variant: Variant, run: Run & { gcMs: number }): void {
  const { totalMs, constructMs, synthMs } = run.sample;
  console.error(
    `    N=${n} #${iteration} ${timed ? 'timed' : 'warm-up'} ${variant}: ${fmt(totalMs, 1)} ms ` +
      `(construct ${fmt(constructMs, 1)} + synth ${fmt(synthMs, 1)}; gc before ${fmt(run.gcMs, 1)})`,
  );
}

function measureSize(n: number, options: Options, outdirs: Record<Variant, string>): SizeResult {
  const samples: Record<Variant, Sample[]> = { hardened: [], plain: [] };
  const stats: Partial<Record<Variant, TemplateStats>> = {};
  // Iteration i runs hardened first when i is even, plain first when it is odd.
  interleavedRounds(VARIANTS, options.warmup, options.iterations, (variant, i, timed) => {
    const first = stats[variant] === undefined;
    const run = collectAndRun(variant, n, outdirs[variant], first);
    if (options.verbose) {
      logRun(n, i, timed, variant, run);
    }
    if (first) {
      stats[variant] = templateStats(run.template);
    }
    if (timed) {
      samples[variant].push(run.sample);
    }
  });
  const hardened = summarize(samples.hardened, stats.hardened!);
  const plain = summarize(samples.plain, stats.plain!);
  return { n, hardened, plain, ratio: hardened.medianMs / plain.medianMs };
}

/** The template of a size that was not measured (the N = 1 baseline, the N = 160 fit check). */
function statsFor(results: SizeResult[], variant: Variant, n: number, outdir: string): TemplateStats {
  const measured = results.find((r) => r.n === n);
  return measured ? measured[variant].template : templateStats(runOnce(variant, n, outdir, true).template);
}

function addResourcesPerExtraSecret(results: SizeResult[], outdirs: Record<Variant, string>): void {
  for (const variant of VARIANTS) {
    const base = statsFor(results, variant, 1, outdirs[variant]).resources;
    for (const r of results.filter((x) => x.n > 1)) {
      r[variant].resourcesPerExtraSecret = (r[variant].template.resources - base) / (r.n - 1);
    }
  }
}

/**
 * Untimed rounds at the largest N, so that the first sizes are not measured on cold code (the
 * first synth of a process also starts aws-cdk-lib's validation engine, which takes seconds).
 */
function warmUpGlobally(n: number, outdirs: Record<Variant, string>): void {
  for (let i = 0; i < GLOBAL_WARMUP_ROUNDS; i++) {
    for (const variant of alternate(VARIANTS, i)) {
      runOnce(variant, n, outdirs[variant], false);
    }
  }
}

/** What the measuring child sends back to the parent. */
interface Measurement {
  readonly results: SizeResult[];
  /** The hardened template at N = 160. */
  readonly fit: TemplateStats;
}

function measureAll(options: Options): Measurement {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const outdirs: Record<Variant, string> = { hardened: path.join(root, 'hardened'), plain: path.join(root, 'plain') };
  try {
    warmUpGlobally(Math.max(...options.sizes), outdirs);
    const results: SizeResult[] = [];
    for (const n of options.sizes) {
      const r = measureSize(n, options, outdirs);
      console.error(`  N=${n}: hardened ${fmt(r.hardened.medianMs, 1)} ms, plain ${fmt(r.plain.medianMs, 1)} ms, ratio ${fmt(r.ratio, 2)}`);
      results.push(r);
    }
    addResourcesPerExtraSecret(results, outdirs);
    return { results, fit: statsFor(results, 'hardened', LIMITS.fitN, outdirs.hardened) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

function checkRatio(results: SizeResult[]): Check {
  const name = `synth time ratio hardened/plain at N=${LIMITS.ratioAtN} <= ${LIMITS.maxRatio}`;
  const r = results.find((x) => x.n === LIMITS.ratioAtN);
  if (!r) {
    return { name, status: 'SKIP', detail: `N=${LIMITS.ratioAtN} not measured` };
  }
  const detail = `${fmt(r.ratio, 2)} (${fmt(r.hardened.medianMs, 1)} ms / ${fmt(r.plain.medianMs, 1)} ms)`;
  return { name, status: r.ratio <= LIMITS.maxRatio ? 'PASS' : 'FAIL', detail };
}

function checkResourcesPerSecret(results: SizeResult[]): Check {
  const name = `hardened resources per extra secret <= ${LIMITS.maxResourcesPerExtraSecret}`;
  const values = results
    .map((r) => r.hardened.resourcesPerExtraSecret)
    .filter((v): v is number => v !== undefined);
  if (values.length === 0) {
    return { name, status: 'SKIP', detail: 'no N > 1 measured' };
  }
  const worst = Math.max(...values);
  return {
    name,
    status: worst <= LIMITS.maxResourcesPerExtraSecret ? 'PASS' : 'FAIL',
    detail: `max ${fmt(worst, 2)} over N = ${results.filter((r) => r.n > 1).map((r) => r.n).join(', ')}`,
  };
}

/**
 * Counts the resources CloudFormation deploys: the AWS::SecretsManager transform replaces each
 * hosted rotation with a nested stack, which the synthesized template does not show.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-secretsmanager.html
 */
function checkFit(fit: TemplateStats): Check {
  const deployed = fit.resources + fit.hostedRotations;
  const ok = deployed <= LIMITS.maxResources && fit.bytes <= LIMITS.maxTemplateBytes;
  return {
    name: `${LIMITS.fitN} hardened secrets fit one stack (<= ${LIMITS.maxResources} resources after the transform, <= ${int(LIMITS.maxTemplateBytes)} bytes)`,
    status: ok ? 'PASS' : 'FAIL',
    detail: `${fit.resources} resources + ${fit.hostedRotations} hosted-rotation nested stacks, ${int(fit.bytes)} bytes`,
  };
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const LEGEND = [
  '- hardened: one shared `SecretKey` + N `HardenedSecret` (this library)',
  '- plain: N × (`kms.Key` + `secretsmanager.Secret`) with aws-cdk-lib only, as in the aws-cdk README',
  '- both: every secret rotated by one shared rotation function; one stack; time = construct + `app.synth()`, median;',
  '  ratio = hardened / plain, measured in the same process; bytes = `JSON.stringify(template)`; resources include `AWS::CDK::Metadata`',
].join('\n');

function resultsTable(results: SizeResult[]): string {
  const header = [
    'N',
    'hardened ms',
    'plain ms',
    'ratio hardened/plain',
    'hardened template bytes',
    'plain template bytes',
    'hardened resources',
    'plain resources',
    'resources per extra secret (hardened / plain)',
  ];
  const rows = results.map((r) => [
    String(r.n),
    fmt(r.hardened.medianMs, 1),
    fmt(r.plain.medianMs, 1),
    fmt(r.ratio, 2),
    int(r.hardened.template.bytes),
    int(r.plain.template.bytes),
    String(r.hardened.template.resources),
    String(r.plain.template.resources),
    r.n > 1 ? `${fmt(r.hardened.resourcesPerExtraSecret!, 2)} / ${fmt(r.plain.resourcesPerExtraSecret!, 2)}` : '-',
  ]);
  return markdownTable(header, header.map(() => '---:'), rows);
}

function splitTable(results: SizeResult[]): string {
  const lines = results.map(
    (r) =>
      `  N=${r.n}: hardened construct ${fmt(r.hardened.constructMedianMs, 1)} + synth ${fmt(r.hardened.synthMedianMs, 1)} ms; ` +
      `plain construct ${fmt(r.plain.constructMedianMs, 1)} + synth ${fmt(r.plain.synthMedianMs, 1)} ms`,
  );
  return ['Median split (construct + app.synth()):', ...lines].join('\n');
}

function environment(options: Options): Environment {
  return {
    ...machine(),
    awsCdkLib: packageVersion('aws-cdk-lib'),
    warmup: options.warmup,
    iterations: options.iterations,
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

const USAGE = 'usage: bench/synth.ts [--n 1,10,100,160] [--iterations N>=5] [--warmup N>=0] [--verbose]';

function parsePositiveInts(flag: string, text: string, min: number): number[] {
  const values = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`${flag}: expected integers >= ${min}, got '${text}'\n${USAGE}`);
  }
  return values;
}

function parseArgs(argv: string[]): Options {
  const { values: given, switches } = parseFlags(argv, { valued: ['--n', '--iterations', '--warmup'], switches: ['--verbose'], usage: USAGE });
  const sizes = given['--n'] ? parsePositiveInts('--n', given['--n'], 1) : DEFAULT_SIZES;
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    iterations: given['--iterations'] ? parsePositiveInts('--iterations', given['--iterations'], MIN_ITERATIONS)[0] : DEFAULT_ITERATIONS,
    warmup: given['--warmup'] ? parsePositiveInts('--warmup', given['--warmup'], 0)[0] : DEFAULT_WARMUP,
    verbose: switches.has('--verbose'),
  };
}

// ---------------------------------------------------------------------------------------------
// Main: the parent reports, the child measures
// ---------------------------------------------------------------------------------------------

/** Parent: print the tables and the checks, write the results; 1 when a check fails. */
function report(options: Options, env: Environment, measurement: Measurement, startedAt: bigint): number {
  const { results, fit } = measurement;
  const checks = [checkRatio(results), checkResourcesPerSecret(results), checkFit(fit)];
  const times = runTimes(startedAt);

  console.log(`\nMedian of ${options.iterations} timed iterations (after ${options.warmup} warm-up), construct + app.synth():\n`);
  console.log(resultsTable(results));
  console.log(`\n${LEGEND}`);
  console.log(`\n${splitTable(results)}\n`);
  printSummary(checks, times, RESULTS_FILE);

  writeResults(RESULTS_FILE, { environment: env, limits: LIMITS, times }, { results, fitCheck: fit }, checks);
  return exitCode(checks);
}

runBenchmark({
  file: __filename,
  childEnv: CHILD_ENV,
  title: 'Synth benchmark',
  parseArgs,
  environment,
  measure: measureAll,
  report,
});
