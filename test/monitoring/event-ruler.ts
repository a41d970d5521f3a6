/**
 * Event Ruler, the matching library EventBridge is built on (software.amazon.event.ruler:event-ruler,
 * https://github.com/aws/event-ruler), run through the small Java harness in ./event-ruler: the
 * monitor's EventBridge patterns are checked by AWS's own matcher, not only by event-pattern.ts.
 *
 * The harness is built by ./event-ruler/build.sh (Maven fetches the library from Maven Central);
 * .ci/run builds it before the tests. `ensureEventRuler` builds it when it is missing or older than
 * its sources and Maven is on the PATH.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.join(__dirname, 'event-ruler');
const CLASSES = path.join(DIR, 'target', 'classes');
const CLASSPATH_FILE = path.join(DIR, 'target', 'classpath.txt');
const SOURCES = [path.join(DIR, 'pom.xml'), path.join(DIR, 'src', 'main', 'java', 'harness', 'Matches.java'), path.join(DIR, 'build.sh')];
/** The command that builds the harness, for messages. */
export const BUILD_COMMAND = 'test/monitoring/event-ruler/build.sh';

function built(): boolean {
  if (!fs.existsSync(CLASSPATH_FILE) || !fs.existsSync(path.join(CLASSES, 'harness', 'Matches.class'))) {
    return false;
  }
  const builtAt = fs.statSync(CLASSPATH_FILE).mtimeMs;
  return SOURCES.every((s) => fs.statSync(s).mtimeMs <= builtAt);
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure the harness is built.
 *
 * @returns undefined when it is ready, else why it is not
 */
export function ensureEventRuler(): string | undefined {
  if (built()) {
    return undefined;
  }
  if (!onPath('java') || !onPath('mvn')) {
    return `the Event Ruler harness is not built, and java or mvn is not on the PATH: install Java 17 and Maven, then run ${BUILD_COMMAND}`;
  }
  const build = spawnSync('bash', [path.join(DIR, 'build.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (build.status !== 0 || !built()) {
    return `${BUILD_COMMAND} failed (exit ${build.status}): ${(build.stderr || build.stdout || '').slice(-2000)}`;
  }
  return undefined;
}

/** One question for Event Ruler: does `event` (an EventBridge event) match `pattern`? */
export interface RulerCase {
  readonly pattern: unknown;
  readonly event: unknown;
}

/** Event Ruler's answer to each case, in one JVM run; throws when it refuses a pattern or an event. */
export function eventRulerMatches(cases: readonly RulerCase[]): boolean[] {
  const classpath = [CLASSES, fs.readFileSync(CLASSPATH_FILE, 'utf8').trim()].join(path.delimiter);
  const run = spawnSync('java', ['-cp', classpath, 'harness.Matches'], {
    input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`the Event Ruler harness exited ${run.status}: ${run.stderr}`);
  }
  const answers = run.stdout.trim().split('\n');
  if (answers.length !== cases.length) {
    throw new Error(`the Event Ruler harness answered ${answers.length} of ${cases.length} cases: ${run.stdout} ${run.stderr}`);
  }
  return answers.map((a, i) => {
    if (a !== 'true' && a !== 'false') {
      throw new Error(`Event Ruler refused case ${i} (${JSON.stringify(cases[i])}): ${a}`);
    }
    return a === 'true';
  });
}
