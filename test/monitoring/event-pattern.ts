/**
 * A matcher for the subset of EventBridge event patterns SecretAccessMonitor generates: nested
 * fields, value lists, `exists`, `prefix`, `anything-but` (a value or a list) and `$or`.
 *
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */

type Json = { [key: string]: unknown };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function leafMatches(rule: unknown, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (!isObject(rule)) {
    return values.some((v) => v === rule);
  }
  if ('exists' in rule) {
    return rule.exists ? value !== undefined : value === undefined;
  }
  if (value === undefined) {
    return false;
  }
  if ('prefix' in rule) {
    return values.some((v) => typeof v === 'string' && v.startsWith(String(rule.prefix)));
  }
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (isObject(but) && 'prefix' in but) {
      return values.every((v) => typeof v !== 'string' || !v.startsWith(String(but.prefix)));
    }
    const excluded = Array.isArray(but) ? but : [but];
    return values.every((v) => !excluded.includes(v));
  }
  throw new Error(`event pattern: unsupported rule ${JSON.stringify(rule)}`);
}

/** Whether `event` (an EventBridge event) matches `pattern`. */
export function eventMatches(pattern: Json, event: unknown): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rule as Json[]).some((branch) => eventMatches(branch, event))) {
        return false;
      }
      continue;
    }
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(rule)) {
      if (!rule.some((r) => leafMatches(r, value))) {
        return false;
      }
    } else if (isObject(rule)) {
      if (!eventMatches(rule, value ?? {})) {
        return false;
      }
    } else {
      throw new Error(`event pattern: ${key} must be an array or an object`);
    }
  }
  return true;
}
