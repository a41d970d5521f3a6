import { Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { acknowledge } from '../private/acknowledgements';
import { CROSS_STACK_ROTATION_RULE, crossStackRotationReason } from '../private/rotation-acknowledgements';

/**
 * What a rotation role needs so that the versions it writes replicate: key statements on the
 * replica keys of the secret, now and for replicas added later (internal). The secret's
 * replication implements it; rotation never looks the secret's replication up.
 */
export interface ReplicaRotationGrants {
  /** Adds the statements to `grantee` (and to every later replica). */
  grantRotation(grantee: iam.IGrantable): void;
  /** The statements `grantRotation` would add now, to size a policy before adding them. */
  rotationStatements(): iam.PolicyStatement[];
}

/**
 * IAM quotas that bound how many secrets one rotation function's role can be given.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const IAM_QUOTAS = {
  /** Characters of a managed policy document, whitespace not counted (not adjustable). */
  managedPolicyChars: 6144,
  /** Managed policies attached to one role: the default quota... */
  rolePoliciesDefault: 10,
  /** ...and the most it can be raised to. */
  rolePoliciesMax: 20,
} as const;

/** What rotating a secret needs on the secret. No version-stage condition: rotation reads AWSPENDING and moves the stages. */
const SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

/** What PutSecretValue and the reads need on the secret's key, through Secrets Manager only. */
const KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

/**
 * Worst-case lengths of what is unknown at synth time. The longest partition is `aws-us-gov`,
 * the longest region names have 14 characters (`ap-southeast-5`, `us-isob-east-1`); a key id is
 * a UUID or `mrk-` and 32 hex digits (36 characters); a secret ARN ends with `-` and six random
 * characters; a name CloudFormation generates is the logical id, `-` and 12 characters; a
 * secret name has at most 512 characters.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_secret.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html#SecretsManager-CreateSecret-request-Name
 */
const WORST = { partition: 10, region: 16, account: 12, keyId: 36, arnSuffix: 7, generatedNameSuffix: 13, secretName: 512, reference: 256 } as const;

/**
 * What one rotation function's role may do on the secrets of one stack that it rotates, in that
 * stack: customer-managed policies (HIPAA, NIST 800-53 and PCI DSS ask for no inline policies)
 * attached to the role from the policy side, so the secrets' stack depends on the function's
 * stack (role name) and never the other way round.
 *
 * One policy holds one statement on the secrets and one on their keys, for as many secrets as fit
 * in a managed policy (6,144 characters); the next secrets open a next policy. Each policy
 * counts against the role's quota of attached managed policies, so secrets are packed, not given
 * a policy each.
 */
export class RotationGrants extends Construct {
  /**
   * The grants of `owner`'s role in the stack of `secret`, created on first use.
   *
   * @param owner the rotation function the role belongs to (keys the singleton)
   */
  public static of(owner: IConstruct, role: iam.IRole, secret: IConstruct): RotationGrants {
    const stack = Stack.of(secret);
    const id = `RotationGrants${Names.uniqueId(owner)}`;
    return (stack.node.tryFindChild(id) as RotationGrants | undefined) ?? new RotationGrants(stack, id, owner, role);
  }

  private readonly owner: IConstruct;
  private readonly role: iam.IRole;
  private readonly policies: GrantsPolicy[] = [];

  private constructor(scope: Construct, id: string, owner: IConstruct, role: iam.IRole) {
    super(scope, id);
    this.owner = owner;
    this.role = role;
    this.node.addValidation({ validate: () => this.validateSize() });
  }

  /** How many managed policies these grants attach to the role. */
  public get policyCount(): number {
    return this.policies.length;
  }

  /**
   * Lets the role rotate `secret`; returns the policy that holds its statements (what the
   * rotation schedule must wait for).
   */
  public grant(secret: secretsmanager.ISecret, replicas?: ReplicaRotationGrants): iam.ManagedPolicy {
    let policy = this.policies[this.policies.length - 1];
    if (policy === undefined || !policy.fits(secret, replicas)) {
      policy = new GrantsPolicy(this, `Policy${this.policies.length + 1}`, this.role);
      this.policies.push(policy);
      if (Stack.of(this.role) !== Stack.of(this)) {
        // In the function's stack the pack sees that the role is a rotation role; here the role
        // is imported and it cannot.
        acknowledge(policy.policy.node.defaultChild!, CROSS_STACK_ROTATION_RULE, crossStackRotationReason(this.owner.node.path));
      }
    }
    policy.add(secret, replicas);
    return policy.policy;
  }

  private validateSize(): string[] {
    return this.policies
      .map((p) => ({ path: p.policy.node.path, length: p.estimatedLength() }))
      .filter(({ length }) => length > IAM_QUOTAS.managedPolicyChars)
      .map(({ path, length }) =>
        `${path} can reach ${length} characters with the ARNs of its secrets and keys; IAM allows ${IAM_QUOTAS.managedPolicyChars} ` +
        'in a managed policy (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Give the secrets shorter names.');
  }
}

/**
 * One managed policy of `RotationGrants`: one statement on its secrets, one on their keys, and
 * one per replica key the user gave to one of its secrets.
 */
class GrantsPolicy {
  public readonly policy: iam.ManagedPolicy;
  private readonly secrets: secretsmanager.ISecret[] = [];
  private readonly keyArns = new Set<string>();
  private readonly secretStatement: iam.PolicyStatement;
  private keyStatement?: iam.PolicyStatement;
  /** The replica-key statements, added through `grantee` (also for replicas added later). */
  private readonly replicaStatements: iam.PolicyStatement[] = [];
  /** The role, as a grantee whose statements go into this policy. */
  private readonly grantee: iam.IGrantable;

  constructor(private readonly scope: Construct, id: string, role: iam.IRole) {
    // No secretsmanager:VersionStage condition: rotation reads AWSPENDING (by the version id of
    // the rotation) as well as AWSCURRENT, and moves the stages.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
    this.secretStatement = new iam.PolicyStatement({ actions: SECRET_ACTIONS });
    this.policy = new iam.ManagedPolicy(scope, id, {
      roles: [role],
      description: 'Rotation function: the secrets of this stack it rotates, and their keys through Secrets Manager',
      statements: [this.secretStatement],
    });
    this.grantee = new PolicyPrincipal(role, this.policy, this.replicaStatements);
  }

  /** Whether `secret` (its key and its replica keys) still fit in this policy. */
  public fits(secret: secretsmanager.ISecret, replicas?: ReplicaRotationGrants): boolean {
    const key = secret.encryptionKey;
    const newKey = key !== undefined && !this.keyArns.has(key.keyArn);
    const replicaStatements = replicas?.rotationStatements() ?? [];
    return this.lengthWith([secret], newKey ? [key.keyArn] : [], replicaStatements) <= IAM_QUOTAS.managedPolicyChars;
  }

  public add(secret: secretsmanager.ISecret, replicas?: ReplicaRotationGrants): void {
    this.secrets.push(secret);
    this.secretStatement.addResources(secret.secretFullArn ?? `${secret.secretArn}-??????`);
    this.addKey(secret.encryptionKey);
    // Secrets Manager replicates each version the function writes with the function's identity,
    // which needs kms:GenerateDataKey and kms:Encrypt on each replica key (in that region).
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets_troubleshoot.html
    replicas?.grantRotation(this.grantee);
  }

  private addKey(key: kms.IKey | undefined): void {
    if (key === undefined || this.keyArns.has(key.keyArn)) {
      return;
    }
    this.keyArns.add(key.keyArn);
    if (this.keyStatement === undefined) {
      // PutSecretValue encrypts the new version with a data key of the secret's key; reads
      // decrypt it. Only through Secrets Manager of this region.
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
      // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
      this.keyStatement = new iam.PolicyStatement({
        actions: KEY_ACTIONS,
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this.scope).region}.amazonaws.com` } },
      });
      this.policy.addStatements(this.keyStatement);
    }
    this.keyStatement.addResources(key.keyArn);
  }

  /** The most characters the deployed document can have (estimated with today's logical ids). */
  public estimatedLength(): number {
    return this.lengthWith([], [], []);
  }

  private lengthWith(moreSecrets: secretsmanager.ISecret[], moreKeys: string[], moreStatements: iam.PolicyStatement[]): number {
    const stack = Stack.of(this.scope);
    const secretArns = [...this.secrets, ...moreSecrets].map((s) => secretArnLength(stack, s));
    const keyArns = [...this.keyArns, ...moreKeys].map((arn) => keyArnLength(stack, arn));
    // Each further statement: its JSON with every reference at its longest, and a comma.
    const statements = [...this.replicaStatements, ...moreStatements]
      .map((st) => JSON.stringify(atLongest(stack.resolve(st.toStatementJson()))).length + 1);
    return documentLength(secretArns, keyArns, lengthOr(stack.region, WORST.region)) + statements.reduce((a, b) => a + b, 0);
  }
}

/**
 * The role as a principal whose statements go into one managed policy of the secret's stack
 * (`role.addToPrincipalPolicy` would write into the role's own policies, in the function's stack).
 */
class PolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  public readonly principalAccount?: string;

  constructor(private readonly role: iam.IRole, private readonly policy: iam.ManagedPolicy, private readonly added: iam.PolicyStatement[]) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.policyFragment = role.policyFragment;
    this.principalAccount = role.principalAccount;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.added.push(statement);
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  public toString(): string {
    return this.role.toString();
  }
}

/** Pseudo parameters at their longest; see `WORST`. */
const PSEUDO_LENGTHS: { [name: string]: number } = {
  'AWS::Partition': WORST.partition,
  'AWS::AccountId': WORST.account,
  'AWS::Region': WORST.region,
};

/**
 * A resolved policy fragment with each CloudFormation intrinsic replaced by a placeholder of the
 * longest value it can take: pseudo parameters as in `WORST`, `Fn::Join` part by part, anything
 * else (a key ARN or an alias name from a reference) at 256 characters, an alias name's maximum.
 */
function atLongest(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(atLongest);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as { [key: string]: unknown });
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    const [name, args] = entries[0];
    if (name === 'Ref' && typeof args === 'string' && PSEUDO_LENGTHS[args] !== undefined) {
      return 'x'.repeat(PSEUDO_LENGTHS[args]);
    }
    if (name === 'Fn::Join' && Array.isArray(args) && typeof args[0] === 'string' && Array.isArray(args[1])) {
      return (args[1] as unknown[]).map((part) => String(atLongest(part))).join(args[0]);
    }
    return 'x'.repeat(WORST.reference);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, atLongest(v)]));
}

/**
 * The length of the policy document as IAM counts it (no whitespace), with ARNs of the given
 * lengths: rendered with placeholders, so the JSON punctuation is counted exactly.
 */
function documentLength(secretArns: number[], keyArns: number[], regionLength: number): number {
  const resource = (lengths: number[]) => lengths.map((n) => 'x'.repeat(n));
  const statements: unknown[] = [{ Action: SECRET_ACTIONS, Effect: 'Allow', Resource: resource(secretArns) }];
  if (keyArns.length > 0) {
    statements.push({
      Action: KEY_ACTIONS,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${'x'.repeat(regionLength)}.amazonaws.com` } },
      Effect: 'Allow',
      Resource: resource(keyArns),
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;
}

/** `arn:<partition>:<service>:<region>:<account>:` at its longest. */
export function arnPrefixLength(stack: Stack, service: string): number {
  return 'arn:'.length + lengthOr(stack.partition, WORST.partition) + 1 + service.length + 1 +
    lengthOr(stack.region, WORST.region) + 1 + lengthOr(stack.account, WORST.account) + 1;
}

/** The most characters the deployed ARN of `secret` can have. */
export function secretArnLength(stack: Stack, secret: secretsmanager.ISecret): number {
  if (secret.secretFullArn !== undefined && !Token.isUnresolved(secret.secretFullArn)) {
    return secret.secretFullArn.length;
  }
  if (secret.secretFullArn === undefined && !Token.isUnresolved(secret.secretArn)) {
    return secret.secretArn.length + WORST.arnSuffix;
  }
  const cfn = secret.node.defaultChild;
  let name: number = WORST.secretName;
  if (cfn instanceof secretsmanager.CfnSecret) {
    if (cfn.name === undefined) {
      name = (stack.resolve(cfn.logicalId) as string).length + WORST.generatedNameSuffix;
    } else if (!Token.isUnresolved(cfn.name)) {
      name = cfn.name.length;
    }
  }
  return arnPrefixLength(stack, 'secretsmanager') + 'secret:'.length + name + WORST.arnSuffix;
}

function keyArnLength(stack: Stack, keyArn: string): number {
  return Token.isUnresolved(keyArn) ? arnPrefixLength(stack, 'kms') + 'key/'.length + WORST.keyId : keyArn.length;
}

function lengthOr(value: string, worst: number): number {
  return Token.isUnresolved(value) ? worst : value.length;
}
