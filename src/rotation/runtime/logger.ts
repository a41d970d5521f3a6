import { RotationLogger } from './types';

/** Where a JSON logger writes its lines. */
export type LogSink = (line: string) => void;

/**
 * A logger that writes one JSON object per line (`{"level":"info","message":...,...fields}`),
 * the shape CloudWatch Logs Insights parses without a pattern. Lambda adds the timestamp and
 * request id to every line, so the logger does not.
 *
 * It does not know which strings are secret: callers pass it names, ids, stages and durations,
 * never values (the rotation handler also wraps it with `redactingLogger`).
 */
export function jsonLogger(sink: LogSink = line => console.log(line)): RotationLogger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    sink(JSON.stringify({ level, message, ...fields }, errorReplacer));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/** Errors stringify to `{}`; log their name and message instead (never the stack's values). */
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

/** The text that replaces a secret value in a log line or an error message. */
export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of the `secrets` in `text` with `[REDACTED]`. Longest first, so a
 * value that contains another (a JSON secret contains its password) is replaced whole.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const sorted = [...new Set(secrets)].filter(s => s.length > 0).sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of sorted) {
    result = result.split(secret).join(REDACTED);
  }
  return result;
}

/**
 * Fields of a JSON secret that are names and addresses, not secrets: redacting them would
 * garble every message that names the user or the host.
 */
const PUBLIC_FIELDS = /^(username|user|host|port|engine|dbname|database|dbInstanceIdentifier|dbClusterIdentifier|.*arn)$/i;

/**
 * The strings of a secret value that must never reach a log: the value itself and, when it is
 * a JSON object, each string field of 4 characters or more except names and addresses (a
 * driver error that quotes the password quotes the field, not the JSON).
 */
export function secretStrings(value: string | undefined): string[] {
  if (value === undefined || value === '') {
    return [];
  }
  const strings = [value];
  const visit = (node: unknown, key: string) => {
    if (typeof node === 'string') {
      if (node.length >= 4 && !PUBLIC_FIELDS.test(key)) {
        strings.push(node);
      }
    } else if (node !== null && typeof node === 'object') {
      Object.entries(node).forEach(([k, v]) => visit(v, Array.isArray(node) ? key : k));
    }
  };
  try {
    visit(JSON.parse(value), '');
  } catch {
    // Not JSON: the whole value is the only secret string.
  }
  return strings;
}

/**
 * Wraps a logger so that no known secret string reaches it, even when a rotator or a driver
 * error puts one in a message or a field by mistake. `secrets()` is read at each call, so the
 * wrapper covers values learnt after it was created.
 */
export function redactingLogger(inner: RotationLogger, secrets: () => Iterable<string>): RotationLogger {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return redact(value, secrets());
    }
    if (value instanceof Error) {
      return { name: value.name, message: redact(value.message, secrets()) };
    }
    if (Array.isArray(value)) {
      return value.map(clean);
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
    }
    return value;
  };
  const wrap = (write: RotationLogger['info']): RotationLogger['info'] =>
    (message, fields) => write(redact(message, secrets()), fields === undefined ? undefined : clean(fields) as Record<string, unknown>);
  return {
    info: wrap((m, f) => inner.info(m, f)),
    warn: wrap((m, f) => inner.warn(m, f)),
    error: wrap((m, f) => inner.error(m, f)),
  };
}
