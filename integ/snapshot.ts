/**
 * Offline integration-snapshot check for every `integ/integ.*.ts` app.
 *
 * Each app is synthesised into a temporary directory and its templates are compared with the
 * committed `integ/<app>.snapshot/` folder (the layout integ-runner uses). A difference fails,
 * and a secret or key whose logical id disappears is called out: CloudFormation would replace it.
 *
 *   ts-node integ/snapshot.ts            compare (CI)
 *   ts-node integ/snapshot.ts --update   rewrite the snapshots after reviewing the diff
 *   ts-node integ/snapshot.ts [--update] integ.endpoint.ts   only the named apps
 *
 * Why not integ-runner itself: its latest release (2.197.10) bundles cloud-assembly schema 53 and
 * cannot read the schema 55 assemblies that aws-cdk-lib 2.276 writes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const INTEG_DIR = __dirname;
const ROOT = path.dirname(INTEG_DIR);
/** Resources that must never be replaced by accident. */
const PRECIOUS_TYPES = new Set(['AWS::SecretsManager::Secret', 'AWS::KMS::Key']);

interface Template {
  Resources?: Record<string, { Type: string; Properties?: unknown }>;
}

function synth(app: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-'));
  execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(INTEG_DIR, app)], {
    cwd: ROOT,
    env: { ...process.env, CDK_OUTDIR: outdir, TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return outdir;
}

function templates(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort()) {
    // Asset hashes change with unrelated code; compare everything else.
    result.set(file, fs.readFileSync(path.join(dir, file), 'utf8').replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  }
  return result;
}

function describeDifference(file: string, expected: string | undefined, actual: string | undefined): string[] {
  if (expected === undefined || actual === undefined) {
    return [`  ${file}: ${expected === undefined ? 'new template (not in the snapshot)' : 'template no longer synthesised'}`];
  }
  const before = (JSON.parse(expected) as Template).Resources ?? {};
  const after = (JSON.parse(actual) as Template).Resources ?? {};
  const lines: string[] = [];
  for (const [id, resource] of Object.entries(before)) {
    if (!(id in after)) {
      const precious = PRECIOUS_TYPES.has(resource.Type) ? '  <-- REPLACEMENT: the deployed resource would be orphaned or deleted' : '';
      lines.push(`  ${file}: - ${id} (${resource.Type})${precious}`);
    } else if (JSON.stringify(resource) !== JSON.stringify(after[id])) {
      lines.push(`  ${file}: ~ ${id} (${resource.Type})`);
    }
  }
  for (const [id, resource] of Object.entries(after)) {
    if (!(id in before)) {
      lines.push(`  ${file}: + ${id} (${resource.Type})`);
    }
  }
  return lines.length > 0 ? lines : [`  ${file}: outside Resources (parameters, outputs, metadata)`];
}

function main(): number {
  const update = process.argv.includes('--update');
  // Optional app names narrow the run: `integ/snapshot.ts --update integ.endpoint.ts`.
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const apps = fs.readdirSync(INTEG_DIR)
    .filter((f) => /^integ\..+\.ts$/.test(f))
    .filter((f) => only.length === 0 || only.includes(f))
    .sort();
  let failed = 0;
  for (const app of apps) {
    const snapshotDir = path.join(INTEG_DIR, `${app}.snapshot`);
    const outdir = synth(app);
    try {
      if (update) {
        fs.rmSync(snapshotDir, { recursive: true, force: true });
        fs.mkdirSync(snapshotDir, { recursive: true });
        for (const [file] of templates(outdir)) {
          fs.copyFileSync(path.join(outdir, file), path.join(snapshotDir, file));
        }
        console.log(`UPDATED ${app}`);
        continue;
      }
      const expected = fs.existsSync(snapshotDir) ? templates(snapshotDir) : new Map<string, string>();
      const actual = templates(outdir);
      const differences: string[] = [];
      for (const file of new Set([...expected.keys(), ...actual.keys()])) {
        if (expected.get(file) !== actual.get(file)) {
          differences.push(...describeDifference(file, expected.get(file), actual.get(file)));
        }
      }
      if (differences.length === 0) {
        console.log(`UNCHANGED ${app}`);
      } else {
        failed++;
        console.log(`CHANGED ${app}\n${differences.join('\n')}`);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  console.log(`Snapshots: ${apps.length - failed} passed, ${failed} failed`);
  if (failed > 0) {
    console.log('Review the change; if it is intended, run `npx projen integ:update` and commit the snapshots.');
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();
