import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from './cli-helpers';
import { runCli as runInProcess } from '../../src/cli/audit';
import { EXPORT_USAGE, runExportGuardRules } from '../../src/cli/export-guard-rules';
import { SecretsGuardRules } from '../../src/guard/export';
import { GuardTarget } from '../../src/guard/shape';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-guard-rules-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cdk-hardened-secrets export-guard-rules', () => {
  test('the command writes the hook export and GAPS.md, lists them and exits 0', async () => {
    // GIVEN the command as a user runs it WHEN --target hook --out DIR
    const out = path.join(dir, 'hook-rules');
    const run = await runCli(['export-guard-rules', '--target', 'hook', '--out', out]);
    // THEN the one hook file is written as exported, and named on stdout
    expect(run.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['GAPS.md', 'hardened-secrets.guard']);
    expect(fs.readFileSync(path.join(out, 'hardened-secrets.guard'), 'utf8')).toBe(SecretsGuardRules.export(GuardTarget.HOOK)[0].content);
    expect(run.stdout.trim().split('\n')).toEqual([path.join(out, 'hardened-secrets.guard'), path.join(out, 'GAPS.md')]);
    expect(run.stderr).toMatch(/wrote 1 Guard rule file \(\d+ rules, target hook\)/);
  }, 60_000);

  test.each([GuardTarget.TEMPLATE, GuardTarget.CONFIG])('--target %s writes every file of the export', (target) => {
    const result = runExportGuardRules(['--target', target, '--out', dir]);
    expect(result.exitCode).toBe(0);
    const files = SecretsGuardRules.export(target);
    expect(fs.readdirSync(dir).sort()).toEqual([...files.map(f => f.fileName), 'GAPS.md'].sort());
    for (const file of files) {
      expect(fs.readFileSync(path.join(dir, file.fileName), 'utf8')).toBe(file.content);
    }
    // GAPS.md lists the gaps of that target only
    const gaps = fs.readFileSync(path.join(dir, 'GAPS.md'), 'utf8');
    expect(gaps).toContain(`exported to the ${target} target`);
    expect(gaps.split('\n').filter(l => l.startsWith('- ')).length).toBe(SecretsGuardRules.gaps().filter(g => g.targets.includes(target)).length);
  });

  test('--out creates missing directories', () => {
    const out = path.join(dir, 'a', 'b');
    expect(runExportGuardRules(['--target', 'template', '--out', out]).exitCode).toBe(0);
    expect(fs.existsSync(path.join(out, 'secret-retained.guard'))).toBe(true);
  });

  test('--help prints the usage and exits 0', () => {
    const result = runExportGuardRules(['--help']);
    expect(result).toEqual({ exitCode: 0, stdout: `${EXPORT_USAGE}\n`, stderr: '' });
    expect(EXPORT_USAGE).toMatch(/--target template\|hook\|config/);
  });

  test.each([
    [['--target', 'hok', '--out', 'x'], /--target hok: expected template, hook, config/],
    [['--out', 'x'], /--target is required: expected template, hook, config/],
    [['--target', 'hook'], /--out is required: expected the directory to write the rule files into/],
    [['--target', 'hook', '--out', ''], /--out '': expected the directory/],
    [['--target', 'hook', '--out', 'x', '--format', 'json'], /Unknown option '--format'.*--help for usage/],
    [['--target', 'hook', '--out', 'x', 'extra'], /Unexpected argument 'extra'|positional/],
  ])('bad arguments %j exit 2 naming the option, the value and what is allowed', (args, message) => {
    const result = runExportGuardRules(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^cdk-hardened-secrets export-guard-rules: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--out naming a file exits 2 and writes nothing', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    const result = runExportGuardRules(['--target', 'config', '--out', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--out .*file: expected a directory, found a file/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  test('the command\'s --help and an unknown command name export-guard-rules', () => {
    expect(runInProcess(['--help']).stdout).toContain('cdk-hardened-secrets export-guard-rules --target template|hook|config --out DIR');
    expect(runInProcess(['export-rules']).stderr).toMatch(/unknown command 'export-rules' \(commands: audit, schema, export-guard-rules;/);
  });

  test('the audit command is unchanged behind the same entry point', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
  }, 60_000);
});
