import { TemplateIndex, asArray, isObject } from './template-index';
import { PLACEHOLDER, flatten } from './values';

/** One IAM policy statement, normalised: arrays everywhere, strings lower-cased where IAM is case-insensitive. */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly notActions: string[];
  /** Resources as text; a part the template cannot show is {@link PLACEHOLDER}. */
  readonly resources: string[];
  readonly notResources: string[];
  /** `'*'` for `"*"` and `{ AWS: "*" }`; otherwise the principal values as text. */
  readonly principals: string[];
  readonly hasPrincipal: boolean;
  /** Whether the statement names its principals with `NotPrincipal` (everyone but them). */
  readonly hasNotPrincipal: boolean;
  readonly condition: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document (resolved), or [] when it is not a literal document. */
export function statements(document: unknown, index: TemplateIndex): Statement[] {
  return rawStatements(document).map(s => ({
    sid: typeof s.Sid === 'string' ? s.Sid : undefined,
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: asArray(s.Action).map(a => text(a, index).toLowerCase()),
    notActions: asArray(s.NotAction).map(a => text(a, index).toLowerCase()),
    resources: asArray(s.Resource).map(r => text(r, index)),
    notResources: asArray(s.NotResource).map(r => text(r, index)),
    principals: principals(s.Principal, index),
    hasPrincipal: s.Principal !== undefined,
    hasNotPrincipal: s.NotPrincipal !== undefined,
    condition: isObject(s.Condition) ? s.Condition : {},
  }));
}

/**
 * The statements of a policy document as the template writes them (a document given as a JSON
 * string is parsed), or [] when it is not a literal document.
 */
export function rawStatements(document: unknown): Array<Record<string, any>> {
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document);
    } catch {
      return [];
    }
  }
  if (!isObject(document)) {
    return [];
  }
  return asArray(document.Statement).filter(isObject);
}

function text(value: unknown, index: TemplateIndex): string {
  return flatten(value, index).text;
}

function principals(principal: unknown, index: TemplateIndex): string[] {
  if (principal === undefined) {
    return [];
  }
  if (principal === '*') {
    return ['*'];
  }
  if (!isObject(principal)) {
    return [text(principal, index)];
  }
  const out: string[] = [];
  for (const [kind, values] of Object.entries(principal)) {
    for (const v of asArray(values)) {
      const t = text(v, index);
      out.push(kind === 'AWS' && t === '*' ? '*' : t);
    }
  }
  return out;
}

/** Whether an IAM action pattern (with `*` and `?`) matches `action` (case-insensitive). */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    '^' + pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$',
  );
  return re.test(action.toLowerCase());
}

/** Whether the statement's actions include `action` (through `Action` or `NotAction`). */
export function grants(statement: Statement, action: string): boolean {
  if (statement.notActions.length > 0) {
    return !statement.notActions.some(p => actionMatches(p, action));
  }
  return statement.actions.some(p => actionMatches(p, action));
}

/** Actions that, all granted together, amount to `secretsmanager:*`. */
const EVERY_SECRETS_ACTION = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:UpdateSecret',
];

/** Whether the statement grants every Secrets Manager action (`secretsmanager:*`, `*`, `NotAction` ...). */
export function grantsAllSecretsActions(statement: Statement): boolean {
  return EVERY_SECRETS_ACTION.every(a => grants(statement, a));
}

/**
 * Whether a resource pattern covers every secret: `*`, or an ARN ending in `secret:*`
 * (every secret of a region or account).
 */
export function coversEverySecret(resource: string): boolean {
  const r = resource.split(PLACEHOLDER).join('?');
  return r === '*' || /:secret:\*$/.test(r) || /^arn:[^:]*:secretsmanager:[^:]*:[^:]*:\*$/.test(r);
}

/** Whether the statement applies to every secret (`Resource: *`, `NotResource`, ...). */
export function onEverySecret(statement: Statement): boolean {
  if (statement.notResources.length > 0) {
    return true;
  }
  return statement.resources.some(coversEverySecret);
}

/** Whether the statement has a condition on `key` (any operator), key compared case-insensitively. */
export function hasConditionKey(statement: Statement, key: string): boolean {
  return Object.values(statement.condition).some(
    block => isObject(block) && Object.keys(block).some(k => k.toLowerCase() === key.toLowerCase()),
  );
}

/**
 * Condition keys that limit who (or from where) a statement applies to. A condition on
 * anything else (`aws:SecureTransport`, `kms:ViaService` alone) leaves a `"*"` principal open
 * to every AWS account.
 */
const WHO_KEYS = /^(aws:(principalarn|principalaccount|principalorgid|principalorgpaths|principalservicename|userid|sourceaccount|sourcearn|sourceowner|sourcevpc|sourcevpce|sourceip|sourceorgid|sourceorgpaths)|kms:calleraccount)$/i;

/** Whether the statement has a condition that limits which principals it applies to. */
export function isConditioned(statement: Statement): boolean {
  return Object.values(statement.condition).some(
    block => isObject(block) && Object.keys(block).some(key => WHO_KEYS.test(key)),
  );
}

/**
 * Whether the statement applies to everyone: `"*"`, `{ AWS: "*" }`, or `NotPrincipal`
 * (everyone but the principals it names).
 */
export function isPublicPrincipal(statement: Statement): boolean {
  return statement.principals.includes('*') || statement.hasNotPrincipal;
}

/**
 * AWS managed policies that allow every Secrets Manager action, `GetSecretValue` included, on
 * every secret.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_available-policies.html
 */
const BROAD_SECRETS_MANAGED_POLICIES: readonly string[] = ['SecretsManagerReadWrite', 'AdministratorAccess', 'PowerUserAccess'];

/**
 * The broad managed policy (`BROAD_SECRETS_MANAGED_POLICIES`) a managed policy ARN names, once
 * flattened to text; undefined for any other policy.
 */
export function broadSecretsManagedPolicy(arnText: string): string | undefined {
  return BROAD_SECRETS_MANAGED_POLICIES.find((p) => arnText.endsWith(`:aws:policy/${p}`));
}
