/**
 * Monitoring benchmark: what a `SecretAccessMonitor` costs as the number of watched secrets grows.
 *
 * For each N (default 1, 100, 1,000), in one process, interleaved:
 *
 * - "monitored": one stack with one shared `SecretKey`, N `HardenedSecret`s (each with one
 *   reader, three reader roles shared among them) and a `SecretAccessMonitor` on an existing
 *   organisation-trail log group that watches every secret (`monitor.watch(secret)`);
 * - "baseline": the same stack without the monitor.
 *
 * It reports the metric filters, alarms and EventBridge rules the monitor adds (they must not
 * grow with N) and the synth-time ratio monitored / baseline (the baseline cancels out the machine).
 * 1,000 secrets exceed CloudFormation's 500 resources per stack: aws-cdk-lib's check is turned off,
 * as in bench/synth.ts; the benchmark measures synthesis, nothing is deployed.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/monitor.ts [--n 1,100,1000] [--iterations 5] [--warmup 1]`
 * Writes `bench/results/monitor.json`; exits 1 when a check fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  Check, collectGarbage, elapsedMs, Environment, exitCode, fmt, int, interleavedRounds, machine, markdownTable, median,
  packageVersion, parseFlags, printSummary, runBenchmark, runTimes, writeResults,
} from './common';
import { HardenedSecret, SecretAccessMonitor, SecretKey, SecretRotationPolicy } from '../src';

const DEFAULT_SIZES = [1, 100, 1000];
const DEFAULT_ITERATIONS = 5;
const DEFAULT_WARMUP = 1;
const ENV = { account: '111111111111', region: 'eu-west-1' };
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';
const TOO_MANY_RESOURCES_RULE = 'CloudFormation-Validate::F0007';
const RESULTS_FILE = path.join(__dirname, 'results', 'monitor.json');
const CHILD_ENV = 'BENCH_MONITOR_MEASURE';
const LIMITS = {
  /** Synth-time ratio monitored / baseline at the largest N. */
  maxRatio: 1.5,
};

type Variant = 'monitored' | 'baseline';
const VARIANTS: readonly Variant[] = ['monitored', 'baseline'];

interface Options {
  readonly sizes: number[];
  readonly iterations: number;
  readonly warmup: number;
}

interface Counts {
  readonly resources: number;
  readonly metricFilters: number;
  readonly alarms: number;
  readonly eventRules: number;
}

interface SizeResult {
  readonly n: number;
  readonly monitoredMs: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly monitored: Counts;
  readonly baseline: Counts;
}

function build(variant: Variant, n: number, outdir: string): { app: App; stack: Stack } {
  const app = new App({ outdir, context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 } });
  const stack = new Stack(app, 'Bench', { env: ENV });
  Validations.of(stack).acknowledge({ id: TOO_MANY_RESOURCES_RULE, reason: 'benchmark: resource counts are reported, not deployed' });
  const monitor = variant === 'monitored'
    ? new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'org-trail') })
    : undefined;
  const key = new SecretKey(stack, 'Key');
  const readers = [0, 1, 2].map((i) => iam.Role.fromRoleArn(stack, `Reader${i}`, `arn:aws:iam::${ENV.account}:role/reader-${i}`, { mutable: false }));
  for (let i = 0; i < n; i++) {
    const secret = new HardenedSecret(stack, `S${i}`, {
      encryptionKey: key,
      rotation: SecretRotationPolicy.none('Benchmark secret without rotation'),
      readers: [readers[i % readers.length]],
    });
    monitor?.watch(secret);
  }
  return { app, stack };
}

function count(template: { Resources?: Record<string, { Type: string }> }): Counts {
  const types = Object.values(template.Resources ?? {}).map((r) => r.Type);
  const of = (t: string) => types.filter((x) => x === t).length;
  return { resources: types.length, metricFilters: of('AWS::Logs::MetricFilter'), alarms: of('AWS::CloudWatch::Alarm'), eventRules: of('AWS::Events::Rule') };
}

function runOnce(variant: Variant, n: number, outdir: string): { ms: number; counts: Counts } {
  const start = process.hrtime.bigint();
  const { app, stack } = build(variant, n, outdir);
  const assembly = app.synth();
  const ms = elapsedMs(start, process.hrtime.bigint());
  return { ms, counts: count(assembly.getStackArtifact(stack.artifactId).template) };
}

function measure(options: Options): SizeResult[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-monitor-'));
  try {
    const results: SizeResult[] = [];
    for (const n of options.sizes) {
      const samples: Record<Variant, number[]> = { monitored: [], baseline: [] };
      const counts: Partial<Record<Variant, Counts>> = {};
      interleavedRounds(VARIANTS, options.warmup, options.iterations, (variant, _r, timed) => {
        collectGarbage();
        const run = runOnce(variant, n, outdir);
        counts[variant] = run.counts;
        if (timed) {
          samples[variant].push(run.ms);
        }
      });
      const monitoredMs = median(samples.monitored);
      const baselineMs = median(samples.baseline);
      console.error(`  N=${n}: monitored ${fmt(monitoredMs, 1)} ms, baseline ${fmt(baselineMs, 1)} ms`);
      results.push({ n, monitoredMs, baselineMs, ratio: monitoredMs / baselineMs, monitored: counts.monitored!, baseline: counts.baseline! });
    }
    return results;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function checks(results: SizeResult[]): Check[] {
  const added = (r: SizeResult) => `${r.monitored.metricFilters - r.baseline.metricFilters}/${r.monitored.alarms - r.baseline.alarms}/${r.monitored.eventRules - r.baseline.eventRules}`;
  const distinct = new Set(results.map(added));
  const largest = results[results.length - 1];
  return [
    {
      name: 'metric filters / alarms / rules added by the monitor do not grow with N',
      status: distinct.size === 1 ? 'PASS' : 'FAIL',
      detail: results.map((r) => `N=${r.n}: ${added(r)}`).join(', '),
    },
    {
      name: `synth time ratio monitored/baseline at N=${largest.n} <= ${LIMITS.maxRatio}`,
      status: largest.ratio <= LIMITS.maxRatio ? 'PASS' : 'FAIL',
      detail: `${fmt(largest.ratio, 2)} (${fmt(largest.monitoredMs, 1)} ms / ${fmt(largest.baselineMs, 1)} ms)`,
    },
  ];
}

function table(results: SizeResult[]): string {
  const header = ['watched secrets', 'metric filters', 'alarms', 'EventBridge rules', 'monitored ms', 'baseline ms', 'ratio', 'template resources (monitored / baseline)'];
  const rows = results.map((r) => [
    int(r.n),
    String(r.monitored.metricFilters),
    String(r.monitored.alarms),
    String(r.monitored.eventRules),
    fmt(r.monitoredMs, 1),
    fmt(r.baselineMs, 1),
    fmt(r.ratio, 2),
    `${int(r.monitored.resources)} / ${int(r.baseline.resources)}`,
  ]);
  return markdownTable(header, header.map(() => '---:'), rows);
}

const USAGE = 'usage: bench/monitor.ts [--n 1,100,1000] [--iterations N>=3] [--warmup N>=0]';

function ints(flag: string, text: string, min: number): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`${flag}: expected integers >= ${min}, got '${text}'\n${USAGE}`);
  }
  return values;
}

function parseArgs(argv: string[]): Options {
  const { values } = parseFlags(argv, { valued: ['--n', '--iterations', '--warmup'], switches: [], usage: USAGE });
  return {
    sizes: [...new Set(values['--n'] ? ints('--n', values['--n'], 1) : DEFAULT_SIZES)].sort((a, b) => a - b),
    iterations: values['--iterations'] ? ints('--iterations', values['--iterations'], 3)[0] : DEFAULT_ITERATIONS,
    warmup: values['--warmup'] ? ints('--warmup', values['--warmup'], 0)[0] : DEFAULT_WARMUP,
  };
}

function environment(options: Options): Environment {
  return { ...machine(), awsCdkLib: packageVersion('aws-cdk-lib'), warmup: options.warmup, iterations: options.iterations };
}

function report(options: Options, env: Environment, results: SizeResult[], startedAt: bigint): number {
  const judged = checks(results);
  const times = runTimes(startedAt);
  console.log(`\nMedian of ${options.iterations} timed iterations (after ${options.warmup} warm-up), new App + constructs + app.synth():\n`);
  console.log(table(results));
  console.log('\n- monitored: N `HardenedSecret` (shared `SecretKey`, 3 shared reader roles) + one `SecretAccessMonitor` on an existing log group');
  console.log('- baseline: the same N secrets without a monitor, measured in the same process, interleaved; ratio = monitored / baseline\n');
  printSummary(judged, times, RESULTS_FILE);
  writeResults(RESULTS_FILE, { environment: env, limits: LIMITS, times }, { results }, judged);
  return exitCode(judged);
}

runBenchmark({ file: __filename, childEnv: CHILD_ENV, title: 'Monitor benchmark', parseArgs, environment, measure, report });
