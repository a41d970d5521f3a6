import { GuardTarget } from './shape';
import { PACK_NAME, SecretsRule } from '../nag/rule';
import { RULES } from '../nag/rules';

/**
 * How one target presents a resource to a Guard rule, so that a rule is written once for the
 * three targets:
 *
 * | target | document | a resource | its properties | template sections |
 * |---|---|---|---|---|
 * | `TEMPLATE` | the template | `Resources.<id>` with `Type` | `Properties` | `DeletionPolicy`, other resources, `Parameters` |
 * | `HOOK` | a Guard Hook's input, one resource | `Resources.<id>` with `ResourceType` | `ResourceProperties` | none |
 * | `CONFIG` | an AWS Config configuration item | the document itself, with `resourceType` | `configuration` | none |
 *
 * AWS Config evaluates custom policy rules with its `guard-2.x.x` runtime: a rule rendered for
 * `CONFIG` (`guard2` is true) keeps to Guard 2 syntax (no functions such as `count`,
 * `regex_replace` or `json_parse`).
 */
export interface GuardShape {
  readonly target: GuardTarget;
  /** The key of a resource's properties: `Properties`, `ResourceProperties` or `configuration`. */
  readonly properties: string;
  /** Whether the rule sees the whole template: `DeletionPolicy`, the other resources, `Parameters`. */
  readonly seesTemplate: boolean;
  /** Whether the rule runs on Guard 2 (AWS Config's policy runtime) and so may not call functions. */
  readonly guard2: boolean;
  /**
   * A Guard query of the resources of `type` in the document; for `CONFIG`, where the document
   * is one resource, `undefined`: a rule is guarded by `when resourceType == ...` instead (see
   * {@link forEachResource}). A filter on the root, `this[ resourceType == ... ]`, makes
   * cfn-guard 3.1 and 2.1 stop with "entered unreachable code".
   */
  select(type: string): string | undefined;
  /** `path` (e.g. `KmsKeyId`, `ReplicaRegions[*].KmsKeyId`) under the properties of the resource in scope. */
  prop(path: string): string;
}

function shapeOf(target: GuardTarget, properties: string, typeKey: string | undefined): GuardShape {
  return {
    target,
    properties,
    seesTemplate: target === GuardTarget.TEMPLATE,
    guard2: target === GuardTarget.CONFIG,
    select: type => typeKey === undefined ? undefined : `Resources.*[ ${typeKey} == ${guardString(type)} ]`,
    prop: path => `${properties}.${path}`,
  };
}

/** The shape of each target. */
export function guardShape(target: GuardTarget): GuardShape {
  switch (target) {
    case GuardTarget.TEMPLATE:
      return shapeOf(target, 'Properties', 'Type');
    case GuardTarget.HOOK:
      return shapeOf(target, 'ResourceProperties', 'ResourceType');
    case GuardTarget.CONFIG:
      return shapeOf(target, 'configuration', undefined);
  }
}

/** Every target, in the order files and tables list them. */
export const GUARD_TARGETS: readonly GuardTarget[] = [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG];

/** What a Guard rule source leaves out of a target, and why. */
export interface GuardSourceGap {
  /** The targets concerned. */
  readonly targets: GuardTarget[];
  /** `true` when the targets get part of the rule; `false` when they get none of it. */
  readonly partial: boolean;
  /** Why, precisely: what the input lacks or what Guard cannot compute. */
  readonly reason: string;
}

/**
 * One catalogue rule written as Guard rules, once for every target it can be decided in.
 *
 * The Guard rules reproduce the pack's ERROR findings on templates as cfn-guard reads them
 * (intrinsic functions unresolved) at the pack's default options; findings the pack reports as
 * warnings (warning-level rules, "cannot be proven" findings) are not exported, so a value the
 * template does not write (a `Ref` to a parameter, an `Fn::ImportValue`) passes.
 */
export interface GuardRuleSource {
  /** The catalogue rule's name (`SecretCustomerManagedKey`); its id is `HardenedSecrets-<rule>`. */
  readonly rule: string;
  /** The CloudFormation types the Guard rules report on (AWS Config's rule scope). */
  readonly resourceTypes: string[];
  /** The targets the rule is exported to. */
  readonly targets: GuardTarget[];
  /** What the export leaves out, per target (missing targets must be listed, with the reason). */
  readonly gaps: GuardSourceGap[];
  /**
   * The Guard named rules of `shape`'s target, each self-contained (its `let`s inside the rule)
   * so that a file can be split between any two of them. Names come from {@link guardRuleName}.
   */
  render(shape: GuardShape): string[];
}

/** The prefix of every exported Guard rule name: Guard names are identifiers, so `_` replaces the id's `-`. */
export const GUARD_RULE_PREFIX = `${PACK_NAME}_`;

/**
 * The Guard rule name of a catalogue rule: `HardenedSecrets_<Rule>`, or
 * `HardenedSecrets_<Rule>__<part>` for one of several Guard rules that together decide it.
 */
export function guardRuleName(rule: string, part?: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(rule) || (part !== undefined && !/^[A-Za-z0-9]+$/.test(part))) {
    throw new Error(`not a Guard rule name: rule '${rule}', part '${part}' (letters and digits only)`);
  }
  return `${GUARD_RULE_PREFIX}${rule}${part === undefined ? '' : `__${part}`}`;
}

/**
 * The catalogue rule id (`HardenedSecrets-<Rule>`) a Guard rule name of the export stands for,
 * or `undefined` for a name the export does not use. The inverse of {@link guardRuleName}.
 */
export function catalogueRuleId(guardName: string): string | undefined {
  const m = /^HardenedSecrets_([A-Za-z][A-Za-z0-9]*)(?:__[A-Za-z0-9]+)?$/.exec(guardName.trim());
  return m ? `${PACK_NAME}-${m[1]}` : undefined;
}

/** The catalogue rule named `rule` (requirement, controls, fix). */
export function catalogueRule(rule: string): SecretsRule {
  const found = RULES.find(r => r.name === rule);
  if (!found) {
    throw new Error(`'${rule}' is not a rule of the catalogue (src/nag/rules)`);
  }
  return found;
}

/** A Guard string literal (single-quoted; Guard has no escapes, so a quote is refused). */
export function guardString(value: string): string {
  if (value.includes('\'')) {
    throw new Error(`Guard string literal cannot hold a single quote: ${value}`);
  }
  return `'${value}'`;
}

/**
 * A Guard regular expression literal for the (Rust-syntax) pattern `source`. Guard ends the
 * literal at any `/`, escaped or not, so each is written `\x2F`.
 */
export function guardRegex(source: string): string {
  return `/${source.replace(/\\\//g, '/').replace(/\//g, '\\x2F')}/`;
}

/**
 * A clause's custom message: `<< HardenedSecrets-<Rule>: what is wrong. Fix: the catalogue's fix >>`.
 * The message is what cfn-guard, the hook and AWS Config report; it never holds a value of the
 * resource. Guard ends a message at `>>`, so none is left in the text.
 */
export function guardMessage(rule: string, what: string): string {
  const fix = catalogueRule(rule).fix;
  const text = `${PACK_NAME}-${rule}: ${what} Fix: ${fix}`.replace(/>>/g, '> >').replace(/\s+/g, ' ');
  return `<< ${text} >>`;
}

/** One clause of a rule and what its failure means. */
export interface GuardClause {
  /** The Guard clause (one line; `or` joins alternatives), relative to the resource in scope. */
  readonly check: string;
  /** A Guard condition the clause applies under (`when <condition> { <check> }`), relative to the same scope. */
  readonly when?: string;
  /**
   * What a failure means, one sentence (the message adds the rule id and the catalogue's fix).
   * Omitted for a block (`query { ... }`), whose own clauses carry the messages.
   */
  readonly message?: string;
}

/** Options of {@link forEachResource}. */
export interface ForEachResourceOptions {
  /** The catalogue rule. */
  readonly rule: string;
  /** A part name when several Guard rules decide the catalogue rule (see {@link guardRuleName}). */
  readonly part?: string;
  /** The resource type. */
  readonly type: string;
  /** A Guard filter (a clause) a resource must meet to be checked, e.g. `Properties.RotationRules exists`. */
  readonly filter?: string;
  /** What each resource must meet; every clause carries its message. */
  readonly clauses: GuardClause[];
}

/**
 * A Guard named rule that checks `clauses` on each resource of `type`, in any target:
 *
 * ```
 * rule HardenedSecrets_<Rule> when Resources.*[ Type == '<type>' ] !empty {      # TEMPLATE, HOOK
 *   Resources.*[ Type == '<type>' ] { <clauses> }
 * }
 * rule HardenedSecrets_<Rule> when resourceType == '<type>' { <clauses> }        # CONFIG
 * ```
 *
 * A resource with no finding passes, a document without such a resource skips the rule, and a
 * failure names the clause's path under `/Resources/<id>/` (TEMPLATE, HOOK) or `/configuration/`.
 */
export function forEachResource(shape: GuardShape, options: ForEachResourceOptions): string {
  const name = guardRuleName(options.rule, options.part);
  const body = options.clauses.map(c => clause(options.rule, c));
  const select = shape.select(options.type);
  if (select === undefined) {
    const when = [`resourceType == ${guardString(options.type)}`, ...(options.filter ? [options.filter] : [])];
    return [`rule ${name} when ${when.join('\n    ')} {`, indent(body.join('\n'), 1), '}'].join('\n');
  }
  const query = options.filter ? `${select.slice(0, -1)}\n    ${options.filter} ]` : select;
  return [
    `rule ${name} when ${query} !empty {`,
    indent(`${query} {`, 1),
    indent(body.join('\n'), 2),
    indent('}', 1),
    '}',
  ].join('\n');
}

/** A clause with its message, under its `when` condition if it has one. */
export function clause(rule: string, c: GuardClause): string {
  const checked = c.message === undefined ? c.check : `${c.check}\n${guardMessage(rule, c.message)}`;
  return c.when === undefined ? checked : `when ${c.when} {\n${indent(checked, 1)}\n}`;
}

/** `text` indented by `depth` levels of two spaces, line by line. */
export function indent(text: string, depth: number): string {
  const pad = '  '.repeat(depth);
  return text.split('\n').map(line => (line === '' ? '' : pad + line)).join('\n');
}

/** A finding of an exported Guard rule in cfn-guard's JSON output. */
export interface GuardReportFinding {
  /** The catalogue rule id (`HardenedSecrets-<Rule>`). */
  readonly ruleId: string;
  /** The Guard rule that failed. */
  readonly guardRule: string;
  /**
   * The logical id of the resource (TEMPLATE, HOOK: the `<id>` of `/Resources/<id>/...`);
   * `undefined` for a configuration item, which is one resource.
   */
  readonly logicalId?: string;
}

/**
 * The (rule, resource) findings of the export in one document's cfn-guard report (`validate
 * --output-format json`, one data file). Only clauses that carry an export message count: a
 * filter's comparison that cfn-guard also lists (`keys IN ...`) names no finding.
 */
export function guardReportFindings(report: { not_compliant?: unknown[] }): GuardReportFinding[] {
  const out = new Map<string, GuardReportFinding>();
  for (const entry of report.not_compliant ?? []) {
    const rule = (entry as { Rule?: { name?: string; checks?: unknown[] } }).Rule;
    const guardRule = rule?.name;
    const ruleId = guardRule === undefined ? undefined : catalogueRuleId(guardRule);
    if (guardRule === undefined || ruleId === undefined) {
      continue;
    }
    for (const check of rule?.checks ?? []) {
      const text = JSON.stringify(check);
      if (!text.includes(`${PACK_NAME}-`)) {
        continue;
      }
      const ids = new Set<string>();
      for (const { path, value } of checkedPaths(check)) {
        const m = /^\/Resources\/([^/]+)/.exec(path);
        if (m) {
          ids.add(m[1].replace(/~1/g, '/').replace(/~0/g, '~'));
        } else if (path === '/Resources' && typeof value === 'string') {
          // A rule that checks a resource's logical id (`Resources[ id | ... ]`, `%id IN %refs`)
          // fails on the key itself: path `/Resources`, value the logical id.
          ids.add(value);
        }
      }
      if (ids.size === 0) {
        out.set(`${guardRule}|`, { ruleId, guardRule });
      }
      for (const id of ids) {
        out.set(`${guardRule}|${id}`, { ruleId, guardRule, logicalId: id });
      }
    }
  }
  return [...out.values()].sort((a, b) => `${a.ruleId}|${a.logicalId}`.localeCompare(`${b.ruleId}|${b.logicalId}`));
}

/**
 * The paths (and values) a failed check was evaluated on: every `{ path, value }` of the check
 * but those on a comparison's `to` side, which are what the value was compared with.
 */
function checkedPaths(node: unknown, out: Array<{ path: string; value: unknown }> = []): Array<{ path: string; value: unknown }> {
  if (Array.isArray(node)) {
    node.forEach(n => checkedPaths(n, out));
  } else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record.path === 'string') {
      out.push({ path: record.path, value: record.value });
    }
    for (const [key, child] of Object.entries(record)) {
      if (key !== 'to') {
        checkedPaths(child, out);
      }
    }
  }
  return out;
}
