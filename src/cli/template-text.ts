import * as path from 'path';

/** A template file read into plain data, with the line of each resource's own key. */
export interface ParsedTemplate {
  /** The document, as CloudFormation reads it: duplicate keys resolved (the last one wins). */
  readonly document: unknown;
  readonly format: 'json' | 'yaml';
  /** 1-based line of each key directly under the top-level `Resources`, by logical id. */
  readonly resourceLines: Map<string, number>;
  /** 1-based line of each key directly under each top-level section of {@link SECTIONS}, by section then logical id. */
  readonly sectionLines: Map<string, Map<string, number>>;
}

/** The top-level sections whose entries findings can point at. */
export const SECTIONS: readonly string[] = ['Resources', 'Outputs', 'Parameters', 'Mappings', 'Conditions', 'Rules'];

/** Why a file could not be read as a template at all. */
export class TemplateTextError extends Error {
  constructor(public readonly reason: string) {
    super(reason);
    this.name = 'TemplateTextError';
    Object.setPrototypeOf(this, TemplateTextError.prototype);
  }
}

/**
 * Parses a template file's text, JSON or YAML. YAML is read with the CloudFormation short forms
 * (`!Ref`, `!If`, `!Sub`, ...) turned into their long forms, as `CfnInclude` reads them, but
 * without its two refusals CloudFormation does not make: a repeated map key keeps the last value,
 * and warnings are returned, never printed. The lines of the resource keys are found in the same
 * pass (linear in the size of the file).
 */
export function parseTemplateText(text: string, file: string): ParsedTemplate {
  if (text.trim() === '') {
    throw new TemplateTextError('the file is empty');
  }
  const jsonName = /\.json$/i.test(file);
  if (jsonName || /^\s*[{[]/.test(text)) {
    let document: unknown;
    try {
      // JSON.parse keeps the last of repeated keys, as CloudFormation does.
      document = JSON.parse(text);
    } catch (e) {
      if (jsonName) {
        throw new TemplateTextError(`not valid JSON (${(e as Error).message.split('\n')[0]})`);
      }
      return parseYaml(text); // YAML flow style
    }
    const sectionLines = jsonSectionLines(text);
    return { document, format: 'json', resourceLines: sectionLines.get('Resources') ?? new Map(), sectionLines };
  }
  return parseYaml(text);
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

/** The parts of the `yaml` 1.x document model read here. */
interface YamlNode {
  readonly type?: string;
  readonly tag?: string | null;
  readonly value?: unknown;
  readonly items?: YamlNode[];
  readonly key?: YamlNode | null;
  readonly source?: YamlNode;
  readonly range?: [number, number] | null;
}
interface YamlDocument {
  readonly contents: YamlNode | null;
  readonly errors: { readonly name: string; readonly message: string }[];
}
interface YamlModule {
  parseDocument(text: string, options: object): YamlDocument;
}

/**
 * The `yaml` package aws-cdk-lib bundles and `CfnInclude` parses templates with (1.x): loaded from
 * aws-cdk-lib's own dependencies, so the audit reads YAML exactly as the include does.
 */
function yamlModule(): YamlModule {
  const cdkDir = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('yaml', { paths: [cdkDir] })) as YamlModule;
}

const DUPLICATE_KEY = /^Map keys must be unique/;
/** Alias expansions allowed before a document counts as an alias bomb. */
const MAX_NODES = 2_000_000;

function parseYaml(text: string): ParsedTemplate {
  const doc = yamlModule().parseDocument(text, { schema: 'core', prettyErrors: false, keepCstNodes: false });
  const fatal = doc.errors.filter(e => !DUPLICATE_KEY.test(e.message));
  if (fatal.length > 0) {
    throw new TemplateTextError(`not valid YAML (${fatal[0].message.split('\n')[0]})`);
  }
  const converter = new YamlConverter();
  const document = converter.convert(doc.contents);
  const sectionLines = new Map<string, Map<string, number>>();
  const lines = lineStarts(text);
  const root = doc.contents;
  if (root && root.type !== undefined && /MAP/.test(root.type) && root.items) {
    for (const section of SECTIONS) {
      // The last key of a section is the one CloudFormation reads.
      const value = [...root.items].reverse().find(p => keyText(p.key) === section)?.value as YamlNode | undefined;
      const map = value?.type === 'ALIAS' ? value.source : value;
      const keys = new Map<string, number>();
      for (const pair of map?.items ?? []) {
        const start = pair.key?.range?.[0];
        if (pair.key && start !== undefined) {
          keys.set(keyText(pair.key), lineAt(lines, start));
        }
      }
      sectionLines.set(section, keys);
    }
  }
  return { document, format: 'yaml', resourceLines: sectionLines.get('Resources') ?? new Map(), sectionLines };
}

function keyText(key: YamlNode | null | undefined): string {
  if (key === null || key === undefined) {
    return '';
  }
  if (key.items === undefined && key.source === undefined) {
    return String(key.value ?? '');
  }
  return JSON.stringify(new YamlConverter().convert(key));
}

/** The CloudFormation short forms whose long form is not `Fn::<Name>`. */
const UNPREFIXED_TAGS = new Set(['Ref', 'Condition']);

/** Turns a `yaml` 1.x node tree into plain data: short-form tags become intrinsic functions. */
class YamlConverter {
  private nodes = 0;

  convert(node: YamlNode | null | undefined): unknown {
    if (node === null || node === undefined) {
      return null;
    }
    if (++this.nodes > MAX_NODES) {
      throw new TemplateTextError('not valid YAML (too many nodes: aliases expand beyond 2,000,000 values)');
    }
    let value: unknown;
    if (node.type === 'ALIAS') {
      value = this.convert(node.source);
    } else if (node.type !== undefined && /MAP/.test(node.type)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items ?? []) {
        // A repeated key: the last value wins, as in CloudFormation.
        const converted = this.convert(pair.value as YamlNode | null);
        Object.defineProperty(out, keyText(pair.key), { value: converted, enumerable: true, writable: true, configurable: true });
      }
      value = out;
    } else if (node.type !== undefined && /SEQ/.test(node.type)) {
      value = (node.items ?? []).map(i => this.convert(i));
    } else {
      value = node.value ?? null;
    }
    const tag = node.tag;
    if (typeof tag === 'string' && tag.startsWith('!') && !tag.startsWith('!!')) {
      const name = tag.slice(1);
      // A scalar under a short form is a string (`!Ref 123` names the logical id "123").
      const argument = node.items === undefined && node.type !== 'ALIAS' && value !== null && typeof value !== 'object' ? String(value) : value;
      return { [UNPREFIXED_TAGS.has(name) ? name : `Fn::${name}`]: argument ?? '' };
    }
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON: the lines of the keys directly under the top-level "Resources", in one pass.
// ---------------------------------------------------------------------------------------------

function jsonSectionLines(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  let line = 1;
  /** The open containers: true for an object, false for an array. */
  const stack: boolean[] = [];
  let expectKey = false;
  /** The top-level section whose key was just read and whose value has not started. */
  let pending: string | undefined;
  /** The section being read (at depth 2), or undefined. */
  let current: Map<string, number> | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
    } else if (c === 34) { // a string
      const start = i;
      const startLine = line;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92) {
          i++;
        }
      }
      if (expectKey) {
        const raw = text.slice(start + 1, i);
        const key = raw.includes('\\') ? JSON.parse(`"${raw}"`) as string : raw;
        if (stack.length === 1) {
          pending = SECTIONS.includes(key) ? key : undefined;
        } else if (stack.length === 2 && current) {
          current.set(key, startLine);
        }
        expectKey = false;
      } else if (stack.length === 1) {
        pending = undefined;
      }
    } else if (c === 123 || c === 91) { // { [
      stack.push(c === 123);
      expectKey = c === 123;
      if (stack.length === 2 && pending !== undefined && c === 123) {
        // A repeated section: the last one is the one CloudFormation reads.
        current = new Map();
        out.set(pending, current);
      }
      pending = undefined;
    } else if (c === 125 || c === 93) { // } ]
      if (stack.length === 2) {
        current = undefined;
      }
      stack.pop();
      expectKey = false;
    } else if (c === 44) { // ,
      expectKey = stack[stack.length - 1] === true;
    } else if (c !== 58 && c > 32 && stack.length === 1) { // a scalar value at the top level
      pending = undefined;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------

/** The offset at which each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

/** 1-based line of an offset (binary search over the line starts). */
export function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (starts[mid] <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo + 1;
}
