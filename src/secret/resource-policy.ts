import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { measurePolicy, POLICY_SIZE_LIMITS } from '../private/policy-size';
import { PropsValidator } from '../private/validation';

/**
 * The principals a secret's resource policy knows by name, by the role they play.
 *
 * The protective statements are rendered from this one list, so that a future restrictive
 * mode (deny everything to every principal not listed) uses the same data.
 */
export interface SecretPrincipals {
  /** Roles allowed to delete the secret and change its replication. */
  readonly breakGlassArns: string[];
  /** Roles CloudFormation deploys as; they may change the resource policy. */
  readonly deploymentArns: string[];
  /** Whether the stack itself may delete the secret (removal policy DESTROY). */
  readonly deploymentMayDelete: boolean;
  /**
   * The ARN of the key that encrypts the secret: the only key `UpdateSecret` may name, but for
   * break glass and deployment. Undefined when the key is not known by ARN (then no such deny).
   */
  readonly keyArn?: string;
}

/**
 * Destructive actions: once done, the secret (or a replica) is gone.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
export const DESTRUCTIVE_ACTIONS = [
  'secretsmanager:DeleteSecret',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
];

/**
 * Actions that change who may do the above, or where copies of the secret live: a replica in a
 * region and under a key of the caller's choosing is a copy the secret's own policies no longer
 * guard alone. CloudFormation replicates when `replicaRegions` changes, so deployment roles may.
 */
export const POLICY_ACTIONS = ['secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy', 'secretsmanager:ReplicateSecretToRegions'];

/**
 * Deny statements that protect a secret whoever the caller is (including the account root).
 */
export function protectiveStatements(principals: SecretPrincipals): iam.PolicyStatement[] {
  const deleters = [...principals.breakGlassArns, ...(principals.deploymentMayDelete ? principals.deploymentArns : [])];
  const policyChangers = [...principals.breakGlassArns, ...principals.deploymentArns];
  return [
    denyExcept('DenyDeletionExceptBreakGlass', DESTRUCTIVE_ACTIONS, deleters),
    denyExcept('DenyPolicyChangesExceptDeployment', POLICY_ACTIONS, policyChangers),
    ...(principals.keyArn !== undefined ? [denyKeyChange(principals.keyArn, policyChangers)] : []),
    new iam.PolicyStatement({
      sid: 'DenyInsecureTransport',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:*'],
      resources: ['*'],
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  ];
}

/**
 * Denies `UpdateSecret` requests that name another KMS key: re-encrypting the secret under a key
 * whose policy the attacker controls would hand them its value. Requests that name no key
 * (a description change) are not affected: `Null ... false` requires the key in the request,
 * since `StringNotEquals` alone is also true when the key is absent.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html#awssecretsmanager-secretsmanager_KmsKeyArn
 */
function denyKeyChange(keyArn: string, exceptArns: string[]): iam.PolicyStatement {
  const statement = denyExcept('DenyKeyChangeExceptBreakGlass', ['secretsmanager:UpdateSecret'], exceptArns);
  statement.addCondition('Null', { 'secretsmanager:KmsKeyArn': 'false' });
  statement.addCondition('StringNotEquals', { 'secretsmanager:KmsKeyArn': keyArn });
  return statement;
}

function denyExcept(sid: string, actions: string[], exceptArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions,
    resources: ['*'],
    // aws:PrincipalArn is the role ARN (not the session ARN) for assumed roles.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
    conditions: exceptArns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': exceptArns } } : undefined,
  });
}

/**
 * Denies reading the secret's value except through the given VPC endpoints.
 *
 * - `aws:SourceVpce` is only present on requests that come through a VPC endpoint; a request
 *   from anywhere else (the internet, another VPC) lacks it, so `StringNotEquals` denies it.
 * - AWS services acting for a caller (forward access sessions, `aws:ViaAWSService`) and service
 *   principals (`aws:PrincipalIsAWSService`) call from AWS networks, never through the endpoint:
 *   they are excepted, as in AWS's data-perimeter examples. The keys are absent on ordinary
 *   requests, hence `BoolIfExists`.
 * - `exceptArns` (break-glass and deployment roles) may read from anywhere: break-glass in an
 *   emergency, CloudFormation's execution role to resolve `{{resolve:secretsmanager:...}}`.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-viaawsservice
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html
 * @see https://github.com/aws-samples/data-perimeter-policy-examples/tree/main/resource_based_policies
 */
function denyReadOutsideVpcEndpoints(endpointIds: string[], exceptArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyReadOutsideVpcEndpoint',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['secretsmanager:GetSecretValue'],
    resources: ['*'],
    conditions: {
      StringNotEquals: { 'aws:SourceVpce': endpointIds },
      BoolIfExists: { 'aws:ViaAWSService': 'false', 'aws:PrincipalIsAWSService': 'false' },
      ...(exceptArns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': exceptArns } } : {}),
    },
  });
}

/**
 * The condition that pins a read to `stages`.
 *
 * `secretsmanager:VersionStage` is single-valued: `StringEqualsIfExists` allows a request that
 * names one of the stages, or none (Secrets Manager then returns `AWSCURRENT`, or the version
 * named by `VersionId`, as the caching clients ask). `ForAnyValue`, which aws-cdk-lib uses,
 * refuses callers that name no stage (https://github.com/aws/aws-cli/issues/5031); multi-valued
 * operators on a single-valued key are what IAM Access Analyzer warns about.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html#awssecretsmanager-secretsmanager_VersionStage
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
export function versionStageCondition(stages: string[]): Record<string, Record<string, unknown>> {
  return { StringEqualsIfExists: { 'secretsmanager:VersionStage': stages } };
}

/**
 * Gives `secret` its resource policy: the protective statements for `principals`, the VPC
 * endpoint deny when reads are limited to `endpoints`, `BlockPublicPolicy`, the secret's removal
 * policy (the policy is what protects a retained secret), and a synth-time check of its size.
 */
export function applyResourcePolicy(
  secret: secretsmanager.Secret,
  principals: SecretPrincipals,
  removalPolicy: RemovalPolicy,
  endpoints?: ec2.IVpcEndpoint[],
): void {
  let policy: IConstruct | undefined;
  for (const statement of protectiveStatements(principals)) {
    policy = secret.addToResourcePolicy(statement).policyDependable as IConstruct | undefined;
  }
  if (endpoints !== undefined) {
    secret.addToResourcePolicy(denyReadOutsideVpcEndpoints(
      endpoints.map((e) => e.vpcEndpointId),
      [...principals.breakGlassArns, ...principals.deploymentArns],
    ));
  }
  const cfnPolicy = policy!.node.defaultChild as secretsmanager.CfnResourcePolicy;
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/determine-acccess_examine-iam-policies.html#BPA
  cfnPolicy.blockPublicPolicy = true;
  // The policy is what protects the secret: deleting it with the stack (CloudFormation's default
  // for AWS::SecretsManager::ResourcePolicy) would leave a retained secret without its denies.
  cfnPolicy.applyRemovalPolicy(removalPolicy);
  const document = (policy as secretsmanager.ResourcePolicy).document;
  secret.node.addValidation({ validate: () => validatePolicySize(secret, document) });
}

/**
 * Secrets Manager refuses a resource policy over its size limit at deployment: refuse it at synth.
 *
 * @param what what fills the policy, for the message
 */
export function validatePolicySize(secret: IConstruct, document: iam.PolicyDocument, what = 'grants to principals of other accounts'): string[] {
  const limit = POLICY_SIZE_LIMITS.secretResourcePolicy;
  const size = measurePolicy(Stack.of(secret), document, limit);
  if (size.characters <= limit) {
    return [];
  }
  const v = new PropsValidator(secret);
  v.fail(
    `resource policy (${what})`,
    `${size.principals} principals in ${size.statements} statements, up to ${size.characters} characters once deployed`,
    `at most ${limit} characters (the Secrets Manager limit): grant fewer principals of other accounts, or one AccountPrincipal per account whose own IAM policies then choose the roles; ` +
    'in the restrictive access mode every principal the secret knows is one ARN: let workloads share a role, or use STANDARD',
  );
  try {
    v.throwIfInvalid();
  } catch (e) {
    return [(e as Error).message];
  }
  return [];
}