import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LAYERS } from '../projenrc/layers';

/**
 * The layers of src/ (projenrc/layers.ts) are enforced by eslint. These tests lint code that
 * breaks them, as eslint sees a file of src/ (the real configuration, the real resolver), and
 * expect the rule to fire: a configuration that silently stopped enforcing would fail here.
 * eslint runs in a process of its own, once for every case: its import resolver does not work
 * inside jest's module sandbox.
 */
const root = path.join(__dirname, '..');

interface LintCase {
  /** The file the text is linted as (its folder decides the zone). */
  readonly file: string;
  /** The text; undefined lints the file from disk. */
  readonly text?: string;
}

const RUNNER = `
const { LegacyESLint } = require(require.resolve('eslint/use-at-your-own-risk', { paths: [process.cwd()] }));
const fs = require('fs');
const path = require('path');
(async () => {
  // The project's configuration (.eslintrc.json) for the two layer rules, without the rules that
  // need TypeScript type information (they load the whole program and are linted by npm test).
  const text = fs.readFileSync('.eslintrc.json', 'utf8');
  const rc = JSON.parse(text.slice(text.indexOf('{')));
  const eslint = new LegacyESLint({
    cwd: process.cwd(),
    useEslintrc: false,
    baseConfig: {
      root: true,
      parser: rc.parser,
      parserOptions: { ecmaVersion: 2018, sourceType: 'module' },
      plugins: ['import'],
      settings: rc.settings,
      rules: { 'import/no-cycle': rc.rules['import/no-cycle'], 'import/no-restricted-paths': rc.rules['import/no-restricted-paths'] },
    },
  });
  const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = [];
  for (const c of cases) {
    const results = c.text === undefined
      ? await eslint.lintFiles([c.file])
      : await eslint.lintText(c.text, { filePath: path.join(process.cwd(), c.file) });
    out.push(results.flatMap((r) => r.messages.filter((m) => m.severity === 2)
      .map((m) => path.relative(process.cwd(), r.filePath) + ':' + m.line + ' ' + m.ruleId + ': ' + m.message)));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });
`;

/** The errors eslint reports for each case, as `file:line rule: message`. */
function lintAll(cases: LintCase[]): string[][] {
  // A script file, not \`node -e\`: typescript-eslint needs a main module to resolve its project.
  const runner = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'layers-')), 'lint.js');
  fs.writeFileSync(runner, RUNNER);
  const run = spawnSync(process.execPath, [runner], {
    cwd: root,
    input: JSON.stringify(cases),
    // A clean environment: jest's own variables change how TypeScript resolves the project.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ESLINT_USE_FLAT_CONFIG: 'false' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`eslint failed: ${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

/** An existing file of `folder`, to lint new text as if it were that file. */
function fileOf(folder: string): string {
  const name = fs.readdirSync(path.join(root, 'src', folder)).find((f) => f.endsWith('.ts') && !f.endsWith('.lambda.ts'));
  return `src/${folder}/${name}`;
}

/** A folder of src/ the cycle probe is written to; eslint lints it from disk. */
const PROBE = `src/analysis/layers-probe-${process.pid}`;

const CASES = {
  upward: { file: fileOf('key'), text: "import { HardenedSecret } from '../secret/hardened-secret';\nexport const x = HardenedSecret;\n" },
  sideways: { file: fileOf('monitoring'), text: "import { SecretsComplianceReport } from '../report/secrets-compliance-report';\nexport const x = SecretsComplianceReport;\n" },
  index: { file: fileOf('analysis'), text: "import { HardenedSecret } from '..';\nexport const x = HardenedSecret;\n" },
  downward: {
    file: fileOf('secret'),
    text: [
      "import { scheduleGap } from '../analysis/schedule';",
      "import { SecretKey } from '../key/secret-key';",
      "import { DEFAULTS } from '../private/defaults';",
      "import { SecretRotationPolicy } from '../rotation/rotation-policy';",
      'export const x = [scheduleGap, SecretKey, DEFAULTS, SecretRotationPolicy];',
      '',
    ].join('\n'),
  },
  // Two files of a probe folder that import each other (written before eslint runs, removed after).
  cycle: { file: `${PROBE}/a.ts` },
};

describe('layers', () => {
  let results: Record<keyof typeof CASES, string[]>;
  beforeAll(() => {
    const probe = path.join(root, PROBE);
    fs.mkdirSync(probe, { recursive: true });
    try {
      fs.writeFileSync(path.join(probe, 'a.ts'), "import { b } from './b';\n\nexport const a = (): number => b() + 1;\n");
      fs.writeFileSync(path.join(probe, 'b.ts'), "import { a } from './a';\n\nexport const b = (): number => a() - 1;\n");
      const names = Object.keys(CASES) as Array<keyof typeof CASES>;
      const out = lintAll(names.map((n) => CASES[n]));
      results = Object.fromEntries(names.map((n, i) => [n, out[i]])) as Record<keyof typeof CASES, string[]>;
    } finally {
      fs.rmSync(probe, { recursive: true, force: true });
    }
  });

  test('every folder of src/ is in exactly one tier', () => {
    const folders = fs.readdirSync(path.join(root, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(LAYERS.flat().sort()).toEqual(folders);
  });

  test('an upward import fails: key may not import secret', () => {
    expect(results.upward).toEqual([expect.stringMatching(/ import\/no-restricted-paths: .*src\/key is in tier 2/)]);
  });

  test('a sideways import fails: monitoring may not import report', () => {
    expect(results.sideways).toEqual([expect.stringMatching(/ import\/no-restricted-paths: .*src\/monitoring is in tier 7/)]);
  });

  test('the package index is off limits to every layer', () => {
    expect(results.index).toEqual([expect.stringMatching(/ import\/no-restricted-paths:/)]);
  });

  test('a downward import passes: secret may import rotation, key, analysis and private', () => {
    expect(results.downward).toEqual([]);
  });

  test('a cycle fails, even within one folder', () => {
    expect(results.cycle).toEqual([expect.stringMatching(/a\.ts:1 import\/no-cycle: Dependency cycle detected/)]);
  });

  // The tree itself is linted by the eslint task of `npm test`, with the same rules.
});
