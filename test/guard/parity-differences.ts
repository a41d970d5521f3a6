import type { ParityShape } from './parity-run';

/**
 * Every difference between the pack's ERROR findings and what cfn-guard reports with the exported
 * rules, on the labelled corpus (`templates/<file>`) and the blind batch (`blind/<file>`), in each
 * input shape (test/guard/parity.test.ts fails when one appears unlisted or a listed one is gone).
 *
 * `pack-only`: the pack reports the (rule, resource) and Guard does not; `guard-only`: the reverse.
 * The reason says why the difference is inherent to Guard or to what the shape's input holds; a
 * difference that is a bug of an exported rule says so (`REASONS.exportBug`) until the rule is
 * fixed, and the fix removes the entry.
 */
export interface ParityDifference {
  readonly template: string;
  readonly shape: ParityShape;
  readonly rule: string;
  readonly logicalId: string;
  readonly direction: 'pack-only' | 'guard-only';
  readonly reason: string;
}

/** The reasons, written once. Sources are in test/guard/shapes.ts. */
export const REASONS = {
  configPolicyDocument: 'AWS Config records IAM policy documents URL-encoded, as the IAM API returns them '
    + '(configuration.rolePolicyList[*].policyDocument, policyVersionList[*].document), and AWS Config runs custom policy rules '
    + 'on its guard-2.x.x runtime, which has no url_decode or json_parse (Guard 3 functions): a Config rule cannot read a statement, '
    + 'only the AWS managed policy ARNs of attachedManagedPolicies.',
  configNoReplicas: 'A recorded AWS::SecretsManager::Secret item holds no replica regions (aws-config-resource-schema lists ARN, '
    + 'Name, KMSKeyId, Rotation*; no ReplicaRegions), so no Config rule sees a replica\'s key.',
  proactiveRotationElsewhere: 'AWS Config\'s proactive evaluation is given one resource\'s CloudFormation properties, and a secret\'s rotation '
    + 'is another resource (AWS::SecretsManager::RotationSchedule): the rule cannot tell whether the secret rotates, so it skips '
    + 'the secret (the CONFIG rule decides RotationEnabled on recorded items only).',
  exportBug: 'A bug of the exported Guard rule (reported to its owner): the rule and the pack disagree on what both can read.',
} as const;

/** The reason for a finding on a CloudFormation type AWS Config does not record. */
function configNotRecorded(type: string): string {
  return `AWS Config records no ${type} (it is not an AWS Config resource type: aws-config-resource-schema has no such type), `
    + 'so there is no configuration item for a Config rule to evaluate.';
}

/** The reason for a finding on an inline policy resource. */
function configInlinePolicy(type: string): string {
  return `AWS Config records no ${type}: an inline policy is part of its role's, user's or group's item `
    + '(rolePolicyList / userPolicyList / groupPolicyList), URL-encoded, which AWS Config\'s guard-2.x.x runtime cannot decode.';
}


/** Differences of one rule, shape and direction sharing a reason: `<corpus>/<file>@<LogicalId>` each. */
interface DifferenceGroup {
  readonly shape: ParityShape;
  readonly rule: string;
  readonly direction: ParityDifference['direction'];
  readonly reason: string;
  readonly at: readonly string[];
}

const GROUPS: readonly DifferenceGroup[] = [
  {
    shape: 'config',
    rule: 'HardenedSecrets-IamNoBroadSecretAccess',
    direction: 'pack-only',
    reason: REASONS.configPolicyDocument,
    at: [
      'templates/developer-access-secretsmanager-wildcard.yaml@DeveloperSecretsAccess',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-IamNoBroadSecretAccess',
    direction: 'pack-only',
    reason: configInlinePolicy('AWS::IAM::Policy'),
    at: [
      'templates/lambda-getsecretvalue-star.json@ReportJobPolicy',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-IamNoBroadSecretAccess',
    direction: 'pack-only',
    reason: REASONS.configPolicyDocument,
    at: [
      'templates/lambda-env-db-password.json@CouponApiRole',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-IamNoBroadSecretAccess',
    direction: 'pack-only',
    reason: configInlinePolicy('AWS::IAM::UserPolicy'),
    at: [
      'templates/ci-user-read-all-secrets.json@GitLabRunnerSecretsReadOnly',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-ReplicaCustomerManagedKey',
    direction: 'pack-only',
    reason: REASONS.configNoReplicas,
    at: [
      'templates/dr-replica-without-key.yaml@SessionSigningSecret',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-RotationPermissionScoped',
    direction: 'pack-only',
    reason: configNotRecorded('AWS::Lambda::Permission'),
    at: [
      'templates/rotation-permission-unscoped.json@ElasticKeyRotatorPermission',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-SecretPolicyNoPublicAllow',
    direction: 'pack-only',
    reason: configNotRecorded('AWS::SecretsManager::ResourcePolicy'),
    at: [
      'templates/cross-account-public-allow.json@SharedApiCredentialsPolicy',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-SecretRotationInterval',
    direction: 'pack-only',
    reason: configNotRecorded('AWS::SecretsManager::RotationSchedule'),
    at: [
      'templates/analytics-rotation-cron-bimonthly.yaml@SnowflakeServiceUserRotation',
      'templates/crm-rotation-monthly-on-the-1st.json@SalesforceIntegrationUserRotation',
      'templates/legacy-db-rotation-90-days.json@OracleCredentialsRotation',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-SecretRotationConfigured',
    direction: 'pack-only',
    reason: REASONS.proactiveRotationElsewhere,
    at: [
      'blind/ledger-aurora-generated-secret.json@LedgerDbSecret',
      'blind/partner-api-secrets.yaml@PartnerApiSecret',
      'blind/partner-api-secrets.yaml@PartnerDbSecret',
      'blind/partner-ingest-sam.yaml@WebhookSigningSecret',
      'templates/codepipeline-github-token-literal-secret.json@GitHubOAuthToken',
      'templates/maps-api-key-no-rotation.yaml@MapsApiKey',
      'templates/quickstart-app-secret.yaml@MyAppSecret',
      'templates/secret-from-noecho-parameter.yaml@PartnerOAuthClient',
    ],
  },
];

export const PARITY_DIFFERENCES: readonly ParityDifference[] = GROUPS.flatMap(g => g.at.map((at): ParityDifference => {
  const split = at.lastIndexOf('@');
  return { template: at.slice(0, split), logicalId: at.slice(split + 1), shape: g.shape, rule: g.rule, direction: g.direction, reason: g.reason };
}));
