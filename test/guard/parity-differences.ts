import type { ParityShape } from './parity-run';
import { SecretsGuardRules } from '../../src/guard/export';
import { GuardTarget } from '../../src/guard/shape';

/**
 * Every difference between the pack's ERROR findings and what cfn-guard reports with the exported
 * rules, on the labelled corpus (`templates/<file>`) and the blind batch (`blind/<file>`), in each
 * input shape (test/guard/parity.test.ts fails when one appears unlisted or a listed one is gone).
 *
 * `pack-only`: the pack reports the (rule, resource) and Guard does not; `guard-only`: the reverse.
 * The reason says why the difference is inherent to Guard or to what the shape's input holds. Where
 * the export declares the gap itself (`SecretsGuardRules.gaps()`), the reason quotes it, found by
 * a fragment of its text: a gap the export no longer declares makes the reason `UNDECLARED ...`,
 * which the test refuses. A difference that is a bug of an exported rule says so
 * (`REASONS.exportBug`) until the rule is fixed; the fix removes the entry.
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
  configNoSecretValue: 'A recorded AWS::SecretsManager::Secret item holds no secret value (no SecretString): Secrets Manager\'s '
    + 'DescribeSecret never returns it.',
  configNoLambdaEnvironment: 'A recorded AWS::Lambda::Function item holds no environment variables (aws-config-resource-schema lists '
    + 'no configuration.environment).',
  samBeforeTransform: 'The labelled corpus runs the pack on the template as written (CfnInclude, no transform), where the pack reads '
    + 'the AWS::Serverless::Function; AWS Config records the AWS::Lambda::Function SAM deploys, whose item holds no environment variables.',
  metadata: 'The credential is in the resource\'s Metadata (AWS::CloudFormation::Init / AWS::CloudFormation::Authentication, read by '
    + 'cfn-init), a template attribute: a Guard Hook\'s input and a configuration item hold the resource\'s properties only.',
  base64: 'CloudFormation resolves Fn::Base64 before the resource is created: the hook (and AWS Config) see UserData as Base64 text, '
    + 'which Guard cannot decode; the pack decodes it.',
  resolvedIntoResource: 'CloudFormation resolves Ref, Fn::FindInMap and Fn::Sub before the hook runs (and a proactive evaluation is '
    + 'given resolved properties): the value the pack reports at the template\'s Parameters or Mappings entry, or accepts as a value '
    + 'passed at deploy time, reaches this resource\'s properties as plain text, where the rule sees it.',
  proactiveRotationElsewhere: 'AWS Config\'s proactive evaluation is given one resource\'s CloudFormation properties, and a secret\'s '
    + 'rotation is another resource (AWS::SecretsManager::RotationSchedule): the rule cannot tell whether the secret rotates, so it '
    + 'skips the secret (the CONFIG rule decides RotationEnabled on recorded items only).',
  exportBug: 'A bug of the exported Guard rule (reported to its owner): the rule and the pack disagree on what both can read.',
} as const;

/**
 * The export's own declared gap of `rule` for `target` whose reason holds `fragment`, quoted; a
 * reason starting `UNDECLARED` when the export declares no such gap (the test refuses it).
 */
function declared(rule: string, target: GuardTarget, fragment: string): string {
  const gap = SecretsGuardRules.gaps().find(g => g.ruleId === rule && g.targets.includes(target) && g.reason.includes(fragment));
  return gap === undefined
    ? `UNDECLARED: no gap of ${rule} for ${target} says '${fragment}'`
    : `Declared gap of the ${target} export: ${gap.reason}`;
}

/** The reason for a finding on a CloudFormation type AWS Config does not record. */
function configNotRecorded(type: string): string {
  return `AWS Config records no ${type} (aws-config-resource-schema has no such resource type), so there is no configuration item `
    + 'for a Config rule to evaluate.';
}

/** The reason for a finding on an inline policy resource. */
function configInlinePolicy(type: string): string {
  return `AWS Config records no ${type}: an inline policy is part of its role's, user's or group's item `
    + '(rolePolicyList / userPolicyList / groupPolicyList), URL-encoded, which AWS Config\'s guard-2.x.x runtime cannot decode.';
}

/** The reason for a credential in a write-only property. */
function configWriteOnly(type: string, paths: string): string {
  return `${paths} is write-only in the CloudFormation schema of ${type} (writeOnlyProperties, as cfn-lint bundles it): the service `
    + 'never returns it, so no configuration item holds it, whether or not AWS Config records the type.';
}

/** The reason for a type whose item this harness does not model. */
function configNotModelled(type: string, paths: string): string {
  return `This harness models no configuration item of ${type} (test/guard/shapes.ts, CONFIG_TYPES), so ${paths} is not decided `
    + 'in the recorded shape here; the export\'s CONFIG rules read the CloudFormation paths, which proactive evaluations hold.';
}

/** The reason for a finding on a template section. */
function notAResource(section: string): string {
  return `The pack reports the template's ${section} entry; a Guard Hook's input and a configuration item are one deployed resource, `
    + 'without the template\'s sections.';
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
    shape: 'template',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'guard-only',
    reason: declared('HardenedSecrets-NoAwsAccessKey', GuardTarget.TEMPLATE, 'it reports such a Default on the resource and on the parameter'),
    at: [
      'templates/uploader-keys-as-parameter-defaults.yaml@PartnerAccessKeyId',
    ],
  },
  {
    shape: 'template',
    rule: 'HardenedSecrets-NoCredentialInOutput',
    direction: 'pack-only',
    reason: declared('HardenedSecrets-NoCredentialInOutput', GuardTarget.TEMPLATE, 'a NoEcho parameter named inside an Fn::Sub string'),
    at: [
      'templates/reporting-db-password-echoed-output.json@ReportingDbConnection',
    ],
  },
  {
    shape: 'template',
    rule: 'HardenedSecrets-NoCredentialInParameterDefault',
    direction: 'guard-only',
    reason: declared('HardenedSecrets-NoCredentialInParameterDefault', GuardTarget.TEMPLATE, 'The pack leaves a parameter that a resource reads'),
    at: [
      'blind/analytics-aurora-cluster.json@DbMasterPassword',
      'templates/corp-directory-admin-password.json@LabAdminPassword',
      'templates/lambda-env-password-parameter-default.json@PrinterApiPassword',
      'templates/rds-noecho-password-with-default.json@DbPassword',
      'templates/reporting-glue-quicksight-passwords.yaml@ReportingPassword',
      'templates/uploader-keys-as-parameter-defaults.yaml@PartnerSecretAccessKey',
    ],
  },
  {
    shape: 'template',
    rule: 'HardenedSecrets-NoCredentialInUserData',
    direction: 'pack-only',
    reason: declared('HardenedSecrets-NoCredentialInUserData', GuardTarget.TEMPLATE, 'an assignment split over two Fn::Join items is missed'),
    at: [
      'blind/metrics-collector-mappings.json@MetricsCollector',
    ],
  },
  {
    shape: 'template',
    rule: 'HardenedSecrets-NoCredentialInUserData',
    direction: 'pack-only',
    reason: declared('HardenedSecrets-NoCredentialInUserData', GuardTarget.TEMPLATE, 'user data written pre-encoded'),
    at: [
      'templates/launch-template-base64-userdata.json@ReportingDbLaunchTemplate',
    ],
  },
  {
    shape: 'template',
    rule: 'HardenedSecrets-NoLiteralSecretString',
    direction: 'pack-only',
    reason: declared('HardenedSecrets-NoLiteralSecretString', GuardTarget.TEMPLATE, 'a parameter Default named inside Fn::Sub'),
    at: [
      'templates/rds-noecho-password-with-default.json@EventsDbCredentials',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'guard-only',
    reason: REASONS.resolvedIntoResource,
    at: [
      'templates/partner-export-keys-in-mapping.yaml@Exporter',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: notAResource('Mappings'),
    at: [
      'blind/metrics-collector-mappings.json@CollectorConfig',
      'templates/partner-export-keys-in-mapping.yaml@PartnerUpload',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: REASONS.metadata,
    at: [
      'blind/build-agent-cfn-init.yaml@BuildAgent',
      'templates/cfn-init-aws-credentials-file.json@LogShipper',
      'templates/web-cfn-init-s3-authentication-keys.json@WebServer',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'guard-only',
    reason: declared('HardenedSecrets-NoCredentialInResourceProperty', GuardTarget.HOOK, 'The hook sees the values CloudFormation resolved'),
    at: [
      'blind/integrations-ci-secure.yaml@LegacyPartnerConnection',
      'blind/reporting-warehouse-noecho.json@ReportingCluster',
      'templates/ci-codebuild-source-credential-secret-arn.json@ReleaseWebhook',
      'templates/migration-dms-oracle-to-docdb.yaml@AuroraTarget',
      'templates/reporting-db-password-echoed-output.json@ReportingDb',
      'templates/reporting-quicksight-datasync-secret-arns.yaml@FireTabletChannel',
      'templates/web-amplify-secrets-manager-token.yaml@ErpConnection',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: REASONS.metadata,
    at: [
      'blind/build-agent-cfn-init.yaml@BuildAgent',
      'templates/bastion-cfn-init-access-key-resource.json@Bastion',
      'templates/intranet-cfn-init-basic-auth-parameter.yaml@WikiLaunchTemplate',
      'templates/web-cfn-init-s3-authentication-keys.json@WebServer',
      'templates/worker-cfn-init-config-json-password.yaml@QueueWorker',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'guard-only',
    reason: REASONS.resolvedIntoResource,
    at: [
      'templates/alerts-slack-token-in-mapping.yaml@AlertRouterConfig',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: notAResource('Mappings'),
    at: [
      'templates/alerts-slack-token-in-mapping.yaml@ChatSettings',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: notAResource('Parameters'),
    at: [
      'templates/release-token-parameter-default.json@ReleaseToken',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: REASONS.base64,
    at: [
      'blind/checkout-worker-launch-template.yaml@CheckoutWorkerTemplate',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoLiteralSecretString',
    direction: 'guard-only',
    reason: declared('HardenedSecrets-NoLiteralSecretString', GuardTarget.HOOK, 'The hook sees SecretString resolved'),
    at: [
      'templates/secret-from-noecho-parameter.yaml@PartnerOAuthClient',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: notAResource('Parameters'),
    at: [
      'templates/sftp-host-key-parameter-default.yaml@SftpHostKeyBody',
    ],
  },
  {
    shape: 'hook',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: REASONS.base64,
    at: [
      'templates/ec2-userdata-deploy-key-pem.yaml@BuildAgent',
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
    reason: configInlinePolicy('AWS::IAM::UserPolicy'),
    at: [
      'templates/ci-user-read-all-secrets.json@GitLabRunnerSecretsReadOnly',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-IamNoBroadSecretAccess',
    direction: 'pack-only',
    reason: REASONS.configPolicyDocument,
    at: [
      'templates/developer-access-secretsmanager-wildcard.yaml@DeveloperSecretsAccess',
      'templates/lambda-env-db-password.json@CouponApiRole',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: notAResource('Mappings'),
    at: [
      'blind/metrics-collector-mappings.json@CollectorConfig',
      'templates/partner-export-keys-in-mapping.yaml@PartnerUpload',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: REASONS.configNoLambdaEnvironment,
    at: [
      'templates/lambda-env-access-keys.json@Resizer',
      'templates/uploader-keys-as-parameter-defaults.yaml@Uploader',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: REASONS.metadata,
    at: [
      'blind/build-agent-cfn-init.yaml@BuildAgent',
      'templates/cfn-init-aws-credentials-file.json@LogShipper',
      'templates/web-cfn-init-s3-authentication-keys.json@WebServer',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: REASONS.samBeforeTransform,
    at: [
      'blind/report-export-sam.yaml@ReportExportFunction',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInContainerEnvironment',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Batch::JobDefinition', 'ContainerProperties.Environment.PGPASSWORD'),
    at: [
      'templates/batch-etl-pgpassword.json@PgDumpJob',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::CodeBuild::SourceCredential', 'Token'),
    at: [
      'blind/mobile-build-codebuild.yml@GitHubCredential',
      'templates/ci-pipeline-webhook-source-credential.yaml@GitHubSourceCredential',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::CodePipeline::Webhook', 'AuthenticationConfiguration.SecretToken'),
    at: [
      'blind/storefront-pipeline-webhook.yaml@StorefrontWebhook',
      'templates/ci-pipeline-webhook-source-credential.yaml@ReleaseWebhook',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::DirectoryService::MicrosoftAD', 'Password'),
    at: [
      'blind/fileshare-migration-ad.yaml@CorpDirectory',
      'templates/corp-directory-admin-password.json@CorpDirectory',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::DMS::Endpoint', 'MongoDbSettings.Password'),
    at: [
      'blind/legacy-migration-dms.yaml@InventoryDocDbTarget',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::DMS::Endpoint', 'OracleSettings.AsmPassword, Password'),
    at: [
      'templates/migration-dms-oracle-to-docdb.yaml@ErpSource',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::DMS::Endpoint', 'Password'),
    at: [
      'blind/legacy-migration-dms.yaml@LegacyOracleSource',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::DocDB::DBCluster', 'MasterUserPassword'),
    at: [
      'blind/catalog-docdb.yml@CatalogCluster',
      'templates/migration-dms-oracle-to-docdb.yaml@CatalogDb',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Glue::Connection', 'ConnectionInput.ConnectionProperties.PASSWORD'),
    at: [
      'blind/lakehouse-serverless.yaml@LakehouseGlueConnection',
      'templates/reporting-glue-quicksight-passwords.yaml@LedgerConnection',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::KinesisFirehose::DeliveryStream', 'SplunkDestinationConfiguration.HECToken'),
    at: [
      'templates/logs-firehose-splunk-hec-token.yaml@FlowLogsToSplunk',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Pinpoint::ADMChannel', 'ClientSecret'),
    at: [
      'templates/push-pinpoint-android-baidu-channels.json@FireTabletChannel',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Pinpoint::BaiduChannel', 'ApiKey, SecretKey'),
    at: [
      'templates/push-pinpoint-android-baidu-channels.json@BaiduChannel',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Pinpoint::GCMChannel', 'ApiKey'),
    at: [
      'blind/loyalty-pinpoint.json@LoyaltyAndroidPush',
      'templates/push-pinpoint-android-baidu-channels.json@AndroidChannel',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configNotRecorded('Alexa::ASK::Skill'),
    at: [
      'blind/alexa-pantry-skill.json@PantrySkill',
      'templates/voice-alexa-skill-lwa-credentials.yaml@OrderStatusSkill',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::AmazonMQ::Broker', 'Users.Password'),
    at: [
      'blind/notifications-amazonmq.yaml@NotificationsBroker',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Amplify::App', 'AccessToken'),
    at: [
      'blind/marketing-site-amplify.yaml@MarketingSite',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Amplify::App', 'OauthToken'),
    at: [
      'templates/web-amplify-bitbucket-oauth-token.yaml@MarketingSite',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Amplify::Branch', 'BasicAuthConfig.Password'),
    at: [
      'blind/marketing-site-amplify.yaml@PreviewBranch',
      'templates/web-amplify-bitbucket-oauth-token.yaml@StagingBranch',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::DataSync::LocationObjectStorage', 'SecretKey'),
    at: [
      'templates/transfer-datasync-smb-object-storage.json@ObjectStore',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::DataSync::LocationSMB', 'Password'),
    at: [
      'blind/fileshare-migration-ad.yaml@OnPremShareLocation',
      'templates/transfer-datasync-smb-object-storage.json@FileServer',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::DirectoryService::SimpleAD', 'Password'),
    at: [
      'templates/corp-directory-admin-password.json@LabDirectory',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::ElastiCache::ReplicationGroup', 'AuthToken'),
    at: [
      'blind/session-cache-redis.json@SessionCache',
      'templates/cache-redis-auth-token-literal.yaml@SessionsCache',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::ElastiCache::User', 'AuthenticationMode.Passwords'),
    at: [
      'templates/cache-redis-auth-token-literal.yaml@ReportingCacheUser',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::ElastiCache::User', 'Passwords'),
    at: [
      'blind/ratelimit-valkey-users.yaml@RateLimiterUser',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Events::Connection', 'AuthParameters.ApiKeyAuthParameters.ApiKeyValue'),
    at: [
      'blind/crm-sync-eventbridge.yaml@CrmConnection',
      'templates/billing-events-api-destination-credentials.json@ErpConnection',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Events::Connection', 'AuthParameters.OAuthParameters.ClientParameters.ClientSecret'),
    at: [
      'blind/crm-sync-eventbridge.yaml@BillingPartnerConnection',
      'templates/billing-events-api-destination-credentials.json@PartnerConnection',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::IAM::User', 'LoginProfile.Password'),
    at: [
      'blind/contractor-iam-user.yaml@ContractorUser',
      'templates/search-opensearch-master-user-parameter.yaml@SearchVendorUser',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::KinesisFirehose::DeliveryStream', 'HttpEndpointDestinationConfiguration.EndpointConfiguration.AccessKey'),
    at: [
      'blind/telemetry-firehose.yaml@TelemetryStream',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::OpenSearchService::Domain', 'AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword'),
    at: [
      'blind/search-opensearch.yaml@ProductSearchDomain',
      'templates/search-opensearch-master-user-parameter.yaml@ProductSearch',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::QuickSight::DataSource', 'Credentials.CredentialPair.Password'),
    at: [
      'blind/bi-quicksight-datasource.json@SalesDataSource',
      'templates/reporting-glue-quicksight-passwords.yaml@LedgerDataSource',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::RDS::DBCluster', 'MasterUserPassword'),
    at: [
      'blind/analytics-aurora-cluster.json@AnalyticsCluster',
      'templates/orders-aurora-master-password-literal.yaml@OrdersDbCluster',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::RDS::DBInstance', 'MasterUserPassword'),
    at: [
      'blind/orders-postgres-rds.yaml@OrdersDatabase',
      'templates/rds-noecho-password-with-default.json@EventsDb',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Redshift::Cluster', 'MasterUserPassword'),
    at: [
      'blind/finance-redshift.json@FinanceWarehouse',
      'templates/analytics-redshift-password-mapping.json@Warehouse',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::RedshiftServerless::Namespace', 'AdminUserPassword'),
    at: [
      'blind/lakehouse-serverless.yaml@LakehouseNamespace',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: REASONS.metadata,
    at: [
      'blind/build-agent-cfn-init.yaml@BuildAgent',
      'templates/bastion-cfn-init-access-key-resource.json@Bastion',
      'templates/intranet-cfn-init-basic-auth-parameter.yaml@WikiLaunchTemplate',
      'templates/web-cfn-init-s3-authentication-keys.json@WebServer',
      'templates/worker-cfn-init-config-json-password.yaml@QueueWorker',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: configNotModelled('AWS::CodeBuild::SourceCredential', 'Token'),
    at: [
      'blind/mobile-build-codebuild.yml@GitHubCredential',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Events::Rule', 'Targets.Input'),
    at: [
      'templates/slack-alerts-tokens.yaml@GuardDutyFindingsRule',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: configNotModelled('AWS::Pinpoint::GCMChannel', 'ApiKey'),
    at: [
      'blind/loyalty-pinpoint.json@LoyaltyAndroidPush',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::Amplify::App', 'AccessToken'),
    at: [
      'blind/marketing-site-amplify.yaml@MarketingSite',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: configWriteOnly('AWS::EC2::LaunchTemplate', 'LaunchTemplateData.UserData'),
    at: [
      'blind/checkout-worker-launch-template.yaml@CheckoutWorkerTemplate',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: notAResource('Mappings'),
    at: [
      'templates/alerts-slack-token-in-mapping.yaml@ChatSettings',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: notAResource('Parameters'),
    at: [
      'templates/release-token-parameter-default.json@ReleaseToken',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: REASONS.configNoLambdaEnvironment,
    at: [
      'templates/slack-alerts-tokens.yaml@SlackNotifier',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: REASONS.configNoSecretValue,
    at: [
      'templates/codepipeline-github-token-literal-secret.json@GitHubOAuthToken',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: configNotModelled('AWS::EC2::Instance', 'UserData'),
    at: [
      'templates/ec2-userdata-deploy-key-pem.yaml@BuildAgent',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: configNotModelled('Custom::GitMirror', 'DeployKey'),
    at: [
      'blind/config-repo-mirror.yaml@ConfigRepoMirror',
    ],
  },
  {
    shape: 'config',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: notAResource('Parameters'),
    at: [
      'templates/sftp-host-key-parameter-default.yaml@SftpHostKeyBody',
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
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'guard-only',
    reason: REASONS.resolvedIntoResource,
    at: [
      'templates/partner-export-keys-in-mapping.yaml@Exporter',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: notAResource('Mappings'),
    at: [
      'blind/metrics-collector-mappings.json@CollectorConfig',
      'templates/partner-export-keys-in-mapping.yaml@PartnerUpload',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoAwsAccessKey',
    direction: 'pack-only',
    reason: REASONS.metadata,
    at: [
      'blind/build-agent-cfn-init.yaml@BuildAgent',
      'templates/cfn-init-aws-credentials-file.json@LogShipper',
      'templates/web-cfn-init-s3-authentication-keys.json@WebServer',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoCredentialInBuildEnvironment',
    direction: 'pack-only',
    reason: declared('HardenedSecrets-NoCredentialInBuildEnvironment', GuardTarget.CONFIG, 'BatchGetProjects shape'),
    at: [
      'blind/mobile-build-codebuild.yml@MobileBuild',
      'templates/codebuild-plaintext-tokens.json@PublishPackages',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoCredentialInContainerEnvironment',
    direction: 'pack-only',
    reason: declared('HardenedSecrets-NoCredentialInContainerEnvironment', GuardTarget.CONFIG, 'AWS::ECS::TaskDefinition only'),
    at: [
      'templates/batch-etl-pgpassword.json@PgDumpJob',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'guard-only',
    reason: REASONS.resolvedIntoResource,
    at: [
      'blind/integrations-ci-secure.yaml@LegacyPartnerConnection',
      'blind/reporting-warehouse-noecho.json@ReportingCluster',
      'templates/ci-codebuild-source-credential-secret-arn.json@ReleaseWebhook',
      'templates/migration-dms-oracle-to-docdb.yaml@AuroraTarget',
      'templates/reporting-db-password-echoed-output.json@ReportingDb',
      'templates/reporting-quicksight-datasync-secret-arns.yaml@FireTabletChannel',
      'templates/web-amplify-secrets-manager-token.yaml@ErpConnection',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoCredentialInResourceProperty',
    direction: 'pack-only',
    reason: REASONS.metadata,
    at: [
      'blind/build-agent-cfn-init.yaml@BuildAgent',
      'templates/bastion-cfn-init-access-key-resource.json@Bastion',
      'templates/intranet-cfn-init-basic-auth-parameter.yaml@WikiLaunchTemplate',
      'templates/web-cfn-init-s3-authentication-keys.json@WebServer',
      'templates/worker-cfn-init-config-json-password.yaml@QueueWorker',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'guard-only',
    reason: REASONS.resolvedIntoResource,
    at: [
      'templates/alerts-slack-token-in-mapping.yaml@AlertRouterConfig',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: notAResource('Mappings'),
    at: [
      'templates/alerts-slack-token-in-mapping.yaml@ChatSettings',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: notAResource('Parameters'),
    at: [
      'templates/release-token-parameter-default.json@ReleaseToken',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoKnownTokenFormat',
    direction: 'pack-only',
    reason: REASONS.base64,
    at: [
      'blind/checkout-worker-launch-template.yaml@CheckoutWorkerTemplate',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: notAResource('Parameters'),
    at: [
      'templates/sftp-host-key-parameter-default.yaml@SftpHostKeyBody',
    ],
  },
  {
    shape: 'config-proactive',
    rule: 'HardenedSecrets-NoPrivateKeyMaterial',
    direction: 'pack-only',
    reason: REASONS.base64,
    at: [
      'templates/ec2-userdata-deploy-key-pem.yaml@BuildAgent',
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

/**
 * The CONFIG rule files whose scope (`resourceTypes`) names CloudFormation types AWS Config does
 * not record (test/guard/shapes.ts, `NOT_RECORDED_BY_CONFIG`): on what exists such a rule is never
 * evaluated; it decides proactive evaluations only, which SecretsConfigRules does not turn on.
 */
export const CONFIG_FILES_ON_UNRECORDED_TYPES: ReadonlyArray<{ readonly file: string; readonly types: readonly string[] }> = [
  { file: 'iam-no-broad-secret-access-1.guard', types: ['AWS::IAM::GroupPolicy', 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy'] },
  { file: 'iam-no-broad-secret-access-2.guard', types: ['AWS::IAM::GroupPolicy', 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy'] },
  { file: 'rotation-permission-scoped.guard', types: ['AWS::Lambda::Permission'] },
  { file: 'secret-policy-no-public-allow.guard', types: ['AWS::SecretsManager::ResourcePolicy'] },
  { file: 'secret-rotation-interval.guard', types: ['AWS::SecretsManager::RotationSchedule'] },
];
