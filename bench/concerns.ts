/**
 * The concerns the corpus benchmark (`bench/corpus.ts`) compares checkers on, and which rule of
 * each checker speaks to which concern: our rules by name, Checkov's checks, the cdk-nag packs'
 * rules and the Control Tower proactive controls by id, each peer id with the reason it counts.
 *
 * A peer rule counts for a concern when it judges what our rules of that concern judge: a credential
 * written anywhere in the template; a secret, the key that encrypts it and who may use them
 * (policies, Lambda permissions); the IAM policies of the template; where a function runs. A rule
 * about another kind of resource (an S3 bucket's public access, an RDS instance's backups) counts
 * for none. A peer id absent from its table speaks to no concern (a Lambda dead-letter queue, S3
 * logging): its findings still count as "any error" but never as catching a concern. A peer id
 * mapped to `null` is one that looks related and is left out on purpose; the reason says why.
 * `bench/corpus.ts --detail` lists the peer ids that fired on the corpus with no entry here.
 */

/** The concerns, in the order the benchmark prints them. */
export const CONCERNS = {
  credentials: 'hard-coded credentials',
  encryption: 'encryption and keys',
  rotation: 'rotation',
  access: 'resource policy and public access',
  retention: 'deletion and retention',
  iam: 'IAM breadth',
  network: 'network and endpoint',
  monitoring: 'monitoring',
  tagging: 'tagging and naming',
} as const;

export type Concern = keyof typeof CONCERNS;

/** What a peer rule speaks to, and why. */
export interface PeerMapping {
  /** `null`: left out on purpose. */
  readonly concern: Concern | null;
  readonly reason: string;
}

/**
 * Our rules whose name starts with one of these are credential rules, whatever comes after:
 * a new `NoCredentialIn...` rule needs no edit here.
 */
export const CREDENTIAL_RULE_PREFIXES = ['NoCredentialIn', 'NoAwsAccessKey', 'NoKnownTokenFormat', 'NoPrivateKeyMaterial', 'NoLiteralSecretString'];

/** Our other rules, by name (`SecretsManagerChecks.RULE_NAMES`). */
export const OUR_RULES: Readonly<Record<string, Concern>> = {
  SecretCustomerManagedKey: 'encryption',
  SecretKeyRotation: 'encryption',
  SecretKeyPolicyScope: 'access',
  ReplicaCustomerManagedKey: 'encryption',
  SecretRotationConfigured: 'rotation',
  SecretRotationInterval: 'rotation',
  RotationPermissionScoped: 'access',
  SecretBlockPublicPolicy: 'access',
  SecretPolicyNoPublicAllow: 'access',
  SecretPolicyDenyDelete: 'access',
  SecretRestrictivePolicyComplete: 'access',
  SecretPolicyRequiresTls: 'access',
  SecretRetained: 'retention',
  SecretKeyRetained: 'retention',
  SecretRetainedOnReplace: 'retention',
  IamNoBroadSecretAccess: 'iam',
  IamReadPinnedToCurrent: 'iam',
  IamPolicyValid: 'iam',
  IamPolicySetOperator: 'iam',
  SecretsEndpointInVpc: 'network',
  SecretAccessMonitored: 'monitoring',
  SecretTags: 'tagging',
  SecretNameConvention: 'tagging',
};

/** The concern of one of our rules (`SecretRetained`, without pack prefix or suffix). */
export function ourConcern(rule: string): Concern | undefined {
  if (CREDENTIAL_RULE_PREFIXES.some(p => rule.startsWith(p))) {
    return 'credentials';
  }
  return OUR_RULES[rule];
}

/** Checkov's checks (CloudFormation and secrets frameworks); a key ending in `*` covers every id it starts. */
export const CHECKOV: Readonly<Record<string, PeerMapping>> = {
  'CKV_SECRET_*': { concern: 'credentials', reason: 'the secrets framework (detect-secrets): a key, token or high-entropy string in the file' },
  'CKV_AWS_45': { concern: 'credentials', reason: 'hard-coded secrets in a Lambda environment' },
  'CKV_AWS_46': { concern: 'credentials', reason: 'hard-coded secrets in EC2 user data' },
  'CKV_AWS_384': { concern: 'credentials', reason: 'hard-coded secrets in SSM Parameter Store values' },
  'CKV_AWS_149': { concern: 'encryption', reason: 'a Secrets Manager secret encrypted with a customer-managed KMS key' },
  'CKV_AWS_7': { concern: 'encryption', reason: 'rotation of customer-managed KMS keys' },
  'CKV_AWS_33': { concern: 'access', reason: 'no wildcard principal in a KMS key policy' },
  'CKV_AWS_364': { concern: 'access', reason: 'a Lambda permission for a service limited by SourceArn or SourceAccount' },
  'CKV_AWS_107': { concern: 'iam', reason: 'IAM policies that allow credentials exposure (secretsmanager:GetSecretValue on "*" among them)' },
  'CKV_AWS_108': { concern: 'iam', reason: 'IAM policies that allow data exfiltration' },
  'CKV_AWS_109': { concern: 'iam', reason: 'IAM permissions management without constraints' },
  'CKV_AWS_110': { concern: 'iam', reason: 'IAM privilege escalation' },
  'CKV_AWS_111': { concern: 'iam', reason: 'IAM write access without constraints' },
  'CKV_AWS_62': { concern: 'iam', reason: 'full "*:*" administrative IAM policies' },
  'CKV_AWS_63': { concern: 'iam', reason: 'IAM statements with Action "*"' },
  'CKV_AWS_117': { concern: 'network', reason: 'a Lambda function inside a VPC (where the path to Secrets Manager is decided)' },
  'CKV_AWS_173': { concern: null, reason: 'a customer-managed key for Lambda environment variables: encrypts what is there, says nothing of credentials in it' },
  'CKV_AWS_161': { concern: null, reason: 'IAM authentication on an RDS instance: replaces database passwords, finds none in a template' },
  'CKV_AWS_162': { concern: null, reason: 'IAM authentication on an RDS cluster: replaces database passwords, finds none in a template' },
  'CKV_AWS_40': { concern: null, reason: 'IAM policies attached to groups or roles rather than users: where a policy is attached, not what it grants' },
};

/** The five cdk-nag packs' rules, by full rule id. */
export const CDK_NAG: Readonly<Record<string, PeerMapping>> = {
  'AwsSolutions-ECS2': { concern: 'credentials', reason: 'ECS task definition with environment variables (any, credentials among them)' },
  'HIPAA.Security-CodeBuildProjectEnvVarAwsCred': { concern: 'credentials', reason: 'AWS credentials in a CodeBuild plaintext environment variable' },
  'PCI.DSS.321-CodeBuildProjectEnvVarAwsCred': { concern: 'credentials', reason: 'AWS credentials in a CodeBuild plaintext environment variable' },
  'HIPAA.Security-CodeBuildProjectSourceRepoUrl': { concern: 'credentials', reason: 'a personal access token or user and password in a CodeBuild source URL' },
  'PCI.DSS.321-CodeBuildProjectSourceRepoUrl': { concern: 'credentials', reason: 'a personal access token or user and password in a CodeBuild source URL' },
  'AwsSolutions-DOC3': { concern: 'credentials', reason: 'DocumentDB credentials not held in Secrets Manager' },
  'HIPAA.Security-SecretsManagerUsingKMSKey': { concern: 'encryption', reason: 'a secret encrypted with a customer-managed KMS key' },
  'NIST.800.53.R5-SecretsManagerUsingKMSKey': { concern: 'encryption', reason: 'a secret encrypted with a customer-managed KMS key' },
  'PCI.DSS.321-SecretsManagerUsingKMSKey': { concern: 'encryption', reason: 'a secret encrypted with a customer-managed KMS key' },
  'AwsSolutions-KMS5': { concern: 'encryption', reason: 'rotation of a symmetric KMS key' },
  'NIST.800.53.R5-KMSBackingKeyRotationEnabled': { concern: 'encryption', reason: 'rotation of a symmetric KMS key' },
  'PCI.DSS.321-KMSBackingKeyRotationEnabled': { concern: 'encryption', reason: 'rotation of a symmetric KMS key' },
  'AwsSolutions-SMG4': { concern: 'rotation', reason: 'a secret without automatic rotation' },
  'HIPAA.Security-SecretsManagerRotationEnabled': { concern: 'rotation', reason: 'a secret without automatic rotation' },
  'NIST.800.53.R5-SecretsManagerRotationEnabled': { concern: 'rotation', reason: 'a secret without automatic rotation' },
  'HIPAA.Security-LambdaFunctionPublicAccessProhibited': { concern: 'access', reason: 'a Lambda permission to Principal "*" without a source condition' },
  'NIST.800.53.R5-LambdaFunctionPublicAccessProhibited': { concern: 'access', reason: 'a Lambda permission to Principal "*" without a source condition' },
  'PCI.DSS.321-LambdaFunctionPublicAccessProhibited': { concern: 'access', reason: 'a Lambda permission to Principal "*" without a source condition' },
  'Serverless-LambdaStarPermissions': { concern: 'access', reason: 'a Lambda permission to a wildcard principal' },
  'AwsSolutions-IAM5': { concern: 'iam', reason: 'wildcard actions or resources in an IAM policy' },
  'AwsSolutions-IAM4': { concern: 'iam', reason: 'AWS managed policies (SecretsManagerReadWrite among them)' },
  'HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess': { concern: 'iam', reason: 'Action "*" on Resource "*"' },
  'NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess': { concern: 'iam', reason: 'Action "*" on Resource "*"' },
  'PCI.DSS.321-IAMPolicyNoStatementsWithAdminAccess': { concern: 'iam', reason: 'Action "*" on Resource "*"' },
  'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess': { concern: 'iam', reason: 'a service-wide action ("secretsmanager:*")' },
  'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess': { concern: 'iam', reason: 'a service-wide action ("secretsmanager:*")' },
  'PCI.DSS.321-IAMPolicyNoStatementsWithFullAccess': { concern: 'iam', reason: 'a service-wide action ("secretsmanager:*")' },
  'HIPAA.Security-LambdaInsideVPC': { concern: 'network', reason: 'a Lambda function inside a VPC' },
  'NIST.800.53.R5-LambdaInsideVPC': { concern: 'network', reason: 'a Lambda function inside a VPC' },
  'PCI.DSS.321-LambdaInsideVPC': { concern: 'network', reason: 'a Lambda function inside a VPC' },
  'AwsSolutions-RDS6': { concern: null, reason: 'IAM authentication on Aurora: replaces database passwords, finds none in a template' },
  'HIPAA.Security-IAMNoInlinePolicy': { concern: null, reason: 'inline rather than managed policies: the form of a policy, not what it grants' },
  'NIST.800.53.R5-IAMNoInlinePolicy': { concern: null, reason: 'inline rather than managed policies: the form of a policy, not what it grants' },
  'PCI.DSS.321-IAMNoInlinePolicy': { concern: null, reason: 'inline rather than managed policies: the form of a policy, not what it grants' },
};

/** The Control Tower proactive controls of `@cdklabs/cdk-validator-cfnguard`, by the rule name it reports. */
export const CONTROL_TOWER: Readonly<Record<string, PeerMapping>> = {
  codebuild_project_source_repo_url_check: { concern: 'credentials', reason: 'CT.CODEBUILD.PR.1: a token or user and password in a CodeBuild source URL' },
  codebuild_project_envvar_awscred_check: { concern: 'credentials', reason: 'CT.CODEBUILD.PR.2: AWS access keys in CodeBuild plaintext environment variables' },
  ecs_no_environment_secrets_check: { concern: 'credentials', reason: 'CT.ECS.PR.12: AWS access keys in ECS container environment variables' },
  kms_key_rotation_enabled_check: { concern: 'encryption', reason: 'CT.KMS.PR.1: rotation of customer-managed KMS keys' },
  kms_create_grant_aws_service_check: { concern: 'access', reason: 'CT.KMS.PR.3: a key policy statement that limits kms:CreateGrant to AWS services' },
  lambda_function_public_access_prohibited_check: { concern: 'access', reason: 'CT.LAMBDA.PR.2: a Lambda resource policy open to the public' },
  iam_inline_policy_no_statements_with_admin_access_check: { concern: 'iam', reason: 'CT.IAM.PR.1: Action "*" on Resource "*" in an inline policy' },
  iam_managed_policy_no_statements_with_admin_access_check: { concern: 'iam', reason: 'CT.IAM.PR.2: Action "*" on Resource "*" in a managed policy' },
  iam_managed_policy_no_statements_with_full_access_check: { concern: 'iam', reason: 'CT.IAM.PR.3: a service-wide action ("secretsmanager:*") in a managed policy' },
  iam_inline_policy_no_statements_with_full_access_check: { concern: 'iam', reason: 'CT.IAM.PR.5: a service-wide action ("secretsmanager:*") in an inline policy' },
  lambda_inside_vpc_check: { concern: 'network', reason: 'CT.LAMBDA.PR.3: a Lambda function inside a VPC' },
  rds_instance_iam_authentication_enabled_check: { concern: null, reason: 'IAM authentication on RDS: replaces database passwords, finds none in a template' },
  rds_cluster_iam_authentication_enabled_check: { concern: null, reason: 'IAM authentication on RDS: replaces database passwords, finds none in a template' },
};

/** How a peer id is mapped: its own entry, else the entry of a `PREFIX*` key it starts with. */
export function peerMapping(table: Readonly<Record<string, PeerMapping>>, id: string): PeerMapping | undefined {
  return table[id] ?? Object.entries(table).find(([key]) => key.endsWith('*') && id.startsWith(key.slice(0, -1)))?.[1];
}

/** The concern of a peer id, or undefined when it speaks to none. */
export function peerConcern(table: Readonly<Record<string, PeerMapping>>, id: string): Concern | undefined {
  return peerMapping(table, id)?.concern ?? undefined;
}
