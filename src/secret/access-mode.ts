import { Lazy, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { isResolved, PropsValidator } from '../private/validation';

/**
 * Options of `SecretAccessMode.restrictive`.
 */
export interface RestrictiveAccessOptions {
  /**
   * Roles allowed besides those the secret knows (its readers and writers, its rotation role,
   * its break-glass and deployment roles): for example the role of a tool that reads the secret
   * with its own IAM policy, or the AWS Config service-linked role.
   *
   * @default - none
   */
  readonly additionalPrincipals?: iam.IRole[];

  /**
   * The role of a rotation function the app does not define, which the restrictive policy must
   * let through: the role the `AWS::SecretsManager` transform creates for hosted rotation (known
   * after the first deployment), or the role of a rotation function imported by ARN. Required
   * with hosted rotation: another additional principal is not taken for it.
   *
   * @default - none: rotation must be by a function whose role the app defines
   */
  readonly rotationRole?: iam.IRole;

  /**
   * The AWS Organizations id of the organisation whose principals alone may use the secret: a
   * second deny on `aws:PrincipalOrgID`.
   *
   * @default - no organisation condition
   */
  readonly organizationId?: string;
}

/**
 * Who the resource policy of a secret lets through.
 *
 * - `STANDARD`: the protective denies only (deletion, policy and key changes, TLS); any principal
 *   of the account whose IAM policies allow it may read the secret.
 * - `RESTRICTIVE`: in addition, every Secrets Manager action is denied to every principal but
 *   those the secret knows, in the shape Prowler's `secretsmanager_has_restrictive_resource_policy`
 *   accepts (`Deny` `*` `secretsmanager:*` unless `StringNotEquals aws:PrincipalArn`), and the
 *   secret's own key refuses use to the others alike: an administrator of the account cannot read
 *   or decrypt it.
 */
export class SecretAccessMode {
  /** The protective denies only. */
  public static readonly STANDARD = new SecretAccessMode('STANDARD', {});

  /** Only the principals the secret knows, without an organisation condition. */
  public static readonly RESTRICTIVE = new SecretAccessMode('RESTRICTIVE', {});

  /**
   * Only the principals the secret knows, plus `additionalPrincipals`; with `organizationId`,
   * only principals of that organisation.
   *
   * @param options more principals and the organisation
   */
  public static restrictive(options: RestrictiveAccessOptions = {}): SecretAccessMode {
    return new SecretAccessMode('RESTRICTIVE', options);
  }

  /** `STANDARD` or `RESTRICTIVE`. */
  public readonly name: string;

  /** The options of a restrictive mode. */
  private readonly options: RestrictiveAccessOptions;

  private constructor(name: string, options: RestrictiveAccessOptions) {
    this.name = name;
    this.options = options;
  }

  /** Whether the resource policy denies all but the known principals. */
  public get isRestrictive(): boolean {
    return this.name === 'RESTRICTIVE';
  }

  /**
   * The options of a restrictive mode.
   *
   * @internal
   */
  public get _options(): RestrictiveAccessOptions {
    return this.options;
  }
}

/** What the mode's `organizationId` must look like. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/** Validates a mode into `v` (prop names under `accessMode`). */
export function validateAccessMode(v: PropsValidator, mode: SecretAccessMode | undefined): void {
  if (mode === undefined) {
    return;
  }
  if (!(mode instanceof SecretAccessMode)) {
    v.fail('accessMode', mode, 'SecretAccessMode.STANDARD, SecretAccessMode.RESTRICTIVE or SecretAccessMode.restrictive({ ... })');
    return;
  }
  const orgId = mode._options.organizationId;
  if (orgId !== undefined && isResolved(orgId)) {
    v.check(ORG_ID.test(orgId), 'accessMode.organizationId', orgId, "an AWS Organizations id: 'o-' and 10 to 32 lowercase letters or digits");
  }
  const rotationRole = mode._options.rotationRole;
  v.check(rotationRole === undefined || (rotationRole !== null && typeof rotationRole.roleArn === 'string'), 'accessMode.rotationRole', rotationRole, 'an IAM role');
  (mode._options.additionalPrincipals ?? []).forEach((role, i) => {
    v.check(role !== undefined && role !== null && typeof role.roleArn === 'string', `accessMode.additionalPrincipals[${i}]`, role, 'an IAM role');
  });
}

/**
 * The principals a restrictive secret lets through, filled as the secret grants access; the
 * resource policy and the key policy are rendered from this one list, at synthesis, so a grant
 * made after the policy was written still lands in it.
 */
export class KnownPrincipals {
  private readonly sources: Array<() => iam.IGrantable[] | string[]> = [];

  constructor(private readonly secret: IConstruct) {}

  /** Adds a source of principals (read at synthesis). */
  public add(source: () => iam.IGrantable[] | string[]): void {
    this.sources.push(source);
  }

  /** The principal ARNs, each once, in the order they became known; a token until synthesis. */
  public get arns(): string[] {
    // Uncached: a resolution before the last grant (an aspect indexing the stack) must not freeze the list.
    return Lazy.uncachedList({ produce: () => this.resolve() }, { omitEmpty: false });
  }

  /**
   * Refuses a grantee a restrictive secret cannot list: a principal of another account (Prowler
   * fails any cross-account access), the account root or a service principal (neither is an IAM
   * role or user ARN).
   *
   * @param method the grant, for the message
   */
  public check(grantee: iam.IGrantable, method: string): void {
    const account = grantee.grantPrincipal.principalAccount;
    const stack = Stack.of(this.secret);
    const v = new PropsValidator(this.secret);
    if (account !== undefined && Token.compareStrings(stack.account, account) === TokenComparison.DIFFERENT) {
      v.refuse(`${method} grantee (accessMode RESTRICTIVE)`, `${grantee.grantPrincipal} of account ${account}`,
        'a role or user of this account: a restrictive resource policy allows no principal of another account (Prowler ' +
        'secretsmanager_has_restrictive_resource_policy fails on any cross-account access). Share the value by replicating ' +
        'the secret, or by a secret in the other account, or use SecretAccessMode.STANDARD and record why');
    }
    const arns = principalArns(grantee, stack);
    if (arns === undefined) {
      v.refuse(`${method} grantee (accessMode RESTRICTIVE)`, `${grantee.grantPrincipal}`,
        'an IAM role or user (the restrictive resource policy lists principals by aws:PrincipalArn): grant the role the ' +
        'service assumes, not the service or the account');
    }
  }

  private resolve(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const stack = Stack.of(this.secret);
    for (const source of this.sources) {
      for (const item of source()) {
        for (const arn of typeof item === 'string' ? [item] : principalArns(item, stack) ?? []) {
          const key = JSON.stringify(stack.resolve(arn));
          if (!seen.has(key)) {
            seen.add(key);
            out.push(arn);
          }
        }
      }
    }
    return out;
  }
}

/**
 * The IAM role or user ARNs of a grantee, as `aws:PrincipalArn` carries them; undefined for a
 * service principal or an account root, which a restrictive policy cannot list.
 */
function principalArns(grantee: iam.IGrantable, stack: Stack): string[] | undefined {
  const principal = grantee.grantPrincipal;
  const role = principal as Partial<iam.IRole>;
  if (typeof role.roleArn === 'string') {
    return [role.roleArn];
  }
  const user = principal as Partial<iam.IUser>;
  if (typeof user.userArn === 'string') {
    return [user.userArn];
  }
  const json = principal.policyFragment.principalJson;
  const aws = json.AWS ?? [];
  if (Object.keys(json).some((k) => k !== 'AWS') || aws.length === 0) {
    return undefined;
  }
  // An account (its root ARN or its id) is not a principal a restrictive policy can name; its
  // ARN is often a token, so look at what it renders.
  if (aws.some((arn) => /:root"|^"\d{12}"$/.test(JSON.stringify(stack.resolve(arn))))) {
    return undefined;
  }
  return aws;
}

/**
 * The statements of a restrictive resource policy: one deny to every principal outside `arns`
 * on every Secrets Manager action (exactly the operators Prowler accepts), and one outside the
 * organisation when an id is given.
 */
export function restrictiveStatements(arns: string[], organizationId?: string): iam.PolicyStatement[] {
  const statements = [new iam.PolicyStatement({
    sid: 'DenyAllButKnownPrincipals',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['secretsmanager:*'],
    resources: ['*'],
    // aws:PrincipalArn is the role (not the session) for assumed roles, and the caller for the
    // calls Secrets Manager makes for it (forward access sessions).
    conditions: { StringNotEquals: { 'aws:PrincipalArn': arns } },
  })];
  if (organizationId !== undefined) {
    statements.push(new iam.PolicyStatement({
      sid: 'DenyOutsideOrganization',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalOrgID': organizationId } },
    }));
  }
  return statements;
}

/** What a restrictive secret's own key refuses to every principal outside `arns`. */
export function restrictiveKeyStatement(arns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyKeyUseButKnownPrincipals',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
    resources: ['*'],
    conditions: { StringNotEquals: { 'aws:PrincipalArn': arns } },
  });
}
