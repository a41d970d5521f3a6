/**
 * How the report names resources and follows references between stacks: the vocabulary the
 * other parts of the report (readers, coverage, findings, secret entries) share.
 */

import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Indexes } from '../analysis/analysis-run';
import { ResourceView, TemplateIndex, isObject } from '../analysis/template-index';
import { flatten, literalText } from '../analysis/values';

/** Every stack below `root` (nested stages included), in tree order. */
export function stacksOf(root: IConstruct): Stack[] {
  const out: Stack[] = [];
  const visit = (c: IConstruct) => {
    if (Stack.isStack(c)) {
      out.push(c);
    }
    for (const child of c.node.children) {
      visit(child);
    }
  };
  visit(root);
  return out;
}

/** `Stack/LogicalId`: how the report names a resource. */
export function resourceId(index: TemplateIndex, view: { logicalId: string }): string {
  return `${index.stack.node.path}/${view.logicalId}`;
}

/** A readable rendering of a template value: intrinsics as `${...}`. */
export function display(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.map(display).join(', ');
  }
  if (!isObject(value)) {
    return String(value);
  }
  const [fn] = Object.keys(value);
  const arg = value[fn];
  switch (fn) {
    case 'Ref':
      return `\${${arg}}`;
    case 'Fn::GetAtt':
      return `\${${Array.isArray(arg) ? arg.join('.') : arg}}`;
    case 'Fn::Join':
      return Array.isArray(arg) && Array.isArray(arg[1]) ? arg[1].map(display).join(String(arg[0])) : JSON.stringify(value);
    case 'Fn::Sub':
      return Array.isArray(arg) ? String(arg[0]) : String(arg);
    case 'Fn::ImportValue':
      return `\${ImportValue:${display(arg)}}`;
    default:
      return JSON.stringify(value);
  }
}

/** What a stack exports under one name: the stack's index and the exported value. */
export interface ExportTarget {
  readonly index: TemplateIndex;
  readonly value: unknown;
}

/**
 * Export name → the stack that exports it and the exported value. A stack with a synthesised
 * template is read from its `Outputs`; one without, from its `CfnOutput` constructs.
 */
export function exportsOf(stacks: Stack[], templates: ReadonlyMap<string, any>, indexes: Indexes): Map<string, ExportTarget> {
  const out = new Map<string, ExportTarget>();
  for (const stack of stacks) {
    const index = indexes.index(stack);
    const template = templates.get(stack.node.path);
    if (template && isObject(template.Outputs)) {
      for (const output of Object.values(template.Outputs)) {
        const name = isObject(output) && isObject(output.Export) ? output.Export.Name : undefined;
        if (typeof name === 'string' && isObject(output)) {
          out.set(name, { index, value: output.Value });
        }
      }
      continue;
    }
    for (const c of stack.node.findAll()) {
      if (c instanceof CfnOutput && Stack.of(c) === stack && c.exportName !== undefined) {
        const name = stack.resolve(c.exportName);
        if (typeof name === 'string') {
          out.set(name, { index, value: stack.resolve(c.value) });
        }
      }
    }
  }
  return out;
}

/** A resource of the app that a value designates, and how the value reaches it. */
export interface AppTarget {
  readonly index: TemplateIndex;
  readonly view: ResourceView;
  readonly via: 'reference' | 'import';
}

/** The resource a value designates anywhere in the app: Ref/GetAtt in its stack, or an import of an export. */
export function appTarget(value: unknown, index: TemplateIndex, exports: Map<string, ExportTarget>): AppTarget | undefined {
  const local = index.target(value);
  if (local) {
    return { index, view: local, via: 'reference' };
  }
  if (isObject(value) && Object.keys(value).length === 1 && value['Fn::ImportValue'] !== undefined) {
    const name = literalText(flatten(value['Fn::ImportValue'], index));
    const exported = exports.get(name);
    const view = exported ? exported.index.target(exported.value) : undefined;
    if (exported && view) {
      return { index: exported.index, view, via: 'import' };
    }
  }
  return undefined;
}

/** A secret of the app as the report's parts see it. */
export interface SecretRef {
  readonly index: TemplateIndex;
  readonly view: ResourceView;
  /** `Stack/LogicalId`. */
  readonly id: string;
  /** The parts of the secret's ARN the template shows (undefined: decided at deploy time), to test ARN patterns against. */
  readonly region?: string;
  readonly account?: string;
  readonly name?: string;
}

/** Every secret of the given stacks, in stack order then template order. */
export function secretRefs(indexes: TemplateIndex[]): SecretRef[] {
  return indexes.flatMap(index => index.ofType('AWS::SecretsManager::Secret').map(view => {
    const region = index.stack.resolve(index.stack.region);
    const account = index.stack.resolve(index.stack.account);
    const name = view.properties.Name === undefined ? undefined : flatten(view.properties.Name, index);
    return {
      index,
      view,
      id: resourceId(index, view),
      region: typeof region === 'string' && !Token.isUnresolved(region) ? region : undefined,
      account: typeof account === 'string' && !Token.isUnresolved(account) ? account : undefined,
      name: name && name.fullyLiteral ? literalText(name) : undefined,
    };
  }));
}

/** Adds `value` to the list of `key` unless it is there already (first added, first listed). */
export function addOnce(lists: Map<string, string[]>, key: string, value: string): void {
  const list = lists.get(key) ?? [];
  if (!list.includes(value)) {
    list.push(value);
  }
  lists.set(key, list);
}
