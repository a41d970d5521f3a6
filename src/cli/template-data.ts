/** Plain template data: helpers shared by the normalisation steps. */

/** A JSON object of a template. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a key without ever touching the prototype (`__proto__` is a key like any other). */
export function setKey(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of plain data. */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(clone) as unknown as T;
  }
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      setKey(out, k, clone(v));
    }
    return out as T;
  }
  return value;
}

/** The one key of a single-key object, e.g. the name of an intrinsic function. */
export function onlyKey(value: unknown): string | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

/** `{ "Ref": "AWS::NoValue" }` */
export function isNoValue(value: unknown): boolean {
  return isObject(value) && onlyKey(value) === 'Ref' && value.Ref === 'AWS::NoValue';
}

/** A logical id not yet used in `resources`, from `base` (`base`, `base2`, `base3`, ...). */
export function freeId(resources: Json, base: string): string {
  let id = base;
  for (let n = 2; Object.prototype.hasOwnProperty.call(resources, id); n++) {
    id = `${base}${n}`;
  }
  return id;
}

/** The `Default` of each parameter, by name. */
export function parameterDefaults(template: Json): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const parameters = template.Parameters;
  if (isObject(parameters)) {
    for (const [name, p] of Object.entries(parameters)) {
      if (isObject(p) && p.Default !== undefined) {
        out.set(name, p.Default);
      }
    }
  }
  return out;
}
