import { CfnMapping, Stack } from 'aws-cdk-lib';
import { TemplateIndex, isObject } from './template-index';

/**
 * What a property value is once the template's intrinsics are looked through.
 *
 * - `literal`: text written into the template (possibly joined from literal pieces, or the
 *   default of a parameter the value refers to).
 * - `reference`: a value CloudFormation or a service fills in at deploy time: `Ref` /
 *   `Fn::GetAtt` to a resource, or a `{{resolve:...}}` dynamic reference.
 * - `unknown`: something the template cannot prove either way (`Fn::ImportValue`, a parameter
 *   without a default, a condition).
 */
export type ValueKind = 'literal' | 'reference' | 'unknown';

/** A property value flattened to text, with the parts the template cannot show replaced. */
export interface FlatValue {
  /** The literal text; each non-literal part is replaced by {@link PLACEHOLDER}. */
  readonly text: string;
  readonly kind: ValueKind;
  /** Whether every part is written in the template (no reference, no unknown part). */
  readonly fullyLiteral: boolean;
  /**
   * Whether every part the template does not show is a NoEcho parameter: the value is supplied
   * at deploy time and kept out of the template, the console and DescribeStacks.
   */
  readonly fromNoEchoParameters?: boolean;
  /** Why the value is not provable, for `unknown` values. */
  readonly unknownBecause?: string;
}

/** Stands for a part of a value that is not written in the template. */
export const PLACEHOLDER = '\u0000';

const DYNAMIC_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure|ssm):/;

/**
 * Flattens a resolved property value into text.
 *
 * `Fn::Join` and `Fn::Sub` keep their literal pieces; `Ref` to a parameter with a default
 * counts as that default (it is what gets deployed unless someone overrides it).
 */
export function flatten(value: unknown, index: TemplateIndex): FlatValue {
  const parts: FlatValue[] = [];
  collect(value, index, parts);
  const text = parts.map(p => p.text).join('');
  const fullyLiteral = parts.every(p => p.kind === 'literal');
  const unknownParts = parts.filter(p => p.kind === 'unknown');
  const fromNoEchoParameters = unknownParts.length > 0 && unknownParts.every(p => p.fromNoEchoParameters === true);
  if (parts.some(p => p.kind === 'unknown') && !parts.some(p => p.kind === 'literal' && p.text.length > 0)) {
    return { text, kind: 'unknown', fullyLiteral, fromNoEchoParameters, unknownBecause: parts.find(p => p.unknownBecause)?.unknownBecause };
  }
  if (DYNAMIC_REFERENCE.test(text)) {
    return { text, kind: 'reference', fullyLiteral: false };
  }
  if (fullyLiteral) {
    return { text, kind: 'literal', fullyLiteral };
  }
  // A mix of literal text and references: literal if there is literal text to leak.
  const written = text.split(PLACEHOLDER).join('').trim();
  return { text, kind: written.length > 0 ? 'literal' : 'reference', fullyLiteral };
}

function collect(value: unknown, index: TemplateIndex, out: FlatValue[]): void {
  if (typeof value === 'string') {
    out.push({ text: value, kind: 'literal', fullyLiteral: true });
    return;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    out.push({ text: String(value), kind: 'literal', fullyLiteral: true });
    return;
  }
  if (!isObject(value)) {
    out.push({ text: PLACEHOLDER, kind: 'unknown', fullyLiteral: false, unknownBecause: 'the value is not a string' });
    return;
  }
  const [fn] = Object.keys(value);
  const arg = value[fn];
  switch (fn) {
    case 'Ref': {
      const parameter = index.parameter(arg);
      if (parameter && parameter.default !== undefined) {
        collect(parameter.default, index, out);
      } else if (parameter) {
        out.push({
          text: PLACEHOLDER,
          kind: 'unknown',
          fullyLiteral: false,
          unknownBecause: `it is ${parameter.noEcho ? 'NoEcho ' : ''}parameter ${arg}, which has no default`,
          fromNoEchoParameters: parameter.noEcho,
        });
      } else {
        out.push({ text: PLACEHOLDER, kind: 'reference', fullyLiteral: false });
      }
      return;
    }
    case 'Fn::GetAtt':
      out.push({ text: PLACEHOLDER, kind: 'reference', fullyLiteral: false });
      return;
    case 'Fn::Join': {
      const [separator, items] = Array.isArray(arg) ? arg : [];
      if (typeof separator !== 'string' || !Array.isArray(items)) {
        out.push({ text: PLACEHOLDER, kind: 'unknown', fullyLiteral: false, unknownBecause: 'it is an Fn::Join of a computed list' });
        return;
      }
      items.forEach((item, i) => {
        if (i > 0) {
          out.push({ text: separator, kind: 'literal', fullyLiteral: true });
        }
        collect(item, index, out);
      });
      return;
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof template !== 'string') {
        out.push({ text: PLACEHOLDER, kind: 'unknown', fullyLiteral: false, unknownBecause: 'it is an Fn::Sub of a computed string' });
        return;
      }
      const pieces = template.split(/(\$\{[^}!][^}]*\})/);
      for (const piece of pieces) {
        const m = /^\$\{([^}]*)\}$/.exec(piece);
        if (!m) {
          out.push({ text: piece.replace(/\$\{!/g, '${'), kind: 'literal', fullyLiteral: true });
        } else if (isObject(variables) && m[1] in variables) {
          collect(variables[m[1]], index, out);
        } else if (m[1].includes('.')) {
          out.push({ text: PLACEHOLDER, kind: 'reference', fullyLiteral: false });
        } else {
          collect({ Ref: m[1] }, index, out);
        }
      }
      return;
    }
    case 'Fn::Base64':
      collect(arg, index, out);
      return;
    case 'Fn::ImportValue':
      out.push({ text: PLACEHOLDER, kind: 'unknown', fullyLiteral: false, unknownBecause: 'it is an Fn::ImportValue from another stack' });
      return;
    case 'Fn::FindInMap': {
      // A value read from the Mappings section is written in the template like any literal.
      const candidates = mappingCandidates(arg, index);
      if (candidates === undefined) {
        out.push({ text: PLACEHOLDER, kind: 'unknown', fullyLiteral: false, unknownBecause: 'it is an Fn::FindInMap into a mapping the template does not hold' });
        return;
      }
      // With a key chosen at deploy time, any candidate can be deployed: the longest literal one
      // stands for them all (a credential among region names still leaks).
      const flat = candidates.map(c => ({ c, f: flatten(c, index) }));
      const literal = flat.filter(x => x.f.kind === 'literal').sort((a, b) => b.f.text.length - a.f.text.length)[0];
      collect((literal ?? flat[0]).c, index, out);
      return;
    }
    default:
      out.push({ text: PLACEHOLDER, kind: 'unknown', fullyLiteral: false, unknownBecause: `it is computed with ${fn}` });
  }
}

/** A mapping of the `Mappings` section: top-level key → second-level key → value. */
export type TemplateMapping = Record<string, Record<string, unknown>>;

/** The stack's `Mappings` section by logical id, read once per index from its `CfnMapping`s. */
export function templateMappings(index: TemplateIndex): ReadonlyMap<string, TemplateMapping> {
  return index.fact('template-mappings', () => {
    const stack = index.stack;
    const mappings = new Map<string, TemplateMapping>();
    for (const c of stack.node.findAll()) {
      if (c instanceof CfnMapping && Stack.of(c) === stack) {
        // `_toCloudFormation` is how aws-cdk-lib renders the element into the template.
        const rendered = (c as unknown as { _toCloudFormation(): { Mappings?: Record<string, unknown> } })._toCloudFormation();
        const body = Object.values(rendered.Mappings ?? {})[0];
        if (isObject(body)) {
          mappings.set(stack.resolve(c.logicalId) as string, stack.resolve(body) as TemplateMapping);
        }
      }
    }
    return mappings;
  });
}

/**
 * The values an `Fn::FindInMap` can return: one when its keys are literal, every value at a level
 * whose key is chosen at deploy time otherwise, plus its `DefaultValue`; undefined when the
 * mapping is not in the template.
 */
function mappingCandidates(arg: unknown, index: TemplateIndex): unknown[] | undefined {
  if (!Array.isArray(arg) || arg.length < 3) {
    return undefined;
  }
  const [name, top, second, options] = arg;
  const mapping = typeof name === 'string' ? templateMappings(index).get(name) : undefined;
  if (mapping === undefined) {
    return undefined;
  }
  const keyOf = (key: unknown): string | undefined => {
    const flat = flatten(key, index);
    return flat.fullyLiteral ? flat.text : undefined;
  };
  const topKey = keyOf(top);
  const secondKey = keyOf(second);
  const values: unknown[] = [];
  for (const [k1, level] of Object.entries(mapping)) {
    if ((topKey === undefined || topKey === k1) && isObject(level)) {
      for (const [k2, value] of Object.entries(level)) {
        if (secondKey === undefined || secondKey === k2) {
          values.push(value);
        }
      }
    }
  }
  if (isObject(options) && options.DefaultValue !== undefined) {
    values.push(options.DefaultValue);
  }
  return values.length > 0 ? values : undefined;
}

/** The literal text of a flattened value with references removed. */
export function literalText(value: FlatValue): string {
  return value.text.split(PLACEHOLDER).join('');
}

/**
 * Calls `visit` with every string in a resolved property tree and the property path that
 * holds it (`Environment.Variables.TOKEN`). Strings inside intrinsics report the path of the
 * property that holds the intrinsic.
 */
export function walkStrings(value: unknown, visit: (path: string, text: string) => void, path = '', index?: TemplateIndex): void {
  if (typeof value === 'string') {
    visit(path, value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, visit, isIntrinsicPath(path) ? path : `${path}[${i}]`, index));
    return;
  }
  if (isObject(value)) {
    // A Ref to a parameter deploys its default unless overridden: scan the default too.
    const parameter = typeof value.Ref === 'string' ? index?.parameter(value.Ref) : undefined;
    if (parameter?.default !== undefined) {
      walkStrings(parameter.default, visit, markIntrinsic(path), index);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const intrinsic = k === 'Ref' || k.startsWith('Fn::');
      const next = isIntrinsicPath(path) || intrinsic ? markIntrinsic(path) : path ? `${path}.${k}` : k;
      walkStrings(v, visit, next, index);
    }
  }
}

const INTRINSIC_MARK = '\u0001';

function markIntrinsic(path: string): string {
  return isIntrinsicPath(path) ? path : `${path}${INTRINSIC_MARK}`;
}

function isIntrinsicPath(path: string): boolean {
  return path.includes(INTRINSIC_MARK);
}

/** A property path as findings print it. */
export function displayPath(path: string): string {
  return path.split(INTRINSIC_MARK).join('') || 'Properties';
}

/**
 * Whether a value is provably true: `true` or `"true"` (YAML templates often quote booleans),
 * directly or as the default of the parameter it refers to.
 */
export function isTrue(value: unknown, index?: TemplateIndex): boolean {
  if (value === true || (typeof value === 'string' && value.toLowerCase() === 'true')) {
    return true;
  }
  if (index === undefined || typeof value !== 'object' || value === null) {
    return false;
  }
  const flat = flatten(value, index);
  return flat.fullyLiteral && literalText(flat).toLowerCase() === 'true';
}
