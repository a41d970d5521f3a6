/**
 * Monitoring benchmark: what a `SecretAccessMonitor` costs as the number of watched secrets, and
 * of their readers, grows.
 *
 * Two scenarios, each for N secrets (default 1, 100, 1,000), in one process, interleaved:
 *
 * - `restrictive` (issue 15, part 4): N `HardenedSecret`s in `SecretAccessMode.RESTRICTIVE`, one
 *   shared `SecretKey`, secret i read by its own new `iam.Role` (N distinct readers), one
 *   break-glass role; the monitor knows the break-glass role (`breakGlassRoles`) and lists no
 *   reader;
 * - `shared-readers`: N STANDARD `HardenedSecret`s, one shared `SecretKey`, three reader roles
 *   shared among them (a STANDARD allow-list fits a metric filter only while the distinct readers
 *   are few: 12 new roles fit, 20 fail synth).
 *
 * Each is measured "monitored" (a `SecretAccessMonitor` on an existing organisation-trail log group
 * that watches every secret) and "baseline" (the same stack without the monitor). It reports the
 * metric filters and EventBridge rules (they must not grow with N, at most 12), the alarms, and
 * the synth-time ratio monitored / baseline (the baseline cancels out the machine). 1,000 secrets
 * exceed CloudFormation's 500 resources per stack: aws-cdk-lib's check is turned off, as in
 * bench/synth.ts; the benchmark measures synthesis, nothing is deployed.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/monitor.ts [--n 1,100,1000] [--scenario restrictive,shared-readers] [--iterations 5] [--warmup 1]`
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
import { HardenedSecret, SecretAccessMode, SecretAccessMonitor, SecretKey, SecretRotationPolicy } from '../src';

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
  /** Metric filters and EventBridge rules of the monitor, at every N. */
  maxDetectors: 12,
};

type Variant = 'monitored' | 'baseline';
const VARIANTS: readonly Variant[] = ['monitored', 'baseline'];

type Scenario = 'restrictive' | 'shared-readers';
const SCENARIOS: readonly Scenario[] = ['restrictive', 'shared-readers'];
const SCENARIO_TEXT: Record<Scenario, string> = {
  'restrictive': 'N RESTRICTIVE `HardenedSecret`s (shared `SecretKey`), secret i read by its own new role (N distinct readers), one break-glass role given to the monitor',
  'shared-readers': 'N STANDARD `HardenedSecret`s (shared `SecretKey`), 3 reader roles shared among them',
};

interface Options {
  readonly sizes: number[];
  readonly scenarios: Scenario[];
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
  readonly scenario: Scenario;
  readonly n: number;
  readonly monitoredMs: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly monitored: Counts;
  readonly baseline: Counts;
}

function build(scenario: Scenario, variant: Variant, n: number, outdir: string): { app: App; stack: Stack } {
  const app = new App({ outdir, context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 } });
  const stack = new Stack(app, 'Bench', { env: ENV });
  Validations.of(stack).acknowledge({ id: TOO_MANY_RESOURCES_RULE, reason: 'benchmark: resource counts are reported, not deployed' });
  const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', `arn:aws:iam::${ENV.account}:role/break-glass`, { mutable: false });
  const monitor = variant === 'monitored'
    ? new SecretAccessMonitor(stack, 'Monitor', {
      cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'org-trail'),
      breakGlassRoles: scenario === 'restrictive' ? [breakGlass] : undefined,
    })
    : undefined;
  const key = new SecretKey(stack, 'Key');
  const shared = [0, 1, 2].map((i) => iam.Role.fromRoleArn(stack, `Reader${i}`, `arn:aws:iam::${ENV.account}:role/reader-${i}`, { mutable: false }));
  const rotation = SecretRotationPolicy.none('Benchmark secret without rotation');
  for (let i = 0; i < n; i++) {
    const secret = scenario === 'restrictive'
      ? new HardenedSecret(stack, `S${i}`, {
        encryptionKey: key,
        rotation,
        readers: [new iam.Role(stack, `R${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })],
        breakGlassRoles: [breakGlass],
        accessMode: SecretAccessMode.RESTRICTIVE,
      })
      : new HardenedSecret(stack, `S${i}`, { encryptionKey: key, rotation, readers: [shared[i % shared.length]] });
    monitor?.watch(secret);
  }
  return { app, stack };
}

function count(template: { Resources?: Record<string, { Type: string }> }): Counts {
  const types = Object.values(template.Resources ?? {}).map((r) => r.Type);
  const of = (t: string) => types.filter((x) => x === t).length;
  return { resources: types.length, metricFilters: of('AWS::Logs::MetricFilter'), alarms: of('AWS::CloudWatch::Alarm'), eventRules: of('AWS::Events::Rule') };
}

function runOnce(scenario: Scenario, variant: Variant, n: number, outdir: string): { ms: number; counts: Counts } {
  const start = process.hrtime.bigint();
  const { app, stack } = build(scenario, variant, n, outdir);
  const assembly = app.synth();
  const ms = elapsedMs(start, process.hrtime.bigint());
  return { ms, counts: count(assembly.getStackArtifact(stack.artifactId).template) };
}

function measure(options: Options): SizeResult[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-monitor-'));
  try {
    const results: SizeResult[] = [];
    for (const scenario of options.scenarios) {
      for (const n of options.sizes) {
        const samples: Record<Variant, number[]> = { monitored: [], baseline: [] };
        const counts: Partial<Record<Variant, Counts>> = {};
        interleavedRounds(VARIANTS, options.warmup, options.iterations, (variant, _r, timed) => {
          collectGarbage();
          const run = runOnce(scenario, variant, n, outdir);
          counts[variant] = run.counts;
          if (timed) {
            samples[variant].push(run.ms);
          }
        });
        const monitoredMs = median(samples.monitored);
        const baselineMs = median(samples.baseline);
        console.error(`  ${scenario} N=${n}: monitored ${fmt(monitoredMs, 1)} ms, baseline ${fmt(baselineMs, 1)} ms`);
        const ratio = monitoredMs / baselineMs;
        results.push({ scenario, n, monitoredMs, baselineMs, ratio, monitored: counts.monitored!, baseline: counts.baseline! });
      }
    }
    return results;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The metric filters and EventBridge rules the monitor adds. */
const detectors = (r: SizeResult) => r.monitored.metricFilters - r.baseline.metricFilters + r.monitored.eventRules - r.baseline.eventRules;

function checks(results: SizeResult[]): Check[] {
  const added = (r: SizeResult) => `${r.monitored.metricFilters - r.baseline.metricFilters}/${r.monitored.alarms - r.baseline.alarms}/${r.monitored.eventRules - r.baseline.eventRules}`;
  return [...new Set(results.map((r) => r.scenario))].flatMap((scenario) => {
    const own = results.filter((r) => r.scenario === scenario);
    const largest = own[own.length - 1];
    return [
      {
        name: `${scenario}: metric filters / alarms / rules added by the monitor do not grow with N`,
        status: new Set(own.map(added)).size === 1 ? 'PASS' : 'FAIL',
        detail: own.map((r) => `N=${r.n}: ${added(r)}`).join(', '),
      },
      {
        name: `${scenario}: at most ${LIMITS.maxDetectors} metric filters and EventBridge rules at every N`,
        status: own.every((r) => detectors(r) <= LIMITS.maxDetectors) ? 'PASS' : 'FAIL',
        detail: own.map((r) => `N=${r.n}: ${detectors(r)}`).join(', '),
      },
      {
        name: `${scenario}: synth time ratio monitored/baseline at N=${largest.n} <= ${LIMITS.maxRatio}`,
        status: largest.ratio <= LIMITS.maxRatio ? 'PASS' : 'FAIL',
        detail: `${fmt(largest.ratio, 2)} (${fmt(largest.monitoredMs, 1)} ms / ${fmt(largest.baselineMs, 1)} ms)`,
      },
    ] satisfies Check[];
  });
}

function table(results: SizeResult[]): string {
  const header = ['scenario', 'watched secrets', 'distinct readers', 'metric filters + rules', 'alarms', 'monitored ms', 'baseline ms', 'ratio', 'template resources (monitored / baseline)'];
  const rows = results.map((r) => [
    r.scenario,
    int(r.n),
    int(r.scenario === 'restrictive' ? r.n : Math.min(r.n, 3)),
    `${r.monitored.metricFilters} + ${r.monitored.eventRules}`,
    String(r.monitored.alarms),
    fmt(r.monitoredMs, 1),
    fmt(r.baselineMs, 1),
    fmt(r.ratio, 2),
    `${int(r.monitored.resources)} / ${int(r.baseline.resources)}`,
  ]);
  return markdownTable(header, header.map((_, i) => (i === 0 ? '---' : '---:')), rows);
}

const USAGE = `usage: bench/monitor.ts [--n 1,100,1000] [--scenario ${SCENARIOS.join(',')}] [--iterations N>=3] [--warmup N>=0]`;

function ints(flag: string, text: string, min: number): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`${flag}: expected integers >= ${min}, got '${text}'\n${USAGE}`);
  }
  return values;
}

function parseArgs(argv: string[]): Options {
  const { values } = parseFlags(argv, { valued: ['--n', '--scenario', '--iterations', '--warmup'], switches: [], usage: USAGE });
  const scenarios = values['--scenario'] ? values['--scenario'].split(',').map((s) => s.trim()) : [...SCENARIOS];
  const unknown = scenarios.filter((s) => !SCENARIOS.includes(s as Scenario));
  if (unknown.length > 0 || scenarios.length === 0) {
    throw new Error(`--scenario: expected some of ${SCENARIOS.join(', ')}, got '${values['--scenario']}'\n${USAGE}`);
  }
  return {
    sizes: [...new Set(values['--n'] ? ints('--n', values['--n'], 1) : DEFAULT_SIZES)].sort((a, b) => a - b),
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
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
  console.log('');
  for (const scenario of options.scenarios) {
    console.log(`- ${scenario}: ${SCENARIO_TEXT[scenario]}`);
  }
  console.log('- monitored: the secrets + one `SecretAccessMonitor` on an existing log group, watching each');
  console.log('- baseline: the same secrets without a monitor, measured in the same process, interleaved; ratio = monitored / baseline\n');
  printSummary(judged, times, RESULTS_FILE);
  writeResults(RESULTS_FILE, { environment: env, limits: LIMITS, times }, { results }, judged);
  return exitCode(judged);
}

runBenchmark({ file: __filename, childEnv: CHILD_ENV, title: 'Monitor benchmark', parseArgs, environment, measure, report });
