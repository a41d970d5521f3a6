import { Token } from 'aws-cdk-lib';
import { grants, rawStatements, statements } from './policy';
import { TemplatePrincipal, wildcardRegExp } from './principals';
import { statementName } from './resources';
import { ResourceView, TemplateIndex, asArray } from './template-index';
import { PLACEHOLDER, flatten } from './values';

/** What the template shows of a secret's ARN, to compare with the resources of a grant. */
export interface SecretArn {
  /** The secret of the template, if it is one. */
  readonly view?: ResourceView;
  readonly region?: string;
  readonly account?: string;
  /** `secret:<name>-<6 characters>` samples; a name the template does not show never matches a literal pattern. */
  readonly resources: string[];
  readonly display: string;
}

/**
 * The actions that act on one secret (its value, metadata, versions, rotation, policy, tags):
 * a principal granted any of them on a secret uses that secret. `ListSecrets` and
 * `GetRandomPassword` act on no secret.
 */
export const SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:DescribeSecret',
  'secretsmanager:ListSecretVersionIds',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:GetResourcePolicy',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
];

/** The ARN of a secret of the template. */
export function secretArnOf(view: ResourceView, index: TemplateIndex): SecretArn {
  const stack = index.stack;
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
  const name = flatten(view.properties.Name, index);
  const written = view.properties.Name !== undefined && name.fullyLiteral ? name.text : `\u0002${view.logicalId}`;
  return { view, region, account, resources: ['AbCdEf', 'zY9x8W'].map(s => `secret:${written}-${s}`), display: view.logicalId };
}

/** The secret a `SecretId` designates, when the template shows it (a secret of the template or a literal ARN). */
export function secretArnFor(secretId: unknown, index: TemplateIndex): SecretArn | undefined {
  const view = index.secretFor(secretId);
  if (view) {
    return secretArnOf(view, index);
  }
  const id = flatten(secretId, index);
  const fields = id.text.split(':');
  if (!id.fullyLiteral || fields.length < 7 || fields[2] !== 'secretsmanager') {
    return undefined;
  }
  return { region: fields[3], account: fields[4], resources: [fields.slice(5).join(':')], display: id.text };
}

/** Options of {@link grantOn}. */
export interface GrantQuery {
  /** The actions, any of which counts. */
  readonly actions: readonly string[];
  /**
   * Count only grants that name the secret: a `Ref` to it, or an ARN whose secret name is
   * written (`secret:app/db-??????`, `secret:app/*`); `*`, `secret:*` and `NotResource` do not.
   */
  readonly specific?: boolean;
}

/** Where the principal's identity policies allow one of the actions on the secret (a statement name), or undefined. */
export function grantOn(principal: TemplatePrincipal, secret: SecretArn, index: TemplateIndex, query: GrantQuery): string | undefined {
  for (const { document, where } of principal.documents) {
    const raw = rawStatements(document);
    const parsed = statements(document, index);
    for (let i = 0; i < parsed.length; i++) {
      const s = parsed[i];
      if (s.effect !== 'Allow' || !query.actions.some(a => grants(s, a))) {
        continue;
      }
      if (s.notResources.length > 0) {
        if (!query.specific && !asArray(raw[i].NotResource).some(r => covers(r, secret, index, false))) {
          return statementName(s.sid, i, where);
        }
        continue;
      }
      if (asArray(raw[i].Resource).some(r => covers(r, secret, index, query.specific ?? false))) {
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
 * resource name it does not show matches none. `specific` leaves out entries that name no secret.
 */
function covers(resource: unknown, secret: SecretArn, index: TemplateIndex, specific: boolean): boolean {
  if (secret.view !== undefined && (index.secretFor(resource) === secret.view || mentions(resource, secret.view, index))) {
    return true;
  }
  const text = flatten(resource, index).text;
  if (text === '*') {
    return !specific;
  }
  const fields = text.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') {
    return false;
  }
  const field = (pattern: string, actual: string | undefined) =>
    pattern.includes(PLACEHOLDER) || actual === undefined || wildcardRegExp(pattern).test(actual);
  const rest = fields.slice(5).join(':');
  if (specific && !/^secret:[^*?]/.test(rest)) {
    return false;
  }
  return !fields[2].includes(PLACEHOLDER) && wildcardRegExp(fields[2]).test('secretsmanager') &&
    field(fields[3], secret.region) && field(fields[4], secret.account) &&
    !rest.includes(PLACEHOLDER) && secret.resources.every(r => wildcardRegExp(rest).test(r));
}

/**
 * Whether an expression is built from the secret's own `Ref` or `Fn::GetAtt` (or those of an
 * attachment of it): `Fn::Sub '${DbSecret}'`, `Fn::Join` around its `Ref`, the name taken apart
 * with `Fn::Select`/`Fn::Split`. A grant written that way is a grant on that secret.
 */
function mentions(resource: unknown, secret: ResourceView, index: TemplateIndex): boolean {
  if (typeof resource !== 'object' || resource === null) {
    return false;
  }
  const text = JSON.stringify(resource);
  const ids = [secret.logicalId, ...index.attachedToSecret(secret, 'AWS::SecretsManager::SecretTargetAttachment').map(a => a.logicalId)];
  return ids.some(id => text.includes(`{"Ref":"${id}"}`) || text.includes(`"Fn::GetAtt":["${id}"`) ||
    text.includes(`"Fn::GetAtt":"${id}.`) || text.includes(`\${${id}}`) || text.includes(`\${${id}.`));
}
