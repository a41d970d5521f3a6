/**
 * Bundle-size check of the built-in rotator: the asset `npx projen bundle` writes for
 * `RotationFunction` (src/rotation/random-value-rotation.lambda.ts, esbuild, SDK v3 external)
 * must stay under 50 KB, so that cold starts stay short and a review can read what runs.
 *
 *   ts-node --project tsconfig.dev.json bench/bundle-size.ts            bundle, then measure
 *   ts-node --project tsconfig.dev.json bench/bundle-size.ts --no-bundle measure the existing asset
 *
 * Prints the size in KB and PASS or FAIL; exits 1 on FAIL (or when the asset is missing).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const ASSET = path.join(ROOT, 'assets', 'rotation', 'random-value-rotation.lambda', 'index.js');
/** The budget, in KB (1 KB = 1024 bytes). */
const LIMIT_KB = 50;

function main(): number {
  if (!process.argv.includes('--no-bundle')) {
    execFileSync('npx', ['projen', 'bundle'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!fs.existsSync(ASSET)) {
    console.log(`FAIL ${path.relative(ROOT, ASSET)} does not exist; run \`npx projen bundle\``);
    return 1;
  }
  const code = fs.readFileSync(ASSET, 'utf8');
  const kb = Buffer.byteLength(code) / 1024;
  // The SDK is provided by the Node.js 22 runtime: the bundle may require it, never contain it.
  const bundledSdk = /@aws-sdk\//.test(code.replace(/require\("@aws-sdk\/[a-z0-9-]+"\)/g, ''));
  const pass = kb < LIMIT_KB && !bundledSdk;
  console.log(`${path.relative(ROOT, ASSET)}: ${kb.toFixed(1)} KB (limit ${LIMIT_KB} KB)${bundledSdk ? '; contains AWS SDK code' : ''}`);
  console.log(pass ? 'PASS' : 'FAIL');
  return pass ? 0 : 1;
}

process.exitCode = main();
