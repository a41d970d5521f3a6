import { clone, isNoValue, isObject, Json, onlyKey, parameterDefaults, setKey } from './template-data';

/**
 * Expands what the `AWS::LanguageExtensions` transform adds, in place: `Fn::ForEach` in
 * `Resources`, `Outputs` and `Conditions` and inside any map below them, `Fn::Length`,
 * `Fn::ToJsonString`, `Fn::FindInMap` with a `DefaultValue`, and intrinsic functions in
 * `DeletionPolicy` / `UpdateReplacePolicy`, using parameter defaults where a value comes from a
 * parameter. Returns why the template could not be expanded in full, one sentence each.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-aws-languageextensions.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-foreach.html
 */
export function expandLanguageExtensions(template: Json): { partial: string[]; generatedFrom: Map<string, string> } {
  const context: Context = { defaults: parameterDefaults(template), mappings: isObject(template.Mappings) ? template.Mappings : {}, partial: [] };
  const generatedFrom = new Map<string, string>();
  for (const section of ['Conditions', 'Resources', 'Outputs']) {
    const value = template[section];
    if (isObject(value)) {
      // A generated resource is located at the loop that generated it.
      const expanded = expandMap(value, context, 0, section === 'Resources' ? (id, loop) => generatedFrom.set(id, loop) : undefined);
      template[section] = expanded;
    }
  }
  for (const section of ['Conditions', 'Resources', 'Outputs']) {
    if (isObject(template[section])) {
      template[section] = functions(template[section], context);
    }
  }
  if (isObject(template.Resources)) {
    for (const [id, body] of Object.entries(template.Resources)) {
      if (!isObject(body)) {
        continue;
      }
      for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy']) {
        const value = body[policy];
        if (value !== undefined && typeof value !== 'string') {
          const resolved = resolveScalar(value, context);
          if (typeof resolved === 'string') {
            body[policy] = resolved;
          } else {
            delete body[policy];
            context.partial.push(`the ${policy} of ${id} depends on a value known only at deployment, and was not read`);
          }
        }
      }
    }
  }
  return { partial: context.partial, generatedFrom };
}

interface Context {
  readonly defaults: Map<string, unknown>;
  readonly mappings: Json;
  readonly partial: string[];
}

/** Fn::ForEach loops nest at most this deep (CloudFormation allows 5). */
const MAX_DEPTH = 5;
const FOR_EACH = /^Fn::ForEach::/;

/** A map with every `Fn::ForEach::<Name>` key replaced by the keys it generates, at every depth. */
function expandMap(map: Json, context: Context, depth: number, generated?: (id: string, loop: string) => void): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(map)) {
    if (!FOR_EACH.test(key)) {
      setKey(out, key, expandValue(value, context, depth));
      continue;
    }
    for (const [k, v] of Object.entries(forEach(key.slice('Fn::ForEach::'.length), value, context, depth))) {
      setKey(out, k, v);
      generated?.(k, key);
    }
  }
  return out;
}

function expandValue(value: unknown, context: Context, depth: number): unknown {
  if (Array.isArray(value)) {
    return value.map(v => expandValue(v, context, depth));
  }
  return isObject(value) ? expandMap(value, context, depth) : value;
}

/** What one `Fn::ForEach::<loop>: [identifier, collection, { key: value }]` generates. */
function forEach(loop: string, args: unknown, context: Context, depth: number): Json {
  if (depth >= MAX_DEPTH) {
    context.partial.push(`Fn::ForEach::${loop} nests deeper than CloudFormation allows (${MAX_DEPTH}), and was not expanded`);
    return {};
  }
  if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string' || !isObject(args[2])) {
    context.partial.push(`Fn::ForEach::${loop} is not [identifier, collection, output], and was not expanded`);
    return {};
  }
  const [identifier, collection, output] = args as [string, unknown, Json];
  const items = collectionItems(collection, context);
  if (items === undefined) {
    context.partial.push(`Fn::ForEach::${loop} loops over a collection known only at deployment, and was not expanded`);
    return {};
  }
  const out: Json = {};
  for (const item of items) {
    const generated: Json = {};
    for (const [key, value] of Object.entries(output)) {
      setKey(generated, substituteKey(key, identifier, item), substitute(clone(value), identifier, item));
    }
    for (const [k, v] of Object.entries(expandMap(generated, context, depth + 1))) {
      setKey(out, k, v);
    }
  }
  return out;
}

/** The strings a collection holds: a list, or a list parameter's default, or a mapping's list. */
function collectionItems(collection: unknown, context: Context): string[] | undefined {
  const resolved = resolveScalar(collection, context);
  if (typeof resolved === 'string') {
    return resolved.split(',').map(s => s.trim());
  }
  if (!Array.isArray(resolved)) {
    return undefined;
  }
  const out: string[] = [];
  for (const item of resolved) {
    const value = resolveScalar(item, context);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out.push(String(value));
    } else if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
      out.push(...(value as string[]));
    } else {
      return undefined;
    }
  }
  return out;
}

/** A value with `Ref` to parameters replaced by their defaults and literal `Fn::FindInMap` looked up. */
function resolveScalar(value: unknown, context: Context): unknown {
  const fn = onlyKey(value);
  if (fn === 'Ref' && typeof (value as Json).Ref === 'string') {
    const name = (value as Json).Ref as string;
    return context.defaults.has(name) ? context.defaults.get(name) : undefined;
  }
  if (fn === 'Fn::FindInMap') {
    return findInMap((value as Json)[fn], context);
  }
  if (fn !== undefined && (fn.startsWith('Fn::') || fn === 'Ref')) {
    return undefined;
  }
  return value;
}

function findInMap(args: unknown, context: Context): unknown {
  if (!Array.isArray(args) || args.length < 3) {
    return undefined;
  }
  const keys = args.slice(0, 3).map(a => resolveScalar(a, context));
  const fallback = isObject(args[3]) ? args[3].DefaultValue : undefined;
  if (!keys.every(k => typeof k === 'string')) {
    return undefined;
  }
  const [map, top, second] = keys as string[];
  const mapping = context.mappings[map];
  const level = isObject(mapping) ? mapping[top] : undefined;
  const found = isObject(level) ? level[second] : undefined;
  return found !== undefined ? found : fallback;
}

/** `${identifier}` and `&{identifier}` (non-alphanumerics removed) in a generated key. */
function substituteKey(key: string, identifier: string, item: string): string {
  return key.split(`\${${identifier}}`).join(item).split(`&{${identifier}}`).join(item.replace(/[^A-Za-z0-9]/g, ''));
}

/** The identifier replaced in `Ref`s, `Fn::Sub` strings and nested loop keys of a generated value. */
function substitute(value: unknown, identifier: string, item: string): unknown {
  if (Array.isArray(value)) {
    return value.map(v => substitute(v, identifier, item));
  }
  if (!isObject(value)) {
    return value;
  }
  if (onlyKey(value) === 'Ref' && value.Ref === identifier) {
    return item;
  }
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    let next = substitute(v, identifier, item);
    if (key === 'Fn::Sub') {
      next = typeof next === 'string' ? subText(next, identifier, item)
        : Array.isArray(next) && typeof next[0] === 'string' ? [subText(next[0], identifier, item), ...next.slice(1)] : next;
    }
    setKey(out, substituteKey(key, identifier, item), next);
  }
  return out;
}

function subText(text: string, identifier: string, item: string): string {
  return text.split(`\${${identifier}}`).join(item);
}

/** `Fn::Length`, `Fn::ToJsonString` and `Fn::FindInMap` defaults, bottom-up. */
function functions(value: unknown, context: Context): unknown {
  if (Array.isArray(value)) {
    return value.map(v => functions(v, context));
  }
  if (!isObject(value)) {
    return value;
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    setKey(out, k, functions(v, context));
  }
  const fn = onlyKey(out);
  if (fn === 'Fn::Length') {
    const list = Array.isArray(out[fn]) ? out[fn] as unknown[] : resolveScalar(out[fn], context);
    if (Array.isArray(list)) {
      return list.length;
    }
    if (typeof list === 'string') {
      return list.split(',').length;
    }
    context.partial.push('an Fn::Length of a list known only at deployment was not read');
    return { Ref: 'AWS::NoValue' };
  }
  if (fn === 'Fn::ToJsonString') {
    return toJsonString(out[fn]);
  }
  if (fn === 'Fn::FindInMap' && Array.isArray(out[fn]) && (out[fn] as unknown[]).length === 4) {
    const found = findInMap(out[fn], context);
    return found !== undefined ? found : { 'Fn::FindInMap': (out[fn] as unknown[]).slice(0, 3) };
  }
  return out;
}

/**
 * `Fn::ToJsonString`: the JSON text of a value; intrinsic functions inside it stay functions,
 * joined into the text with `Fn::Join` (so a literal password in it is still a literal).
 */
function toJsonString(value: unknown): unknown {
  const parts: unknown[] = [];
  const text = (s: string) => {
    if (typeof parts[parts.length - 1] === 'string') {
      parts[parts.length - 1] += s;
    } else {
      parts.push(s);
    }
  };
  const write = (v: unknown) => {
    if (Array.isArray(v)) {
      text('[');
      v.filter(x => !isNoValue(x)).forEach((x, i) => {
        text(i > 0 ? ',' : '');
        write(x);
      });
      text(']');
    } else if (isObject(v)) {
      const fn = onlyKey(v);
      if (fn !== undefined && (fn === 'Ref' || fn.startsWith('Fn::'))) {
        text('"');
        parts.push(v);
        text('"');
        return;
      }
      text('{');
      Object.entries(v).filter(([, x]) => !isNoValue(x)).forEach(([k, x], i) => {
        text(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
        write(x);
      });
      text('}');
    } else {
      text(JSON.stringify(v ?? null));
    }
  };
  write(value);
  return parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : { 'Fn::Join': ['', parts] };
}
