/**
 * Who can read each secret's value: identity policies anywhere in the app (by reference, by
 * import of an export, by ARN pattern or by wildcard), AWS managed policies that read every
 * secret, and the secret's own resource policies; with what each reading role is used by.
 */

import { PrincipalRef, ReaderEntry } from './model';
import { ExportTarget, SecretRef, addOnce, appTarget, display, resourceId } from './references';
import { Statement, actionMatches, broadSecretsManagedPolicy, coversEverySecret, grants, hasConditionKey, rawStatements, statements } from '../analysis/policy';
import { IAM_POLICY_TYPES, heldDocuments, holders } from '../analysis/resources';
import { ResourceView, TemplateIndex, asArray } from '../analysis/template-index';
import { PLACEHOLDER, flatten } from '../analysis/values';

/** Actions that return a secret's value. */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'];
const PRINCIPAL_TYPES: Record<string, PrincipalRef['type']> = {
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
  'AWS::IAM::Group': 'group',
};

/** Per role (`Stack/LogicalId`): who assumes it and what runs with it (`usedBy` of its readers). */
export type RoleUsage = ReadonlyMap<string, string[]>;

/** Who assumes each role of the app, and which functions and ECS tasks run with it. */
export function roleUsage(indexes: TemplateIndex[]): RoleUsage {
  const out = new Map<string, string[]>();
  const add = (key: string, what: string) => addOnce(out, key, what);
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

/**
 * The readers each secret gets from identity policies anywhere in the app, by secret id (every
 * secret has an entry). A statement's `Resource` reaches a secret by reference, by import of
 * an export, by an ARN pattern that matches it, or by a wildcard that covers every secret.
 */
export function identityReaders(
  indexes: TemplateIndex[],
  secrets: SecretRef[],
  exports: Map<string, ExportTarget>,
  roleUse: RoleUsage,
): Map<string, ReaderEntry[]> {
  const out = new Map<string, ReaderEntry[]>(secrets.map(s => [s.id, []]));
  const byId = new Map(secrets.map(s => [s.id, s]));
  for (const index of indexes) {
    for (const type of IAM_POLICY_TYPES) {
      for (const view of index.ofType(type)) {
        let principals: PrincipalRef[] | undefined;
        const who = () => (principals ??= policyHolders(view, index, exports));
        // AWS managed policies attached to a role, user or group.
        for (const arn of asArray(view.properties.ManagedPolicyArns)) {
          const text = flatten(arn, index).text;
          const managed = broadSecretsManagedPolicy(text);
          if (managed) {
            for (const secret of secrets) {
              for (const p of who()) {
                out.get(secret.id)!.push(reader(p, 'aws-managed-policy', display(arn), managed, ['secretsmanager:GetSecretValue'], 'wildcard', {}, roleUse));
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
            for (const [secretId, match] of matchedSecrets(s, raw[i], index, byId, exports)) {
              for (const p of who()) {
                out.get(secretId)!.push(reader(p, 'identity-policy', resourceId(index, view), name, actions, match, s.condition, roleUse, s));
              }
            }
          });
        }
      }
    }
  }
  return out;
}

/** The secrets an Allow statement's resources reach, by secret id, with how each is matched (the first way wins). */
function matchedSecrets(
  s: Statement,
  raw: Record<string, any> | undefined,
  index: TemplateIndex,
  byId: ReadonlyMap<string, SecretRef>,
  exports: Map<string, ExportTarget>,
): Map<string, ReaderEntry['match']> {
  const secrets = [...byId.values()];
  const matched = new Map<string, ReaderEntry['match']>();
  if (s.notResources.length > 0) {
    secrets.forEach(secret => matched.set(secret.id, 'wildcard'));
  }
  for (const value of asArray(raw?.Resource)) {
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
  return matched;
}

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

/** Allow statements of the secret's resource policies that let a principal read the value. */
export function resourcePolicyReaders(index: TemplateIndex, policies: ResourceView[], roleUse: RoleUsage): ReaderEntry[] {
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

/** A principal as a policy writes it (`*`, a service, an account, an ARN), typed by its form. */
export function principalFromText(text: string): PrincipalRef {
  const shown = text.split(PLACEHOLDER).join('*');
  const type: PrincipalRef['type'] = text === '*' ? 'any'
    : /\.amazonaws\.com(\.cn)?$/.test(text) ? 'service'
      : /^\d{12}$|:root$/.test(text) ? 'account'
        : /:role\//.test(text) ? 'role'
          : /:user\//.test(text) ? 'user'
            : /^arn:/.test(text) ? 'arn' : 'unknown';
  return { principal: shown, type, resource: null, constructPath: null };
}

function reader(
  p: PrincipalRef,
  source: ReaderEntry['source'],
  policy: string,
  statement: string,
  actions: string[],
  match: ReaderEntry['match'],
  conditions: Record<string, unknown>,
  roleUse: RoleUsage,
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

/** Stands for a generated secret name: no IAM pattern but a bare `*` matches it. */
const GENERATED = '\u0002';
/**
 * Compiled patterns by pattern text. Module-level on purpose: a pure memo of a pure function of
 * the text, which no construct tree or analysis run can make stale.
 */
const patterns = new Map<string, RegExp>();

/**
 * Whether an IAM resource pattern (with `*`, `?` and parts the template does not show) covers
 * the secret. A region or account the template does not fix is taken to match; a generated
 * name matches only a bare `*` (`coversEverySecret`), never a name pattern.
 */
export function matchesPattern(pattern: string, s: Pick<SecretRef, 'region' | 'account' | 'name'>): boolean {
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
