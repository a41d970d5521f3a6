/** Warnings that libraries print while templates are read, which the command's output must not carry. */
const SILENCED = new Set(['YAMLWarning', 'DeprecationWarning']);

/**
 * Runs `fn` with the warnings of the libraries that read templates silenced: `yaml`'s
 * `YAMLWarning`s and Node deprecation warnings (`process.emitWarning`), and aws-cdk-lib's
 * deprecation messages (`JSII_DEPRECATED=quiet`). Both are restored when `fn` returns or throws,
 * so nothing outlives the call.
 */
export function withQuietWarnings<T>(fn: () => T): T {
  const previousMode = process.env.JSII_DEPRECATED;
  const emitWarning = process.emitWarning;
  process.env.JSII_DEPRECATED = 'quiet';
  process.emitWarning = function quietEmitWarning(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const option = rest[0];
    const name = typeof warning === 'string'
      ? (typeof option === 'string' ? option : (option as { type?: string } | undefined)?.type)
      : warning.name;
    if (name !== undefined && SILENCED.has(name)) {
      return;
    }
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return fn();
  } finally {
    process.emitWarning = emitWarning;
    if (previousMode === undefined) {
      delete process.env.JSII_DEPRECATED;
    } else {
      process.env.JSII_DEPRECATED = previousMode;
    }
  }
}
