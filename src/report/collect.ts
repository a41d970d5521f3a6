import { CfnOutput, CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { controlEntries, evidenceItems } from './controls';
import {
  AppCoverage, ComplianceReport, FindingEntry, KeyEntry, PrincipalRef, ReaderEntry, ReplicaEntry, ReportOptions,
  ResourcePolicyEntry, RotationEntry, SCHEMA_ID, SCHEMA_VERSION, SecretCoverage, SecretEntry, TrailEntry,
} from './model';
import { RecordedFinding } from './recording-checks';
import { Indexes } from '../analysis/analysis-run';
import { Statement, actionMatches, coversEverySecret, grants, hasConditionKey, isConditioned, isPublicPrincipal, statements } from '../analysis/policy';
import { IAM_POLICY_TYPES, heldDocuments, holders, keyReference } from '../analysis/resources';
import { formatHours, scheduleGap } from '../analysis/schedule';
import { ResourceView, TemplateIndex, asArray, isObject, refOrGetAttId } from '../analysis/template-index';
import { PLACEHOLDER, flatten, isTrue, literalText } from '../analysis/values';

/** What the report is computed from. */
export interface CollectInput {
  readonly root: IConstruct;
  /** The indexes of the report's analysis run (built from `templates`). */
  readonly indexes: Indexes;
  /** Synthesised templates by stack construct path (at synth); empty for the CLI. */
  readonly templates: Map<string, any>;
  /** Template file of each stack, by stack construct path, for `source`. */
  readonly templateFiles: Map<string, string>;
  readonly sourceKind: 'cloud-assembly' | 'templates';
  readonly options: ReportOptions;
  readonly findings: RecordedFinding[];
  readonly generatorVersion: string;
}

/** Actions that return a secret's value. */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'];
/** AWS managed policies that allow secretsmanager:GetSecretValue on every secret. */
const READING_MANAGED_POLICIES = ['SecretsManagerReadWrite', 'AdministratorAccess', 'PowerUserAccess'];
/** Key policy actions that amount to administering the key. */
const KEY_ADMIN_ACTIONS = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];

interface SecretRef {
  readonly index: TemplateIndex;
  readonly view: ResourceView;
  readonly id: string;
  /** The parts of the secret's ARN the template shows, to test ARN patterns against. */
  readonly region?: string;
  readonly account?: string;
  readonly name?: string;
  readonly readers: ReaderEntry[];
}

/**
 * Builds the report, reading the app through `input.indexes`, after the pack has recorded its
 * findings.
 */
export function collectReport(input: CollectInput): ComplianceReport {
  const stacks = stacksOf(input.root);
  const indexes = stacks.map(s => input.indexes.index(s));
  const exports = exportsOf(stacks, input.templates, input.indexes);
  const secrets: SecretRef[] = [];
  for (const index of indexes) {
    for (const view of index.ofType('AWS::SecretsManager::Secret')) {
      secrets.push({ index, view, id: resourceId(index, view), ...secretArnParts(index, view), readers: [] });
    }
  }
  const secretsByKey = new Map(secrets.map(s => [s.id, s]));

  const roleUse = roleUsage(indexes);
  collectIdentityReaders(indexes, secrets, secretsByKey, exports, roleUse);

  const coverage = appCoverage(indexes, input);
  const findings = findingEntries(input.findings, input.indexes);
  relatedResources(secrets, findings);
  const bySecret = new Map<string, FindingEntry[]>();
  for (const f of findings) {
    for (const id of f.secrets) {
      bySecret.set(id, [...(bySecret.get(id) ?? []), f]);
    }
  }
  const entries = secrets.map(s => secretEntry(s, coverage, roleUse, bySecret.get(s.id) ?? [], input.indexes));

  const controls = controlEntries(entries, findings, coverage, input.options);
  const evidence = evidenceItems(entries, findings, coverage, controls);
  const unacked = findings.filter(f => !f.acknowledged);
  return {
    $schema: SCHEMA_ID,
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'cdk-hardened-secrets', version: input.generatorVersion },
    source: {
      kind: input.sourceKind,
      stacks: stacks.map(s => ({ stack: s.node.path, template: input.templateFiles.get(s.node.path) ?? null })),
    },
    options: input.options,
    summary: {
      stacks: stacks.length,
      secrets: entries.length,
      secretsWithCustomerManagedKey: entries.filter(e => e.key.kind === 'customer-managed').length,
      secretsRotating: entries.filter(e => e.rotation.kind !== 'none').length,
      secretsRotationWaived: entries.filter(e => e.rotation.waiver !== null).length,
      secretsWithResourcePolicy: entries.filter(e => e.resourcePolicy.policies.length > 0).length,
      findings: {
        error: unacked.filter(f => f.level === 'error').length,
        warning: unacked.filter(f => f.level === 'warning').length,
        acknowledged: findings.length - unacked.length,
      },
      controls: {
        pass: controls.filter(c => c.status === 'pass').length,
        fail: controls.filter(c => c.status === 'fail').length,
        warn: controls.filter(c => c.status === 'warn').length,
        notApplicable: controls.filter(c => c.status === 'not-applicable').length,
      },
      evidence: {
        provided: evidence.filter(e => e.status === 'provided').length,
        partial: evidence.filter(e => e.status === 'partial').length,
        missing: evidence.filter(e => e.status === 'missing').length,
      },
    },
    secrets: entries,
    coverage,
    findings,
    controls,
    evidence,
  };
}

// ---------------------------------------------------------------------------------------------
// Stacks, exports, names
// ---------------------------------------------------------------------------------------------

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

interface ExportTarget {
  readonly index: TemplateIndex;
  readonly value: unknown;
}

/** Export name → the stack that exports it and the exported value. */
function exportsOf(stacks: Stack[], templates: Map<string, any>, indexes: Indexes): Map<string, ExportTarget> {
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

/** The resource a value designates anywhere in the app: Ref/GetAtt in its stack, or an import of an export. */
function appTarget(value: unknown, index: TemplateIndex, exports: Map<string, ExportTarget>): { index: TemplateIndex; view: ResourceView; via: 'reference' | 'import' } | undefined {
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

/** The parts of a secret's ARN the template shows (undefined: decided at deploy time). */
function secretArnParts(index: TemplateIndex, view: ResourceView): Pick<SecretRef, 'region' | 'account' | 'name'> {
  const region = index.stack.resolve(index.stack.region);
  const account = index.stack.resolve(index.stack.account);
  const name = view.properties.Name === undefined ? undefined : flatten(view.properties.Name, index);
  return {
    region: typeof region === 'string' && !Token.isUnresolved(region) ? region : undefined,
    account: typeof account === 'string' && !Token.isUnresolved(account) ? account : undefined,
    name: name && name.fullyLiteral ? literalText(name) : undefined,
  };
}

/** Stands for a generated secret name: no IAM pattern but a bare `*` matches it. */
const GENERATED = '\u0002';
const patterns = new Map<string, RegExp>();

/**
 * Whether an IAM resource pattern (with `*`, `?` and parts the template does not show) covers
 * the secret. A region or account the template does not fix is taken to match; a generated
 * name matches only a bare `*` (`coversEverySecret`), never a name pattern.
 */
function matchesPattern(pattern: string, s: SecretRef): boolean {
  const parts = pattern.split(':');
  if (parts.length < 7 || !/^(secretsmanager|.*[*?\u0000].*)$/.test(parts[2])) {
    return false;
  }
  // An ARN ends in the name plus '-' and six random characters.
  const arn = `arn:${parts[1]}:secretsmanager:${s.region ?? parts[3]}:${s.account ?? parts[4]}:secret:${s.name !== undefined ? `${s.name}-AbCdEf` : GENERATED}`;
  let re = patterns.get(pattern);
  if (!re) {
    const any = `[^${GENERATED}]`;
    const source = pattern.split(PLACEHOLDER)
      .map(part => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, `${any}*`).replace(/\?/g, any))
      .join(`${any}*`);
    re = new RegExp(`^${source}$`);
    patterns.set(pattern, re);
  }
  return re.test(arn);
}

// ---------------------------------------------------------------------------------------------
// Who can read
// ---------------------------------------------------------------------------------------------

/** Per role (`Stack/LogicalId`): who assumes it and what runs with it. */
function roleUsage(indexes: TemplateIndex[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, what: string) => {
    const list = out.get(key) ?? [];
    if (!list.includes(what)) {
      list.push(what);
    }
    out.set(key, list);
  };
  for (const index of indexes) {
    for (const role of index.ofType('AWS::IAM::Role')) {
      for (const s of statements(role.properties.AssumeRolePolicyDocument, index)) {
        for (const p of s.principals) {
          add(resourceId(index, role), `assumed by ${p.split(PLACEHOLDER).join('*')}`);
        }
      }
    }
    for (const fn of index.ofType('AWS::Lambda::Function')) {
      const role = index.targetId(fn.properties.Role);
      if (role) {
        add(`${index.stack.node.path}/${role}`, `function ${resourceId(index, fn)}`);
      }
    }
    for (const task of index.ofType('AWS::ECS::TaskDefinition')) {
      for (const key of ['TaskRoleArn', 'ExecutionRoleArn']) {
        const role = index.targetId(task.properties[key]);
        if (role) {
          add(`${index.stack.node.path}/${role}`, `${key === 'TaskRoleArn' ? 'task' : 'task execution'} ${resourceId(index, task)}`);
        }
      }
    }
  }
  return out;
}

const PRINCIPAL_TYPES: Record<string, PrincipalRef['type']> = {
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
  'AWS::IAM::Group': 'group',
};

/** The principals (roles, users, groups) an identity-policy resource applies to. */
function policyHolders(view: ResourceView, index: TemplateIndex, exports: Map<string, ExportTarget>): PrincipalRef[] {
  const out: PrincipalRef[] = [];
  const seen = new Set<string>();
  const push = (p: PrincipalRef) => {
    if (!seen.has(p.principal)) {
      seen.add(p.principal);
      out.push(p);
    }
  };
  for (const id of holders(view, index)) {
    const holder = index.resource(id);
    if (holder) {
      push(principalOf(index, holder));
    }
  }
  for (const key of ['Roles', 'Users', 'Groups', 'RoleName', 'UserName', 'GroupName']) {
    for (const t of asArray(view.properties[key])) {
      if (index.targetId(t)) {
        continue; // counted above
      }
      const remote = appTarget(t, index, exports);
      if (remote) {
        push(principalOf(remote.index, remote.view));
      } else {
        const type = key.startsWith('Role') ? 'role' : key.startsWith('User') ? 'user' : 'group';
        push({ principal: `${type} ${display(t)}`, type, resource: null, constructPath: null });
      }
    }
  }
  return out;
}

function principalOf(index: TemplateIndex, view: ResourceView): PrincipalRef {
  const id = resourceId(index, view);
  return { principal: id, type: PRINCIPAL_TYPES[view.type] ?? 'unknown', resource: id, constructPath: view.node.node.path };
}

/** Identity policies anywhere in the app that allow reading a secret's value. */
function collectIdentityReaders(
  indexes: TemplateIndex[],
  secrets: SecretRef[],
  byId: Map<string, SecretRef>,
  exports: Map<string, ExportTarget>,
  roleUse: Map<string, string[]>,
): void {
  for (const index of indexes) {
    for (const type of IAM_POLICY_TYPES) {
      for (const view of index.ofType(type)) {
        let principals: PrincipalRef[] | undefined;
        const who = () => (principals ??= policyHolders(view, index, exports));
        // AWS managed policies attached to a role, user or group.
        for (const arn of asArray(view.properties.ManagedPolicyArns)) {
          const text = flatten(arn, index).text;
          const managed = READING_MANAGED_POLICIES.find(p => text.endsWith(`:aws:policy/${p}`));
          if (managed) {
            for (const secret of secrets) {
              for (const p of who()) {
                secret.readers.push(reader(p, 'aws-managed-policy', display(arn), managed, ['secretsmanager:GetSecretValue'], 'wildcard', {}, roleUse));
              }
            }
          }
        }
        for (const { document } of heldDocuments(view)) {
          const raw = rawStatements(document);
          statements(document, index).forEach((s, i) => {
            const actions = readActions(s, raw[i]);
            if (s.effect !== 'Allow' || actions.length === 0) {
              return;
            }
            const name = s.sid ?? `#${i + 1}`;
            const matched = new Map<string, ReaderEntry['match']>();
            if (s.notResources.length > 0) {
              secrets.forEach(secret => matched.set(secret.id, 'wildcard'));
            }
            for (const value of asArray(raw[i]?.Resource)) {
              const target = appTarget(value, index, exports);
              if (target) {
                const secret = target.view.type === 'AWS::SecretsManager::Secret' ? byId.get(resourceId(target.index, target.view)) : undefined;
                if (secret && !matched.has(secret.id)) {
                  matched.set(secret.id, target.via);
                }
                continue;
              }
              const text = flatten(value, index).text;
              if (coversEverySecret(text)) {
                secrets.forEach(secret => matched.has(secret.id) || matched.set(secret.id, 'wildcard'));
                continue;
              }
              if (!/secretsmanager|secret:|\*|\?|\u0000/.test(text)) {
                continue; // a literal ARN of something else
              }
              for (const secret of secrets) {
                if (!matched.has(secret.id) && matchesPattern(text, secret)) {
                  matched.set(secret.id, 'arn-pattern');
                }
              }
            }
            for (const [secretId, match] of matched) {
              for (const p of who()) {
                byId.get(secretId)!.readers.push(reader(p, 'identity-policy', resourceId(index, view), name, actions, match, s.condition, roleUse, s));
              }
            }
          });
        }
      }
    }
  }
}

function reader(
  p: PrincipalRef,
  source: ReaderEntry['source'],
  policy: string,
  statement: string,
  actions: string[],
  match: ReaderEntry['match'],
  conditions: Record<string, unknown>,
  roleUse: Map<string, string[]>,
  s?: Statement,
): ReaderEntry {
  return {
    ...p,
    source,
    policy,
    statement,
    actions,
    match,
    conditions,
    pinnedToVersionStage: s !== undefined && hasConditionKey(s, 'secretsmanager:VersionStage'),
    usedBy: p.resource ? roleUse.get(p.resource) ?? [] : [],
  };
}

function rawStatements(document: unknown): Array<Record<string, any> | undefined> {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  return isObject(doc) ? asArray(doc.Statement).filter(isObject) : [];
}

/** The statement's actions (as written) that allow reading a value. */
function readActions(s: Statement, raw?: Record<string, any>): string[] {
  if (!READ_ACTIONS.some(a => grants(s, a))) {
    return [];
  }
  if (s.notActions.length > 0) {
    return [`NotAction ${s.notActions.join(', ')}`];
  }
  const written = asArray(raw?.Action).filter((a): a is string => typeof a === 'string');
  const actions = written.length === s.actions.length ? written : s.actions;
  return actions.filter(p => READ_ACTIONS.some(a => actionMatches(p, a)));
}

/** Allow statements of the secret's resource policies that let a principal read the value. */
function resourcePolicyReaders(index: TemplateIndex, policies: ResourceView[], roleUse: Map<string, string[]>): ReaderEntry[] {
  const out: ReaderEntry[] = [];
  for (const policy of policies) {
    const raw = rawStatements(policy.properties.ResourcePolicy);
    statements(policy.properties.ResourcePolicy, index).forEach((s, i) => {
      const actions = readActions(s, raw[i]);
      if (s.effect !== 'Allow' || actions.length === 0) {
        return;
      }
      const values = s.hasNotPrincipal ? ['*'] : s.principals;
      for (const text of values) {
        out.push(reader(principalFromText(text), 'resource-policy', resourceId(index, policy), s.sid ?? `#${i + 1}`, actions, 'resource-policy', s.condition, roleUse, s));
      }
    });
  }
  return out;
}

function principalFromText(text: string): PrincipalRef {
  const shown = text.split(PLACEHOLDER).join('*');
  const type: PrincipalRef['type'] = text === '*' ? 'any'
    : /\.amazonaws\.com(\.cn)?$/.test(text) ? 'service'
      : /^\d{12}$|:root$/.test(text) ? 'account'
        : /:role\//.test(text) ? 'role'
          : /:user\//.test(text) ? 'user'
            : /^arn:/.test(text) ? 'arn' : 'unknown';
  return { principal: shown, type, resource: null, constructPath: null };
}

// ---------------------------------------------------------------------------------------------
// Coverage: trails, monitors, endpoints
// ---------------------------------------------------------------------------------------------

function appCoverage(indexes: TemplateIndex[], input: CollectInput): AppCoverage {
  const trails: TrailEntry[] = [];
  const endpoints: AppCoverage['endpoints'] = [];
  for (const index of indexes) {
    for (const trail of index.ofType('AWS::CloudTrail::Trail')) {
      const p = trail.properties;
      trails.push({
        resource: resourceId(index, trail),
        isLogging: isTrue(p.IsLogging, index),
        multiRegion: isTrue(p.IsMultiRegionTrail, index),
        managementEvents: logsManagementEvents(p),
        logFileValidation: isTrue(p.EnableLogFileValidation, index),
        encrypted: p.KMSKeyId !== undefined,
        cloudWatchLogs: p.CloudWatchLogsLogGroupArn !== undefined,
      });
    }
    for (const endpoint of index.ofType('AWS::EC2::VPCEndpoint')) {
      if (!/secretsmanager/.test(flatten(endpoint.properties.ServiceName, index).text)) {
        continue;
      }
      endpoints.push({
        resource: resourceId(index, endpoint),
        vpc: vpcName(endpoint.properties.VpcId, index),
        privateDns: isTrue(endpoint.properties.PrivateDnsEnabled, index),
        policy: endpoint.properties.PolicyDocument !== undefined,
      });
    }
  }
  const monitors: AppCoverage['monitors'] = [];
  for (const path of input.indexes.appIndex(input.root).monitors) {
    const node = input.root.node.findAll().find(c => c.node.path === path);
    if (node && CfnResource.isCfnResource(node)) {
      const index = input.indexes.index(node);
      monitors.push({ resource: resourceId(index, index.view(node)), type: node.cfnResourceType, constructPath: path });
    }
  }
  return { trails, monitors, endpoints, externalMonitor: input.options.externalMonitor };
}

/**
 * Whether a trail logs management events (Secrets Manager API calls are management events):
 * with no selectors it does; event selectors must not set IncludeManagementEvents: false;
 * advanced selectors must select the Management category.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html
 */
function logsManagementEvents(p: Record<string, any>): boolean {
  if (p.AdvancedEventSelectors !== undefined) {
    return /Management/.test(JSON.stringify(p.AdvancedEventSelectors));
  }
  if (p.EventSelectors === undefined) {
    return true;
  }
  return asArray(p.EventSelectors).some(s => !isObject(s) || (s.IncludeManagementEvents !== false && s.IncludeManagementEvents !== 'false'));
}

/** `Stack/LogicalId` of a VPC of the app, or the value as written. */
function vpcName(value: unknown, index: TemplateIndex): string {
  const id = refOrGetAttId(value);
  return id !== undefined && index.resource(id) ? `${index.stack.node.path}/${id}` : display(value);
}

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

function findingEntries(recorded: RecordedFinding[], indexes: Indexes): FindingEntry[] {
  return recorded.map(f => {
    const index = indexes.index(f.node);
    return {
      rule: f.rule,
      ruleName: f.ruleName,
      level: f.level,
      resource: resourceId(index, index.view(f.node)),
      resourceType: f.node.cfnResourceType,
      constructPath: f.node.node.path,
      message: f.message,
      acknowledged: f.acknowledgedWith !== undefined,
      reason: f.acknowledgedWith ?? null,
      secrets: [],
    };
  });
}

/**
 * For each resource (`Stack/LogicalId`), the secrets it belongs to: the secret, its resource
 * policies and rotation schedules, its keys, the policies that grant read on it and the
 * permission of its rotation function. Fills each finding's `secrets`.
 */
function relatedResources(secrets: SecretRef[], findings: FindingEntry[]): void {
  const related = new Map<string, string[]>();
  const add = (resource: string, secret: string) => {
    const list = related.get(resource) ?? [];
    if (!list.includes(secret)) {
      list.push(secret);
    }
    related.set(resource, list);
  };
  for (const s of secrets) {
    const { index, view } = s;
    add(s.id, s.id);
    for (const type of ['AWS::SecretsManager::ResourcePolicy', 'AWS::SecretsManager::RotationSchedule', 'AWS::SecretsManager::SecretTargetAttachment']) {
      for (const r of index.attachedToSecret(view, type)) {
        add(resourceId(index, r), s.id);
        const fn = index.target(r.properties.RotationLambdaARN);
        if (fn) {
          for (const permission of index.ofType('AWS::Lambda::Permission')) {
            if (index.targetId(permission.properties.FunctionName) === fn.logicalId) {
              add(resourceId(index, permission), s.id);
            }
          }
        }
      }
    }
    for (const ref of [view.properties.KmsKeyId, ...asArray(view.properties.ReplicaRegions).filter(isObject).map(r => r.KmsKeyId)]) {
      const key = keyReference(ref, index).key;
      if (key) {
        add(resourceId(index, key), s.id);
      }
    }
    for (const r of s.readers) {
      if (r.source === 'identity-policy' && r.match !== 'wildcard') {
        add(r.policy, s.id);
      }
    }
  }
  for (const f of findings) {
    (f as { secrets: string[] }).secrets = related.get(f.resource) ?? [];
  }
}

// ---------------------------------------------------------------------------------------------
// One secret
// ---------------------------------------------------------------------------------------------

function secretEntry(s: SecretRef, coverage: AppCoverage, roleUse: Map<string, string[]>, own: FindingEntry[], indexes: Indexes): SecretEntry {
  const { index, view } = s;
  const p = view.properties;
  const policies = index.attachedToSecret(view, 'AWS::SecretsManager::ResourcePolicy');
  const readers = [...s.readers, ...resourcePolicyReaders(index, policies, roleUse)];
  const name = p.Name === undefined ? undefined : flatten(p.Name, index);
  const tags: { [key: string]: string | null } = {};
  for (const t of asArray(p.Tags).filter(isObject)) {
    if (typeof t.Key === 'string') {
      const v = flatten(t.Value, index);
      tags[t.Key] = v.fullyLiteral ? literalText(v) : null;
    }
  }
  return {
    id: s.id,
    stack: index.stack.node.path,
    logicalId: view.logicalId,
    constructPath: view.node.node.path,
    name: name && name.fullyLiteral ? literalText(name) : null,
    tags,
    deletionPolicy: view.deletionPolicy ?? null,
    key: keyEntry(p.KmsKeyId, index),
    rotation: rotationEntry(s, own),
    replicas: asArray(p.ReplicaRegions).filter(isObject).map((r): ReplicaEntry => {
      const k = keyEntry(r.KmsKeyId, index);
      return { region: display(r.Region), key: { kind: k.kind, reference: k.reference } };
    }),
    resourcePolicy: resourcePolicyEntry(index, policies),
    readers,
    coverage: secretCoverage(readers, coverage, index, indexes),
    findings: own,
  };
}

function keyEntry(value: unknown, index: TemplateIndex): KeyEntry {
  const ref = keyReference(value, index);
  const kind: KeyEntry['kind'] = ref.kind === 'absent' ? 'default' : ref.kind === 'customer' ? 'customer-managed' : ref.kind;
  const key = ref.key;
  const admins: PrincipalRef[] = [];
  if (key) {
    for (const s of statements(key.properties.KeyPolicy, index)) {
      if (s.effect === 'Allow' && KEY_ADMIN_ACTIONS.some(a => grants(s, a))) {
        for (const text of s.hasNotPrincipal ? ['*'] : s.principals) {
          const p = principalFromText(text);
          if (!admins.some(a => a.principal === p.principal)) {
            admins.push(p);
          }
        }
      }
    }
  }
  const period = key?.properties.RotationPeriodInDays;
  return {
    kind,
    reference: ref.kind === 'absent' ? 'aws/secretsmanager (no KmsKeyId)' : key ? resourceId(index, key) : ref.display,
    resource: key ? resourceId(index, key) : null,
    rotationEnabled: key ? isTrue(key.properties.EnableKeyRotation, index) : null,
    rotationPeriodDays: key ? (typeof period === 'number' ? period : isTrue(key.properties.EnableKeyRotation, index) ? 365 : null) : null,
    deletionPolicy: key?.deletionPolicy ?? null,
    admins,
  };
}

function rotationEntry(s: SecretRef, own: FindingEntry[]): RotationEntry {
  const { index, view } = s;
  const waiver = own.find(f => f.resource === s.id && f.rule === 'HardenedSecrets-SecretRotationConfigured' && f.acknowledged)?.reason ?? null;
  const schedule = index.attachedToSecret(view, 'AWS::SecretsManager::RotationSchedule')[0];
  if (!schedule) {
    return {
      kind: 'none',
      schedule: null,
      rotator: null,
      automaticallyAfterDays: null,
      scheduleExpression: null,
      window: null,
      worstCaseGapHours: null,
      explanation: 'no rotation schedule: the value never changes',
      withinMaximum: false,
      waiver,
    };
  }
  const p = schedule.properties;
  const hosted = p.HostedRotationLambda;
  const fn = index.target(p.RotationLambdaARN);
  const rules = isObject(p.RotationRules) ? p.RotationRules : {};
  const days = rules.AutomaticallyAfterDays === undefined ? undefined : flatten(rules.AutomaticallyAfterDays, index);
  const expression = rules.ScheduleExpression === undefined ? undefined : flatten(rules.ScheduleExpression, index);
  let hours: number | null = null;
  let explanation: string;
  if (expression) {
    if (expression.fullyLiteral) {
      try {
        const gap = scheduleGap(literalText(expression));
        hours = Number.isFinite(gap.hours) ? gap.hours : null;
        explanation = gap.explanation;
      } catch (e) {
        explanation = (e as Error).message;
      }
    } else {
      explanation = 'ScheduleExpression is not written in the template';
    }
  } else if (days && days.fullyLiteral && Number.isFinite(Number(literalText(days)))) {
    hours = Number(literalText(days)) * 24;
    explanation = `AutomaticallyAfterDays ${literalText(days)} rotates every ${formatHours(hours)}`;
  } else {
    explanation = rules.AutomaticallyAfterDays === undefined ? 'RotationRules has no schedule' : 'AutomaticallyAfterDays is not written in the template';
  }
  const window = rules.Duration === undefined ? null : display(rules.Duration);
  const exceeded = own.some(f => f.resource === resourceId(index, schedule) && f.ruleName === 'SecretRotationInterval');
  let rotator: string | null = null;
  if (hosted !== undefined) {
    rotator = isObject(hosted) ? display(hosted.RotationType) : display(hosted);
  } else if (fn) {
    rotator = resourceId(index, fn);
  } else if (p.RotationLambdaARN !== undefined) {
    rotator = display(p.RotationLambdaARN);
  }
  return {
    kind: hosted !== undefined ? 'hosted' : 'lambda',
    schedule: resourceId(index, schedule),
    rotator,
    automaticallyAfterDays: days && days.fullyLiteral && Number.isFinite(Number(literalText(days))) ? Number(literalText(days)) : null,
    scheduleExpression: expression ? display(rules.ScheduleExpression) : null,
    window,
    worstCaseGapHours: hours,
    explanation,
    withinMaximum: hours === null ? (exceeded ? false : null) : !exceeded,
    waiver,
  };
}

function resourcePolicyEntry(index: TemplateIndex, policies: ResourceView[]): ResourcePolicyEntry {
  const all = policies.flatMap(p => statements(p.properties.ResourcePolicy, index));
  const denyDelete = all.filter(s => s.effect === 'Deny' && isPublicPrincipal(s) && grants(s, 'secretsmanager:DeleteSecret'));
  const exceptions: string[] = [];
  for (const s of denyDelete) {
    for (const block of Object.values(s.condition)) {
      if (!isObject(block)) {
        continue;
      }
      for (const [key, value] of Object.entries(block)) {
        if (/^aws:(principal|userid$|username$)/i.test(key)) {
          for (const v of asArray(value)) {
            exceptions.push(`${key} ${display(v)}`);
          }
        }
      }
    }
  }
  return {
    policies: policies.map(p => resourceId(index, p)),
    blockPublicPolicy: policies.some(p => isTrue(p.properties.BlockPublicPolicy, index)),
    publicAllow: all.some(s => s.effect === 'Allow' && isPublicPrincipal(s) && !isConditioned(s)),
    denyDelete: denyDelete.length > 0,
    denyDeleteExceptions: [...new Set(exceptions)],
    tlsRequired: all.some(s => s.effect === 'Deny' && isPublicPrincipal(s) && deniesInsecureTransport(s)),
  };
}

/** `Bool: { aws:SecureTransport: false }` (or BoolIfExists). */
function deniesInsecureTransport(s: Statement): boolean {
  return Object.entries(s.condition).some(([op, block]) =>
    /^Bool(IfExists)?$/.test(op) && isObject(block)
    && Object.entries(block).some(([k, v]) => k.toLowerCase() === 'aws:securetransport' && asArray(v).some(x => String(x).toLowerCase() === 'false')));
}

function secretCoverage(readers: ReaderEntry[], coverage: AppCoverage, index: TemplateIndex, indexes: Indexes): SecretCoverage {
  const monitoredBy = [
    ...coverage.monitors.map(m => m.resource),
    ...(coverage.externalMonitor !== null ? [`external: ${coverage.externalMonitor}`] : []),
  ];
  const trails = coverage.trails.filter(t => t.managementEvents).map(t => t.resource);
  const networkPaths: SecretCoverage['networkPaths'] = [];
  for (const r of readers) {
    for (const use of r.usedBy) {
      const m = /^function (.+)\/([^/]+)$/.exec(use);
      if (!m) {
        continue;
      }
      const stack = stacksByPath(index, m[1]);
      const fnIndex = stack ? indexes.index(stack) : undefined;
      const fn = fnIndex?.resource(m[2]);
      const vpcConfig = fn?.properties.VpcConfig;
      if (!fnIndex || !isObject(vpcConfig) || asArray(vpcConfig.SubnetIds).length === 0) {
        continue;
      }
      const subnet = asArray(vpcConfig.SubnetIds).map(v => fnIndex.target(v)).find(v => v !== undefined);
      const vpc = subnet ? vpcName(subnet.properties.VpcId, fnIndex) : 'a VPC the template does not define';
      const endpoint = coverage.endpoints.find(e => e.vpc === vpc) ?? (subnet ? undefined : coverage.endpoints[0]);
      if (!networkPaths.some(n => n.reader === use)) {
        networkPaths.push({ reader: use, vpc, endpoint: endpoint?.resource ?? null });
      }
    }
  }
  return { monitoredBy, trails, networkPaths };
}

function stacksByPath(index: TemplateIndex, path: string): Stack | undefined {
  if (index.stack.node.path === path) {
    return index.stack;
  }
  const root = index.stack.node.root;
  const found = path === '' ? root : root.node.tryFindChild(path.split('/')[0]);
  if (!found) {
    return undefined;
  }
  let current: IConstruct | undefined = found;
  for (const part of path.split('/').slice(1)) {
    current = current?.node.tryFindChild(part);
  }
  return current && Stack.isStack(current) ? current : undefined;
}

/** Whether `root` is an app or stage whose stacks the report covers. */
export function isAssemblyRoot(root: IConstruct): boolean {
  return Stage.isStage(root);
}
