import { Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { SecretKey } from './secret-key';
import { PropsValidator } from '../private/validation';

/**
 * Replica keys: one customer-managed `SecretKey` per secret and replica region, in a sibling stack
 * of the secret's stack that is deployed to that region before the secret's stack.
 *
 * Why a key per region and not a multi-Region key: a multi-Region replica key shares the key
 * material of its primary, so a mistake or compromise in one region spans all of them, and an
 * `AWS::KMS::ReplicaKey` needs the `mrk-` id that CloudFormation generates for the primary,
 * which would take a cross-region reference (or an ordering key stack -> replica key stacks ->
 * secret stack). Independent keys need neither: the secret names each replica key by an alias
 * that is known at synth time, and Secrets Manager accepts an alias as a replica's `KmsKeyId`.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-secret-replicaregion.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
 */

/** The construct id of the replica-key stack of `primary` in `region`, e.g. `AppReplicaKeysUsEast1`. */
export function replicaKeyStackId(primary: Stack, region: string): string {
  const pascal = region.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  return `${primary.node.id}ReplicaKeys${pascal}`;
}

/**
 * The stack that holds the replica keys of the secrets of `primary` in `region`: found among the
 * siblings of `primary`, or created next to it. `primary` depends on it, so the CDK CLI (and CDK
 * Pipelines) deploy the keys before the secret replicates to them.
 *
 * Its environment is the account of `primary` (or, when `primary` is environment-agnostic in its
 * account, whatever account the deployment targets: deploy both with the same credentials) and
 * `region`. It uses the app's default synthesizer, so that region must be bootstrapped.
 */
export function replicaKeyStack(primary: Stack, region: string): Stack {
  const parent = primary.node.scope as Construct;
  const id = replicaKeyStackId(primary, region);
  const existing = parent.node.tryFindChild(id);
  if (existing !== undefined) {
    if (!Stack.isStack(existing) || existing.region !== region) {
      const v = new PropsValidator(primary);
      v.fail('replicaRegions', region, `a free construct id: '${id}' next to this stack is taken by a construct that is not its replica-key stack in ${region}`);
      v.throwIfInvalid();
    }
    return existing as Stack;
  }
  const stack = new Stack(parent, id, {
    stackName: `${primary.stackName}-replica-keys-${region}`,
    description: `Customer-managed keys of the ${region} replicas of the secrets in stack ${primary.stackName} (${primary.region})`,
    env: { account: Token.isUnresolved(primary.account) ? undefined : primary.account, region },
    terminationProtection: primary.terminationProtection,
  });
  primary.addStackDependency(stack, `the replica keys in ${region} must exist before the secrets of ${primary.stackName} replicate to them`);
  return stack;
}

/**
 * The alias of the replica key of `secret` in any replica region: deterministic, unique per
 * account and region (primary region, stack and construct path are in it), known at synth.
 */
export function replicaKeyAliasName(secret: IConstruct): string {
  const primary = Stack.of(secret);
  return `alias/hardened-secrets/replica/${primary.region}/${Names.uniqueResourceName(secret, { maxLength: 180, separator: '-' })}`;
}

/** Creates the replica key of `secret` in `region` (in the replica-key stack) and returns its alias name. */
export function createReplicaKey(secret: IConstruct, region: string, removalPolicy: RemovalPolicy): string {
  const primary = Stack.of(secret);
  const stack = replicaKeyStack(primary, region);
  const aliasName = replicaKeyAliasName(secret);
  const id = Names.nodeUniqueId(secret.node);
  if (stack.node.tryFindChild(id) === undefined) {
    const key = new SecretKey(stack, id, {
      aliasName,
      removalPolicy,
      description: `Encrypts the ${region} replica of secret ${secret.node.path}; usable only through Secrets Manager in ${region}`,
    });
    key.addToResourcePolicy(replicationEncryptStatement(stack));
  }
  return aliasName;
}

/**
 * Secrets Manager replicates each new version with the identity of whoever wrote it to the
 * primary (a forward access session): that writer needs `kms:Encrypt` and `kms:GenerateDataKey`
 * on the replica key. Writers this library grants get them in their own policy; the function of a
 * **hosted** rotation gets its role at deploy time, from the SecretsManager transform, with key
 * permissions on the primary key only, so without this statement every rotation would stop
 * replicating. Encrypting through Secrets Manager in this account reveals nothing (it needs
 * `PutSecretValue` on the primary), so the key lets any principal of the account do it; decryption
 * stays with the readers that `grantRead` names.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets_troubleshoot.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/cross-account-replicate-permissions.html
 */
function replicationEncryptStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowReplicationOfNewVersionsThroughSecretsManager',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`,
        'kms:CallerAccount': stack.account,
      },
    },
  });
}
