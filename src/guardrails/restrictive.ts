import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { rawStatements } from '../analysis/policy';
import { templatePrincipals } from '../analysis/principals';
import { SECRET_ACTIONS, grantOn, secretArnOf } from '../analysis/secret-grants';
import { TemplateIndex, asArray, isObject } from '../analysis/template-index';
import { SecretKey } from '../key/secret-key';
import { KnownPrincipals, restrictiveKeyStatement } from '../secret/access-mode';

const READ = 'secretsmanager:GetSecretValue';

/** The principals a restrictive guardrail lets use one secret, and those it would lock out. */
export interface SecretUsers {
  /** Role and user ARNs (tokens for those of the template). */
  readonly arns: string[];
  /** Problems: principals that read the secret today and that the list cannot hold. */
  readonly lockedOut: string[];
}

/**
 * Who uses an L1 or L2 secret, as the template shows it: every role and user of the stack whose
 * identity policies grant a Secrets Manager action on this secret by name (a `Ref` to it, or an
 * ARN that writes its name or a prefix of it), and every IAM principal of the account that the
 * secret's own resource policy allows. A principal that reads it only through a grant on every
 * secret (`Resource: "*"`, `secret:*`), or a role outside the template attached by name, is not
 * listed: it is reported, so that nothing that reads today is locked out in silence.
 *
 * @param policy the resource policy the template already had, if any
 */
export function secretUsers(secret: secretsmanager.CfnSecret, policy: unknown, index: TemplateIndex): SecretUsers {
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
    const reads = named ?? grantOn(principal, arn, index, { actions: [READ] });
    if (reads !== undefined) {
      const who = `${principal.display}${node ? ` (${node.node.path})` : ''}`;
      lockedOut.push(
        `SecretRestrictivePolicyComplete: ${who} may read this secret (${reads} allows ${READ} on it), but ` +
        (node
          ? 'only through a grant on every secret, so the restrictive policy does not list it. Grant it on this secret, or list it in accessMode additionalPrincipals.'
          : 'it is a role outside the template, whose ARN (and path) the template does not show. List it in accessMode additionalPrincipals.'),
      );
    }
  }
  const stack = Stack.of(secret);
  for (const p of resourcePolicyPrincipals(policy)) {
    if (!ofAnotherAccount(p, stack)) {
      // The account itself delegates to IAM: its principals were read from their identity policies.
      if (/:(role|user)\//.test(JSON.stringify(stack.resolve(p)))) {
        arns.push(p as string);
      }
    } else {
      lockedOut.push(
        `SecretRestrictivePolicyComplete: the secret's resource policy allows ${p}, a principal of another account; a restrictive ` +
        'policy lists none (Prowler secretsmanager_has_restrictive_resource_policy fails on any cross-account access). Share the ' +
        'value by replication or by a secret in that account, or keep this secret STANDARD and record why.');
    }
  }
  return { arns, lockedOut };
}

/**
 * Why a hosted rotation of the secret would be locked out, if it would: the `AWS::SecretsManager`
 * transform creates the rotation function's role at deployment under a generated name, which no
 * list can hold before it exists.
 *
 * @param additional how many additional principals the mode lists (one may be that role)
 */
export function hostedRotationProblem(secret: secretsmanager.CfnSecret, index: TemplateIndex, additional: number): string | undefined {
  const hosted = index.attachedToSecret(index.view(secret), 'AWS::SecretsManager::RotationSchedule')
    .find(schedule => schedule.properties.HostedRotationLambda !== undefined);
  if (hosted === undefined || additional > 0) {
    return undefined;
  }
  return `accessMode RESTRICTIVE: rotation schedule ${hosted.logicalId} uses hosted rotation, whose role the AWS::SecretsManager ` +
    'transform creates at deployment under a generated name, so the restrictive policy cannot list it. Deploy once without ' +
    'accessMode, then list the role in accessMode additionalPrincipals, or rotate with a function of the stack.';
}

/** The AWS principals that a resource policy allows (`Principal.AWS`), as written. */
function resourcePolicyPrincipals(policy: unknown): unknown[] {
  const out: unknown[] = [];
  const document = policy instanceof iam.PolicyDocument ? policy.toJSON() : policy;
  for (const s of rawStatements(document)) {
    if (s.Effect !== 'Allow' || !isObject(s.Principal)) {
      continue;
    }
    out.push(...asArray(s.Principal.AWS));
  }
  return out;
}

/** Whether a literal ARN names an account other than the stack's (a principal a restrictive policy may not list). */
function ofAnotherAccount(arn: unknown, stack: Stack): boolean {
  if (typeof arn !== 'string' || Token.isUnresolved(arn) || Token.isUnresolved(stack.account)) {
    return false;
  }
  return (/^\d{12}$/.test(arn) ? arn : arn.split(':')[4]) !== stack.account;
}

/**
 * The principals allowed to use the key `SecretGuardrails` shares between a stack's secrets:
 * the union of those of each restrictive secret it encrypts, rendered into one key-policy deny
 * at synthesis. Found as a child of the key, so a second aspect adds to it rather than a second deny.
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
