import { Token } from 'aws-cdk-lib';
import { HeldDocument, heldDocuments } from './resources';
import { ResourceView, TemplateIndex, asArray, isObject, refOrGetAttId } from './template-index';
import { PLACEHOLDER, flatten } from './values';

/**
 * An IAM role or user whose identity policies the template shows: a role or user of the
 * template, or a role or user outside it that a policy of the template is attached to by a
 * literal name (what aws-cdk-lib writes for `iam.Role.fromRoleArn(...)` with a literal ARN).
 */
export interface TemplatePrincipal {
  readonly kind: 'role' | 'user';
  /** Its logical id, for a role or user of the template. */
  readonly logicalId?: string;
  /** Its resource, for a role or user of the template. */
  readonly view?: ResourceView;
  /**
   * Its name: `literal` (RoleName / UserName written in the template, or the name an outside
   * principal is attached by), `generated` (CloudFormation names it `<stack>-<logical id>-<random>`)
   * or `computed` (a name the template computes from what it cannot show).
   */
  readonly name:
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'generated' }
  /** The name as the template computes it, each part it cannot show a {@link PLACEHOLDER}. */
  | { readonly kind: 'computed'; readonly pattern: string };
  /** Its path (`/` by default); undefined when the template does not show it (an outside principal). */
  readonly path?: string;
  /** How findings name it: `role ReaderF7BF189D`, `imported role ops-reader`. */
  readonly display: string;
  /** What identifies it in a finding id: its logical id, or `role/<name>` for an outside principal. */
  readonly key: string;
  /** The identity policy documents that apply to it: its own, those attached to it, those of its groups. */
  readonly documents: PrincipalDocument[];
}

/** An identity policy document that applies to a principal, and where it sits. */
export interface PrincipalDocument extends HeldDocument {
  /** The resource that holds the document (the principal itself, a policy, a group). */
  readonly holder: ResourceView;
}

const NAME_KEY: Record<string, string> = { 'AWS::IAM::Role': 'RoleName', 'AWS::IAM::User': 'UserName', 'AWS::IAM::Group': 'GroupName' };

/**
 * The roles and users whose identity policies the template shows, each with those documents:
 * inline `Policies`, `AWS::IAM::Policy`, `ManagedPolicy` (by `Roles`/`Users`/`Groups` or
 * `ManagedPolicyArns`), `RolePolicy`/`UserPolicy`, and for a user those of its groups (`Groups`,
 * `AWS::IAM::UserToGroupAddition`). AWS managed policies are left out: the template does not
 * hold their documents. Computed once per index.
 */
export function templatePrincipals(index: TemplateIndex): TemplatePrincipal[] {
  return index.fact('template-principals', () => {
    const out: TemplatePrincipal[] = [];
    const groupsOfUser = userGroups(index);
    for (const type of ['AWS::IAM::Role', 'AWS::IAM::User'] as const) {
      const kind = type === 'AWS::IAM::Role' ? 'role' : 'user';
      for (const view of index.ofType(type)) {
        const documents = documentsOf(view, index);
        for (const group of groupsOfUser.get(view.logicalId) ?? []) {
          documents.push(...documentsOf(group, index, true));
        }
        const path = flatten(view.properties.Path ?? '/', index);
        out.push({
          kind,
          logicalId: view.logicalId,
          view,
          name: nameOf(view, index),
          path: path.fullyLiteral ? path.text : undefined,
          display: `${kind} ${view.logicalId}`,
          key: view.logicalId,
          documents,
        });
      }
    }
    out.push(...outsidePrincipals(index));
    return out;
  });
}

/**
 * The documents a role, user or group holds itself and those attached to it.
 *
 * @param named whether findings name the holder of the view's own documents too (a group's)
 */
function documentsOf(view: ResourceView, index: TemplateIndex, named = false): PrincipalDocument[] {
  return [view, ...index.policiesOf(view.logicalId)].flatMap(holder =>
    heldDocuments(holder).map(d => ({ ...d, holder, where: holder === view && !named ? d.where : `${holder.logicalId}.${d.where}` })),
  );
}

function nameOf(view: ResourceView, index: TemplateIndex): TemplatePrincipal['name'] {
  const name = view.properties[NAME_KEY[view.type]];
  if (name === undefined) {
    return { kind: 'generated' };
  }
  const flat = flatten(name, index);
  return flat.fullyLiteral ? { kind: 'literal', text: flat.text } : { kind: 'computed', pattern: flat.text };
}

/** The groups (views) each user of the template belongs to, by user logical id. */
function userGroups(index: TemplateIndex): Map<string, ResourceView[]> {
  const out = new Map<string, ResourceView[]>();
  const add = (userId: string | undefined, group: ResourceView | undefined) => {
    if (userId !== undefined && group !== undefined) {
      out.set(userId, [...(out.get(userId) ?? []), group]);
    }
  };
  for (const user of index.ofType('AWS::IAM::User')) {
    for (const g of asArray(user.properties.Groups)) {
      add(user.logicalId, byRefOrName(g, 'AWS::IAM::Group', index));
    }
  }
  for (const addition of index.ofType('AWS::IAM::UserToGroupAddition')) {
    const group = byRefOrName(addition.properties.GroupName, 'AWS::IAM::Group', index);
    for (const u of asArray(addition.properties.Users)) {
      add(byRefOrName(u, 'AWS::IAM::User', index)?.logicalId, group);
    }
  }
  return out;
}

/** The resource of `type` a value names: a `Ref` to it, or its literal name. */
function byRefOrName(value: unknown, type: string, index: TemplateIndex): ResourceView | undefined {
  const target = index.target(value);
  if (target) {
    return target.type === type ? target : undefined;
  }
  const flat = flatten(value, index);
  if (!flat.fullyLiteral) {
    return undefined;
  }
  return index.ofType(type).find(r => {
    const name = flatten(r.properties[NAME_KEY[type]], index);
    return name.fullyLiteral && name.text === flat.text;
  });
}

/** Roles and users outside the template that policies of the template attach to by literal name. */
function outsidePrincipals(index: TemplateIndex): TemplatePrincipal[] {
  const byKey = new Map<string, { kind: 'role' | 'user'; name: string; documents: PrincipalDocument[] }>();
  const attach = (kind: 'role' | 'user', value: unknown, holder: ResourceView) => {
    if (index.target(value) !== undefined || byRefOrName(value, kind === 'role' ? 'AWS::IAM::Role' : 'AWS::IAM::User', index)) {
      return; // a principal of the template: its documents are found through the index
    }
    const flat = flatten(value, index);
    if (!flat.fullyLiteral || flat.text === '') {
      return;
    }
    const key = `${kind}/${flat.text}`;
    const entry = byKey.get(key) ?? { kind, name: flat.text, documents: [] };
    entry.documents.push(...heldDocuments(holder).map(d => ({ ...d, holder, where: `${holder.logicalId}.${d.where}` })));
    byKey.set(key, entry);
  };
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const policy of index.ofType(type)) {
      asArray(policy.properties.Roles).forEach(r => attach('role', r, policy));
      asArray(policy.properties.Users).forEach(u => attach('user', u, policy));
    }
  }
  for (const inline of index.ofType('AWS::IAM::RolePolicy')) {
    attach('role', inline.properties.RoleName, inline);
  }
  for (const inline of index.ofType('AWS::IAM::UserPolicy')) {
    attach('user', inline.properties.UserName, inline);
  }
  return [...byKey.values()].map(({ kind, name, documents }) => ({
    kind,
    name: { kind: 'literal', text: name },
    display: `imported ${kind} ${name}`,
    key: `${kind}/${name}`,
    documents,
  }));
}

/** Whether a principal ARN value names a principal: yes, no, or the template cannot show (with why). */
export type PrincipalMatch = { readonly result: 'yes' | 'no' } | { readonly result: 'unknown'; readonly because: string };

const ACCOUNT = '\u0003';
const PARTITION = '\u0004';
const nameMarker = (id: string) => `\u0002${id}\u0002`;
const arnMarker = (id: string) => `\u0005${id}\u0005`;

type Rendered = { readonly text: string } | { readonly because: string };

/**
 * Whether an `aws:PrincipalArn` condition value names `principal`.
 *
 * The value is resolved as the template holds it: `Fn::GetAtt X.Arn` names role or user X;
 * `Fn::Sub` / `Fn::Join` of literal text, `AWS::AccountId`, `AWS::Partition` and `Ref`s to roles
 * and users (their names) are compared with the principal's ARN; a parameter counts as its
 * default. A value the template cannot show (an import, a parameter without a default) is
 * `unknown`.
 *
 * @param wildcards whether `*` and `?` in the value are wildcards (`ArnLike`, `StringLike`, and
 * `ArnEquals`, which matches like `ArnLike`), or literal characters (`StringEquals`)
 */
export function principalArnMatches(value: unknown, principal: TemplatePrincipal, index: TemplateIndex, wildcards: boolean): PrincipalMatch {
  const rendered = render(value, index);
  if ('because' in rendered) {
    return { result: 'unknown', because: rendered.because };
  }
  const text = rendered.text;
  if (principal.logicalId !== undefined && text === arnMarker(principal.logicalId)) {
    return { result: 'yes' };
  }
  const account = Token.isUnresolved(index.stack.account) ? undefined : index.stack.account;
  const same = (pattern: string, actual: string) => (wildcards ? wildcardRegExp(pattern).test(actual) : pattern === actual);
  const matchesName = (name: string): boolean => {
    const pattern = principal.logicalId === undefined ? text : text.split(nameMarker(principal.logicalId)).join(name);
    const fields = pattern.split(':');
    if (fields.length !== 6) {
      // Not an ARN of six components: a wildcard pattern (`*`, `arn:aws:iam::*`) may still match it whole.
      const whole = pattern.split(PARTITION).join('aws').split(ACCOUNT).join(account ?? '');
      return wildcards && wildcardRegExp(whole).test(`arn:aws:iam::${account ?? ''}:${principal.kind}${principal.path ?? '/'}${name}`);
    }
    const [arn, , service, region, accountField, resource] = fields;
    if (/[\u0002\u0003\u0004\u0005]/.test(arn + service + region + resource) || /[\u0002\u0004\u0005]/.test(accountField)) {
      return false;
    }
    if (!same(arn, 'arn') || !same(service, 'iam') || !same(region, '')) {
      return false;
    }
    // An account the stack does not pin (an environment-agnostic stack) is taken to be the one written.
    if (accountField !== ACCOUNT && account !== undefined && !same(accountField, account)) {
      return false;
    }
    return same(resource, `${principal.kind}${principal.path ?? outsidePath(resource)}${name}`);
  };
  const results = nameSamples(principal, index).map(matchesName);
  if (results.every(r => r)) {
    return { result: 'yes' };
  }
  if (results.some(r => r)) {
    return { result: 'unknown', because: `it matches some names CloudFormation may give ${principal.display} and not others` };
  }
  const written = text.slice(text.lastIndexOf('/') + 1);
  if (principal.name.kind !== 'literal' && text.includes(`:${principal.kind}/`) && !/[\u0002\u0005]/.test(text)) {
    const stackName = Token.isUnresolved(index.stack.stackName) ? undefined : index.stack.stackName;
    const could = principal.name.kind === 'computed'
      ? new RegExp(`^${principal.name.pattern.split(PLACEHOLDER).map(escapeRegExp).join('.*')}$`, 's').test(written)
      : stackName !== undefined && written.startsWith(`${stackName}-`);
    if (could) {
      return { result: 'unknown', because: `the template does not show the name of ${principal.display}, which may be ${written}` };
    }
  }
  return { result: 'no' };
}

/** Names the principal may have: its literal name, or two samples of a name CloudFormation generates. */
function nameSamples(principal: TemplatePrincipal, index: TemplateIndex): string[] {
  if (principal.name.kind === 'literal') {
    return [principal.name.text];
  }
  if (principal.name.kind === 'computed') {
    const pattern = principal.name.pattern;
    return ['A1B2C3', 'ZYXWVU'].map(sample => pattern.split(PLACEHOLDER).join(sample));
  }
  const stackName = Token.isUnresolved(index.stack.stackName) ? 'Stack' : index.stack.stackName;
  const prefix = `${stackName}-${principal.logicalId ?? ''}`.slice(0, 50);
  return [`${prefix}-A1B2C3D4E5F6`, `${prefix}-ZYXWVUTSRQPO`];
}

/** The path of an outside principal, which the template does not show: the one the value names, if literal. */
function outsidePath(resource: string): string {
  const slash = resource.indexOf('/');
  const last = resource.lastIndexOf('/');
  const path = slash >= 0 ? resource.slice(slash, last + 1) : '/';
  return /[*?]/.test(path) ? '/' : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An IAM wildcard pattern (`*`, `?`), case-sensitive, as a regular expression. */
export function wildcardRegExp(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
}

/** A condition value rendered to text, roles and users by markers; or why it cannot be. */
function render(value: unknown, index: TemplateIndex): Rendered {
  const parts: string[] = [];
  const because = collect(value, index, parts);
  return because === undefined ? { text: parts.join('') } : { because };
}

function collect(value: unknown, index: TemplateIndex, out: string[]): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push(String(value));
    return undefined;
  }
  if (!isObject(value) || Object.keys(value).length !== 1) {
    return 'it is not a string';
  }
  const [fn] = Object.keys(value);
  const arg = value[fn];
  switch (fn) {
    case 'Ref':
      return ref(arg, index, out);
    case 'Fn::GetAtt': {
      const id = refOrGetAttId(value);
      const attribute = Array.isArray(arg) ? arg[1] : typeof arg === 'string' ? arg.split('.').slice(1).join('.') : undefined;
      const target = id === undefined ? undefined : index.resource(id);
      if (target && (target.type === 'AWS::IAM::Role' || target.type === 'AWS::IAM::User') && attribute === 'Arn') {
        out.push(arnMarker(target.logicalId));
        return undefined;
      }
      return `it is computed with Fn::GetAtt ${id ?? ''}.${attribute ?? ''}`;
    }
    case 'Fn::Join': {
      const [separator, items] = Array.isArray(arg) ? arg : [];
      if (typeof separator !== 'string' || !Array.isArray(items)) {
        return 'it is an Fn::Join of a computed list';
      }
      for (let i = 0; i < items.length; i++) {
        if (i > 0) {
          out.push(separator);
        }
        const because = collect(items[i], index, out);
        if (because !== undefined) {
          return because;
        }
      }
      return undefined;
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof template !== 'string') {
        return 'it is an Fn::Sub of a computed string';
      }
      for (const piece of template.split(/(\$\{[^}!][^}]*\})/)) {
        const m = /^\$\{([^}]*)\}$/.exec(piece);
        const because = !m
          ? (out.push(piece.replace(/\$\{!/g, '${')), undefined)
          : isObject(variables) && m[1] in variables
            ? collect(variables[m[1]], index, out)
            : m[1].includes('.')
              ? collect({ 'Fn::GetAtt': m[1] }, index, out)
              : ref(m[1], index, out);
        if (because !== undefined) {
          return because;
        }
      }
      return undefined;
    }
    case 'Fn::ImportValue':
      return 'it is an Fn::ImportValue from another stack';
    default:
      return `it is computed with ${fn}`;
  }
}

function ref(id: unknown, index: TemplateIndex, out: string[]): string | undefined {
  if (typeof id !== 'string') {
    return 'it is a Ref to a computed name';
  }
  if (id === 'AWS::AccountId') {
    out.push(ACCOUNT);
    return undefined;
  }
  if (id === 'AWS::Partition') {
    out.push(PARTITION);
    return undefined;
  }
  const parameter = index.parameter(id);
  if (parameter) {
    return parameter.default !== undefined ? collect(parameter.default, index, out) : `it is parameter ${id}, which has no default`;
  }
  const target = index.resource(id);
  if (target && (target.type === 'AWS::IAM::Role' || target.type === 'AWS::IAM::User')) {
    const name = nameOf(target, index);
    out.push(name.kind === 'literal' ? name.text : nameMarker(target.logicalId));
    return undefined;
  }
  return `it is a Ref to ${id}`;
}
