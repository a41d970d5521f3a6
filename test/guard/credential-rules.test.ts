import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import * as fc from 'fast-check';
import { RuleCase, configItem, describeRuleCases, exportFindings, hookInput, template } from './guard-rule-run';
import { CREDENTIAL_PROPERTIES, CredentialProperty } from '../../src/analysis/credential-properties';
import { isCredentialName } from '../../src/analysis/credentials';
import { guardShape } from '../../src/guard/definition';
import { CREDENTIAL_GUARD_RULES } from '../../src/guard/rules/credentials';
import { guardCredentialName } from '../../src/guard/rules/credentials-names';
import { GuardTarget } from '../../src/guard/shape';
import { newStack } from '../helpers/stacks';
import { packFindings } from '../nag/pack-helpers';

const T = GuardTarget.TEMPLATE;
const H = GuardTarget.HOOK;
const C = GuardTarget.CONFIG;
const LITERAL = 'Hunter2-prod-2024';
const SECURE = '{{resolve:secretsmanager:prod/app/db:SecretString:password}}';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/db-AbCdEf';
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';

const NO_ECHO = { DbPassword: { Type: 'String', NoEcho: true } };
const ECHOED = { DbPassword: { Type: 'String' } };
const WITH_DEFAULT = { DbPassword: { Type: 'String', NoEcho: true, Default: LITERAL } };
const rds = (properties: Record<string, unknown>) => ({ Type: 'AWS::RDS::DBInstance', Properties: properties });
const lambda = (variables: Record<string, unknown>) => ({ Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } });
const ecs = (environment: unknown[]) => ({ Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'app', Environment: environment }] } });
const build = (variables: unknown[]) => ({ Type: 'AWS::CodeBuild::Project', Properties: { Environment: { EnvironmentVariables: variables } } });
const secret = (properties: Record<string, unknown>) => ({ Type: 'AWS::SecretsManager::Secret', Properties: properties });
const distribution = (name: string, value: unknown) => ({
  Type: 'AWS::CloudFront::Distribution',
  Properties: { DistributionConfig: { Origins: [{ Id: 'alb', DomainName: 'alb.example.com', OriginCustomHeaders: [{ HeaderName: name, HeaderValue: value }] }] } },
});

const rp = 'NoCredentialInResourceProperty';
const cases: RuleCase[] = [
  // GIVEN a catalogue property WHEN the exported rules run THEN only a value written into the template fails
  { name: 'a literal master password fails', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: LITERAL }), Ok: rds({}) }), fails: ['Db'] },
  { name: 'a secretsmanager dynamic reference passes', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: SECURE }) }), fails: [] },
  { name: 'an ssm-secure dynamic reference passes', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: '{{resolve:ssm-secure:/prod/db}}' }) }), fails: [] },
  { name: 'a plain String SSM reference fails', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: '{{resolve:ssm:/prod/db}}' }) }), fails: ['Db'] },
  { name: 'a Ref to a NoEcho parameter without Default passes', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: { Ref: 'DbPassword' } }) }, { Parameters: NO_ECHO }), fails: [] },
  { name: 'a Ref to a parameter that is not NoEcho fails', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: { Ref: 'DbPassword' } }) }, { Parameters: ECHOED }), fails: ['Db'] },
  { name: 'a Ref to a parameter with a literal Default fails', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: { Ref: 'DbPassword' } }) }, { Parameters: WITH_DEFAULT }), fails: ['Db'] },
  { name: 'an Fn::ImportValue cannot be proven: it passes', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: { 'Fn::ImportValue': 'shared-db-password' } }) }), fails: [] },
  { name: 'a number is written like text: it fails', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: 12345678 }) }), fails: ['Db'] },
  { name: 'a Secrets Manager ARN in the property passes', target: T, rule: rp, document: template({ Cred: { Type: 'AWS::CodeBuild::SourceCredential', Properties: { AuthType: 'SECRETS_MANAGER', Token: SECRET_ARN } } }), fails: [] },
  {
    name: 'a password in a Mappings entry fails',
    target: T,
    rule: rp,
    document: template({ Db: rds({ MasterUserPassword: { 'Fn::FindInMap': ['Creds', 'prod', 'password'] } }) }, { Mappings: { Creds: { prod: { password: LITERAL } } } }),
    fails: ['Db'],
  },
  { name: 'a long literal piece of an Fn::Join fails', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: { 'Fn::Join': ['', ['hunter2-', { Ref: 'AWS::Region' }]] } }) }), fails: ['Db'] },
  { name: 'separators around references in an Fn::Sub pass', target: T, rule: rp, document: template({ Db: rds({ MasterUserPassword: { 'Fn::Sub': '${AWS::StackName}-${AWS::Region}' } }) }), fails: [] },
  { name: 'a list item path (Users[].Password) fails on a literal', target: T, rule: rp, document: template({ Mq: { Type: 'AWS::AmazonMQ::Broker', Properties: { Users: [{ Username: 'app', Password: LITERAL }] } } }), fails: ['Mq'] },
  {
    name: 'a credential-named key of Glue ConnectionProperties fails',
    target: T,
    rule: rp,
    document: template({ Conn: { Type: 'AWS::Glue::Connection', Properties: { ConnectionInput: { ConnectionProperties: { KAFKA_SASL_SCRAM_PASSWORD: LITERAL, KAFKA_SASL_SCRAM_USERNAME: 'app' } } } } }),
    fails: ['Conn'],
  },
  {
    name: 'cfn-init authentication with a NoEcho parameter fails (Metadata is not hidden)',
    target: T,
    rule: rp,
    document: template({ I: { Type: 'AWS::EC2::Instance', Metadata: { 'AWS::CloudFormation::Authentication': { S3: { type: 'basic', password: { Ref: 'DbPassword' } } } }, Properties: {} } }, { Parameters: NO_ECHO }),
    fails: ['I'],
  },
  {
    name: 'cfn-init authentication with the SecretAccessKey of an access key fails',
    target: T,
    rule: rp,
    document: template({
      Key: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: 'u' } },
      I: { Type: 'AWS::EC2::Instance', Metadata: { 'AWS::CloudFormation::Authentication': { S3: { type: 'S3', secretKey: { 'Fn::GetAtt': ['Key', 'SecretAccessKey'] } } } }, Properties: {} },
    }),
    fails: ['I'],
  },
  { name: 'a resolved literal password fails', target: H, rule: rp, document: hookInput('Db', 'AWS::RDS::DBInstance', { MasterUserPassword: LITERAL }), fails: ['Db'] },
  { name: 'an unresolved secure reference passes', target: H, rule: rp, document: hookInput('Db', 'AWS::RDS::DBInstance', { MasterUserPassword: SECURE }), fails: [] },
  { name: 'no password (managed) passes', target: H, rule: rp, document: hookInput('Db', 'AWS::RDS::DBInstance', { ManageMasterUserPassword: true }), fails: [] },
  { name: 'a proactive evaluation with a password fails', target: C, rule: rp, document: configItem('AWS::RDS::DBInstance', { MasterUserPassword: LITERAL }), fails: ['doc'] },
  { name: 'a recorded item (no write-only property) passes', target: C, rule: rp, document: configItem('AWS::RDS::DBInstance', { dBInstanceIdentifier: 'db', masterUsername: 'admin' }), fails: [] },

  // GIVEN environment variables WHEN the exported rules run THEN credential names with literal values fail
  { name: 'a literal DB_PASSWORD fails', target: T, rule: 'NoCredentialInLambdaEnvironment', document: template({ F: lambda({ DB_PASSWORD: LITERAL, DB_HOST: 'db.internal' }) }), fails: ['F'] },
  { name: 'a secret ARN under a credential-pointing name passes', target: T, rule: 'NoCredentialInLambdaEnvironment', document: template({ F: lambda({ DB_SECRET_ARN: SECRET_ARN, apiKeyName: 'prod-key' }) }), fails: [] },
  { name: 'a short or boolean value passes', target: T, rule: 'NoCredentialInLambdaEnvironment', document: template({ F: lambda({ USE_TOKEN: 'true', PASSWORD_MIN: '12', TOKEN: 'abc' }) }), fails: [] },
  { name: 'a URL with a password fails whatever the name', target: T, rule: 'NoCredentialInLambdaEnvironment', document: template({ F: lambda({ DATABASE: 'postgres://app:s3cr3t-pw@db:5432/app' }) }), fails: ['F'] },
  { name: 'a secret access key under any name fails', target: T, rule: 'NoCredentialInLambdaEnvironment', document: template({ F: lambda({ LEGACY_S3: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }) }), fails: ['F'] },
  { name: 'a Ref to a parameter with a literal Default fails in the environment', target: T, rule: 'NoCredentialInLambdaEnvironment', document: template({ F: lambda({ apiToken: { Ref: 'DbPassword' } }) }, { Parameters: WITH_DEFAULT }), fails: ['F'] },
  { name: 'a resolved literal API key fails', target: H, rule: 'NoCredentialInLambdaEnvironment', document: hookInput('F', 'AWS::Lambda::Function', { Environment: { Variables: { ApiKey: LITERAL } } }), fails: ['F'] },
  { name: 'a resolved ARN passes', target: H, rule: 'NoCredentialInLambdaEnvironment', document: hookInput('F', 'AWS::Lambda::Function', { Environment: { Variables: { ApiKey: SECRET_ARN } } }), fails: [] },

  { name: 'an ECS environment password fails', target: T, rule: 'NoCredentialInContainerEnvironment', document: template({ Td: ecs([{ Name: 'PGPASSWORD', Value: LITERAL }, { Name: 'PGHOST', Value: 'db' }]) }), fails: ['Td'] },
  { name: 'an ECS environment without credentials passes', target: T, rule: 'NoCredentialInContainerEnvironment', document: template({ Td: ecs([{ Name: 'PGHOST', Value: 'db.internal.example' }]) }), fails: [] },
  {
    name: 'a Batch environment token fails',
    target: T,
    rule: 'NoCredentialInContainerEnvironment',
    document: template({ J: { Type: 'AWS::Batch::JobDefinition', Properties: { Type: 'container', ContainerProperties: { Environment: [{ Name: 'GITHUB_TOKEN', Value: LITERAL }] } } } }),
    fails: ['J'],
  },
  { name: 'a resolved ECS password fails', target: H, rule: 'NoCredentialInContainerEnvironment', document: hookInput('Td', 'AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Environment: [{ Name: 'DB_PASS', Value: LITERAL }] }] }), fails: ['Td'] },
  { name: 'a recorded ECS password fails', target: C, rule: 'NoCredentialInContainerEnvironment', document: configItem('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Environment: [{ Name: 'DB_PASS', Value: LITERAL }] }] }), fails: ['doc'] },
  { name: 'a recorded ECS environment without credentials passes', target: C, rule: 'NoCredentialInContainerEnvironment', document: configItem('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Environment: [{ Name: 'DB_HOST', Value: 'db' }] }] }), fails: [] },

  { name: 'a PLAINTEXT token fails', target: T, rule: 'NoCredentialInBuildEnvironment', document: template({ P: build([{ Name: 'NPM_TOKEN', Value: LITERAL, Type: 'PLAINTEXT' }]) }), fails: ['P'] },
  { name: 'a SECRETS_MANAGER variable passes', target: T, rule: 'NoCredentialInBuildEnvironment', document: template({ P: build([{ Name: 'NPM_TOKEN', Value: 'prod/npm:token', Type: 'SECRETS_MANAGER' }]) }), fails: [] },
  { name: 'a resolved PLAINTEXT token fails', target: H, rule: 'NoCredentialInBuildEnvironment', document: hookInput('P', 'AWS::CodeBuild::Project', { Environment: { EnvironmentVariables: [{ Name: 'NPM_TOKEN', Value: LITERAL }] } }), fails: ['P'] },
  { name: 'a recorded PLAINTEXT token fails', target: C, rule: 'NoCredentialInBuildEnvironment', document: configItem('AWS::CodeBuild::Project', { environment: { environmentVariables: [{ name: 'NPM_TOKEN', value: LITERAL, type: 'PLAINTEXT' }] } }), fails: ['doc'] },
  { name: 'a recorded SECRETS_MANAGER variable passes', target: C, rule: 'NoCredentialInBuildEnvironment', document: configItem('AWS::CodeBuild::Project', { environment: { environmentVariables: [{ name: 'NPM_TOKEN', value: 'prod/npm', type: 'SECRETS_MANAGER' }] } }), fails: [] },

  { name: 'a credential-named parameter with a literal value fails', target: T, rule: 'NoCredentialInSsmParameter', document: template({ P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/prod/app/db-password', Type: 'String', Value: LITERAL } } }), fails: ['P'] },
  { name: 'another name passes', target: T, rule: 'NoCredentialInSsmParameter', document: template({ P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/prod/app/db-host', Type: 'String', Value: 'db.internal' } } }), fails: [] },
  { name: 'an unnamed parameter is judged by its logical id', target: T, rule: 'NoCredentialInSsmParameter', document: template({ DbPasswordParameter1A2B3C4D: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: LITERAL } } }), fails: ['DbPasswordParameter1A2B3C4D'] },
  { name: 'a resolved credential-named parameter fails', target: H, rule: 'NoCredentialInSsmParameter', document: hookInput('P', 'AWS::SSM::Parameter', { Name: '/prod/api-token', Type: 'String', Value: LITERAL }), fails: ['P'] },

  { name: 'a literal X-Origin-Verify header fails', target: T, rule: 'NoCredentialInHeader', document: template({ D: distribution('X-Origin-Verify', LITERAL) }), fails: ['D'] },
  { name: 'a header value from a dynamic reference passes', target: T, rule: 'NoCredentialInHeader', document: template({ D: distribution('X-Origin-Verify', SECURE) }), fails: [] },
  { name: 'a header that is not a credential passes', target: T, rule: 'NoCredentialInHeader', document: template({ D: distribution('X-Forwarded-Host', 'shop.example.com') }), fails: [] },
  {
    name: 'a listener rule matching a literal API key fails',
    target: T,
    rule: 'NoCredentialInHeader',
    document: template({ R: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule', Properties: { Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Api-Key', Values: [LITERAL] } }] } } }),
    fails: ['R'],
  },
  {
    name: 'an EventBridge connection sending a literal Authorization fails',
    target: T,
    rule: 'NoCredentialInHeader',
    document: template({ Cx: { Type: 'AWS::Events::Connection', Properties: { AuthParameters: { InvocationHttpParameters: { HeaderParameters: [{ Key: 'Authorization', Value: `Bearer ${LITERAL}` }] } } } } }),
    fails: ['Cx'],
  },
  {
    name: 'a REST integration sending a quoted literal x-api-key fails',
    target: T,
    rule: 'NoCredentialInHeader',
    document: template({
      M: { Type: 'AWS::ApiGateway::Method', Properties: { Integration: { RequestParameters: { 'integration.request.header.x-api-key': `'${LITERAL}'`, 'integration.request.header.X-Trace': '\'on-all-requests\'' } } } },
      N: { Type: 'AWS::ApiGateway::Method', Properties: { Integration: { RequestParameters: { 'integration.request.header.x-api-key': 'method.request.header.x-api-key' } } } },
    }),
    fails: ['M'],
  },
  {
    name: 'an HTTP API integration appending a literal Authorization fails, one mapped from the request passes',
    target: T,
    rule: 'NoCredentialInHeader',
    document: template({
      I: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { RequestParameters: { 'append:header.Authorization': `Bearer ${LITERAL}` } } },
      J: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { RequestParameters: { 'overwrite:header.Authorization': '$request.header.Authorization' } } },
    }),
    fails: ['I'],
  },
  {
    name: 'EventBridge rule and Pipes targets sending a literal API key fail',
    target: T,
    rule: 'NoCredentialInHeader',
    document: template({
      R: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 't', Arn: 'arn:aws:events:x', HttpParameters: { HeaderParameters: { 'X-Api-Key': LITERAL } } }] } },
      P: { Type: 'AWS::Pipes::Pipe', Properties: { TargetParameters: { HttpParameters: { QueryStringParameters: { api_key: LITERAL } } } } },
      Q: { Type: 'AWS::Pipes::Pipe', Properties: { TargetParameters: { HttpParameters: { HeaderParameters: { 'X-Request-Source': 'orders-pipeline' } } } } },
    }),
    fails: ['P', 'R'],
  },
  { name: 'a resolved literal header fails', target: H, rule: 'NoCredentialInHeader', document: hookInput('D', 'AWS::CloudFront::Distribution', distribution('X-Origin-Verify', LITERAL).Properties), fails: ['D'] },

  { name: 'a literal SecretString fails', target: T, rule: 'NoLiteralSecretString', document: template({ S: secret({ SecretString: LITERAL }) }), fails: ['S'] },
  { name: 'a generated value passes', target: T, rule: 'NoLiteralSecretString', document: template({ S: secret({ GenerateSecretString: { SecretStringTemplate: '{"username":"app"}', GenerateStringKey: 'password' } }) }), fails: [] },
  { name: 'a password written in SecretStringTemplate fails', target: T, rule: 'NoLiteralSecretString', document: template({ S: secret({ GenerateSecretString: { SecretStringTemplate: '{"username":"app","password":"hunter2-prod"}', GenerateStringKey: 'x' } }) }), fails: ['S'] },
  { name: 'a Ref to a NoEcho parameter passes in SecretString', target: T, rule: 'NoLiteralSecretString', document: template({ S: secret({ SecretString: { Ref: 'DbPassword' } }) }, { Parameters: NO_ECHO }), fails: [] },
  { name: 'a Ref to a parameter with a Default fails in SecretString', target: T, rule: 'NoLiteralSecretString', document: template({ S: secret({ SecretString: { Ref: 'DbPassword' } }) }, { Parameters: WITH_DEFAULT }), fails: ['S'] },
  { name: 'a JSON value with a reference and a literal password fails', target: T, rule: 'NoLiteralSecretString', document: template({ S: secret({ SecretString: `{"host":"${SECURE}","password":"hunter2-prod"}` }) }), fails: ['S'] },
  { name: 'a resolved literal SecretString fails', target: H, rule: 'NoLiteralSecretString', document: hookInput('S', 'AWS::SecretsManager::Secret', { SecretString: LITERAL }), fails: ['S'] },
  { name: 'an unresolved reference passes', target: H, rule: 'NoLiteralSecretString', document: hookInput('S', 'AWS::SecretsManager::Secret', { SecretString: SECURE }), fails: [] },

  // GIVEN user data and cfn-init WHEN the exported rules run THEN a literal assigned to a credential name fails
  {
    name: 'an exported password in Fn::Sub user data fails',
    target: T,
    rule: 'NoCredentialInUserData',
    document: template({ I: { Type: 'AWS::EC2::Instance', Properties: { UserData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\nexport DB_HOST=${DbHost}\nexport DB_PASSWORD=Hunter2-prod\n' } } } } }),
    fails: ['I'],
  },
  {
    name: 'a password fetched at boot passes',
    target: T,
    rule: 'NoCredentialInUserData',
    document: template({ I: { Type: 'AWS::EC2::Instance', Properties: { UserData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\nexport DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id ${Secret})\nDB_HOST=db.internal\n' } } } } }),
    fails: [],
  },
  {
    name: 'mysql -p with a literal in a launch template fails',
    target: T,
    rule: 'NoCredentialInUserData',
    document: template({ L: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\n', 'mysqladmin -u root -pHunter2x create app\n']] } } } } } }),
    fails: ['L'],
  },
  {
    name: 'a cfn-init command with a literal flag fails on any resource type',
    target: T,
    rule: 'NoCredentialInUserData',
    document: template({ H: { Type: 'AWS::CloudFormation::WaitConditionHandle', Metadata: { 'AWS::CloudFormation::Init': { config: { commands: { '01': { command: 'setup --db-password Hunter2-prod' } } } } } } }),
    fails: ['H'],
  },
  // GIVEN token shapes anywhere WHEN the exported rules run THEN each is found at any supported depth
  { name: 'an access key id deep in a property fails', target: T, rule: 'NoAwsAccessKey', document: template({ F: lambda({ A: { 'Fn::Join': ['', ['key=', ACCESS_KEY_ID]] } }), B: { Type: 'AWS::S3::Bucket' } }), fails: ['F'] },
  { name: 'an access key id in Metadata fails', target: T, rule: 'NoAwsAccessKey', document: template({ I: { Type: 'AWS::EC2::Instance', Metadata: { note: ACCESS_KEY_ID }, Properties: {} } }), fails: ['I'] },
  { name: 'no key passes', target: T, rule: 'NoAwsAccessKey', document: template({ F: lambda({ A: 'AKIA-not-a-key', N: 5, L: [] }), E: { Type: 'AWS::S3::Bucket', Properties: {} } }), fails: [] },
  { name: 'a resolved access key id fails', target: H, rule: 'NoAwsAccessKey', document: hookInput('F', 'AWS::Lambda::Function', { Environment: { Variables: { K: ACCESS_KEY_ID } } }), fails: ['F'] },
  { name: 'a recorded access key id fails', target: C, rule: 'NoAwsAccessKey', document: configItem('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Environment: [{ Name: 'K', Value: ACCESS_KEY_ID }] }] }), fails: ['doc'] },
  { name: 'a private key block fails', target: T, rule: 'NoPrivateKeyMaterial', document: template({ C: { Type: 'AWS::IAM::ServerCertificate', Properties: { PrivateKey: PEM } } }), fails: ['C'] },
  { name: 'a certificate passes', target: T, rule: 'NoPrivateKeyMaterial', document: template({ C: { Type: 'AWS::IAM::ServerCertificate', Properties: { CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } } }), fails: [] },
  { name: 'a resolved private key fails', target: H, rule: 'NoPrivateKeyMaterial', document: hookInput('C', 'AWS::IAM::ServerCertificate', { PrivateKey: PEM }), fails: ['C'] },
  { name: 'a recorded private key fails', target: C, rule: 'NoPrivateKeyMaterial', document: configItem('AWS::Lambda::Function', { description: PEM }), fails: ['doc'] },
  { name: 'a GitHub token fails', target: T, rule: 'NoKnownTokenFormat', document: template({ F: lambda({ GH: GITHUB_TOKEN }) }), fails: ['F'] },
  { name: 'a token-like word passes', target: T, rule: 'NoKnownTokenFormat', document: template({ F: lambda({ GH: 'ghp_short' }) }), fails: [] },
  { name: 'a resolved GitHub token fails', target: H, rule: 'NoKnownTokenFormat', document: hookInput('F', 'AWS::Lambda::Function', { Environment: { Variables: { GH: GITHUB_TOKEN } } }), fails: ['F'] },
  { name: 'a recorded GitHub token fails', target: C, rule: 'NoKnownTokenFormat', document: configItem('AWS::CodeBuild::Project', { environment: { environmentVariables: [{ name: 'GH', value: GITHUB_TOKEN }] } }), fails: ['doc'] },
];

/** A passing document for each rule and target that the cases above only show failing. */
const passing: RuleCase[] = [
  { name: 'a resolved ECS secret reference passes', target: H, rule: 'NoCredentialInContainerEnvironment', document: hookInput('Td', 'AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Environment: [{ Name: 'DB_PASS_ARN', Value: SECRET_ARN }] }] }), fails: [] },
  { name: 'a resolved SECRETS_MANAGER variable passes', target: H, rule: 'NoCredentialInBuildEnvironment', document: hookInput('P', 'AWS::CodeBuild::Project', { Environment: { EnvironmentVariables: [{ Name: 'NPM_TOKEN', Value: 'prod/npm', Type: 'SECRETS_MANAGER' }] } }), fails: [] },
  { name: 'a resolved parameter of another name passes', target: H, rule: 'NoCredentialInSsmParameter', document: hookInput('P', 'AWS::SSM::Parameter', { Name: '/prod/api-url', Type: 'String', Value: 'https://api.example.com' }), fails: [] },
  { name: 'a resolved non-credential header passes', target: H, rule: 'NoCredentialInHeader', document: hookInput('D', 'AWS::CloudFront::Distribution', distribution('X-Forwarded-Host', 'shop.example.com').Properties), fails: [] },
  { name: 'resolved properties without an access key pass', target: H, rule: 'NoAwsAccessKey', document: hookInput('F', 'AWS::Lambda::Function', { Environment: { Variables: { K: 'AKIA-rotated-away' } } }), fails: [] },
  { name: 'resolved properties without a private key pass', target: H, rule: 'NoPrivateKeyMaterial', document: hookInput('C', 'AWS::IAM::ServerCertificate', { CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' }), fails: [] },
  { name: 'resolved properties without a token pass', target: H, rule: 'NoKnownTokenFormat', document: hookInput('F', 'AWS::Lambda::Function', { Environment: { Variables: { GH: 'ghp_short' } } }), fails: [] },
  { name: 'a recorded item without an access key passes', target: C, rule: 'NoAwsAccessKey', document: configItem('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Environment: [{ Name: 'K', Value: 'not-a-key' }] }] }), fails: [] },
  { name: 'a recorded item without a private key passes', target: C, rule: 'NoPrivateKeyMaterial', document: configItem('AWS::Lambda::Function', { description: 'reads its key from Secrets Manager' }), fails: [] },
  { name: 'a recorded item without a token passes', target: C, rule: 'NoKnownTokenFormat', document: configItem('AWS::CodeBuild::Project', { environment: { environmentVariables: [{ name: 'GH', value: 'prod/github', type: 'SECRETS_MANAGER' }] } }), fails: [] },
];

describeRuleCases('credential rules as Guard rules', [...cases, ...passing]);

/** Findings on a template section (Outputs, Parameters, Mappings) have no resource: exportFindings names them by the document. */
describe('credential rules on template sections', () => {
  const documents: Record<string, unknown> = {
    outputNoEcho: template({ B: { Type: 'AWS::S3::Bucket' } }, { Parameters: NO_ECHO, Outputs: { Pw: { Value: { Ref: 'DbPassword' } } } }),
    outputArn: template({ B: { Type: 'AWS::S3::Bucket' } }, { Outputs: { DbSecretArn: { Value: SECRET_ARN } } }),
    outputAccessKey: template({ K: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: 'u' } } }, { Outputs: { Sak: { Value: { 'Fn::GetAtt': ['K', 'SecretAccessKey'] } } } }),
    outputLiteral: template({ B: { Type: 'AWS::S3::Bucket' } }, { Outputs: { AdminPassword: { Value: LITERAL } } }),
    parameterDefault: template({ B: { Type: 'AWS::S3::Bucket' } }, { Parameters: { AdminPassword: { Type: 'String', NoEcho: true, Default: LITERAL } } }),
    parameterNoDefault: template({ B: { Type: 'AWS::S3::Bucket' } }, { Parameters: { AdminPassword: { Type: 'String', NoEcho: true } } }),
    parameterAwsType: template({ B: { Type: 'AWS::S3::Bucket' } }, { Parameters: { DbPasswordParam: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/prod/db/password' } } }),
    mappingToken: template({ B: { Type: 'AWS::S3::Bucket' } }, { Mappings: { Chat: { prod: { token: GITHUB_TOKEN } } } }),
    keyInReadDefault: template({ F: lambda({ K: { Ref: 'UploaderKey' }, B: { Ref: 'E' } }), E: { Type: 'AWS::S3::Bucket' } }, { Parameters: { UploaderKey: { Type: 'String', Default: ACCESS_KEY_ID } } }),
  };
  let findings: Map<string, string[]>;
  beforeAll(() => {
    findings = exportFindings(T, documents);
  }, 120_000);
  const has = (doc: string, rule: string) => (findings.get(doc) ?? []).includes(`HardenedSecrets-${rule}@${doc}`);

  test.each([
    ['outputNoEcho', 'NoCredentialInOutput', true],
    ['outputArn', 'NoCredentialInOutput', false],
    ['outputAccessKey', 'NoCredentialInOutput', true],
    ['outputLiteral', 'NoCredentialInOutput', true],
    ['parameterDefault', 'NoCredentialInParameterDefault', true],
    ['parameterNoDefault', 'NoCredentialInParameterDefault', false],
    ['parameterAwsType', 'NoCredentialInParameterDefault', false],
    ['mappingToken', 'NoKnownTokenFormat', true],
  ] as const)('%s: %s reported: %s', (doc, rule, expected) => {
    expect(has(doc, rule)).toBe(expected);
  });

  test('a token in the Default of a parameter a resource reads is reported on the resource, and on the parameter (a listed gap)', () => {
    expect(findings.get('keyInReadDefault')).toEqual(['HardenedSecrets-NoAwsAccessKey@F', 'HardenedSecrets-NoAwsAccessKey@keyInReadDefault']);
  });
});

describe('the credential rule sources', () => {
  test('every credential rule of the catalogue has a source, and every target it leaves out is explained', () => {
    expect(CREDENTIAL_GUARD_RULES.map(s => s.rule).sort()).toEqual([
      'NoAwsAccessKey', 'NoCredentialInBuildEnvironment', 'NoCredentialInContainerEnvironment', 'NoCredentialInHeader', 'NoCredentialInLambdaEnvironment',
      'NoCredentialInOutput', 'NoCredentialInParameterDefault', 'NoCredentialInResourceProperty', 'NoCredentialInSsmParameter', 'NoCredentialInUserData',
      'NoKnownTokenFormat', 'NoLiteralSecretString', 'NoPrivateKeyMaterial',
    ]);
    for (const source of CREDENTIAL_GUARD_RULES) {
      const explained = new Set(source.gaps.filter(g => !g.partial).flatMap(g => g.targets));
      for (const target of [T, H, C].filter(t => !source.targets.includes(t))) {
        expect([source.rule, target, explained.has(target)]).toEqual([source.rule, target, true]);
      }
    }
  });

  test('a new catalogue row changes the export: one Guard rule per row of the template target', () => {
    const rendered = CREDENTIAL_GUARD_RULES.find(s => s.rule === 'NoCredentialInResourceProperty')!.render(guardShape(T));
    expect(rendered).toHaveLength(CREDENTIAL_PROPERTIES.length);
  });
});

describe('credential names', () => {
  /** Names in the styles templates use, built from the pack's words and others. */
  const word = fc.constantFrom(
    'db', 'api', 'key', 'password', 'pass', 'pwd', 'pw', 'psk', 'secret', 'secrets', 'token', 'tokens', 'access', 'private', 'client', 'signing', 'encryption',
    'connection', 'string', 'credential', 'passphrase', 'passwd', 'arn', 'name', 'id', 'url', 'host', 'ttl', 'user', 'header', 'port', 'passport', 'bypass',
    'github', 'npm', 'auth', 'value', 'app', '2', 'v1', 'param', 'parameter',
  );
  const styled = fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom('snake', 'screaming', 'camel', 'pascal', 'kebab', 'dotted', 'path'))
    .map(([words, style]) => {
      const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
      switch (style) {
        case 'snake': return words.join('_');
        case 'screaming': return words.join('_').toUpperCase();
        case 'camel': return words[0] + words.slice(1).map(cap).join('');
        case 'pascal': return words.map(cap).join('');
        case 'kebab': return words.join('-');
        case 'dotted': return words.join('.');
        default: return `/${words.join('/')}`;
      }
    });

  test('the Guard expressions decide as isCredentialName on names of every naming style', () => {
    fc.assert(fc.property(styled, name => {
      expect([name, guardCredentialName(name)]).toEqual([name, isCredentialName(name)]);
    }), { numRuns: 2000, seed: 18 });
  });
});

/**
 * The property: on generated templates whose resources carry catalogue properties with values
 * drawn from literals, dynamic references, NoEcho and echoed parameters, parameter defaults,
 * Mappings, token-shaped strings, ARNs and intrinsic functions, the exported template-target rule
 * reports a resource exactly when the pack's NoCredentialInResourceProperty reports an ERROR on
 * it (the template brought in with CfnInclude, as test/nag/corpus.test.ts does).
 */
describe('NoCredentialInResourceProperty: Guard export against the pack on generated templates', () => {
  const rows = CREDENTIAL_PROPERTIES.filter(r => !r.path.startsWith('Metadata.') && !r.path.includes('*') && !r.resourceTypes.includes('*'));
  const PARAMETERS = {
    NoEchoNoDefault: { Type: 'String', NoEcho: true },
    EchoedNoDefault: { Type: 'String' },
    LiteralDefault: { Type: 'String', Default: LITERAL },
    NoEchoLiteralDefault: { Type: 'String', NoEcho: true, Default: 'Another-literal-9' },
    BlankDefault: { Type: 'String', Default: '' },
    ArnDefault: { Type: 'String', Default: SECRET_ARN },
  };
  const MAPPINGS = { Creds: { prod: { password: LITERAL, arn: SECRET_ARN } } };
  const value = fc.oneof(
    fc.constantFrom<unknown>(LITERAL, 'abc', '  ', SECURE, '{{resolve:ssm-secure:/prod/db}}', '{{resolve:ssm:/prod/db}}', SECRET_ARN, ACCESS_KEY_ID, GITHUB_TOKEN, 12345678, true),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom(...Object.keys(PARAMETERS), 'Bucket', 'AWS::StackName').map(id => ({ Ref: id })),
    fc.constantFrom<unknown>(
      { 'Fn::ImportValue': 'shared-password' },
      { 'Fn::GetAtt': ['Bucket', 'Arn'] },
      { 'Fn::FindInMap': ['Creds', 'prod', 'password'] },
      { 'Fn::Join': ['', ['prefix-long-', { Ref: 'AWS::Region' }]] },
      { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'AWS::Region' }]] },
      { 'Fn::Join': ['', [SECURE]] },
      { 'Fn::Sub': '${AWS::StackName}-${AWS::Region}' },
      { 'Fn::Sub': 'hunter2-${AWS::Region}' },
      { 'Fn::Sub': '{{resolve:secretsmanager:${Bucket}:SecretString:password}}' },
    ),
  );
  const resource = fc.tuple(fc.constantFrom(...rows), value);
  const templates = fc.sample(fc.array(resource, { minLength: 1, maxLength: 4 }), { numRuns: 200, seed: 18 });

  /** `{ a: { b: [ { c: value } ] } }` for `a.b[].c`. */
  function at(row: CredentialProperty, v: unknown): Record<string, unknown> {
    const segments = row.path.split('.');
    const nest = (i: number): unknown => {
      if (i === segments.length) {
        return v;
      }
      const list = segments[i].endsWith('[]');
      const name = list ? segments[i].slice(0, -2) : segments[i];
      const inner = nest(i + 1);
      return { [name]: list ? [inner] : inner };
    };
    return nest(0) as Record<string, unknown>;
  }

  function templateOf(resources: Array<[CredentialProperty, unknown]>): Record<string, unknown> {
    return {
      Parameters: PARAMETERS,
      Mappings: MAPPINGS,
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket' },
        ...Object.fromEntries(resources.map(([row, v], i) => [`R${i}`, { Type: row.resourceTypes[0], Properties: at(row, v) }])),
      },
    };
  }

  /**
   * Differences inherent to Guard, each with its reason; a generated case that matches none of them
   * and differs fails the test.
   */
  const INHERENT: Array<{ readonly reason: string; readonly applies: (v: unknown) => boolean }> = [];

  test('the export reports a resource exactly when the pack reports an ERROR on it', () => {
    const docs = Object.fromEntries(templates.map((t, i) => [`gen${i}`, templateOf(t)]));
    const guard = exportFindings(T, docs);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-gen-'));
    const mismatches: string[] = [];
    let flagged = 0;
    let passed = 0;
    try {
      templates.forEach((resources, i) => {
        const file = path.join(dir, `gen${i}.json`);
        fs.writeFileSync(file, JSON.stringify(docs[`gen${i}`]));
        const stack = newStack();
        // Dehydrated: the generated resources carry only the credential property, not every required one of their type.
        new cfninc.CfnInclude(stack, 'Template', { templateFile: file, dehydratedResources: resources.map((_, j) => `R${j}`) });
        const pack = new Set(packFindings(stack)
          .filter(f => f.rule.startsWith('HardenedSecrets-NoCredentialInResourceProperty') && f.severity === 'error')
          .map(f => f.path.split('/').pop()!));
        const exported = new Set((guard.get(`gen${i}`) ?? [])
          .filter(f => f.startsWith('HardenedSecrets-NoCredentialInResourceProperty@'))
          .map(f => f.split('@')[1]));
        resources.forEach(([row, v], j) => {
          const id = `R${j}`;
          if (pack.has(id)) {
            flagged++;
          } else {
            passed++;
          }
          if (pack.has(id) !== exported.has(id) && !INHERENT.some(d => d.applies(v))) {
            mismatches.push(`${row.resourceTypes[0]} ${row.path} = ${JSON.stringify(v)}: pack ${pack.has(id)}, Guard ${exported.has(id)}`);
          }
        });
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(mismatches).toEqual([]);
    // Both outcomes are well represented: the comparison is not won by a generator that only makes one kind.
    expect(flagged).toBeGreaterThan(100);
    expect(passed).toBeGreaterThan(100);
  }, 600_000);
});
