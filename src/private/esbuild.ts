import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * Whether esbuild can run locally, looked for as aws-cdk-lib's `NodejsFunction` looks for it: a
 * package that resolves from the entry, the working directory or aws-cdk-lib, or an `esbuild`
 * command on the PATH. When neither is found, `NodejsFunction` would bundle in Docker.
 *
 * @param entry the module to bundle
 */
export function esbuildAvailable(entry: string): boolean {
  try {
    require.resolve('esbuild/package.json', {
      paths: [path.dirname(entry), process.cwd(), path.dirname(require.resolve('aws-cdk-lib'))],
    });
    return true;
  } catch {
    const proc = spawnSync('esbuild', ['--version'], { stdio: 'ignore' });
    return proc.status === 0 && !proc.error;
  }
}
