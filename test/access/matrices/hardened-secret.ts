import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, RotationFunction, SecretKey, SecretRotationPolicy } from '../../../src';
import { importedVpc } from '../../helpers/vpc';
import { AccessModel, PolicyDocument, RequestPrincipal } from '../engine';
import { AccessRow, ENV, OTHER_ACCOUNT, rows, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { breakGlassRole, keyResource } from './fixtures';
import { OUTSIDERS } from './principals';

const DESTRUCTIVE = ['secretsmanager:DeleteSecret', 'secretsmanager:RemoveRegionsFromReplication'];
const POLICY = ['secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy'];
const ANOTHER_KEY = { 'secretsmanager:KmsKeyArn': `arn:aws:kms:${ENV.region}:${ENV.account}:key/attacker-controlled` };

/** Who may destroy the secret or change its policy, for any rotation kind (a retained secret). */
function protectionRows(): AccessRow[] {
  return [
    ...rows(CLAIMS.deletion, 'breakGlass', 'secret', DESTRUCTIVE, 'Allowed'),
    ...rows(CLAIMS.deletion, 'deployment', 'secret', DESTRUCTIVE, 'ExplicitlyDenied'),
    ...rows(CLAIMS.deletion, 'admin', 'secret', DESTRUCTIVE, 'ExplicitlyDenied'),
    ...rows(CLAIMS.deletion, 'root', 'secret', DESTRUCTIVE, 'ExplicitlyDenied'),
    ...rows(CLAIMS.policyChange, 'breakGlass', 'secret', POLICY, 'Allowed'),
    ...rows(CLAIMS.policyChange, 'deployment', 'secret', POLICY, 'Allowed'),
    ...rows(CLAIMS.policyChange, 'admin', 'secret', POLICY, 'ExplicitlyDenied'),
    ...rows(CLAIMS.policyChange, 'root', 'secret', POLICY, 'ExplicitlyDenied'),
  ];
}

/** A stack with a secret, a break-glass role and an unrelated second secret. */
interface BaseApp {
  readonly app: App;
  readonly stack: Stack;
  readonly secret: HardenedSecret;
  readonly other: HardenedSecret;
  readonly breakGlass: iam.Role;
}

function baseApp(rotation: (stack: Stack) => SecretRotationPolicy): BaseApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  const breakGlass = breakGlassRole(stack);
  const secret = new HardenedSecret(stack, 'Secret', { rotation: rotation(stack), breakGlassRoles: [breakGlass] });
  const other = new HardenedSecret(stack, 'Other', { rotation: SecretRotationPolicy.none('Unrelated secret of the same stack for the test') });
  return { app, stack, secret, other, breakGlass };
}

/**
 * The execution role the `AWS::SecretsManager` transform gives a hosted rotation function, as
 * AWS's rotation function templates write it: the secret's actions on the secret, and the
 * secret's key by ARN (no `kms:ViaService`), delegated by the key policy to the account.
 * The role exists only once deployed, so the model writes its policy from the documentation.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
 */
function hostedRotationRolePolicy(secretArn: string, keyArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        Resource: secretArn,
      },
      { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'], Resource: keyArn },
    ],
  };
}

/** What every rotation role must be able to do, and not do. */
function rotationRows(): AccessRow[] {
  return [
    { claim: CLAIMS.rotation, who: 'rotation', action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'Allowed' },
    { claim: CLAIMS.rotation, who: 'rotation', action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSCURRENT' }, expect: 'Allowed' },
    { claim: CLAIMS.rotation, who: 'rotation', action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionId: 'token-of-the-rotation' }, expect: 'Allowed' },
    ...rows(CLAIMS.rotation, 'rotation', 'secret', ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:DescribeSecret'], 'Allowed'),
    ...rows(CLAIMS.rotation, 'rotation', 'other', ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.deletion, 'rotation', 'secret', ['secretsmanager:DeleteSecret'], 'ExplicitlyDenied'),
  ];
}

/** What a rotation kind adds to the base app: its policy, and its role once synthesised. */
interface RotationUnderTest {
  readonly policy: SecretRotationPolicy;
  readonly role: (model: AccessModel, secret: HardenedSecret) => RequestPrincipal;
}

/** A scenario proving the protections and the rotation role's reach for one rotation kind. */
function rotationScenario(name: string, rotation: (stack: Stack) => RotationUnderTest): Scenario {
  return {
    name,
    build: () => {
      let underTest: RotationUnderTest | undefined;
      const { app, secret, other, breakGlass } = baseApp((stack) => {
        underTest = rotation(stack);
        return underTest.policy;
      });
      return {
        app,
        secrets: { secret, other },
        principals: { ...OUTSIDERS, breakGlass: (m) => m.role(breakGlass), rotation: (m) => underTest!.role(m, secret) },
      };
    },
    rows: [...protectionRows(), ...rotationRows()],
  };
}

const hostedScenario = rotationScenario('hosted rotation', () => ({
  policy: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
  role: (m, secret) => m.external(
    `arn:aws:iam::${ENV.account}:role/SecretsManagerRDSPostgreSQLRotationSingleUserRole`,
    [hostedRotationRolePolicy(m.resource(secret).arn, m.resource(secret.secretKey).arn)],
    'the hosted rotation role',
  ),
}));

const lambdaScenario = rotationScenario('Lambda rotation', (stack) => {
  const fn = new lambda.Function(stack, 'Rotator', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return { policy: SecretRotationPolicy.lambda(fn), role: (m) => m.role(fn.role!, "the rotation function's role") };
});

const customScenario = rotationScenario('custom rotation (RotationFunction)', (stack) => {
  const fn = new RotationFunction(stack, 'Rotator', { vpc: importedVpc(stack) });
  return { policy: SecretRotationPolicy.custom(fn), role: (m) => m.role(fn.role, 'the RotationFunction role') };
});

/** A secret that does not rotate, with every kind of grant. */
const grantsScenario: Scenario = {
  name: 'no rotation, readers and writers',
  build: (): ScenarioApp => {
    const { app, stack, secret, other, breakGlass } = baseApp(() => SecretRotationPolicy.none('A token the vendor cannot rotate, for the test'));
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const readerCurrent = new iam.Role(stack, 'ReaderCurrent', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    secret.grantRead(reader);
    secret.grantRead(readerCurrent, ['AWSCURRENT']);
    secret.grantWrite(writer);
    secret.grantRead(iam.Role.fromRoleArn(stack, 'Partner', `arn:aws:iam::${OTHER_ACCOUNT}:role/Consumer`));
    return {
      app,
      secrets: { secret, other },
      principals: {
        ...OUTSIDERS,
        breakGlass: (m) => m.role(breakGlass),
        reader: (m) => m.role(reader),
        readerCurrent: (m) => m.role(readerCurrent, "grantRead(r, ['AWSCURRENT'])"),
        writer: (m) => m.role(writer),
      },
      resources: {
        key: (m) => keyResource(m, secret.secretKey),
      },
    };
  },
  rows: [
    ...protectionRows(),
    // Readers: every way a client names the version.
    ...['reader', 'readerCurrent'].flatMap((who): AccessRow[] => [
      { claim: CLAIMS.readPinned, who, action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'Allowed' },
      { claim: CLAIMS.readPinned, who, action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSCURRENT' }, expect: 'Allowed' },
      { claim: CLAIMS.readPinned, who, action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionId: 'version-the-caching-client-found' }, expect: 'Allowed' },
      { claim: CLAIMS.readPinned, who, action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.readPinned, who, action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSPREVIOUS' }, expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.readPinned, who, action: 'secretsmanager:DescribeSecret', on: 'secret', expect: 'Allowed' },
      { claim: CLAIMS.tls, who, action: 'secretsmanager:GetSecretValue', on: 'secret', context: { secureTransport: false }, expect: 'ExplicitlyDenied' },
      { claim: CLAIMS.readScope, who, action: 'secretsmanager:GetSecretValue', on: 'other', expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.readScope, who, action: 'secretsmanager:PutSecretValue', on: 'secret', expect: 'ImplicitlyDenied' },
      { claim: CLAIMS.keySwap, who, action: 'secretsmanager:UpdateSecret', on: 'secret', context: { extra: ANOTHER_KEY }, expect: 'ExplicitlyDenied' },
      { claim: CLAIMS.keyUse, who, action: 'kms:Decrypt', on: 'key', expect: 'ImplicitlyDenied' },
    ]),
    { claim: CLAIMS.readScope, who: 'stranger', action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.adminRead, who: 'admin', action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'Allowed' },
    // Writers.
    ...rows(CLAIMS.write, 'writer', 'secret', ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:DescribeSecret'], 'Allowed'),
    ...rows(CLAIMS.write, 'writer', 'secret', ['secretsmanager:GetSecretValue', 'secretsmanager:UpdateSecret'], 'ImplicitlyDenied'),
    { claim: CLAIMS.write, who: 'writer', action: 'secretsmanager:PutSecretValue', on: 'other', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.tls, who: 'writer', action: 'secretsmanager:PutSecretValue', on: 'secret', context: { secureTransport: false }, expect: 'ExplicitlyDenied' },
    // The key swap: denied but to break glass and deployment; other updates go through.
    ...rows(CLAIMS.keySwap, 'admin', 'secret', ['secretsmanager:UpdateSecret'], 'ExplicitlyDenied', { extra: ANOTHER_KEY }),
    ...rows(CLAIMS.keySwap, 'root', 'secret', ['secretsmanager:UpdateSecret'], 'ExplicitlyDenied', { extra: ANOTHER_KEY }),
    ...rows(CLAIMS.keySwap, 'breakGlass', 'secret', ['secretsmanager:UpdateSecret'], 'Allowed', { extra: ANOTHER_KEY }),
    ...rows(CLAIMS.keySwap, 'deployment', 'secret', ['secretsmanager:UpdateSecret'], 'Allowed', { extra: ANOTHER_KEY }),
    ...rows(CLAIMS.keySwap, 'admin', 'secret', ['secretsmanager:UpdateSecret'], 'Allowed', { extra: { 'secretsmanager:Description': 'a new description' } }),
    // TLS, whoever asks.
    ...['admin', 'root', 'breakGlass', 'deployment'].map((who): AccessRow => ({
      claim: CLAIMS.tls, who, action: 'secretsmanager:GetSecretValue', on: 'secret', context: { secureTransport: false }, expect: 'ExplicitlyDenied',
    })),
    // Another account: both sides must allow.
    { claim: CLAIMS.crossAccount, who: 'partner', action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'Allowed' },
    { claim: CLAIMS.crossAccount, who: 'partner', action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.crossAccount, who: 'partnerWithoutPolicy', action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.crossAccount, who: 'partnerColleague', action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.crossAccount, who: 'partner', action: 'secretsmanager:GetSecretValue', on: 'other', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.crossAccount, who: 'partner', action: 'secretsmanager:DeleteSecret', on: 'secret', expect: 'ExplicitlyDenied' },
    // The key: usable only through Secrets Manager; administration delegated to the account.
    ...rows(CLAIMS.keyUse, 'admin', 'key', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.keyUse, 'writer', 'key', ['kms:GenerateDataKey'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.keyAdminDelegated, 'admin', 'key', ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'], 'Allowed'),
    ...rows(CLAIMS.keyAdminDelegated, 'reader', 'key', ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'], 'ImplicitlyDenied'),
  ],
};

/** A key with named administrators. */
const namedAdminsScenario: Scenario = {
  name: 'SecretKey with named admins',
  build: () => {
    const { app, stack } = baseApp(() => SecretRotationPolicy.none('Only the key matters in this test'));
    const keyAdmin = new iam.Role(stack, 'KeyAdmin', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    const secret = new HardenedSecret(stack, 'WithAdmins', {
      rotation: SecretRotationPolicy.none('Only the key matters in this test'),
      encryptionKey: new SecretKey(stack, 'AdminKey', { admins: [keyAdmin] }),
    });
    return {
      app,
      secrets: { secret },
      principals: {
        ...OUTSIDERS,
        keyAdmin: (m) => m.role(keyAdmin, 'a named key admin'),
        config: (m) => m.external(
          `arn:aws:iam::${ENV.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
          [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyRotationStatus'], Resource: '*' }] }],
          'AWS Config\'s service-linked role',
        ),
      },
      resources: {
        key: (m) => keyResource(m, secret.secretKey),
      },
    };
  },
  rows: [
    ...rows(CLAIMS.keyAdmin, 'admin', 'key', ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.keyAdmin, 'root', 'key', ['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.keyAdmin, 'keyAdmin', 'key', ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation'], 'Allowed'),
    ...rows(CLAIMS.keyAdmin, 'deployment', 'key', ['kms:PutKeyPolicy'], 'Allowed'),
    ...rows(CLAIMS.keyAdmin, 'config', 'key', ['kms:GetKeyRotationStatus', 'kms:DescribeKey'], 'Allowed'),
    ...rows(CLAIMS.keyUse, 'keyAdmin', 'key', ['kms:Decrypt'], 'ImplicitlyDenied'),
  ],
};

/** Every scenario of `HardenedSecret` and `SecretKey`. */
export const HARDENED_SECRET_SCENARIOS: Scenario[] = [grantsScenario, hostedScenario, lambdaScenario, customScenario, namedAdminsScenario];
