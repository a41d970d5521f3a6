/**
 * The catalogue of CloudFormation properties that hold a credential: one row per property,
 * reviewed against the CloudFormation resource reference (each row's `source`).
 *
 * The catalogue is data: `NoCredentialInResourceProperty` checks every row, docs/credentials.md
 * renders it (`build-tools/credential-table.ts`), and a review adds a row, never a code path.
 *
 * Paths: `.` separates property names, `[]` stands for every item of a list
 * (`Users[].Password`), `*` for every key of a map (`ConnectionInput.ConnectionProperties.*`).
 * A path that starts with `Metadata.` is read from the resource's `Metadata` attribute.
 */

/** What a property holds. */
export type CredentialKind = 'password' | 'token' | 'client secret' | 'API key' | 'key material' | 'access key';

/** Groups of rows, for the docs and the corpus. */
export type CredentialFamily =
  | 'databases'
  | 'directory, IAM, cache and search'
  | 'apps, events and webhooks'
  | 'delivery, messaging, integration and transfer'
  | 'instance metadata';

/** A dynamic reference CloudFormation resolves in a property. */
export type DynamicReferenceService = 'secretsmanager' | 'ssm-secure';

/** The service keeps the credential itself when a property is set (RDS `ManageMasterUserPassword: true`). */
export interface ManagedAlternative {
  /** The property to set, as a path of the same resource. */
  readonly property: string;
  readonly value: boolean | string;
}

/** One property that holds a credential. */
export interface CredentialProperty {
  /** The CloudFormation types that have the property; `*` for every type (`Metadata` rows). */
  readonly resourceTypes: readonly string[];
  /** Where the credential is: `MasterUserPassword`, `Users[].Password`, `Metadata.AWS::CloudFormation::Authentication.*.password`. */
  readonly path: string;
  readonly kind: CredentialKind;
  readonly family: CredentialFamily;
  /** The CloudFormation reference page of the resource (or attribute) that documents the property. */
  readonly source: string;
  /**
   * Dynamic references that CloudFormation resolves here. `secretsmanager` works in any resource
   * property; `ssm-secure` only in the properties the "resources that support dynamic parameter
   * patterns for secure strings" table lists.
   */
  readonly dynamicReferences: readonly DynamicReferenceService[];
  /**
   * Whether a `Ref` to a `NoEcho` parameter without a `Default` keeps the value out of the
   * template and of DescribeStacks. False in `Metadata`: CloudFormation does not redact it, and
   * DescribeStackResource returns it resolved.
   */
  readonly noEchoParameter: boolean;
  /** A property of the same resource that takes a Secrets Manager secret ARN (or name) instead of the value. */
  readonly secretArnProperty?: string;
  /** A property that makes the service create and keep the credential in Secrets Manager. */
  readonly managed?: ManagedAlternative;
  /** For paths with `*`: only keys whose name looks like a credential (`PASSWORD`, `KAFKA_SASL_SCRAM_PASSWORD`) hold one. */
  readonly credentialNamedKeysOnly?: boolean;
  /** What a reviewer should know: another property to set with the alternative, an uncertain path. */
  readonly comment?: string;
}

const REFERENCE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/';

/** The reference page of a resource type: `AWS::RDS::DBInstance` → `.../aws-resource-rds-dbinstance.html`. */
function page(type: string): string {
  const [vendor, service, resource] = type.toLowerCase().split('::');
  return `${REFERENCE}${vendor === 'aws' ? 'aws' : vendor}-resource-${service}-${resource}.html`;
}

const ANY: readonly DynamicReferenceService[] = ['secretsmanager'];
/**
 * For the properties of the table "Resources that support dynamic parameter patterns for secure
 * strings" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html):
 * RDS and Redshift master passwords, Directory Service passwords, ElastiCache AuthToken, IAM
 * LoginProfile, Firehose's Redshift password, OpsWorks sources and RDS instances. Check the rows
 * against that page when reviewing: AWS adds to the table, so a row without `ssm-secure` may be out
 * of date rather than wrong.
 */
const ANY_AND_SSM: readonly DynamicReferenceService[] = ['secretsmanager', 'ssm-secure'];

/** Rows sharing resource type, family and alternatives. */
function rows(
  resourceTypes: readonly string[],
  family: CredentialFamily,
  common: Omit<CredentialProperty, 'resourceTypes' | 'family' | 'path' | 'kind' | 'source' | 'dynamicReferences' | 'noEchoParameter'>
  & Partial<Pick<CredentialProperty, 'dynamicReferences' | 'noEchoParameter' | 'source'>>,
  properties: Array<[string, CredentialKind, Partial<CredentialProperty>?]>,
): CredentialProperty[] {
  return properties.map(([path, kind, extra]) => ({
    resourceTypes,
    family,
    path,
    kind,
    source: common.source ?? page(resourceTypes[0]),
    dynamicReferences: common.dynamicReferences ?? ANY,
    noEchoParameter: common.noEchoParameter ?? true,
    ...common,
    ...extra,
  }));
}

/**
 * Every type: cfn-init reads the `Metadata` of whichever resource `cfn-init --resource` names
 * (an instance, a launch template, a wait condition handle...).
 */
export const ANY_RESOURCE = '*';
const CFN_INIT_HOSTS = [ANY_RESOURCE];

/** Every CloudFormation property that holds a credential, in review order. */
export const CREDENTIAL_PROPERTIES: readonly CredentialProperty[] = [
  // Databases
  ...rows(['AWS::RDS::DBInstance'], 'databases', {
    dynamicReferences: ANY_AND_SSM,
    managed: { property: 'ManageMasterUserPassword', value: true },
    comment: 'MasterUserSecret.KmsKeyId picks the key of the managed secret.',
  }, [['MasterUserPassword', 'password']]),
  ...rows(['AWS::RDS::DBInstance'], 'databases', {}, [
    ['TdeCredentialPassword', 'password', { comment: 'Oracle TDE key store password (deprecated by RDS; still accepted).' }],
  ]),
  ...rows(['AWS::RDS::DBCluster'], 'databases', {
    dynamicReferences: ANY_AND_SSM,
    managed: { property: 'ManageMasterUserPassword', value: true },
    comment: 'MasterUserSecret.KmsKeyId picks the key of the managed secret.',
  }, [['MasterUserPassword', 'password']]),
  ...rows(['AWS::DocDB::DBCluster'], 'databases', {
    managed: { property: 'ManageMasterUserPassword', value: true },
    comment: 'MasterUserSecretKmsKeyId picks the key of the managed secret.',
  }, [['MasterUserPassword', 'password']]),
  ...rows(['AWS::DocDBElastic::Cluster'], 'databases', {}, [['AdminUserPassword', 'password']]),
  ...rows(['AWS::Redshift::Cluster'], 'databases', {
    dynamicReferences: ANY_AND_SSM,
    managed: { property: 'ManageMasterPassword', value: true },
    comment: 'MasterPasswordSecretKmsKeyId picks the key of the managed secret.',
  }, [['MasterUserPassword', 'password']]),
  ...rows(['AWS::RedshiftServerless::Namespace'], 'databases', {
    managed: { property: 'ManageAdminPassword', value: true },
    comment: 'AdminPasswordSecretKmsKeyId picks the key of the managed secret.',
  }, [['AdminUserPassword', 'password']]),
  ...rows(['AWS::DMS::Endpoint'], 'databases', {}, [
    ['Password', 'password', { secretArnProperty: '<Engine>Settings.SecretsManagerSecretId', comment: 'With the engine settings SecretsManagerSecretId, set SecretsManagerAccessRoleArn too.' }],
    ['MongoDbSettings.Password', 'password', { secretArnProperty: 'MongoDbSettings.SecretsManagerSecretId' }],
    ['MicrosoftSqlServerSettings.Password', 'password', { secretArnProperty: 'MicrosoftSqlServerSettings.SecretsManagerSecretId' }],
    ['GcpMySQLSettings.Password', 'password', { secretArnProperty: 'GcpMySQLSettings.SecretsManagerSecretId' }],
    ['OracleSettings.AsmPassword', 'password', { secretArnProperty: 'OracleSettings.SecretsManagerOracleAsmSecretId' }],
    ['OracleSettings.SecurityDbEncryption', 'password', {
      secretArnProperty: 'OracleSettings.SecretsManagerSecurityDbEncryptionSecretId',
      comment: 'The TDE password of the Oracle source; SecurityDbEncryptionName is its key name, not a credential.',
    }],
    ['RedisSettings.AuthPassword', 'password', { secretArnProperty: 'RedisSettings.SecretsManagerSecretId' }],
    ['KafkaSettings.SaslPassword', 'password', { comment: 'No Secrets Manager property in KafkaSettings: pass it as a dynamic reference.' }],
    ['KafkaSettings.SslClientKeyPassword', 'password'],
  ]),
  ...rows(['AWS::Lightsail::Database'], 'databases', {}, [['MasterUserPassword', 'password', { comment: 'Lightsail generates one when the property is left out.' }]]),
  ...rows(['AWS::Timestream::InfluxDBInstance', 'AWS::Timestream::InfluxDBCluster'], 'databases', {}, [
    ['Password', 'password', { comment: 'Timestream stores the credentials it creates in a Secrets Manager secret of its own.' }],
  ]),

  // Directory, IAM, cache and search
  ...rows(['AWS::DirectoryService::MicrosoftAD', 'AWS::DirectoryService::SimpleAD'], 'directory, IAM, cache and search', { dynamicReferences: ANY_AND_SSM }, [
    ['Password', 'password'],
  ]),
  ...rows(['AWS::IAM::User'], 'directory, IAM, cache and search', { dynamicReferences: ANY_AND_SSM }, [
    ['LoginProfile.Password', 'password', { comment: 'Set LoginProfile.PasswordResetRequired: true as well: the first password is known to whoever deployed it.' }],
  ]),
  ...rows(['AWS::ElastiCache::ReplicationGroup'], 'directory, IAM, cache and search', { dynamicReferences: ANY_AND_SSM }, [
    ['AuthToken', 'token', { comment: 'Without AUTH, UserGroupIds with ElastiCache users in IAM authentication mode need no password at all.' }],
  ]),
  ...rows(['AWS::ElastiCache::User', 'AWS::MemoryDB::User'], 'directory, IAM, cache and search', {
    managed: { property: 'AuthenticationMode.Type', value: 'iam' },
  }, [
    ['Passwords[]', 'password', { resourceTypes: ['AWS::ElastiCache::User'] }],
    ['AuthenticationMode.Passwords[]', 'password'],
  ]),
  ...rows(['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'], 'directory, IAM, cache and search', {
    managed: { property: 'AdvancedSecurityOptions.MasterUserOptions.MasterUserARN', value: 'an IAM role ARN' },
    comment: 'With an IAM master user (MasterUserARN, InternalUserDatabaseEnabled: false) no password exists.',
  }, [['AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword', 'password']]),
  ...rows(['AWS::FSx::FileSystem'], 'directory, IAM, cache and search', {}, [
    ['OntapConfiguration.FsxAdminPassword', 'password'],
    ['WindowsConfiguration.SelfManagedActiveDirectoryConfiguration.Password', 'password', {
      secretArnProperty: 'WindowsConfiguration.SelfManagedActiveDirectoryConfiguration.DomainJoinServiceAccountSecret',
    }],
  ]),
  ...rows(['AWS::FSx::StorageVirtualMachine'], 'directory, IAM, cache and search', {}, [
    ['SvmAdminPassword', 'password'],
    ['ActiveDirectoryConfiguration.SelfManagedActiveDirectoryConfiguration.Password', 'password', {
      secretArnProperty: 'ActiveDirectoryConfiguration.SelfManagedActiveDirectoryConfiguration.DomainJoinServiceAccountSecret',
    }],
  ]),
  ...rows(['AWS::EMR::Cluster'], 'directory, IAM, cache and search', {}, [
    ['KerberosAttributes.KdcAdminPassword', 'password'],
    ['KerberosAttributes.ADDomainJoinPassword', 'password'],
    ['KerberosAttributes.CrossRealmTrustPrincipalPassword', 'password'],
  ]),
  ...rows(['AWS::AppStream::DirectoryConfig'], 'directory, IAM, cache and search', {}, [['ServiceAccountCredentials.AccountPassword', 'password']]),
  ...rows(['AWS::Connect::User'], 'directory, IAM, cache and search', {}, [['Password', 'password', { comment: 'Only for instances that keep identities in Amazon Connect (not SAML or a directory).' }]]),

  // Apps, events and webhooks
  ...rows(['AWS::Amplify::App'], 'apps, events and webhooks', {}, [
    ['AccessToken', 'token', { comment: 'A GitHub personal access token.' }],
    ['OauthToken', 'token', { comment: 'The OAuth token of a Bitbucket or CodeCommit repository.' }],
    ['BasicAuthConfig.Password', 'password'],
    ['AutoBranchCreationConfig.BasicAuthConfig.Password', 'password'],
  ]),
  ...rows(['AWS::Amplify::Branch'], 'apps, events and webhooks', {}, [['BasicAuthConfig.Password', 'password']]),
  ...rows(['Alexa::ASK::Skill'], 'apps, events and webhooks', {}, [
    ['AuthenticationConfiguration.ClientSecret', 'client secret'],
    ['AuthenticationConfiguration.RefreshToken', 'token'],
  ]),
  ...rows(['AWS::Events::Connection'], 'apps, events and webhooks', {
    comment: 'EventBridge copies the value into a Secrets Manager secret it manages; the template copy is what leaks.',
  }, [
    ['AuthParameters.ApiKeyAuthParameters.ApiKeyValue', 'API key'],
    ['AuthParameters.BasicAuthParameters.Password', 'password'],
    ['AuthParameters.OAuthParameters.ClientParameters.ClientSecret', 'client secret'],
  ]),
  ...rows(['AWS::CodePipeline::Webhook'], 'apps, events and webhooks', {}, [
    ['AuthenticationConfiguration.SecretToken', 'token', { comment: 'Used with Authentication: GITHUB_HMAC.' }],
  ]),
  ...rows(['AWS::CodeBuild::SourceCredential'], 'apps, events and webhooks', {
    managed: { property: 'AuthType', value: 'SECRETS_MANAGER' },
    comment: 'With AuthType SECRETS_MANAGER the Token is a secret ARN (not a finding); CODECONNECTIONS takes a connection ARN.',
  }, [['Token', 'token']]),
  ...rows(['AWS::CodeStar::GitHubRepository'], 'apps, events and webhooks', {}, [['RepositoryAccessToken', 'token']]),
  ...rows(['AWS::ElasticLoadBalancingV2::Listener'], 'apps, events and webhooks', {
    managed: { property: 'DefaultActions[].AuthenticateOidcConfig.UseExistingClientSecret', value: true },
  }, [['DefaultActions[].AuthenticateOidcConfig.ClientSecret', 'client secret']]),
  ...rows(['AWS::ElasticLoadBalancingV2::ListenerRule'], 'apps, events and webhooks', {
    managed: { property: 'Actions[].AuthenticateOidcConfig.UseExistingClientSecret', value: true },
  }, [['Actions[].AuthenticateOidcConfig.ClientSecret', 'client secret']]),
  ...rows(['AWS::EC2::VerifiedAccessTrustProvider'], 'apps, events and webhooks', {}, [
    ['OidcOptions.ClientSecret', 'client secret'],
    ['NativeApplicationOidcOptions.ClientSecret', 'client secret'],
  ]),
  ...rows(['AWS::SageMaker::Workforce'], 'apps, events and webhooks', {}, [['OidcConfig.ClientSecret', 'client secret']]),
  ...rows(['AWS::AppFabric::AppAuthorization'], 'apps, events and webhooks', {}, [
    ['Credential.ApiKeyCredential.ApiKey', 'API key'],
    ['Credential.Oauth2Credential.ClientSecret', 'client secret'],
  ]),
  ...rows(['AWS::BedrockAgentCore::ApiKeyCredentialProvider'], 'apps, events and webhooks', {
    secretArnProperty: 'ApiKeySecretConfig',
    comment: 'The provider keeps the key in a Secrets Manager secret of its own; the template copy is what leaks.',
  }, [['ApiKey', 'API key']]),

  // Delivery, messaging, integration and transfer
  ...rows(['AWS::AmazonMQ::Broker'], 'delivery, messaging, integration and transfer', {}, [
    ['Users[].Password', 'password'],
    ['LdapServerMetadata.ServiceAccountPassword', 'password'],
  ]),
  ...rows(['AWS::KinesisFirehose::DeliveryStream'], 'delivery, messaging, integration and transfer', {}, [
    ['RedshiftDestinationConfiguration.Password', 'password', {
      dynamicReferences: ANY_AND_SSM,
      secretArnProperty: 'RedshiftDestinationConfiguration.SecretsManagerConfiguration.SecretARN',
      comment: 'Set SecretsManagerConfiguration.Enabled: true with the SecretARN.',
    }],
    ['SplunkDestinationConfiguration.HECToken', 'token', { secretArnProperty: 'SplunkDestinationConfiguration.SecretsManagerConfiguration.SecretARN' }],
    ['HttpEndpointDestinationConfiguration.EndpointConfiguration.AccessKey', 'API key', {
      secretArnProperty: 'HttpEndpointDestinationConfiguration.SecretsManagerConfiguration.SecretARN',
    }],
    ['SnowflakeDestinationConfiguration.PrivateKey', 'key material', { secretArnProperty: 'SnowflakeDestinationConfiguration.SecretsManagerConfiguration.SecretARN' }],
    ['SnowflakeDestinationConfiguration.KeyPassphrase', 'password', { secretArnProperty: 'SnowflakeDestinationConfiguration.SecretsManagerConfiguration.SecretARN' }],
  ]),
  ...rows(['AWS::Pinpoint::APNSChannel', 'AWS::Pinpoint::APNSSandboxChannel', 'AWS::Pinpoint::APNSVoipChannel', 'AWS::Pinpoint::APNSVoipSandboxChannel'],
    'delivery, messaging, integration and transfer', {}, [
      ['PrivateKey', 'key material', { comment: 'The private key of the APNs certificate (certificate authentication).' }],
      ['TokenKey', 'key material', { comment: 'The .p8 signing key (token authentication).' }],
    ]),
  ...rows(['AWS::Pinpoint::GCMChannel'], 'delivery, messaging, integration and transfer', {}, [
    ['ApiKey', 'API key'],
    ['ServiceJson', 'key material', { comment: 'The Firebase service account JSON, which holds a private key.' }],
  ]),
  ...rows(['AWS::Pinpoint::BaiduChannel'], 'delivery, messaging, integration and transfer', {}, [
    ['ApiKey', 'API key'],
    ['SecretKey', 'client secret'],
  ]),
  ...rows(['AWS::Pinpoint::ADMChannel'], 'delivery, messaging, integration and transfer', {}, [['ClientSecret', 'client secret']]),
  ...rows(['AWS::Glue::Connection'], 'delivery, messaging, integration and transfer', {
    secretArnProperty: 'ConnectionInput.AuthenticationConfiguration.SecretArn',
    comment: 'ConnectionProperties.SECRET_ID names a secret too; ENCRYPTED_* keys are encrypted with the Data Catalog key.',
  }, [
    ['ConnectionInput.ConnectionProperties.PASSWORD', 'password'],
    ['ConnectionInput.ConnectionProperties.*', 'password', {
      credentialNamedKeysOnly: true,
      comment: 'Any other key whose name says credential (KAFKA_SASL_SCRAM_PASSWORD, KAFKA_CLIENT_KEY_PASSWORD, ...). The map is untyped: the key list is not closed.',
    }],
    ['ConnectionInput.AuthenticationConfiguration.BasicAuthenticationCredentials.Password', 'password'],
    ['ConnectionInput.AuthenticationConfiguration.OAuth2Properties.OAuth2Credentials.UserManagedClientApplicationClientSecret', 'client secret'],
    ['ConnectionInput.AuthenticationConfiguration.OAuth2Properties.OAuth2Credentials.AccessToken', 'token'],
    ['ConnectionInput.AuthenticationConfiguration.OAuth2Properties.OAuth2Credentials.RefreshToken', 'token'],
  ]),
  ...rows(['AWS::DataSync::LocationSMB'], 'delivery, messaging, integration and transfer', { secretArnProperty: 'CustomSecretConfig.SecretArn' }, [
    ['Password', 'password', { comment: 'CmkSecretConfig lets DataSync keep the value in a secret it manages.' }],
    ['KerberosKeytab', 'key material'],
  ]),
  ...rows(['AWS::DataSync::LocationFSxWindows'], 'delivery, messaging, integration and transfer', { secretArnProperty: 'CustomSecretConfig.SecretArn' }, [['Password', 'password']]),
  ...rows(['AWS::DataSync::LocationFSxONTAP'], 'delivery, messaging, integration and transfer', {
    secretArnProperty: 'Protocol.SMB.CustomSecretConfig.SecretArn',
    comment: 'The path of the secret config under Protocol.SMB is read from aws-cdk-lib 2.276 types; check it against the reference.',
  }, [['Protocol.SMB.Password', 'password']]),
  ...rows(['AWS::DataSync::LocationObjectStorage'], 'delivery, messaging, integration and transfer', { secretArnProperty: 'CustomSecretConfig.SecretArn' }, [
    ['SecretKey', 'client secret', { comment: 'The secret half of the object store\'s key pair; AccessKey is its public half.' }],
  ]),
  ...rows(['AWS::DataSync::LocationAzureBlob'], 'delivery, messaging, integration and transfer', { secretArnProperty: 'CustomSecretConfig.SecretArn' }, [
    ['SasConfiguration.Token', 'token', { comment: 'A shared access signature.' }],
  ]),
  ...rows(['AWS::DataSync::LocationHDFS'], 'delivery, messaging, integration and transfer', { secretArnProperty: 'CustomSecretConfig.SecretArn' }, [
    ['KerberosKeytab', 'key material', { comment: 'Base64 of the keytab file.' }],
  ]),
  ...rows(['AWS::QuickSight::DataSource'], 'delivery, messaging, integration and transfer', { secretArnProperty: 'Credentials.SecretArn' }, [
    ['Credentials.CredentialPair.Password', 'password'],
    ['Credentials.KeyPairCredentials.PrivateKey', 'key material'],
    ['Credentials.KeyPairCredentials.PrivateKeyPassphrase', 'password'],
    ['Credentials.OAuthClientCredentials.ClientSecret', 'client secret'],
  ]),
  ...rows(['AWS::AppFlow::ConnectorProfile'], 'delivery, messaging, integration and transfer', {
    secretArnProperty: 'CredentialsArn',
    comment: 'Per-connector credentials; the ones most templates use are listed.',
  }, [
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Redshift.Password', 'password'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Snowflake.Password', 'password'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Salesforce.AccessToken', 'token'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Salesforce.RefreshToken', 'token'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Slack.ClientSecret', 'client secret'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Datadog.ApiKey', 'API key'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.ServiceNow.Password', 'password'],
    ['ConnectorProfileConfig.ConnectorProfileCredentials.Zendesk.ClientSecret', 'client secret'],
  ]),
  ...rows(['AWS::Transfer::Certificate'], 'delivery, messaging, integration and transfer', {}, [['PrivateKey', 'key material']]),
  ...rows(['AWS::IAM::ServerCertificate'], 'delivery, messaging, integration and transfer', {}, [['PrivateKey', 'key material']]),
  ...rows(['AWS::SES::EmailIdentity'], 'delivery, messaging, integration and transfer', {
    managed: { property: 'DkimSigningAttributes.NextSigningKeyLength', value: 'RSA_2048_BIT' },
    comment: 'Easy DKIM (NextSigningKeyLength) lets SES create and keep the key.',
  }, [['DkimSigningAttributes.DomainSigningPrivateKey', 'key material']]),
  ...rows(['AWS::SES::MailManagerIngressPoint'], 'delivery, messaging, integration and transfer', {
    secretArnProperty: 'IngressPointConfiguration.SecretArn',
  }, [['IngressPointConfiguration.SmtpPassword', 'password']]),
  ...rows(['AWS::SecurityLake::SubscriberNotification'], 'delivery, messaging, integration and transfer', {}, [
    ['NotificationConfiguration.HttpsNotificationConfiguration.AuthorizationApiKeyValue', 'API key'],
  ]),
  ...rows(['AWS::BackupGateway::Hypervisor'], 'delivery, messaging, integration and transfer', {}, [['Password', 'password']]),
  ...rows(['AWS::ManagedBlockchain::Member'], 'delivery, messaging, integration and transfer', {}, [
    ['MemberConfiguration.MemberFrameworkConfiguration.MemberFabricConfiguration.AdminPassword', 'password'],
  ]),
  ...rows(['AWS::OpsWorks::Stack'], 'delivery, messaging, integration and transfer', { dynamicReferences: ANY_AND_SSM }, [
    ['CustomCookbooksSource.Password', 'password'],
    ['RdsDbInstances[].DbPassword', 'password'],
  ]),
  ...rows(['AWS::OpsWorks::App'], 'delivery, messaging, integration and transfer', { dynamicReferences: ANY_AND_SSM }, [
    ['AppSource.Password', 'password'],
    ['SslConfiguration.PrivateKey', 'key material'],
  ]),

  // Instance metadata read by cfn-init
  ...rows(CFN_INIT_HOSTS, 'instance metadata', {
    source: `${REFERENCE}aws-resource-cloudformation-authentication.html`,
    dynamicReferences: [],
    noEchoParameter: false,
    comment: 'Metadata is returned as written (with parameters resolved) by DescribeStackResource: NoEcho does not hide it. '
      + 'For S3 sources give roleName (the instance role) instead of keys. Whether dynamic references resolve in Metadata is not documented: not a leak either way.',
  }, [
    ['Metadata.AWS::CloudFormation::Authentication.*.password', 'password'],
    ['Metadata.AWS::CloudFormation::Authentication.*.secretKey', 'access key'],
    ['Metadata.AWS::CloudFormation::Authentication.*.accessKeyId', 'access key', {
      comment: 'The public half of a key pair, listed because it is never written without its secretKey. NoAwsAccessKey flags the AKIA shape as well.',
    }],
  ]),
  ...rows(CFN_INIT_HOSTS, 'instance metadata', {
    source: `${REFERENCE}aws-resource-cloudformation-init.html`,
    dynamicReferences: [],
    noEchoParameter: false,
    credentialNamedKeysOnly: true,
    comment: 'Text content and command lines are scanned by NoCredentialInUserData; this row covers keys of JSON content objects and command environments. '
      + 'Fetch the value at boot with the instance role instead.',
  }, [
    ['Metadata.AWS::CloudFormation::Init.*.files.*.content.*', 'password', { comment: 'Top-level keys of a file whose content is a JSON object (config.json with "password").' }],
    ['Metadata.AWS::CloudFormation::Init.*.commands.*.env.*', 'password', { comment: 'Environment variables of a cfn-init command.' }],
  ]),
];

/**
 * What CloudFormation accepts in a row's place, in order of preference: the service-managed
 * alternative, a secret ARN property, dynamic references, a NoEcho parameter.
 */
export function alternativesOf(row: CredentialProperty): string[] {
  const out: string[] = [];
  if (row.managed) {
    out.push(`${row.managed.property}: ${row.managed.value}`);
  }
  if (row.secretArnProperty) {
    out.push(`a secret in ${row.secretArnProperty}`);
  }
  out.push(...row.dynamicReferences.map(service => `{{resolve:${service}:...}}`));
  if (row.noEchoParameter) {
    out.push('a NoEcho parameter without Default');
  }
  return out;
}

/** Every resource type that has at least one credential property, or `'*'` when a row applies to every type. */
export function credentialResourceTypes(): string[] | '*' {
  const types = [...new Set(CREDENTIAL_PROPERTIES.flatMap(p => p.resourceTypes))].sort();
  return types.includes(ANY_RESOURCE) ? '*' : types;
}

/** The rows that apply to a resource type (rows for every type included). */
export function credentialPropertiesOf(resourceType: string): CredentialProperty[] {
  return CREDENTIAL_PROPERTIES.filter(p => p.resourceTypes.includes(resourceType) || p.resourceTypes.includes(ANY_RESOURCE));
}
