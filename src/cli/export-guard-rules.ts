import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CLI_NAME, CliResult } from './audit';
import { SecretsGuardRules } from '../guard/export';
import { GuardTarget } from '../guard/shape';

export const EXPORT_USAGE = `Usage: ${CLI_NAME} export-guard-rules --target template|hook|config --out DIR

Writes the rule catalogue of SecretsManagerChecks as AWS CloudFormation Guard rules into DIR
(created if needed), for one of three places a resource is checked:

  template   cfn-guard validate -r DIR -d template.yaml: one file per rule (Guard 3)
  hook       an AWS::CloudFormation::GuardHook (SecretsGuardHook): one file, hardened-secrets.guard
  config     AWS Config custom policy rules (SecretsConfigRules): one file per rule, each at most
             10,000 characters (the PolicyText limit) and naming its resource types (Guard 2)

The rules give the pack's error findings at its default options. What Guard, or a target's input,
cannot decide is listed in GAPS.md, written beside the rules.

Options:
  --target template|hook|config   which input the rules are written for (required)
  --out DIR                       the directory to write the files into (required)
  -h, --help                      this text

Exit codes: 0 the files were written; 2 bad arguments, or DIR cannot be written.`;

class UsageError extends Error {}

const TARGETS = Object.values(GuardTarget) as string[];

/** The options of `export-guard-rules`, checked. */
export interface ExportOptions {
  readonly target: GuardTarget;
  readonly out: string;
}

/** Parses the arguments after `export-guard-rules`; throws a UsageError naming the option, the value and what is allowed. */
export function parseExportArgs(args: string[]): ExportOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        target: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (--help for usage)`);
  }
  const v = parsed.values;
  if (v.help) {
    return 'help';
  }
  if (v.target === undefined) {
    throw new UsageError(`--target is required: expected ${TARGETS.join(', ')}`);
  }
  if (!TARGETS.includes(v.target)) {
    throw new UsageError(`--target ${v.target}: expected ${TARGETS.join(', ')}`);
  }
  if (v.out === undefined || v.out.trim() === '') {
    throw new UsageError(`--out ${v.out === undefined ? 'is required' : `'${v.out}'`}: expected the directory to write the rule files into`);
  }
  return { target: v.target as GuardTarget, out: v.out };
}

/** Writes the export of `options.target` and GAPS.md into `options.out`; returns what to print. */
export function exportGuardRules(options: ExportOptions): CliResult {
  const files = SecretsGuardRules.export(options.target);
  const out = path.resolve(options.out);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) {
    throw new UsageError(`--out ${options.out}: expected a directory, found a file`);
  }
  fs.mkdirSync(out, { recursive: true });
  for (const file of files) {
    fs.writeFileSync(path.join(out, file.fileName), file.content);
  }
  const gaps = SecretsGuardRules.gaps().filter(g => g.targets.includes(options.target));
  fs.writeFileSync(path.join(out, 'GAPS.md'), gapsText(options.target, gaps));
  const rules = new Set(files.flatMap(f => f.ruleIds)).size;
  return {
    exitCode: 0,
    stdout: `${files.map(f => path.join(options.out, f.fileName)).join('\n')}\n${path.join(options.out, 'GAPS.md')}\n`,
    stderr: `${CLI_NAME}: wrote ${files.length} Guard rule file${files.length === 1 ? '' : 's'} (${rules} rules, target ${options.target}) to ${options.out}\n`,
  };
}

function gapsText(target: GuardTarget, gaps: ReturnType<typeof SecretsGuardRules.gaps>): string {
  const lines = [`# Rules not, or not fully, exported to the ${target} target`, ''];
  for (const g of gaps) {
    lines.push(`- ${g.ruleId} (${g.partial ? 'partial' : 'not exported'}): ${g.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `cdk-hardened-secrets export-guard-rules ...`: never throws; bad arguments exit 2 with one line. */
export function runExportGuardRules(args: string[]): CliResult {
  try {
    const options = parseExportArgs(args);
    if (options === 'help') {
      return { exitCode: 0, stdout: `${EXPORT_USAGE}\n`, stderr: '' };
    }
    return exportGuardRules(options);
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { exitCode: 2, stdout: '', stderr: `${CLI_NAME} export-guard-rules: ${message}\n` };
  }
}
