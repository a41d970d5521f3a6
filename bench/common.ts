/**
 * What the benchmarks (`bench/synth.ts`, `bench/nag.ts`) share: the parent / child process
 * scaffolding, timing, statistics, formatting, argument parsing and the results file.
 *
 * Why a child process: a benchmark is started by type-checking ts-node, which keeps the whole
 * TypeScript program (about 800 MB of heap) alive; every major GC then costs ~0.7 s and would
 * land inside timed runs at random. So the process that is started only type-checks, reports and
 * writes the results; `runBenchmark` forks the same file with transpile-only ts-node and
 * `--expose-gc`, and that child, whose heap holds nothing but the CDK apps, does the timing.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TSCONFIG = path.join(__dirname, '..', 'tsconfig.dev.json');

// ---------------------------------------------------------------------------------------------
// Timing and statistics
// ---------------------------------------------------------------------------------------------

/** Milliseconds between two `process.hrtime.bigint()` readings. */
export function elapsedMs(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

/**
 * A full, synchronous garbage collection, so that it never lands inside a timed run.
 * Returns how long it took, in milliseconds (reported with `--verbose`, never part of a sample).
 */
export function collectGarbage(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('the measuring process must run with --expose-gc');
  }
  const start = process.hrtime.bigint();
  gc();
  return elapsedMs(start, process.hrtime.bigint());
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The contenders of round `r`: in their order when `r` is even, reversed when it is odd. */
export function alternate<T>(items: readonly T[], r: number): readonly T[] {
  return r % 2 === 0 ? items : [...items].reverse();
}

/**
 * `warmup` untimed rounds, then `rounds` timed ones; each round calls `run` once for every item,
 * alternating which one goes first (see `alternate`), so that drift (thermal throttling, other
 * load on the machine, heap growth) hits every contender alike.
 */
export function interleavedRounds<T>(
  items: readonly T[],
  warmup: number,
  rounds: number,
  run: (item: T, round: number, timed: boolean) => void,
): void {
  for (let r = 0; r < warmup + rounds; r++) {
    const timed = r >= warmup;
    for (const item of alternate(items, r)) {
      run(item, r, timed);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function fmt(value: number, digits: number): string {
  return value.toFixed(digits);
}

/** An integer with thousands separators: `1,000,000`. */
export function int(value: number): string {
  return value.toLocaleString('en-US');
}

/** A Markdown table; `align` holds one `---` (left) or `---:` (right) per column. */
export function markdownTable(header: readonly string[], align: readonly string[], rows: readonly string[][]): string {
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Environment, checks and results
// ---------------------------------------------------------------------------------------------

export type Environment = Record<string, string | number>;

/** The machine a benchmark runs on: Node.js version, platform, CPU model and count. */
export function machine(): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
  };
}

/** The installed version of an npm package, e.g. `aws-cdk-lib`. */
export function packageVersion(name: string): string {
  const manifest: unknown = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  return (manifest as { version?: string }).version ?? 'unknown';
}

export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP';

/** One judged threshold. */
export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** 1 when a check failed, else 0. */
export function exitCode(checks: readonly Check[]): number {
  return checks.some((c) => c.status === 'FAIL') ? 1 : 0;
}

/** How long the run took, in seconds. */
export interface RunTimes {
  /** Since the parent started measuring (`startedAt`). */
  readonly totalSeconds: number;
  /** Since the process started, including ts-node's type-check. */
  readonly wholeRunSeconds: number;
}

export function runTimes(startedAt: bigint): RunTimes {
  return {
    totalSeconds: round(elapsedMs(startedAt, process.hrtime.bigint()) / 1000, 1),
    wholeRunSeconds: round(process.uptime(), 1),
  };
}

/** Prints one line per check, then how long the run took and where the results are written. */
export function printSummary(checks: readonly Check[], times: RunTimes, resultsFile: string): void {
  for (const c of checks) {
    console.log(`${c.status} ${c.name}: ${c.detail}`);
  }
  console.log(
    `\nMeasured in ${times.totalSeconds} s (whole run including ts-node type-check: ${times.wholeRunSeconds} s); ` +
      `results written to ${path.relative(process.cwd(), resultsFile)}`,
  );
}

/** What every results file starts with. */
export interface ResultsHeader {
  readonly environment: Environment;
  readonly limits: object;
  readonly times: RunTimes;
}

/**
 * Writes `{ generatedAt, environment, limits, totalSeconds, wholeRunSeconds, ...body, checks }`
 * to `file` as indented JSON.
 */
export function writeResults(file: string, header: ResultsHeader, body: object, checks: readonly Check[]): void {
  const payload = {
    generatedAt: new Date().toISOString(),
    environment: header.environment,
    limits: header.limits,
    totalSeconds: header.times.totalSeconds,
    wholeRunSeconds: header.times.wholeRunSeconds,
    ...body,
    checks,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(payload, undefined, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

/** The flags a benchmark accepts. */
export interface FlagSpec {
  /** Flags that take a value, as `--flag value` or `--flag=value`. */
  readonly valued: readonly string[];
  /** Flags without a value. */
  readonly switches: readonly string[];
  /** Appended to every error message. */
  readonly usage: string;
}

export interface Flags {
  /** The raw value of each valued flag given (the last one wins). */
  readonly values: Record<string, string>;
  /** The switches given. */
  readonly switches: ReadonlySet<string>;
}

/** Splits `argv` into flag values and switches; throws on an unknown flag or a missing value. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (spec.switches.includes(flag) && inline === undefined) {
      switches.add(flag);
      continue;
    }
    if (!spec.valued.includes(flag)) {
      throw new Error(`unknown argument '${argv[i]}'\n${spec.usage}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      throw new Error(`${flag} needs a value\n${spec.usage}`);
    }
    values[flag] = value;
  }
  return { values, switches };
}

// ---------------------------------------------------------------------------------------------
// Main: the parent reports, the child measures
// ---------------------------------------------------------------------------------------------

/** One benchmark, as `runBenchmark` drives it. */
export interface Benchmark<O, M> {
  /** The benchmark's own file (`__filename`), forked as the measuring child. */
  readonly file: string;
  /** Set in the environment of the measuring child process. */
  readonly childEnv: string;
  /** Starts the first line, before the environment. */
  readonly title: string;
  /** Parses (and validates) the command line; throws with a usage message. */
  readonly parseArgs: (argv: string[]) => O;
  /** What is printed on the first line and stored in the results. */
  readonly environment: (options: O) => Environment;
  /** Child: does the timing; the result is sent to the parent (it must survive JSON). */
  readonly measure: (options: O) => M;
  /** Parent: prints and writes the results; returns the exit code. */
  readonly report: (options: O, env: Environment, measurement: M, startedAt: bigint) => number;
}

/** Forks `file` as the measuring child (transpile-only ts-node: this process already type-checked it). */
function runChild<M>(file: string, childEnv: string, argv: string[]): Promise<M> {
  return new Promise((resolve, reject) => {
    const child = fork(file, argv, {
      execArgv: ['--expose-gc', '--require', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, [childEnv]: '1', TS_NODE_PROJECT: TSCONFIG },
    });
    let measurement: M | undefined;
    child.on('message', (message: unknown) => {
      measurement = message as M;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (measurement && code === 0) {
        resolve(measurement);
      } else {
        reject(new Error(`measuring process failed (exit code ${code}, signal ${signal})`));
      }
    });
  });
}

/** Parent: validate the arguments, fork the child, print and write the results. */
async function parentMain<O, M>(bench: Benchmark<O, M>): Promise<number> {
  const startedAt = process.hrtime.bigint();
  const argv = process.argv.slice(2);
  const options = bench.parseArgs(argv);
  const env = bench.environment(options);
  console.log(`${bench.title}: ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const measurement = await runChild<M>(bench.file, bench.childEnv, argv);
  return bench.report(options, env, measurement, startedAt);
}

/**
 * Runs a benchmark: in the measuring child (`childEnv` set), measures and sends the numbers to
 * the parent; otherwise, as the parent, forks the child and reports. Exit code 2 on an error.
 */
export function runBenchmark<O, M>(bench: Benchmark<O, M>): void {
  if (process.env[bench.childEnv]) {
    process.send!(bench.measure(bench.parseArgs(process.argv.slice(2))));
    return;
  }
  parentMain(bench).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
