#!/usr/bin/env node
/**
 * The `cdk-hardened-secrets` command (package `bin`). Everything is caught in `runCli`: a
 * failure prints one line naming the file and the reason, never a stack trace.
 */
import { runCli } from './audit';
import { runExportGuardRules } from './export-guard-rules';

const [command, ...args] = process.argv.slice(2);
const result = command === 'export-guard-rules' ? runExportGuardRules(args) : runCli(process.argv.slice(2));
if (result.stdout) {
  process.stdout.write(result.stdout);
}
if (result.stderr) {
  process.stderr.write(result.stderr);
}
process.exitCode = result.exitCode;
