import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { judgeSuppression, TemplateSuppression, templateSuppressions } from './suppressions';
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
 * `CfnInclude` (logical ids preserved). The suppressions that cdk-nag wrote into the template
 * (`Metadata.cdk_nag.rules_to_suppress`) are recorded; with `honorSuppressions`, those of
 * SecretsManagerChecks that may be honoured become acknowledgements on the resource, so the
 * compliance report counts them as acknowledged (the cdk-nag packs' findings are matched to
 * the recorded suppressions after the packs ran: a pack leaves acknowledged findings out).
 */
export function loadTemplates(input: string, options: LoadOptions = {}): LoadedApp {
  const honorSuppressions = options.honorSuppressions ?? false;
  const shown = display(input);
  if (!fs.existsSync(input)) {
    throw new UnusableInputError(shown, 'no such file or directory');
  }
  const files = fs.statSync(input).isDirectory() ? assemblyTemplates(input) : [input];
  const app = new App({ analyticsReporting: false });
  const templateFiles = new Map<string, string>();
  const locations = new Map<string, SourceLocation>();
  const suppressionsByPath = new Map<string, TemplateSuppression[]>();
  const ids = new Set<string>();
  for (const file of files) {
    const name = display(file);
    const text = readText(file, name);
    checkTemplate(file, name, text);
    let id = path.basename(file).replace(/\.template\.json$|\.(json|ya?ml|template)$/i, '').replace(/[^A-Za-z0-9-]/g, '-') || 'Template';
    while (ids.has(id)) {
      id = `${id}-1`;
    }
    ids.add(id);
    const stack = new Stack(app, id);
    let include: cfninc.CfnInclude;
    try {
      include = new cfninc.CfnInclude(stack, 'Template', { templateFile: file });
    } catch (e) {
      throw new UnusableInputError(name, reasonOf(e, file));
    }
    templateFiles.set(stack.node.path, name);
    const resources = include.node.findAll().filter(CfnResource.isCfnResource);
    if (resources.length === 0) {
      throw new UnusableInputError(name, 'not a CloudFormation template: it defines no resources');
    }
    for (const resource of resources) {
      const logicalId = stack.resolve(resource.logicalId) as string;
      locations.set(resource.node.path, { file: name, absolutePath: path.resolve(file), logicalId, line: lineOf(text, logicalId) });
      const entries = templateSuppressions(resource);
      if (entries.length > 0) {
        suppressionsByPath.set(resource.node.path, entries);
      }
      for (const entry of entries) {
        if (entry.id.startsWith(`${PACK_NAME}-`) && judgeSuppression(entry, honorSuppressions).honoured) {
          Validations.of(resource).acknowledge({ id: entry.id, reason: entry.reason });
        }
      }
    }
  }
  return { app, templateFiles, locations, suppressions: suppressionsByPath, honorSuppressions };
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

/** Rejects what is not a CloudFormation template, with the reason, before CfnInclude sees it. */
function checkTemplate(file: string, name: string, text: string): void {
  if (text.trim() === '') {
    throw new UnusableInputError(name, 'the file is empty');
  }
  const looksJson = /\.json$/i.test(file) || /^\s*[{[]/.test(text);
  if (looksJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      if (/\.json$/i.test(file)) {
        throw new UnusableInputError(name, `not valid JSON (${(e as Error).message})`);
      }
      return; // YAML flow style: CfnInclude parses it
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UnusableInputError(name, 'not a CloudFormation template: the document is not an object');
    }
    const resources = (parsed as Record<string, unknown>).Resources;
    if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
      throw new UnusableInputError(name, 'not a CloudFormation template: it has no Resources section');
    }
    for (const [id, body] of Object.entries(resources)) {
      if (typeof body !== 'object' || body === null || typeof (body as Record<string, unknown>).Type !== 'string') {
        throw new UnusableInputError(name, `not a CloudFormation template: resource ${id} has no Type`);
      }
    }
    return;
  }
  if (!/^Resources\s*:/m.test(text)) {
    throw new UnusableInputError(name, 'not a CloudFormation template: it has no top-level Resources section');
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

function lineOf(text: string, logicalId: string): number | undefined {
  const escaped = logicalId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(?:"${escaped}"\\s*:|${escaped}\\s*:)`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index + m[0].length - m[0].trimStart().length).split('\n').length : undefined;
}

/** A path as the user reads it: relative to the working directory when below it. */
export function display(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}
