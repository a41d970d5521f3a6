import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bundledDependencies?: string[];
};
const ENGINE = '@cloud-copilot/iam-simulate';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('the IAM engine (AGPL-3.0) stays a test-only dependency', () => {
  test('it is a devDependency, and neither a dependency, a peer dependency nor bundled', () => {
    expect(PACKAGE.devDependencies?.[ENGINE]).toBeDefined();
    expect(Object.keys(PACKAGE.dependencies ?? {})).not.toContain(ENGINE);
    expect(Object.keys(PACKAGE.peerDependencies ?? {})).not.toContain(ENGINE);
    expect(PACKAGE.bundledDependencies ?? []).not.toContain(ENGINE);
  });

  test('no runtime dependency pulls it in', () => {
    for (const dep of Object.keys(PACKAGE.dependencies ?? {})) {
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dep, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      expect(Object.keys(manifest.dependencies ?? {})).not.toContain(ENGINE);
    }
  });

  test('no file of the library imports it', () => {
    const importers = sourceFiles(path.join(ROOT, 'src')).filter((f) => fs.readFileSync(f, 'utf8').includes(ENGINE));
    expect(importers).toEqual([]);
  });
});
