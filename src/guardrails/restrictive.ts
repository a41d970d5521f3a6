import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { grants, rawStatements, statements } from '../analysis/policy';
import { TemplatePrincipal, templatePrincipals } from '../analysis/principals';
import { SECRET_ACTIONS, grantOn, secretArnOf } from '../analysis/secret-grants';
import { ResourceView, TemplateIndex, asArray, isObject } from '../analysis/template-index';
import { SecretKey } from '../key/secret-key';
import { KnownPrincipals, restrictiveKeyStatement } from '../secret/access-mode';

const RULE = 'SecretRestrictivePolicyComplete';
const POLICY_TYPE = 'AWS::SecretsManager::ResourcePolicy';

/** What the template shows of a plain secret, for a restrictive guardrail. */
export interface RestrictiveInput {
  readonly secret: secretsmanager.CfnSecret;
  /** The index of the secret's stack. */
  readonly index: TemplateIndex;
  /** The indexes of the app's other stacks (their roles may read the secret too). */
  readonly otherStacks: TemplateIndex[];
  /** The role of a rotation function the template does not define (`accessMode.rotationRole`). */
  readonly rotationRole?: iam.IRole;
  /** Whether the guardrail adds a resource policy of its own to the secret (an L2 secret without one). */
  readonly addsPolicy: boolean;
}

/** The principals a restrictive guardrail lets use one secret, and those it would lock out. */
export interface SecretUsers {
  /** Role and user ARNs (tokens for those of the template). */
  readonly arns: string[];
  /** Problems: principals that use the secret today and that the list cannot hold. */
  readonly lockedOut: string[];
}

/**
 * Who uses an L1 or L2 secret, as the templates of the app show it:
 *
 * - every role and user of the stack whose identity policies grant a Secrets Manager action on
 *   this secret by name (a `Ref` to it or to an attachment of it, an expression built from one,
 *   or an ARN that writes its name or a prefix of it);
 * - a role of another stack so granted, by the literal ARN its fixed name gives (a token would
 *   make the stacks depend on each other both ways);
 * - the role of each rotation function of the template that rotates it;
 * - every IAM principal of the account that the secret's resource policies allow.
 *
 * What cannot be listed is reported, so that nothing that uses the secret today is locked out in
 * silence: a principal that uses it only through a grant on every secret, a role outside the
 * templates or without a fixed name in another stack, a rotation function the template does not
 * define, a principal of another account or a service, and a second resource policy.
 */
export function secretUsers(input: RestrictiveInput): SecretUsers {
  const { secret, index } = input;
  const view = index.view(secret);
  const arn = secretArnOf(view, index);
  const arns: string[] = [];
  const lockedOut: string[] = [];
  for (const principal of templatePrincipals(index)) {
    const named = grantOn(principal, arn, index, { actions: SECRET_ACTIONS, specific: true });
    const node = principal.view?.node;
    if (named !== undefined && (node instanceof iam.CfnRole || node instanceof iam.CfnUser)) {
      arns.push(node.attrArn);
      continue;
    }
    const uses = named ?? grantOn(principal, arn, index, { actions: SECRET_ACTIONS });
    if (uses !== undefined) {
      lockedOut.push(`${RULE}: ${who(principal)} may use this secret (${uses} allows a Secrets Manager action on it), but ` +
        (node
          ? 'only through a grant on every secret, so the restrictive policy does not list it. Grant it on this secret, or list it in accessMode additionalPrincipals.'
          : 'it is a role outside the template, whose ARN (and path) the template does not show. List it in accessMode additionalPrincipals.'));
    }
  }
  for (const other of input.otherStacks) {
    foreignUsers(view, other, index.stack, arns, lockedOut);
  }
  rotationRoles(view, index, input.rotationRole, arns, lockedOut);
  policyPrincipals(view, index, input.addsPolicy, arns, lockedOut);
  return { arns, lockedOut };
}

/** How a finding names a principal. */
function who(principal: TemplatePrincipal): string {
  const node = principal.view?.node;
  return `${principal.display}${node ? ` (${node.node.path})` : ''}`;
}

/**
 * The roles and users of another stack of the app granted on the secret: before synthesis
 * completes, a reference to the secret reads `{ Ref: <its logical id> }` there too.
 */
function foreignUsers(secret: ResourceView, other: TemplateIndex, home: Stack, arns: string[], lockedOut: string[]): void {
  const id = secret.logicalId;
  if (other.has(secret.node) || other.targetId({ Ref: id }) !== undefined) {
    return; // its own stack, or a stack with a resource of the same id: a Ref there is to its own
  }
  const reference = new RegExp(`\\{"Ref":"${id}"\\}|"Fn::GetAtt":\\["${id}"|\\$\\{${id}[}.]`);
  for (const principal of templatePrincipals(other)) {
    const grant = principal.documents.find(({ document }) => rawStatements(document).some((raw, i) => {
      const s = statements(document, other)[i];
      return s !== undefined && s.effect === 'Allow' && SECRET_ACTIONS.some(a => grants(s, a)) &&
        asArray(raw.Resource).some(r => typeof r === 'object' && r !== null && reference.test(JSON.stringify(r)));
    }));
    if (grant === undefined) {
      continue;
    }
    const literal = literalArn(principal, other, home);
    if (literal !== undefined) {
      arns.push(literal);
      continue;
    }
    lockedOut.push(`${RULE}: ${who(principal)} of stack ${other.stack.node.path} may use this secret (${grant.where} allows a Secrets Manager action on it), ` +
      'but a restrictive policy cannot name a role of another stack by reference (the two stacks would depend on each other). ' +
      'Give the role a fixed roleName (the policy then lists its ARN), or list it in accessMode additionalPrincipals by ARN.');
  }
}

/** The ARN of a role or user of another stack whose name, path and account are written, as a literal. */
function literalArn(principal: TemplatePrincipal, stack: TemplateIndex, home: Stack): string | undefined {
  if (principal.name.kind !== 'literal' || principal.path === undefined) {
    return undefined;
  }
  const account = stack.stack.account;
  if (Token.isUnresolved(account) && !Token.isUnresolved(home.account)) {
    return undefined;
  }
  if (!Token.isUnresolved(account) && !Token.isUnresolved(home.account) && account !== home.account) {
    return undefined; // another account: a restrictive policy lists none
  }
  const accountPart = Token.isUnresolved(account) ? Aws.ACCOUNT_ID : account;
  return `arn:${Aws.PARTITION}:iam::${accountPart}:${principal.kind}${principal.path}${principal.name.text}`;
}

/**
 * The roles of the functions that rotate the secret: listed when the template defines the
 * function; otherwise `rotationRole` must be given (hosted rotation, an imported function, a
 * rotation application).
 */
function rotationRoles(secret: ResourceView, index: TemplateIndex, rotationRole: iam.IRole | undefined, arns: string[], lockedOut: string[]): void {
  for (const schedule of index.attachedToSecret(secret, 'AWS::SecretsManager::RotationSchedule')) {
    const fn = index.target(schedule.properties.RotationLambdaARN);
    if (fn?.type === 'AWS::Lambda::Function') {
      const role = index.target(fn.properties.Role);
      if (role?.node instanceof iam.CfnRole) {
        arns.push(role.node.attrArn);
        continue;
      }
      if (typeof fn.properties.Role === 'string') {
        arns.push(fn.properties.Role);
        continue;
      }
    }
    if (rotationRole !== undefined) {
      arns.push(rotationRole.roleArn);
      continue;
    }
    const how = schedule.properties.HostedRotationLambda !== undefined
      ? 'uses hosted rotation, whose role the AWS::SecretsManager transform creates at deployment under a generated name'
      : 'rotates with a function the template does not define, whose role it does not show';
    lockedOut.push(`accessMode RESTRICTIVE: rotation schedule ${schedule.logicalId} ${how}, so the restrictive policy cannot list ` +
      'it. Set accessMode rotationRole to that role (for hosted rotation: deploy once without accessMode, then name the role ' +
      'it created), or rotate with a function of the stack.');
  }
}

/**
 * The principals the secret's resource policies allow: roles and users of the account by ARN,
 * and those a `*` principal is narrowed to by an `aws:PrincipalArn` equality. Anything else it
 * allows (another account, a service, a pattern) cannot be listed; neither can a second policy
 * (Secrets Manager keeps one policy per secret, and which of two wins is undefined).
 */
function policyPrincipals(secret: ResourceView, index: TemplateIndex, addsPolicy: boolean, arns: string[], lockedOut: string[]): void {
  const policies = index.attachedToSecret(secret, POLICY_TYPE);
  const names = [...policies.map(p => p.logicalId), ...addsPolicy ? ['the one SecretGuardrails adds'] : []];
  if (names.length > 1) {
    lockedOut.push(`${RULE}: ${names.length} resource policies target this secret (${names.join(', ')}); ` +
      'Secrets Manager keeps one per secret and which one a deployment leaves is undefined, so the restrictive statements may be ' +
      'replaced. Keep one: move the statements of the others into it.');
  }
  const stack = index.stack;
  for (const policy of policies) {
    for (const s of rawStatements(policy.properties.ResourcePolicy)) {
      if (s.Effect !== 'Allow') {
        continue;
      }
      const principal = s.Principal;
      const aws = principal === '*' ? ['*'] : isObject(principal) ? asArray(principal.AWS) : [];
      if (isObject(principal) && Object.keys(principal).some(k => k !== 'AWS')) {
        lockedOut.push(`${RULE}: resource policy ${policy.logicalId} allows ${JSON.stringify(principal)}, a service or federated ` +
          'principal; a restrictive policy lets through IAM roles and users by aws:PrincipalArn only. Grant the role the service ' +
          'assumes, or keep this secret STANDARD and record why.');
      }
      for (const p of aws) {
        if (p === '*') {
          const narrowed = principalArnEquality(s.Condition);
          if (narrowed === undefined) {
            lockedOut.push(`${RULE}: resource policy ${policy.logicalId} allows "*" under a condition that does not name the ` +
              'principals by aws:PrincipalArn equality; a restrictive policy cannot list them. List them in accessMode additionalPrincipals.');
          } else {
            arns.push(...narrowed);
          }
        } else if (ofAnotherAccount(p, stack)) {
          lockedOut.push(`${RULE}: resource policy ${policy.logicalId} allows ${p}, a principal of another account; a restrictive ` +
            'policy lists none (Prowler secretsmanager_has_restrictive_resource_policy fails on any cross-account access). Share the ' +
            'value by replication or by a secret in that account, or keep this secret STANDARD and record why.');
        } else if (/:(role|user)\//.test(JSON.stringify(p))) {
          arns.push(p as string);
        }
        // The account itself delegates to IAM: its principals were read from their identity policies.
      }
    }
  }
}

/** The literal ARNs an `aws:PrincipalArn` equality condition names, when that is all it says. */
function principalArnEquality(condition: unknown): string[] | undefined {
  if (!isObject(condition)) {
    return undefined;
  }
  const out: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!['StringEquals', 'ArnEquals'].includes(operator) || !isObject(block)) {
      return undefined;
    }
    for (const [key, values] of Object.entries(block)) {
      if (key.toLowerCase() !== 'aws:principalarn') {
        return undefined;
      }
      for (const v of asArray(values)) {
        if (typeof v !== 'string' || /[*?]/.test(v)) {
          return undefined;
        }
        out.push(v);
      }
    }
  }
  return out.length > 0 ? out : undefined;
}

/** Whether a literal ARN names an account other than the stack's (a principal a restrictive policy may not list). */
function ofAnotherAccount(arn: unknown, stack: Stack): boolean {
  if (typeof arn !== 'string' || Token.isUnresolved(arn) || Token.isUnresolved(stack.account)) {
    return false;
  }
  return (/^\d{12}$/.test(arn) ? arn : arn.split(':')[4]) !== stack.account;
}

/**
 * The principals allowed to use the key `SecretGuardrails` shares between a stack's restrictive
 * secrets: the union of those of each secret it encrypts, rendered into one key-policy deny at
 * synthesis. Found as a child of the key, so a second aspect adds to it rather than a second deny.
 */
export class SharedKeyUsers extends Construct {
  /** The users of `key`, creating the list (and the key deny) on first use. */
  public static of(key: SecretKey): SharedKeyUsers {
    const existing = key.node.tryFindChild(ID);
    return existing instanceof SharedKeyUsers ? existing : new SharedKeyUsers(key);
  }

  private readonly known: KnownPrincipals;

  private constructor(key: SecretKey) {
    super(key, ID);
    this.known = new KnownPrincipals(key);
    key.addToResourcePolicy(restrictiveKeyStatement(this.known.arns));
  }

  /** Adds the principals of one secret (read at synthesis). */
  public add(arns: () => string[]): void {
    this.known.add(arns);
  }
}

const ID = 'RestrictiveKeyUsers';
