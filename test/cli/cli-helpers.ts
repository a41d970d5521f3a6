import { execFile } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** What one run of the command printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `cdk-hardened-secrets` command as a user would: a separate Node.js process on the
 * command's entry point (`src/cli/main.ts` through transpile-only ts-node, or the compiled
 * `lib/cli/main.js` when `CLI_BINARY=lib` is set after a build), from the repository root
 * unless `cwd` says otherwise, with the environment plus `env`.
 */
export function runCli(args: string[], options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const useLib = process.env.CLI_BINARY === 'lib';
  const nodeArgs = useLib
    ? [path.join(ROOT, 'lib', 'cli', 'main.js'), ...args]
    : ['--require', require.resolve('ts-node/register/transpile-only'), path.join(ROOT, 'src', 'cli', 'main.ts'), ...args];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, nodeArgs, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
      maxBuffer: 64 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : undefined) : 0;
      if (code === undefined) {
        reject(error);
      } else {
        resolve({ code, stdout, stderr });
      }
    });
  });
}

/** Runs `task` over `items`, `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
