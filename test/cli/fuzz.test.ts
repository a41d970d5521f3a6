import * as fs from 'fs';
import fc from 'fast-check';
import { auditMutant, contractProblems, corpus, fuzzDir, mutantArb, mutate } from './fuzz-corpus';

/**
 * Mutated corpus templates (keys deleted, duplicated and retyped, values replaced with random
 * JSON, wrapped in Fn::If, a Transform added, the text truncated or lines repeated, file names
 * starting with a digit) through the command, in process: it never throws, never prints a stack
 * trace, exits 0, 1 or 2, and every line it prints on stderr (exit 2 included) names the file.
 * `bench/fuzz-audit.ts` runs the same property 10,000 times.
 */
describe('audit on mutated templates', () => {
  const templates = corpus();
  let dir: string;
  beforeAll(() => {
    dir = fuzzDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the corpus has templates of both formats', () => {
    expect(templates.filter(t => t.name.endsWith('.json')).length).toBeGreaterThan(10);
    expect(templates.filter(t => t.name.endsWith('.yaml')).length).toBeGreaterThan(10);
  });

  test('never a crash: exit 0, 1 or 2, no stack trace, every message names the file', () => {
    const exits = new Set<number>();
    fc.assert(fc.property(mutantArb(templates), fc.constantFrom('text', 'json'), (mutant, format) => {
      const outcome = auditMutant(dir, mutant, format);
      exits.add(outcome.exitCode);
      expect(outcome.problems).toEqual([]);
    }), { numRuns: 300, seed: 20261205 });
    // The mutations reach every outcome: clean, findings, and unusable input.
    expect([...exits].sort()).toEqual([0, 1, 2]);
  }, 300_000);

  test('the oracle sees a broken contract: a stack trace, a message without the file, an unknown exit code', () => {
    const file = '/tmp/stack.json';
    expect(contractProblems(file, { exitCode: 2, stdout: '', stderr: `cdk-hardened-secrets: ${file}: not valid JSON (x)\n` }, 'text')).toEqual([]);
    expect(contractProblems(file, { exitCode: 2, stdout: '', stderr: 'cdk-hardened-secrets: Resolution error: boom\n    at resolve (token.js:1:1)\n' }, 'text')).toEqual([
      'a stack trace was printed',
      'a line on stderr does not name the file: cdk-hardened-secrets: Resolution error: boom',
      'a line on stderr does not name the file:     at resolve (token.js:1:1)',
    ]);
    expect(contractProblems(file, { exitCode: 3, stdout: '{', stderr: '' }, 'json')).toEqual(['exit code 3', '--format json printed something that is not JSON']);
    // And a truncated corpus template is such an exit 2, naming the file.
    const truncated = auditMutant(dir, mutate(templates.find(t => t.name === 'literal-secret-string.yaml')!, [{ kind: 'truncate', at: 30 }], '01-', false), 'text');
    expect(truncated).toEqual({ exitCode: 2, problems: [] });
  });
});
