import { Annotations, IResource, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledgeOnPolicy } from './replication';
import { versionStageCondition } from './resource-policy';
import { DEFAULTS } from '../private/defaults';
import { PropsValidator } from '../private/validation';

/**
 * What a writer may do on a secret: new versions and stage moves, and `DescribeSecret` to find
 * them. Not `UpdateSecret`, which could change the secret's key.
 */
export const WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:DescribeSecret'];

/**
 * What `PutSecretValue` needs on a customer-managed key, through Secrets Manager.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
 */
export const WRITE_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * The condition of a read grant: the stages given (`AWSCURRENT` by default). An empty list is
 * refused, naming `secret`: it would grant nothing.
 */
export function readCondition(secret: IResource, versionStages?: string[]): Record<string, Record<string, unknown>> {
  if (versionStages !== undefined && versionStages.length === 0) {
    new PropsValidator(secret).refuse('grantRead versionStages', '[]', "one or more stages, e.g. ['AWSCURRENT', 'AWSPENDING']");
  }
  return versionStageCondition(versionStages ?? [...DEFAULTS.readerVersionStages]);
}

/**
 * Lets `grantee` use `key` for a secret of `secret`'s region, through Secrets Manager only: a
 * statement in the grantee's policy (this works for imported keys too, where aws-cdk-lib's grants
 * add nothing: aws-cdk issue 10160) and, for a grantee in another account, one in the key policy.
 *
 * @param secret the secret, for its region and for warnings
 * @param key the key of the secret
 * @param grantee the principal
 * @param actions the KMS actions, e.g. `kms:Decrypt`
 */
export function grantKeyUse(secret: IResource, key: kms.IKey, grantee: iam.IGrantable, actions: string[]): void {
  const viaSecretsManager = { StringEquals: { 'kms:ViaService': `secretsmanager.${secret.env.region}.amazonaws.com` } };
  const target = aliasTarget(key);
  if (target === null) {
    // An alias imported by name: its ARN in a policy grants nothing on the key it names, so the
    // statement names the keys of the account and region that carry the alias.
    // https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html#cmk-alias-arn
    grantUnknownKeyUse(Stack.of(secret), secret.env.region, secret.env.account, grantee, actions, (key as kms.IAlias).aliasName);
  } else {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources: [(target ?? key).keyArn], conditions: viaSecretsManager }),
    );
  }
  const account = grantee.grantPrincipal.principalAccount;
  if (account !== undefined && Token.compareStrings(secret.env.account, account) === TokenComparison.DIFFERENT) {
    const added = key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [grantee.grantPrincipal],
        actions,
        resources: ['*'],
        conditions: viaSecretsManager,
      }),
    );
    if (!added.statementAdded) {
      Annotations.of(secret).addWarningV2(
        'cdk-hardened-secrets:cross-account-imported-key',
        `${grantee.grantPrincipal} is in account ${account}; the imported key ${key.keyArn} cannot be changed here, so add ${actions.join(', ')} for it to that key's policy yourself`,
      );
    }
  }
}

/**
 * The key an alias names: `undefined` for a key that is no alias, the target key of an alias made
 * in the app, `null` for an alias imported by name (its target is not known).
 */
function aliasTarget(key: kms.IKey): kms.IKey | undefined | null {
  if (typeof (key as Partial<kms.IAlias>).aliasName !== 'string') {
    return undefined;
  }
  try {
    return (key as kms.IAlias).aliasTargetKey ?? null;
  } catch {
    // kms.Alias.fromAliasName throws on aliasTargetKey.
    return null;
  }
}

/** The reason of the `AwsSolutions-IAM5` acknowledgement on a grant for a secret whose key is not known. */
export const UNKNOWN_KEY_REASON =
  'The secret was imported without its key, so the statement names every key of the secret\'s account and region; ' +
  'it applies only when Secrets Manager of that region makes the call (kms:ViaService), which Secrets Manager does only ' +
  'for a secret the caller may already read or write.';

/**
 * Lets `grantee` use whatever key encrypts a secret of `region` and `account` whose key is not
 * known (or is known only by `aliasName`), through Secrets Manager of that region only, and
 * acknowledges the key wildcard on the policy it went into.
 */
export function grantUnknownKeyUse(
  stack: Stack,
  region: string,
  account: string,
  grantee: iam.IGrantable,
  actions: string[],
  aliasName?: string,
): void {
  const statement = new iam.PolicyStatement({
    actions,
    resources: [`arn:${stack.partition}:kms:${region}:${account}:key/*`],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
      // kms:ResourceAliases applies to key operations such as Decrypt and GenerateDataKey.
      // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
      ...(aliasName !== undefined ? { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [aliasName] } } : {}),
    },
  });
  const result = grantee.grantPrincipal.addToPrincipalPolicy(statement);
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const shown = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
  acknowledgeOnPolicy(grantee.grantPrincipal, result,
    `AwsSolutions-IAM5[Resource::arn:${partition}:kms:${shown(region, '<AWS::Region>')}:${shown(account, '<AWS::AccountId>')}:key/*]`,
    aliasName !== undefined ? ALIAS_KEY_REASON : UNKNOWN_KEY_REASON);
}

/** The reason of the `AwsSolutions-IAM5` acknowledgement on a grant for a key known by an imported alias. */
export const ALIAS_KEY_REASON =
  'The key is known by an alias imported by name, whose ARN in a policy grants nothing on the key, so the statement ' +
  'names the keys of the account and region but only the one carrying that alias (ForAnyValue:StringEquals ' +
  'kms:ResourceAliases), and only when Secrets Manager of that region makes the call (kms:ViaService).';
