import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HardenedSecret } from '../../../src';
import { PolicyDocument } from '../engine';
import { AccessRow, ENV, RowContext, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { OUTSIDERS } from './principals';

/** A secret made elsewhere: its name, the suffix Secrets Manager gave it, its key, its replica region. */
const NAME = 'prod/payments/db';
const SUFFIX = 'AbC123';
const SECRET_ARN = `arn:aws:secretsmanager:${ENV.region}:${ENV.account}:secret:${NAME}-${SUFFIX}`;
const KEY_ARN = `arn:aws:kms:${ENV.region}:${ENV.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const REPLICA_REGION = 'us-east-1';
const REPLICA_KEY_ARN = `arn:aws:kms:${REPLICA_REGION}:${ENV.account}:key/0987dcba-09ba-87dc-65fe-0987654321ba`;
/** Another secret of the account whose name starts with the imported one's. */
const LOOKALIKE_ARN = `arn:aws:secretsmanager:${ENV.region}:${ENV.account}:secret:${NAME}-admin-XyZ789`;
/** A key of the account that is not the secret's, and one of another region. */
const OTHER_KEY_ARN = `arn:aws:kms:${ENV.region}:${ENV.account}:key/ffffffff-1111-2222-3333-444444444444`;

/** The default key policy: the account's IAM policies decide (what a key made with the console has). */
const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:root` }, Action: 'kms:*', Resource: '*' }],
};

/** How the scenario imports the secret. */
type ImportKind = 'complete ARN with key and replica' | 'partial ARN' | 'name without key' | 'name with key alias';

/** The alias the secret's key carries, for imports that name the key by alias. */
const KEY_ALIAS = 'alias/prod/payments/secrets';

function importedApp(kind: ImportKind): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  const secret = kind === 'complete ARN with key and replica'
    ? HardenedSecret.fromHardenedSecretAttributes(stack, 'Secret', {
      secretCompleteArn: SECRET_ARN,
      secretKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
      replicaRegions: [{ region: REPLICA_REGION, encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN) }],
    })
    : kind === 'partial ARN'
      ? HardenedSecret.fromSecretAttributes(stack, 'Secret', {
        secretPartialArn: SECRET_ARN.replace(`-${SUFFIX}`, ''),
        encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
      })
      : kind === 'name with key alias'
        ? HardenedSecret.fromHardenedSecretAttributes(stack, 'Secret', {
          secretName: NAME,
          secretKey: kms.Alias.fromAliasName(stack, 'Key', KEY_ALIAS),
          replicaRegions: [{ region: REPLICA_REGION, encryptionKey: kms.Alias.fromAliasName(stack, 'ReplicaKey', KEY_ALIAS) }],
        })
        : HardenedSecret.fromSecretNameV2(stack, 'Secret', NAME);
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  secret.grantRead(reader);
  secret.grantWrite(writer);
  const resource = (arn: string, policy?: PolicyDocument) => () => ({ arn, policy });
  return {
    app,
    secrets: {},
    principals: { ...OUTSIDERS, reader: (m) => m.role(reader), writer: (m) => m.role(writer) },
    resources: {
      secret: resource(SECRET_ARN),
      replica: resource(SECRET_ARN.replace(`:${ENV.region}:`, `:${REPLICA_REGION}:`)),
      lookalike: resource(LOOKALIKE_ARN),
      key: resource(KEY_ARN, DEFAULT_KEY_POLICY),
      replicaKey: resource(REPLICA_KEY_ARN, DEFAULT_KEY_POLICY),
      otherKey: resource(OTHER_KEY_ARN, DEFAULT_KEY_POLICY),
    },
  };
}

/** A KMS call Secrets Manager of `region` makes for the caller, on a key carrying `aliases`. */
function viaSecretsManager(region: string, aliases?: string[]): RowContext {
  return { viaAwsService: true, extra: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com`, ...(aliases ? { 'kms:ResourceAliases': aliases } : {}) } };
}

const stage = (s: string): RowContext => ({ extra: { 'secretsmanager:VersionStage': s } });
const read = 'secretsmanager:GetSecretValue';
const put = 'secretsmanager:PutSecretValue';

/** What every import gives: AWSCURRENT reads of this secret only, writes without reads, nothing to others. */
function commonRows(keyAliases?: string[]): AccessRow[] {
  const row = (who: string, action: string, on: string, expect: AccessRow['expect'], context?: RowContext): AccessRow =>
    ({ claim: CLAIMS.imports, who, action, on, expect, context });
  return [
    row('reader', read, 'secret', 'Allowed'),
    row('reader', read, 'secret', 'Allowed', stage('AWSCURRENT')),
    row('reader', read, 'secret', 'ImplicitlyDenied', stage('AWSPENDING')),
    row('reader', 'secretsmanager:DescribeSecret', 'secret', 'Allowed'),
    row('reader', read, 'lookalike', 'ImplicitlyDenied'),
    row('reader', put, 'secret', 'ImplicitlyDenied'),
    row('writer', put, 'secret', 'Allowed'),
    row('writer', 'secretsmanager:UpdateSecretVersionStage', 'secret', 'Allowed'),
    row('writer', read, 'secret', 'ImplicitlyDenied'),
    row('writer', put, 'lookalike', 'ImplicitlyDenied'),
    row('stranger', read, 'secret', 'ImplicitlyDenied'),
    row('reader', 'kms:Decrypt', 'key', 'Allowed', viaSecretsManager(ENV.region, keyAliases)),
    row('reader', 'kms:Decrypt', 'key', 'ImplicitlyDenied', keyAliases ? { extra: { 'kms:ResourceAliases': keyAliases } } : undefined),
    row('reader', 'kms:Decrypt', 'key', 'ImplicitlyDenied', viaSecretsManager(REPLICA_REGION, keyAliases)),
    row('writer', 'kms:GenerateDataKey', 'key', 'Allowed', viaSecretsManager(ENV.region, keyAliases)),
    row('writer', 'kms:GenerateDataKey', 'key', 'ImplicitlyDenied', keyAliases ? { extra: { 'kms:ResourceAliases': keyAliases } } : undefined),
    row('stranger', 'kms:Decrypt', 'key', 'ImplicitlyDenied', viaSecretsManager(ENV.region, keyAliases)),
  ];
}

/**
 * Imports: aws-cdk-lib's imports grant no kms:Decrypt for an imported key (aws-cdk 10160), name a
 * partial ARN without the suffix (12411, 20490) and no replica (17382); these are evaluated.
 */
const importScenarios: Scenario[] = [
  {
    name: 'HardenedSecret.fromHardenedSecretAttributes: complete ARN, key and a replica',
    build: () => importedApp('complete ARN with key and replica'),
    rows: [
      ...commonRows(),
      { claim: CLAIMS.imports, who: 'reader', action: read, on: 'replica', expect: 'Allowed' },
      { claim: CLAIMS.imports, who: 'reader', action: read, on: 'replica', context: stage('AWSPENDING'), expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.imports, who: 'writer', action: put, on: 'replica', expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'replicaKey', context: viaSecretsManager(REPLICA_REGION), expect: 'Allowed' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'replicaKey', context: viaSecretsManager(ENV.region), expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.imports, who: 'writer', action: 'kms:Encrypt', on: 'replicaKey', context: viaSecretsManager(REPLICA_REGION), expect: 'Allowed' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'otherKey', context: viaSecretsManager(ENV.region), expect: 'ImplicitlyDenied' },
    ],
  },
  {
    name: 'HardenedSecret.fromSecretAttributes: partial ARN and key',
    build: () => importedApp('partial ARN'),
    rows: [
      ...commonRows(),
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'otherKey', context: viaSecretsManager(ENV.region), expect: 'ImplicitlyDenied' },
    ],
  },
  {
    name: 'HardenedSecret.fromSecretNameV2: a name, key not known',
    build: () => importedApp('name without key'),
    rows: [
      ...commonRows(),
      // Without the key, any key of the secret's account and region, through Secrets Manager only.
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'otherKey', context: viaSecretsManager(ENV.region), expect: 'Allowed' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'otherKey', expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'replicaKey', context: viaSecretsManager(REPLICA_REGION), expect: 'ImplicitlyDenied' },
    ],
  },
  {
    name: 'HardenedSecret.fromHardenedSecretAttributes: a name, the key and the replica key by an alias imported by name',
    build: () => importedApp('name with key alias'),
    rows: [
      // An alias ARN in an identity policy grants nothing on its key: the grant names the keys carrying the alias.
      ...commonRows([KEY_ALIAS]),
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'otherKey', context: viaSecretsManager(ENV.region), expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'otherKey', context: viaSecretsManager(ENV.region, ['alias/another']), expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'replicaKey', context: viaSecretsManager(REPLICA_REGION, [KEY_ALIAS]), expect: 'Allowed' },
      { claim: CLAIMS.imports, who: 'reader', action: 'kms:Decrypt', on: 'replicaKey', context: viaSecretsManager(ENV.region, [KEY_ALIAS]), expect: 'ImplicitlyDenied' },
    ],
  },
];

/** Every scenario of imported secrets. */
export const IMPORT_SCENARIOS: Scenario[] = importScenarios;
