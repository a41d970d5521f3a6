import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedSecret, RotationFunction, SecretAccessMode, SecretRotationPolicy } from '../../../src';
import { importedVpc } from '../../helpers/vpc';
import { ADMINISTRATOR_ACCESS } from '../engine';
import { AccessRow, ENV, RowContext, rows, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { breakGlassRole, keyResource } from './fixtures';
import { OUTSIDERS } from './principals';

const READ = 'secretsmanager:GetSecretValue';
const DESTRUCTIVE = ['secretsmanager:DeleteSecret', 'secretsmanager:RemoveRegionsFromReplication'];

/** A KMS call Secrets Manager makes for the caller. */
const viaSecretsManager: RowContext = { viaAwsService: true, extra: { 'kms:ViaService': `secretsmanager.${ENV.region}.amazonaws.com` } };

/**
 * A restrictive secret with custom rotation, a reader granted at construction, a reader granted
 * after the policy was written, a writer, an additional role that reads with its own IAM policy,
 * a role that reads with its own IAM policy but is not listed, and an administrator role of the app.
 */
function restrictiveApp(): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  const breakGlass = breakGlassRole(stack);
  const rotator = new RotationFunction(stack, 'Rotator', { vpc: importedVpc(stack) });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const auditor = new iam.Role(stack, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
  const secret = new HardenedSecret(stack, 'Secret', {
    rotation: SecretRotationPolicy.custom(rotator),
    breakGlassRoles: [breakGlass],
    readers: [reader],
    accessMode: SecretAccessMode.restrictive({ additionalPrincipals: [auditor] }),
  });
  const lateReader = new iam.Role(stack, 'LateReader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  secret.grantRead(lateReader);
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  secret.grantWrite(writer);
  // Roles that read by their own IAM policies: the auditor is listed, the bystander is not.
  const anySecret = new iam.PolicyStatement({ actions: [READ, 'secretsmanager:DescribeSecret'], resources: ['*'] });
  const anyKey = new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'] });
  auditor.addToPolicy(anySecret);
  auditor.addToPolicy(anyKey);
  const bystander = new iam.Role(stack, 'Bystander', { assumedBy: new iam.AccountRootPrincipal() });
  bystander.addToPolicy(anySecret);
  bystander.addToPolicy(anyKey);
  const other = new HardenedSecret(stack, 'Other', { rotation: SecretRotationPolicy.none('Unrelated secret of the same stack for the test') });
  return {
    app,
    secrets: { secret, other },
    principals: {
      ...OUTSIDERS,
      admin: (m) => m.external(`arn:aws:iam::${ENV.account}:role/Administrator`, [ADMINISTRATOR_ACCESS], 'an administrator (AdministratorAccess)'),
      breakGlass: (m) => m.role(breakGlass),
      rotation: (m) => m.role(rotator.role, 'the RotationFunction role'),
      reader: (m) => m.role(reader),
      lateReader: (m) => m.role(lateReader, 'a reader granted after the policy was written'),
      writer: (m) => m.role(writer),
      auditor: (m) => m.role(auditor, 'an additional principal reading with its own IAM policy'),
      bystander: (m) => m.role(bystander, 'an unlisted role reading with its own IAM policy'),
    },
    resources: { key: (m) => keyResource(m, secret.secretKey) },
  };
}

const known = ['reader', 'lateReader', 'auditor'];
const unknown = ['admin', 'root', 'stranger', 'bystander'];

const restrictiveRows: AccessRow[] = [
  ...known.map((who): AccessRow => ({ claim: CLAIMS.restrictive, who, action: READ, on: 'secret', expect: 'Allowed' })),
  ...unknown.map((who): AccessRow => ({ claim: CLAIMS.restrictive, who, action: READ, on: 'secret', expect: 'ExplicitlyDenied' })),
  ...unknown.map((who): AccessRow => ({ claim: CLAIMS.restrictive, who, action: 'secretsmanager:DescribeSecret', on: 'secret', expect: 'ExplicitlyDenied' })),
  { claim: CLAIMS.restrictive, who: 'admin', action: 'secretsmanager:PutSecretValue', on: 'secret', expect: 'ExplicitlyDenied' },
  { claim: CLAIMS.restrictive, who: 'admin', action: 'secretsmanager:UpdateSecret', on: 'secret', expect: 'ExplicitlyDenied' },
  // The listed principals keep exactly what they were granted.
  { claim: CLAIMS.readPinned, who: 'lateReader', action: READ, on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'ImplicitlyDenied' },
  { claim: CLAIMS.write, who: 'writer', action: 'secretsmanager:PutSecretValue', on: 'secret', expect: 'Allowed' },
  { claim: CLAIMS.write, who: 'writer', action: READ, on: 'secret', expect: 'ImplicitlyDenied' },
  { claim: CLAIMS.rotation, who: 'rotation', action: READ, on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'Allowed' },
  ...rows(CLAIMS.rotation, 'rotation', 'secret', ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], 'Allowed'),
  // Protections still hold, and their exceptions still work.
  ...rows(CLAIMS.deletion, 'breakGlass', 'secret', DESTRUCTIVE, 'Allowed'),
  ...rows(CLAIMS.deletion, 'admin', 'secret', DESTRUCTIVE, 'ExplicitlyDenied'),
  ...rows(CLAIMS.policyChange, 'deployment', 'secret', ['secretsmanager:PutResourcePolicy'], 'Allowed'),
  ...rows(CLAIMS.policyChange, 'admin', 'secret', ['secretsmanager:PutResourcePolicy'], 'ExplicitlyDenied'),
  // The key: readers decrypt through Secrets Manager; the unlisted do not, even with IAM permissions.
  { claim: CLAIMS.restrictive, who: 'reader', action: 'kms:Decrypt', on: 'key', context: viaSecretsManager, expect: 'Allowed' },
  { claim: CLAIMS.restrictive, who: 'lateReader', action: 'kms:Decrypt', on: 'key', context: viaSecretsManager, expect: 'Allowed' },
  { claim: CLAIMS.restrictive, who: 'auditor', action: 'kms:Decrypt', on: 'key', context: viaSecretsManager, expect: 'Allowed' },
  { claim: CLAIMS.restrictive, who: 'admin', action: 'kms:Decrypt', on: 'key', context: viaSecretsManager, expect: 'ExplicitlyDenied' },
  { claim: CLAIMS.restrictive, who: 'bystander', action: 'kms:Decrypt', on: 'key', context: viaSecretsManager, expect: 'ExplicitlyDenied' },
  { claim: CLAIMS.restrictive, who: 'root', action: 'kms:Decrypt', on: 'key', context: viaSecretsManager, expect: 'ExplicitlyDenied' },
  // Another secret of the app is not restrictive: the restriction is the secret's own.
  { claim: CLAIMS.adminRead, who: 'admin', action: READ, on: 'other', expect: 'Allowed' },
  { claim: CLAIMS.readScope, who: 'reader', action: READ, on: 'other', expect: 'ImplicitlyDenied' },
];

const REPLICA_REGION = 'us-east-1';

/**
 * A restrictive secret replicated to another region. Secrets Manager replicates the resource
 * policy with the secret, so the replica denies the same principals. Its key lives in a stack of
 * that region, where the primary stack's role ARNs cannot be referenced. It keeps the
 * through-Secrets-Manager-only policy, and Secrets Manager never calls it for a denied request.
 */
function replicatedApp(): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Replicated', { env: ENV });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const bystander = new iam.Role(stack, 'Bystander', { assumedBy: new iam.AccountRootPrincipal() });
  bystander.addToPolicy(new iam.PolicyStatement({ actions: [READ], resources: ['*'] }));
  bystander.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'] }));
  const secret = new HardenedSecret(stack, 'Secret', {
    rotation: SecretRotationPolicy.none('Replicated fixture without rotation'),
    readers: [reader],
    replicaRegions: [{ region: REPLICA_REGION }],
    accessMode: SecretAccessMode.RESTRICTIVE,
  });
  return {
    app,
    secrets: { secret },
    principals: {
      ...OUTSIDERS,
      reader: (m) => m.role(reader),
      bystander: (m) => m.role(bystander, 'an unlisted role reading with its own IAM policy'),
    },
  };
}

const inReplica: RowContext = { region: REPLICA_REGION };
const replicaRows: AccessRow[] = [
  { claim: CLAIMS.restrictive, who: 'reader', action: READ, on: 'secret', context: inReplica, expect: 'Allowed' },
  ...['admin', 'root', 'stranger', 'bystander'].map((who): AccessRow => ({ claim: CLAIMS.restrictive, who, action: READ, on: 'secret', context: inReplica, expect: 'ExplicitlyDenied' })),
];

/** Every scenario of the restrictive access mode. */
export const RESTRICTIVE_SCENARIOS: Scenario[] = [
  { name: 'RESTRICTIVE: custom rotation, readers before and after, a writer, an additional role', build: restrictiveApp, rows: restrictiveRows },
  { name: 'RESTRICTIVE with a replica: the replica denies the same principals', build: replicatedApp, rows: replicaRows },
];
