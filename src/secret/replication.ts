import { Annotations, Arn, ArnFormat, CfnResource, Fn, Lazy, RemovalPolicy, Resource, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, Dependable, IConstruct } from 'constructs';
import { versionStageCondition } from './resource-policy';
import { createReplicaKey } from '../key/replica-keys';
import { SecretKey } from '../key/secret-key';
import { acknowledge } from '../private/acknowledgements';
import { DEFAULTS } from '../private/defaults';
import { isResolved, PropsValidator } from '../private/validation';
import { ReplicaRotationGrants } from '../rotation/rotation-grants';

/** The reason of the `AwsSolutions-IAM5` acknowledgement on a grantee's policy for a replica key. */
export const REPLICA_KEY_WILDCARD_REASON =
  'The replica key is named by its alias: its key id is generated in the replica region (in a stack of its own there, ' +
  'by this library or the user), so this stack cannot name it without a cross-region reference. The statement covers ' +
  'the keys of this account in that region, but only the key carrying that alias (ForAnyValue:StringEquals ' +
  'kms:ResourceAliases) and only when Secrets Manager in that region makes the call (kms:ViaService).';

/** One replica region, resolved: the `KmsKeyId` the template names and how grants find the key. */
interface Replica {
  readonly region: string;
  /** What `ReplicaRegions[].KmsKeyId` holds: an alias name or a key ARN. */
  readonly kmsKeyId: string;
  /** The key ARN, when known here; otherwise the key is found by its alias. */
  readonly keyArn?: string;
  /** The alias the key carries, when grants must find the key by alias. */
  readonly aliasName?: string;
  /**
   * Whether the library created the key (its key policy lets the account encrypt through
   * Secrets Manager in its region, see `createReplicaKey`).
   */
  readonly libraryKey: boolean;
}

/** What replicating a new version needs on a replica key. */
const REPLICATION_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Encrypt'];

/** Whether a key is an alias (an `IAlias` is also an `IKey`). */
function isAlias(key: kms.IKey): key is kms.IAlias {
  // (an imported alias throws on aliasTargetKey: look at the name only; keys have none)
  return typeof (key as Partial<kms.IAlias>).aliasName === 'string';
}

/** The region of the stack a construct of this app lives in, when the key is one. */
function ownerStack(key: kms.IKey): Stack | undefined {
  return Resource.isOwnedResource(key) ? Stack.of(key) : undefined;
}

/**
 * Validates `replicaRegions` of a secret about to be created in `stack`, recording every problem
 * in `v` (the caller throws once). Also used by `addReplicaRegion`, with the regions already there.
 *
 * Region names are checked against aws-cdk-lib's region list (`RegionInfo.regions`, updated with
 * each aws-cdk-lib release): a typo would otherwise only fail at deploy time, after the replica
 * key stacks were created in a region that does not exist.
 */
export function validateReplicaRegions(
  v: PropsValidator,
  stack: Stack,
  replicas: secretsmanager.ReplicaRegion[] | undefined,
  prop = 'replicaRegions',
  existing: string[] = [],
): void {
  if (replicas === undefined) {
    return;
  }
  if (replicas.length === 0) {
    v.fail(prop, '[]', 'one or more { region, encryptionKey? }, or omit the prop');
    return;
  }
  if (Token.isUnresolved(stack.region)) {
    v.fail(prop, replicas.map((r) => r.region), `a stack with a concrete env.region: the replica keys go into sibling stacks that deploy before stack ${stack.stackName}, and CloudFormation compares regions at synth`);
    return;
  }
  if (stack.nestedStackParent !== undefined) {
    v.fail(prop, replicas.map((r) => r.region), 'a secret in a top-level stack: the replica keys need sibling stacks in other regions, which a nested stack cannot have');
    return;
  }
  const known = new Map(RegionInfo.regions.map((r) => [r.name, r.partition]));
  const partition = known.get(stack.region);
  const seen = new Set(existing);
  replicas.forEach((replica, i) => {
    const name = `${prop}[${i}].region`;
    const region: unknown = replica?.region;
    if (typeof region !== 'string' || Token.isUnresolved(region)) {
      v.fail(name, region, 'a region name known at synth, e.g. us-east-1 (not a token)');
      return;
    }
    if (!known.has(region)) {
      v.fail(name, region, `a region aws-cdk-lib knows: ${[...known.keys()].filter((r) => known.get(r) === (partition ?? 'aws')).join(', ')}`);
      return;
    }
    if (partition !== undefined && known.get(region) !== partition) {
      v.fail(name, region, `a region of the primary's partition (${partition}): Secrets Manager replicates within a partition`);
      return;
    }
    if (region === stack.region) {
      v.fail(name, region, `a region other than the primary's own (${stack.region})`);
      return;
    }
    if (seen.has(region)) {
      v.fail(name, region, 'each region once');
      return;
    }
    seen.add(region);
    if (replica.encryptionKey !== undefined) {
      validateReplicaKey(v, `${prop}[${i}].encryptionKey`, region, replica.encryptionKey);
    }
  });
}

function validateReplicaKey(v: PropsValidator, prop: string, region: string, key: kms.IKey): void {
  const owner = ownerStack(key);
  const alias = isAlias(key) ? key.aliasName : undefined;
  if (alias !== undefined && isResolved(alias)) {
    if (alias.startsWith('alias/aws/')) {
      v.fail(prop, alias, 'a customer-managed key in the replica region, not an AWS managed key');
      return;
    }
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html#KMS-CreateAlias-request-AliasName
    if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(alias)) {
      v.fail(prop, alias, "an alias name: 'alias/' followed by 1 to 250 of [a-zA-Z0-9/_-]");
      return;
    }
  }
  if (owner !== undefined) {
    if (isResolved(owner.region) && owner.region !== region) {
      v.fail(prop, `${key.node.path} (in stack ${owner.stackName}, ${owner.region})`, `a key in ${region}: a replica is encrypted with a key of its own region`);
    } else if (alias === undefined && !(key instanceof SecretKey)) {
      // A kms.Key built in another stack: only its generated key id names it, which would take a
      // cross-region reference into the secret's stack.
      v.fail(
        prop,
        `${key.node.path} (a kms.Key in stack ${owner.stackName})`,
        'a SecretKey or a kms.Alias in that region (the secret names the key by alias, without a cross-region reference), ' +
        'or kms.Key.fromKeyArn(this, id, arn) with the key ARN written out',
      );
    }
    return;
  }
  if (alias === undefined && isResolved(key.keyArn)) {
    const arnRegion = Arn.split(key.keyArn, ArnFormat.SLASH_RESOURCE_NAME).region;
    if (arnRegion !== region) {
      v.fail(prop, key.keyArn, `a key ARN in ${region}: a replica is encrypted with a key of its own region`);
    }
  }
}

/**
 * The replication of one `HardenedSecret`: the `ReplicaRegions` of its template, the replica keys
 * and the grants that must follow every replica.
 */
export class SecretReplication implements ReplicaRotationGrants {
  private readonly replicas: Replica[] = [];
  private readonly readers: iam.IGrantable[] = [];
  private readonly writers: iam.IGrantable[] = [];
  private readonly rotators: iam.IGrantable[] = [];

  constructor(private readonly secret: secretsmanager.Secret, private readonly removalPolicy: RemovalPolicy) {
    const cfn = secret.node.defaultChild as secretsmanager.CfnSecret;
    cfn.replicaRegions = Lazy.any(
      { produce: () => this.replicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyId })) },
      { omitEmptyArray: true },
    );
  }

  /** The replica regions, in the order they were added. */
  public get regions(): string[] {
    return this.replicas.map((r) => r.region);
  }

  /**
   * The ARN of each replica: the primary's ARN with the region replaced (same name, same suffix).
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
   */
  public get secretArns(): string[] {
    return this.replicas.map((r) => this.replicaArn(r.region));
  }

  /** The ARN of the replica in `region`, computed from the primary's ARN in this stack. */
  public replicaArn(region: string): string {
    // arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<suffix>; names hold no ':'.
    const parts = Fn.split(':', this.secret.secretArn, 7);
    return Fn.join(':', [...parts.slice(0, 3), region, ...parts.slice(4)]);
  }

  /** Adds a validated replica region; grants given earlier are extended to it. */
  public add(replica: secretsmanager.ReplicaRegion): void {
    const resolved = this.resolveKey(replica);
    this.replicas.push(resolved);
    for (const reader of this.readers) {
      this.grantReplicaRead(reader, [resolved]);
    }
    for (const writer of this.writers) {
      this.grantKeys(writer, [resolved], REPLICATION_KEY_ACTIONS);
    }
    for (const rotator of this.rotators) {
      this.grantKeys(rotator, userKeys([resolved]), REPLICATION_KEY_ACTIONS);
    }
  }

  /**
   * Lets `grantee` read the replicas: the caller lists `secretArns` in its `GetSecretValue`
   * statement; this adds `kms:Decrypt` on each replica key through Secrets Manager in its region.
   */
  public grantRead(grantee: iam.IGrantable): void {
    this.readers.push(grantee);
    this.grantKeys(grantee, this.replicas, ['kms:Decrypt']);
  }

  /**
   * Replicas are read-only: writes go to the primary, and Secrets Manager replicates each new
   * version with the writer's identity, which needs `kms:GenerateDataKey` and `kms:Encrypt` on
   * the replica keys (not any permission on the replica secrets).
   *
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets_troubleshoot.html
   */
  public grantWrite(grantee: iam.IGrantable): void {
    this.writers.push(grantee);
    this.grantKeys(grantee, this.replicas, REPLICATION_KEY_ACTIONS);
  }

  /**
   * What a custom rotation function needs so that its new versions replicate: `grantWrite`'s
   * key statements, on the replica keys the user gave only (now and for later replicas). The keys
   * the library creates already let any principal of the account encrypt through Secrets
   * Manager in their region (`createReplicaKey`); granting them again would add a key wildcard
   * per region (their key ids are unknown here) to a policy whose size is bounded.
   *
   * @param grantee receives the statements (the rotation grants policy of the secret's stack)
   */
  public grantRotation(grantee: iam.IGrantable): void {
    this.rotators.push(grantee);
    this.grantKeys(grantee, userKeys(this.replicas), REPLICATION_KEY_ACTIONS);
  }

  /** The statements `grantRotation` would add now (to size a policy before adding them). */
  public rotationStatements(): iam.PolicyStatement[] {
    return userKeys(this.replicas).map((r) => this.keyStatement(r, REPLICATION_KEY_ACTIONS));
  }

  /** A later replica for an earlier reader: its own statements. */
  private grantReplicaRead(grantee: iam.IGrantable, replicas: Replica[]): void {
    const arns = replicas.map((r) => this.replicaArn(r.region));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: arns,
      conditions: versionStageCondition([...DEFAULTS.readerVersionStages]),
    }));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: arns }));
    this.grantKeys(grantee, replicas, ['kms:Decrypt']);
  }

  private grantKeys(grantee: iam.IGrantable, replicas: Replica[], actions: string[]): void {
    const stack = Stack.of(this.secret);
    for (const replica of replicas) {
      const result = grantee.grantPrincipal.addToPrincipalPolicy(this.keyStatement(replica, actions));
      if (replica.keyArn === undefined) {
        acknowledgeOnPolicy(grantee.grantPrincipal, result, replicaKeyWildcardRule(stack, replica.region), REPLICA_KEY_WILDCARD_REASON);
      }
    }
    const account = grantee.grantPrincipal.principalAccount;
    if (replicas.length > 0 && account !== undefined && Token.compareStrings(stack.account, account) === TokenComparison.DIFFERENT) {
      Annotations.of(this.secret).addWarningV2(
        'cdk-hardened-secrets:cross-account-replica-key',
        `${grantee.grantPrincipal} is in account ${account}; the replica keys in ${replicas.map((r) => r.region).join(', ')} ` +
        `live in other stacks, so add ${actions.join(', ')} for that principal to their key policies yourself`,
      );
    }
  }

  /** `actions` on the key of `replica`, through Secrets Manager in its region only. */
  private keyStatement(replica: Replica, actions: string[]): iam.PolicyStatement {
    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
    const viaService = { 'kms:ViaService': `secretsmanager.${replica.region}.amazonaws.com` };
    if (replica.keyArn !== undefined) {
      return new iam.PolicyStatement({ actions, resources: [replica.keyArn], conditions: { StringEquals: viaService } });
    }
    // The key id is generated in the replica region: find the key by its alias instead.
    // kms:ResourceAliases works for key operations such as Decrypt and Encrypt.
    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
    const stack = Stack.of(this.secret);
    return new iam.PolicyStatement({
      actions,
      resources: [`arn:${stack.partition}:kms:${replica.region}:${stack.account}:key/*`],
      conditions: {
        'StringEquals': viaService,
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [replica.aliasName] },
      },
    });
  }

  private resolveKey(replica: secretsmanager.ReplicaRegion): Replica {
    const { region, encryptionKey: key } = replica;
    const primary = Stack.of(this.secret);
    if (key === undefined) {
      const aliasName = createReplicaKey(this.secret, region, this.removalPolicy);
      return { region, kmsKeyId: aliasName, aliasName, libraryKey: true };
    }
    const owner = ownerStack(key);
    if (owner !== undefined && owner !== primary) {
      // A key of this app in the replica region: deploy it first, name it by alias.
      primary.addStackDependency(owner, `the key of the ${region} replica must exist before the secret replicates to it`);
    }
    if (isAlias(key)) {
      return { region, kmsKeyId: key.aliasName, aliasName: key.aliasName, libraryKey: false };
    }
    if (key instanceof SecretKey && owner !== undefined && owner !== primary) {
      return { region, kmsKeyId: key.alias.aliasName, aliasName: key.alias.aliasName, libraryKey: false };
    }
    return { region, kmsKeyId: key.keyArn, keyArn: key.keyArn, libraryKey: false };
  }
}

/** The replicas whose key the user gave. */
function userKeys(replicas: Replica[]): Replica[] {
  return replicas.filter((r) => !r.libraryKey);
}

/**
 * The AwsSolutions-IAM5 finding id cdk-nag gives the replica-key wildcard (tokens are shown as
 * `<AWS::Partition>` and `<AWS::AccountId>`).
 */
export function replicaKeyWildcardRule(stack: Stack, region: string): string {
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `AwsSolutions-IAM5[Resource::arn:${partition}:kms:${region}:${account}:key/*]`;
}

/**
 * Acknowledges `rule` on the CloudFormation resource of the policy a statement went into (the
 * grantee's default or managed policy), once per rule and reason.
 */
export function acknowledgeOnPolicy(principal: iam.IPrincipal, result: iam.AddToPrincipalPolicyResult, rule: string, reason: string): void {
  if (!result.statementAdded || result.policyDependable === undefined) {
    return;
  }
  // iam.Role fills its dependable only when the policy is rendered: fall back on its DefaultPolicy.
  let roots: IConstruct[] = Dependable.of(result.policyDependable).dependencyRoots;
  if (roots.length === 0 && Construct.isConstruct(principal)) {
    const fallback = principal.node.tryFindChild('DefaultPolicy');
    roots = fallback ? [fallback] : [];
  }
  for (const root of roots) {
    const target: IConstruct | undefined = CfnResource.isCfnResource(root) ? root : root.node.defaultChild;
    if (target === undefined || !CfnResource.isCfnResource(target)) {
      continue;
    }
    const already = target.node.metadata.some((entry) => {
      const data: unknown = entry.data;
      return data !== null && typeof data === 'object' && Object.entries(data as Record<string, unknown>).some(([id, r]) => id.endsWith(rule) && r === reason);
    });
    if (!already) {
      acknowledge(target, rule, reason);
    }
  }
}
