import { CfnResource, Token } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { Statement, grants, rawStatements, statements } from '../../analysis/policy';
import { PrincipalMatch, TemplatePrincipal, principalArnMatches, templatePrincipals, wildcardRegExp } from '../../analysis/principals';
import { statementName } from '../../analysis/resources';
import { ResourceView, TemplateIndex, asArray, isObject } from '../../analysis/template-index';
import { PLACEHOLDER, flatten } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule } from '../rule';

const READ = 'secretsmanager:GetSecretValue';

/**
 * The operators a deny-all-but-a-list statement may use on `aws:PrincipalArn` and
 * `aws:PrincipalServiceName`, and whether their values are wildcard patterns. `ArnNotEquals`
 * matches like `ArnNotLike`.
 */
const NEGATED_OPERATORS: Record<string, boolean> = {
  StringNotEquals: false,
  StringNotEqualsIfExists: false,
  StringNotLike: true,
  StringNotLikeIfExists: true,
  ArnNotEquals: true,
  ArnNotEqualsIfExists: true,
  ArnNotLike: true,
  ArnNotLikeIfExists: true,
};

const PRINCIPAL_ARN = 'aws:principalarn';
const SERVICE_NAME = 'aws:principalservicename';

/**
 * A secret whose resource policy denies every principal but a list locks out none of the
 * principals of the app that read it with their own IAM policies.
 */
export const SecretRestrictivePolicyComplete: SecretsRule = {
  name: 'SecretRestrictivePolicyComplete',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::ResourcePolicy'],
  requirement: 'When the secret resource policy denies secretsmanager:GetSecretValue to Principal "*" except the principals a condition on aws:PrincipalArn lets through (the restrictive shape), every role or user of the template, or imported by literal name, whose IAM policies allow secretsmanager:GetSecretValue on the secret is among them (the admin roles of the pack options excepted).',
  controls: 'SOC 2 CC6.1; NIST 800-53 AC-3, AC-6',
  fix: 'Grant the principal through the secret (HardenedSecret grantRead, which lists it), or list it in accessMode additionalPrincipals / the statement\'s aws:PrincipalArn, or remove the identity grant.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const policy = index.view(node);
    const secret = secretArn(policy, index);
    const denies = denyAllButList(policy.properties.ResourcePolicy, index);
    if (!secret || denies.length === 0) {
      return [];
    }
    const out: RuleFinding[] = [];
    for (const principal of templatePrincipals(index)) {
      if (principal.logicalId !== undefined && context.options.isAdminRole(index, principal.logicalId)) {
        continue; // administrators are kept out of a restrictive secret on purpose
      }
      const grant = readGrant(principal, secret, index);
      if (grant === undefined) {
        continue;
      }
      const who = `${principal.display}${principal.view ? ` (${principal.view.node.node.path})` : ''}`;
      const reads = `may read secret ${secret.display} (${grant} allows ${READ} on it)`;
      const verdicts = denies.map(d => ({ ...d, verdict: denied(d.statement, principal, index) }));
      const deny = verdicts.find(v => v.verdict.result === 'yes');
      if (deny) {
        out.push({
          message: `${who} ${reads}, but ${deny.name} denies it: it is not among the principals the statement lets through, so its reads fail with AccessDenied.`,
          suffix: principal.key,
        });
        continue;
      }
      const maybe = verdicts.find(v => v.verdict.result === 'unknown');
      if (maybe && maybe.verdict.result === 'unknown') {
        out.push({
          message: `${who} ${reads}; whether ${maybe.name} lets it through cannot be proven (${maybe.verdict.because}).`,
          suffix: principal.key,
          unproven: true,
        });
      }
    }
    return out;
  },
};

/** A deny-all-but-a-list statement of a resource policy, and how findings name it. */
interface DenyAllButList {
  readonly statement: Record<string, any>;
  readonly name: string;
}

/**
 * The statements of a resource policy that deny `GetSecretValue` to every principal (`"*"`)
 * except those a condition on `aws:PrincipalArn` (and `aws:PrincipalServiceName`, `Null`) lets
 * through: Prowler's `StringNotEquals aws:PrincipalArn`, its `StringNotEqualsIfExists` + `Null`
 * shape, `ArnNotLike` patterns, and a deny without a condition at all. Each is then evaluated for
 * each principal (`denied`): `Null ... "true"` on `aws:PrincipalArn` is false for every role and
 * user, so Prowler's second shape locks none of them out. A statement conditioned on anything
 * else (`aws:SecureTransport`, `aws:SourceVpce`, `aws:PrincipalOrgID`) denies only some requests
 * and is not one.
 */
function denyAllButList(document: unknown, index: TemplateIndex): DenyAllButList[] {
  const raw = rawStatements(document);
  const parsed = statements(document, index);
  const out: DenyAllButList[] = [];
  parsed.forEach((s: Statement, i) => {
    if (s.effect !== 'Deny' || s.hasNotPrincipal || !s.principals.includes('*') || !grants(s, READ) || s.notResources.length > 0) {
      return;
    }
    const condition = raw[i].Condition ?? {};
    if (!isObject(condition)) {
      return;
    }
    const recognised = Object.entries(condition).every(([operator, block]) =>
      (operator === 'Null' || operator in NEGATED_OPERATORS) && isObject(block) &&
      Object.keys(block).every(key => [PRINCIPAL_ARN, SERVICE_NAME].includes(key.toLowerCase())),
    );
    if (recognised) {
      out.push({ statement: raw[i], name: statementName(s.sid, i, 'the resource policy') });
    }
  });
  return out;
}

/**
 * Whether the statement denies a request of `principal` (an IAM role or user: `aws:PrincipalArn`
 * is present, `aws:PrincipalServiceName` absent). Every operator must hold: a negated operator
 * holds when no value names the principal, or on an absent key; `Null` holds when its `true` /
 * `false` says whether the key is absent.
 */
function denied(statement: Record<string, any>, principal: TemplatePrincipal, index: TemplateIndex): PrincipalMatch {
  let unknown: string | undefined;
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      const present = key.toLowerCase() === PRINCIPAL_ARN;
      if (operator === 'Null') {
        const expected = flatten(values, index);
        if (!expected.fullyLiteral) {
          unknown ??= `Null ${key} ${expected.unknownBecause ?? 'is not written in the template'}`;
          continue;
        }
        if ((expected.text.toLowerCase() === 'true') === present) {
          return { result: 'no' }; // Null true on a present key, or false on an absent one: the condition is false
        }
        continue;
      }
      if (!present) {
        continue; // a negated operator on an absent key is true
      }
      const matches = asArray(values).map(v => ({ v, m: principalArnMatches(v, principal, index, NEGATED_OPERATORS[operator]) }));
      if (matches.some(({ m }) => m.result === 'yes')) {
        return { result: 'no' };
      }
      const open = matches.find(({ m }) => m.result === 'unknown');
      if (open && open.m.result === 'unknown') {
        unknown ??= `${operator} ${key} value ${JSON.stringify(open.v)}: ${open.m.because}`;
      }
    }
  }
  return unknown === undefined ? { result: 'yes' } : { result: 'unknown', because: unknown };
}

/** What the template shows of a secret's ARN, to compare with the resources of a grant. */
interface SecretArn {
  /** The secret of the template, if it is one. */
  readonly view?: ResourceView;
  readonly region?: string;
  readonly account?: string;
  /** `secret:<name>-<6 characters>` samples; a name the template does not show never matches a literal pattern. */
  readonly resources: string[];
  readonly display: string;
}

/** The secret a resource policy is for, when the template shows it (a secret of the template or a literal ARN). */
function secretArn(policy: ResourceView, index: TemplateIndex): SecretArn | undefined {
  const stack = index.stack;
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
  const view = index.secretFor(policy.properties.SecretId);
  if (view) {
    const name = flatten(view.properties.Name, index);
    const written = view.properties.Name !== undefined && name.fullyLiteral ? name.text : `\u0002${view.logicalId}`;
    return { view, region, account, resources: ['AbCdEf', 'zY9x8W'].map(s => `secret:${written}-${s}`), display: view.logicalId };
  }
  const id = flatten(policy.properties.SecretId, index);
  const fields = id.text.split(':');
  if (!id.fullyLiteral || fields.length < 7 || fields[2] !== 'secretsmanager') {
    return undefined;
  }
  return { region: fields[3], account: fields[4], resources: [fields.slice(5).join(':')], display: id.text };
}

/** Where the principal's identity policies allow `GetSecretValue` on the secret, or undefined. */
function readGrant(principal: TemplatePrincipal, secret: SecretArn, index: TemplateIndex): string | undefined {
  for (const { document, where } of principal.documents) {
    const raw = rawStatements(document);
    const parsed = statements(document, index);
    for (let i = 0; i < parsed.length; i++) {
      const s = parsed[i];
      if (s.effect !== 'Allow' || !grants(s, READ)) {
        continue;
      }
      const on = s.notResources.length > 0
        ? !asArray(raw[i].NotResource).some(r => covers(r, secret, index))
        : asArray(raw[i].Resource).some(r => covers(r, secret, index));
      if (on) {
        return statementName(s.sid, i, where);
      }
    }
  }
  return undefined;
}

/**
 * Whether a `Resource` entry covers the secret: `*`, a `Ref` to it, or an ARN pattern that matches
 * its ARN component by component (`...:secret:<name>-??????`, `...:secret:<prefix>*`,
 * `...:secret:*`): a region or account the template does not show matches any, a part of the
 * resource name it does not show matches none.
 */
function covers(resource: unknown, secret: SecretArn, index: TemplateIndex): boolean {
  if (secret.view !== undefined && index.targetId(resource) === secret.view.logicalId) {
    return true;
  }
  const text = flatten(resource, index).text;
  if (text === '*') {
    return true;
  }
  const fields = text.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') {
    return false;
  }
  const field = (pattern: string, actual: string | undefined) =>
    pattern.includes(PLACEHOLDER) || actual === undefined || wildcardRegExp(pattern).test(actual);
  const rest = fields.slice(5).join(':');
  return !fields[2].includes(PLACEHOLDER) && wildcardRegExp(fields[2]).test('secretsmanager') &&
    field(fields[3], secret.region) && field(fields[4], secret.account) &&
    !rest.includes(PLACEHOLDER) && secret.resources.every(r => wildcardRegExp(rest).test(r));
}
