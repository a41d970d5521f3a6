import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { Statement, grants, rawStatements, statements } from '../../analysis/policy';
import { PrincipalMatch, TemplatePrincipal, principalArnMatches, templatePrincipals } from '../../analysis/principals';
import { statementName } from '../../analysis/resources';
import { grantOn, secretArnFor } from '../../analysis/secret-grants';
import { TemplateIndex, asArray, isObject } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
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
  fix: 'CloudFormation: add the principal\'s ARN to the aws:PrincipalArn condition of the resource policy\'s deny-all-but statement, or remove the identity policy\'s grant. CDK: grant through the secret (HardenedSecret grantRead, which lists it), or list it in accessMode additionalPrincipals.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const policy = index.view(node);
    const secret = secretArnFor(policy.properties.SecretId, index);
    const denies = denyAllButList(policy.properties.ResourcePolicy, index);
    if (!secret || denies.length === 0) {
      return [];
    }
    const out: RuleFinding[] = [];
    for (const principal of templatePrincipals(index)) {
      if (principal.logicalId !== undefined && context.options.isAdminRole(index, principal.logicalId)) {
        continue; // administrators are kept out of a restrictive secret on purpose
      }
      const grant = grantOn(principal, secret, index, { actions: [READ] });
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
