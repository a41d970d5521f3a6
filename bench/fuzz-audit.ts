/**
 * Fuzzing the audit: mutated corpus templates (test/cli/fuzz-corpus.ts: keys deleted, duplicated
 * and retyped, values replaced with random JSON, wrapped in Fn::If, a Transform added, the text
 * truncated or lines repeated, file names starting with a digit) through the command in process,
 * N times. A crash is a run that throws, prints a stack trace, exits other than 0, 1 or 2, prints
 * a line on stderr that does not name the file, or prints JSON that does not parse.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/fuzz-audit.ts [--runs 10000] [--seed N]`.
 * Prints the runs, the crashes (the first ones in full), the exit codes and the time; exits 1 on
 * any crash.
 */
import * as fs from 'node:fs';
import fc from 'fast-check';
import { auditMutant, corpus, fuzzDir, mutantArb } from '../test/cli/fuzz-corpus';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function main(): number {
  const runs = Number(flag('--runs', '10000'));
  const seed = Number(flag('--seed', String(Date.now() % 1_000_000)));
  const templates = corpus();
  const dir = fuzzDir();
  const exits = new Map<number, number>();
  const crashes: string[] = [];
  const start = process.hrtime.bigint();
  try {
    const samples = fc.sample(fc.tuple(mutantArb(templates), fc.constantFrom('text', 'json')), { numRuns: runs, seed });
    samples.forEach(([mutant, format], i) => {
      const outcome = auditMutant(dir, mutant, format);
      exits.set(outcome.exitCode, (exits.get(outcome.exitCode) ?? 0) + 1);
      if (outcome.problems.length > 0) {
        crashes.push(`run ${i} (${mutant.name}, --format ${format}): ${outcome.problems.join('; ')}\n${mutant.text.slice(0, 400)}`);
      }
      if ((i + 1) % 1000 === 0) {
        console.error(`${i + 1} runs, ${crashes.length} crash(es)`);
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`runs: ${runs} (seed ${seed}, ${templates.length} corpus templates)`);
  console.log(`exit codes: ${[...exits].sort(([a], [b]) => a - b).map(([code, n]) => `${code}: ${n}`).join(', ')}`);
  console.log(`crashes: ${crashes.length}`);
  console.log(`time: ${seconds.toFixed(1)} s (${(seconds * 1000 / runs).toFixed(1)} ms per run)`);
  for (const c of crashes.slice(0, 5)) {
    console.log(`\n${c}`);
  }
  return crashes.length === 0 ? 0 : 1;
}

process.exitCode = main();
