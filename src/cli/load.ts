import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnCondition, CfnElement, CfnMapping, CfnOutput, CfnParameter, CfnResource, CfnRule, Stack, Validations } from 'aws-cdk-lib';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { IConstruct } from 'constructs';
import { NormalisedTemplate, normaliseTemplate, stackIdFor } from './normalise';
import { withQuietWarnings } from './quiet';
import { judgeSuppression, TemplateSuppression, templateSuppressions } from './suppressions';
import { isObject, Json } from './template-data';
import { parseTemplateText, TemplateTextError } from './template-text';
import { PACK_NAME } from '../nag/rule';

/** Input the audit cannot use: the CLI prints `<file>: <reason>` and exits 2. */
export class UnusableInputError extends Error {
  constructor(public readonly file: string, public readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'UnusableInputError';
    Object.setPrototypeOf(this, UnusableInputError.prototype);
  }
}

/** Where a resource of the in-memory app came from. */
export interface SourceLocation {
  /** The template file, as given or found (relative to the working directory when below it). */
  readonly file: string;
  /** The template file's absolute path. */
  readonly absolutePath: string;
  readonly logicalId: string;
  /** 1-based line of the logical id in the file, when found. */
  readonly line?: number;
}

/** A template read only in part, and why. */
export interface PartialRead {
  /** The template file, as shown in messages. */
  readonly file: string;
  /** One sentence per part not read (e.g. "needs macro AWS::Include"). */
  readonly reasons: string[];
}

/** A template of a cloud assembly that could not be read at all; the others were audited. */
export interface UnreadableTemplate {
  readonly file: string;
  readonly reason: string;
}

/** The in-memory app the templates were brought into. */
export interface LoadedApp {
  readonly app: App;
  /** Template file per stack construct path. */
  readonly templateFiles: Map<string, string>;
  /** Source of each CloudFormation resource, by construct path. */
  readonly locations: Map<string, SourceLocation>;
  /** The `rules_to_suppress` entries of each resource's template metadata, by construct path. */
  readonly suppressions: Map<string, TemplateSuppression[]>;
  /** Whether the honoured suppressions were applied as acknowledgements of SecretsManagerChecks. */
  readonly honorSuppressions: boolean;
  /** The templates read only in part, with why. */
  readonly partialReads: PartialRead[];
  /** The templates of a cloud assembly that could not be read; empty for a single file. */
  readonly unreadable: UnreadableTemplate[];
}

/** How to load the templates. */
export interface LoadOptions {
  /**
   * Honour the suppressions written into the templates (`Metadata.cdk_nag.rules_to_suppress`),
   * except those of the credential rules, which are never honoured.
   * @default false
   */
  readonly honorSuppressions?: boolean;
}

/**
 * Brings a template file (JSON or YAML), or every `*.template.json` of a cloud assembly
 * directory, into one in-memory app: a stack per template, the template in it with
 * `CfnInclude` (logical ids preserved). Each template is first parsed and normalised
 * (`normaliseTemplate`: repeated keys, the LanguageExtensions and SAM transforms, `Fn::If` over
 * resources and properties); what `CfnInclude` still refuses is brought in as an opaque
 * `CfnResource` with its properties untouched, or left out, and the template is reported as
 * partially read. A template of a cloud assembly that cannot be read at all is reported in
 * `unreadable` and the others are audited; the load fails only when nothing could be read.
 * The suppressions that cdk-nag wrote into the template
 * (`Metadata.cdk_nag.rules_to_suppress`) are recorded; with `honorSuppressions`, those of
 * SecretsManagerChecks that may be honoured become acknowledgements on the resource, so the
 * compliance report counts them as acknowledged (the cdk-nag packs' findings are matched to
 * the recorded suppressions after the packs ran: a pack leaves acknowledged findings out).
 */
export function loadTemplates(input: string, options: LoadOptions = {}): LoadedApp {
  return withQuietWarnings(() => load(input, options));
}

function load(input: string, options: LoadOptions): LoadedApp {
  const honorSuppressions = options.honorSuppressions ?? false;
  const shown = display(input);
  if (!fs.existsSync(input)) {
    throw new UnusableInputError(shown, 'no such file or directory');
  }
  const isDirectory = fs.statSync(input).isDirectory();
  const files = isDirectory ? assemblyTemplates(input) : [input];
  const loaded: LoadedApp = {
    app: new App({ analyticsReporting: false }),
    templateFiles: new Map(),
    locations: new Map(),
    suppressions: new Map(),
    honorSuppressions,
    partialReads: [],
    unreadable: [],
  };
  const ids = new Set<string>();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-hardened-secrets-audit-'));
  try {
    for (const file of files) {
      const name = display(file);
      let id = stackIdFor(file);
      while (ids.has(id)) {
        id = `${id}-1`;
      }
      ids.add(id);
      try {
        loadOne(loaded, file, name, id, path.join(workDir, `${id}.json`));
      } catch (e) {
        if (!isDirectory) {
          throw e instanceof UnusableInputError ? e : new UnusableInputError(name, reasonOf(e, file));
        }
        loaded.app.node.tryRemoveChild(id);
        loaded.unreadable.push({ file: name, reason: e instanceof UnusableInputError ? e.reason : reasonOf(e, file) });
      }
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  if (loaded.templateFiles.size === 0) {
    throw new UnusableInputError(shown, `no template could be read (${loaded.unreadable.map(u => `${u.file}: ${u.reason}`).join('; ')})`);
  }
  return loaded;
}

/** Reads, normalises and includes one template file as the stack `id`. */
function loadOne(loaded: LoadedApp, file: string, name: string, id: string, workFile: string): void {
  const text = readText(file, name);
  let normalised: NormalisedTemplate;
  let resourceLines: Map<string, number>;
  let sectionLines: Map<string, Map<string, number>>;
  try {
    const parsed = parseTemplateText(text, file);
    resourceLines = parsed.resourceLines;
    sectionLines = parsed.sectionLines;
    normalised = normaliseTemplate(parsed.document, parsed.format);
  } catch (e) {
    if (e instanceof TemplateTextError) {
      throw new UnusableInputError(name, e.reason);
    }
    throw e;
  }
  if (Object.keys(normalised.template.Resources as object).length === 0) {
    throw new UnusableInputError(name, 'not a CloudFormation template: it defines no resources');
  }
  const { stack, include, partial } = includeTemplate(loaded.app, id, normalised.template, workFile, name, file);
  const resources = include.node.findAll().filter(CfnResource.isCfnResource);
  if (resources.length === 0) {
    throw new UnusableInputError(name, 'not a CloudFormation template: it defines no resources');
  }
  // Everything that can fail has: the template is recorded only now, so that a template of a
  // cloud assembly that fails leaves nothing behind.
  const reasons = [...normalised.partial, ...partial];
  if (reasons.length > 0) {
    loaded.partialReads.push({ file: name, reasons });
  }
  loaded.templateFiles.set(stack.node.path, name);
  for (const resource of resources) {
    const logicalId = stack.resolve(resource.logicalId) as string;
    const from = normalised.generatedFrom.get(logicalId);
    const line = resourceLines.get(logicalId) ?? (from === undefined ? undefined : resourceLines.get(from));
    loaded.locations.set(resource.node.path, { file: name, absolutePath: path.resolve(file), logicalId, ...(line === undefined ? {} : { line }) });
    const entries = templateSuppressions(resource);
    if (entries.length > 0) {
      loaded.suppressions.set(resource.node.path, entries);
    }
    for (const entry of entries) {
      if (entry.id.startsWith(`${PACK_NAME}-`) && judgeSuppression(entry, loaded.honorSuppressions).honoured) {
        Validations.of(resource).acknowledge({ id: entry.id, reason: entry.reason });
      }
    }
  }
  // Outputs, parameters, mappings, conditions and rules carry findings too (credentials written there).
  for (const element of include.node.findAll()) {
    if (!CfnElement.isCfnElement(element) || CfnResource.isCfnResource(element)) {
      continue;
    }
    const section = sectionName(element);
    const logicalId = stack.resolve((element as CfnElement).logicalId) as string;
    const line = sectionLines.get(section)?.get(logicalId);
    loaded.locations.set(element.node.path, { file: name, absolutePath: path.resolve(file), logicalId, ...(line === undefined ? {} : { line }) });
  }
}

/** The template section an element of an include renders into. */
function sectionName(c: IConstruct): TemplatePart['section'] {
  return CfnResource.isCfnResource(c) ? 'Resources'
    : c instanceof CfnOutput ? 'Outputs' : c instanceof CfnCondition ? 'Conditions' : c instanceof CfnParameter ? 'Parameters'
      : c instanceof CfnMapping ? 'Mappings' : c instanceof CfnRule ? 'Rules' : 'Hooks';
}

/**
 * `CfnInclude` of the normalised template, retried until it is accepted: a resource it refuses
 * (its constructor throws, or its properties do not render, e.g. "Supplied properties not
 * correct") is brought in as an opaque `CfnResource` with its properties untouched
 * (`dehydratedResources`), and left out if even that fails; a mapping, parameter, condition,
 * output, rule or hook it refuses is left out. Each is one reason in `partial`. Every attempt
 * reads the template from `workFile` (JSON: `CfnInclude` reads only files).
 */
function includeTemplate(
  app: App, id: string, template: Json, workFile: string, name: string, file: string,
): { stack: Stack; include: cfninc.CfnInclude; partial: string[] } {
  const partial: string[] = [];
  const dehydrated = new Set<string>();
  const sectionSize = (s: string) => (isObject(template[s]) ? Object.keys(template[s] as object).length : 0);
  const limit = 2 * ['Mappings', 'Parameters', 'Conditions', 'Resources', 'Outputs'].reduce((n, s) => n + sectionSize(s), 0) + 4;
  for (let attempt = 0; attempt <= limit; attempt++) {
    fs.writeFileSync(workFile, JSON.stringify(template));
    const stack = new Stack(app, id);
    let include: cfninc.CfnInclude;
    try {
      include = new cfninc.CfnInclude(stack, 'Template', { templateFile: workFile, dehydratedResources: [...dehydrated].filter(r => r in (template.Resources as Json)) });
    } catch (e) {
      const failed = stack.node.tryFindChild('Template');
      app.node.tryRemoveChild(id);
      if (/Unsupported CloudFormation function/.test(messageOf(e)) || failed === undefined) {
        throw new UnusableInputError(name, reasonOf(e, file));
      }
      const culprit = firstNotIncluded(template, failed);
      if (culprit === undefined) {
        throw new UnusableInputError(name, reasonOf(e, file));
      }
      leaveOut(template, culprit, dehydrated, firstLine(e), partial);
      continue;
    }
    for (const r of dehydrated) {
      // CfnInclude keeps the logical ids of the resources it parses, not of the opaque ones.
      const opaque = include.node.tryFindChild(r);
      if (opaque && CfnResource.isCfnResource(opaque)) {
        opaque.overrideLogicalId(r);
      }
    }
    const refused = unrenderable(stack, include);
    if (refused.length === 0) {
      return { stack, include, partial };
    }
    app.node.tryRemoveChild(id);
    for (const r of refused) {
      leaveOut(template, r.element, dehydrated, r.reason, partial);
    }
  }
  throw new UnusableInputError(name, 'cannot be brought in with CfnInclude (too many parts refused)');
}

/** A part of a template: its section and logical id. */
interface TemplatePart {
  readonly section: 'Mappings' | 'Parameters' | 'Conditions' | 'Rules' | 'Resources' | 'Hooks' | 'Outputs';
  readonly id: string;
}

const SECTION_NOUN: Record<TemplatePart['section'], string> = {
  Mappings: 'mapping', Parameters: 'parameter', Conditions: 'condition', Rules: 'rule', Resources: 'resource', Hooks: 'hook', Outputs: 'output',
};

function leaveOut(template: Json, part: TemplatePart, dehydrated: Set<string>, reason: string, partial: string[]): void {
  if (part.section === 'Resources' && !dehydrated.has(part.id)) {
    dehydrated.add(part.id);
    partial.push(`resource ${part.id} was read as a plain CfnResource, its properties as written (${reason})`);
    return;
  }
  const section = template[part.section];
  if (isObject(section)) {
    delete section[part.id];
  }
  partial.push(`${SECTION_NOUN[part.section]} ${part.id} was not read (${reason})`);
}

/**
 * The part of the template `CfnInclude` failed on, from what it had built when it threw: it
 * builds mappings and parameters, then conditions, rules, resources (dependencies first), hooks
 * and outputs, each in template order.
 */
function firstNotIncluded(template: Json, failed: IConstruct): TemplatePart | undefined {
  const scope = (name: string) => failed.node.tryFindChild(name);
  const built = (s: IConstruct | undefined) => new Set((s?.node.children ?? []).map(c => c.node.id));
  const missing = (section: TemplatePart['section'], have: Set<string>): TemplatePart | undefined => {
    const id = Object.keys(isObject(template[section]) ? template[section] as Json : {}).find(k => !have.has(k));
    return id === undefined ? undefined : { section, id };
  };
  if (scope('$Mappings') === undefined) {
    return undefined;
  }
  const direct = built(failed);
  if (scope('$Conditions') === undefined) {
    return missing('Mappings', built(scope('$Mappings'))) ?? missing('Parameters', direct);
  }
  if (scope('$Rules') === undefined) {
    return missing('Conditions', built(scope('$Conditions')));
  }
  if (scope('$Hooks') === undefined) {
    // A resource whose constructor threw is in the tree but not among the include's resources.
    const registered = (failed as unknown as { resources?: Record<string, unknown> }).resources ?? {};
    const halfBuilt = failed.node.children.find(c => CfnResource.isCfnResource(c) && !(c.node.id in registered));
    return missing('Rules', built(scope('$Rules')))
      ?? (halfBuilt === undefined ? undefined : { section: 'Resources', id: halfBuilt.node.id })
      ?? missing('Resources', direct);
  }
  if (scope('$Outputs') === undefined) {
    return missing('Hooks', built(scope('$Hooks')));
  }
  return missing('Outputs', built(scope('$Outputs')));
}

/** The elements of an include whose CloudFormation does not render, with the first line of why. */
function unrenderable(stack: Stack, include: cfninc.CfnInclude): { element: TemplatePart; reason: string }[] {
  const out: { element: TemplatePart; reason: string }[] = [];
  for (const c of include.node.findAll()) {
    if (!CfnElement.isCfnElement(c)) {
      continue;
    }
    try {
      stack.resolve((c as unknown as { _toCloudFormation(): object })._toCloudFormation());
    } catch (e) {
      out.push({ element: { section: sectionName(c), id: c.node.id }, reason: firstLine(e) });
    }
  }
  return out;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Why CfnInclude refused a part, in one line: the first line of the error without CDK's
 * "Resolution error: " prefix, with the property paths its detail lines name, and never the
 * value it received (which may be a credential).
 */
function firstLine(e: unknown): string {
  const [head, ...rest] = messageOf(e).split('\n');
  const properties = rest.map(l => /^\s+([A-Za-z0-9_.[\]]+): /.exec(l)?.[1]).filter((p): p is string => p !== undefined);
  const line = `${withoutValue(head.replace(/^Resolution error: /, '').trim())}${properties.length > 0 ? ` (${properties.join(', ')})` : ''}`;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function withoutValue(text: string): string {
  return text.replace(/\s*(?:but )?(?:received|have|got)\b.*$/i, '');
}

/** The templates of a cloud assembly directory and its nested assemblies. */
function assemblyTemplates(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, depth: number) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isFile() && entry.name.endsWith('.template.json')) {
        out.push(full);
      } else if (entry.isDirectory() && depth < 4 && entry.name.startsWith('assembly-')) {
        walk(full, depth + 1);
      }
    }
  };
  walk(dir, 0);
  if (out.length === 0) {
    throw new UnusableInputError(display(dir), 'not a cloud assembly: the directory holds no *.template.json file');
  }
  return out;
}

function readText(file: string, name: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UnusableInputError(name, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** One line: why CfnInclude refused the file. */
function reasonOf(e: unknown, file: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split('\n')[0].trim();
  const unsupported = /Unsupported CloudFormation function '([^']+)'/.exec(message);
  if (unsupported) {
    return `unsupported intrinsic function ${unsupported[1]}`;
  }
  if (e instanceof Error && /YAML/.test(e.constructor.name + e.name)) {
    return `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'} (${first})`;
  }
  return `cannot be brought in with CfnInclude (${first})`;
}

/** A path as the user reads it: relative to the working directory when below it. */
export function display(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/**
 * One line per template not read in full: `<file>: partially read: <reasons>` and, for a
 * template of a cloud assembly that could not be read, `<file>: not read: <reason>`.
 */
export function readingProblems(loaded: Pick<LoadedApp, 'partialReads' | 'unreadable'>): string[] {
  return [
    ...loaded.partialReads.map(p => `${p.file}: partially read: ${p.reasons.join('; ')}`),
    ...loaded.unreadable.map(u => `${u.file}: not read: ${u.reason}`),
  ];
}
