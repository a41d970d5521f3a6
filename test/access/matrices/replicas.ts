import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { AccessModel, PolicyDocument } from '../engine';
import { AccessRow, ENV, rows, RowContext, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { breakGlassRole } from './fixtures';
import { OUTSIDERS } from './principals';

/** The replica regions of the secret; the primary is in `ENV.region`. */
const REPLICA_REGIONS = ['eu-central-1', 'us-east-1'];

/** The key name of a region's key in the scenario's `resources`. */
function keyName(region: string): string {
  return `key:${region}`;
}

/** A KMS call Secrets Manager of `region` makes for the caller (a forward access session). */
function viaSecretsManager(region: string): RowContext {
  return { viaAwsService: true, extra: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } };
}

/** The one key of the app in `region` (the primary's key, or the replica key the library made there). */
function keyIn(model: AccessModel, region: string): { arn: string; policy: PolicyDocument } {
  const keys = model.resourcesOfType('AWS::KMS::Key').filter((k) => k.region === region);
  if (keys.length !== 1) {
    throw new Error(`expected one key in ${region}, found ${keys.length}`);
  }
  return { arn: keys[0].arn, policy: keys[0].properties.KeyPolicy as PolicyDocument };
}

/** `HardenedSecret` in eu-west-1 replicated to eu-central-1 and us-east-1, with a reader, a writer and break glass. */
function replicatedApp(): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  const breakGlass = breakGlassRole(stack);
  const secret = new HardenedSecret(stack, 'Secret', {
    rotation: SecretRotationPolicy.none('A vendor token replicated to three regions, for the test'),
    breakGlassRoles: [breakGlass],
    replicaRegions: REPLICA_REGIONS.map((region) => ({ region })),
  });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  secret.grantRead(reader);
  secret.grantWrite(writer);
  return {
    app,
    secrets: { secret },
    principals: {
      ...OUTSIDERS,
      breakGlass: (m) => m.role(breakGlass),
      reader: (m) => m.role(reader),
      writer: (m) => m.role(writer),
    },
    resources: Object.fromEntries([ENV.region, ...REPLICA_REGIONS].map((region) => [keyName(region), (m: AccessModel) => keyIn(m, region)])),
  };
}

/** What readers, writers and everyone else may do on the replica in `region`, and with its key. */
function replicaRows(region: string): AccessRow[] {
  const secret = (context: RowContext = {}): RowContext => ({ region, ...context });
  const read = 'secretsmanager:GetSecretValue';
  const key = keyName(region);
  const otherRegion = REPLICA_REGIONS.find((r) => r !== region)!;
  return [
    // Readers: the replica, with that region's key, AWSCURRENT only.
    { claim: CLAIMS.replicas, who: 'reader', action: read, on: 'secret', context: secret(), expect: 'Allowed' },
    { claim: CLAIMS.replicas, who: 'reader', action: 'secretsmanager:DescribeSecret', on: 'secret', context: secret(), expect: 'Allowed' },
    { claim: CLAIMS.readPinned, who: 'reader', action: read, on: 'secret', context: secret({ versionStage: 'AWSCURRENT' }), expect: 'Allowed' },
    { claim: CLAIMS.readPinned, who: 'reader', action: read, on: 'secret', context: secret({ versionId: 'version-the-caching-client-found' }), expect: 'Allowed' },
    { claim: CLAIMS.readPinned, who: 'reader', action: read, on: 'secret', context: secret({ versionStage: 'AWSPENDING' }), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.readPinned, who: 'reader', action: read, on: 'secret', context: secret({ versionStage: 'AWSPREVIOUS' }), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.tls, who: 'reader', action: read, on: 'secret', context: secret({ secureTransport: false }), expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.tls, who: 'admin', action: read, on: 'secret', context: secret({ secureTransport: false }), expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.readScope, who: 'stranger', action: read, on: 'secret', context: secret(), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.adminRead, who: 'admin', action: read, on: 'secret', context: secret(), expect: 'Allowed' },
    // Replicas are read-only: the writer's grant names the primary only (Secrets Manager refuses writes to a replica anyway).
    { claim: CLAIMS.replicas, who: 'writer', action: 'secretsmanager:PutSecretValue', on: 'secret', context: secret(), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.replicas, who: 'reader', action: 'secretsmanager:PutSecretValue', on: 'secret', context: secret(), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.write, who: 'writer', action: read, on: 'secret', context: secret(), expect: 'ImplicitlyDenied' },
    // The resource policy replicates: the same denies on the replica.
    ...['admin', 'root', 'deployment'].map((who): AccessRow => ({ claim: CLAIMS.deletion, who, action: 'secretsmanager:DeleteSecret', on: 'secret', context: secret(), expect: 'ExplicitlyDenied' })),
    { claim: CLAIMS.deletion, who: 'breakGlass', action: 'secretsmanager:DeleteSecret', on: 'secret', context: secret(), expect: 'Allowed' },
    { claim: CLAIMS.deletion, who: 'admin', action: 'secretsmanager:StopReplicationToReplica', on: 'secret', context: secret(), expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.deletion, who: 'breakGlass', action: 'secretsmanager:StopReplicationToReplica', on: 'secret', context: secret(), expect: 'Allowed' },
    { claim: CLAIMS.policyChange, who: 'admin', action: 'secretsmanager:PutResourcePolicy', on: 'secret', context: secret(), expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.policyChange, who: 'deployment', action: 'secretsmanager:PutResourcePolicy', on: 'secret', context: secret(), expect: 'Allowed' },
    // The key of the region: through Secrets Manager of that region only.
    { claim: CLAIMS.replicas, who: 'reader', action: 'kms:Decrypt', on: key, context: viaSecretsManager(region), expect: 'Allowed' },
    { claim: CLAIMS.replicas, who: 'reader', action: 'kms:Decrypt', on: key, context: viaSecretsManager(otherRegion), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.replicas, who: 'reader', action: 'kms:Decrypt', on: key, context: viaSecretsManager(ENV.region), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.keyUse, who: 'reader', action: 'kms:Decrypt', on: key, expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.keyUse, who: 'admin', action: 'kms:Decrypt', on: key, expect: 'ImplicitlyDenied' },
    // New versions of the primary replicate with the writer's identity: any principal of the account may encrypt, only readers decrypt.
    ...rows(CLAIMS.replicas, 'writer', key, ['kms:GenerateDataKey', 'kms:Encrypt'], 'Allowed', viaSecretsManager(region)),
    ...rows(CLAIMS.replicas, 'stranger', key, ['kms:GenerateDataKey', 'kms:Encrypt'], 'Allowed', viaSecretsManager(region)),
    { claim: CLAIMS.replicas, who: 'stranger', action: 'kms:Decrypt', on: key, context: viaSecretsManager(region), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.replicas, who: 'stranger', action: 'kms:Encrypt', on: key, context: viaSecretsManager(otherRegion), expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.replicas, who: 'partner', action: 'kms:Encrypt', on: key, context: viaSecretsManager(region), expect: 'ImplicitlyDenied' },
  ];
}

/**
 * Replicas: readers read each replica (AWSCURRENT only) with the key of its region, which no
 * other region's Secrets Manager and no direct call can use; the resource policy's denies hold on
 * every replica; writers write the primary only, and its versions replicate with the replica keys.
 */
const replicaScenario: Scenario = {
  name: 'HardenedSecret replicated to eu-central-1 and us-east-1',
  build: replicatedApp,
  rows: [
    { claim: CLAIMS.replicas, who: 'reader', action: 'secretsmanager:GetSecretValue', on: 'secret', expect: 'Allowed' },
    { claim: CLAIMS.readPinned, who: 'reader', action: 'secretsmanager:GetSecretValue', on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.write, who: 'writer', action: 'secretsmanager:PutSecretValue', on: 'secret', expect: 'Allowed' },
    { claim: CLAIMS.replicas, who: 'reader', action: 'kms:Decrypt', on: keyName(ENV.region), context: viaSecretsManager(ENV.region), expect: 'Allowed' },
    { claim: CLAIMS.replicas, who: 'reader', action: 'kms:Decrypt', on: keyName(ENV.region), context: viaSecretsManager(REPLICA_REGIONS[0]), expect: 'ImplicitlyDenied' },
    ...rows(CLAIMS.deletion, 'admin', 'secret', ['secretsmanager:RemoveRegionsFromReplication'], 'ExplicitlyDenied'),
    ...rows(CLAIMS.deletion, 'root', 'secret', ['secretsmanager:RemoveRegionsFromReplication'], 'ExplicitlyDenied'),
    ...rows(CLAIMS.deletion, 'breakGlass', 'secret', ['secretsmanager:RemoveRegionsFromReplication'], 'Allowed'),
    // A replica in a region and under a key of the caller's choosing is a copy: only through a deployment or break glass.
    ...rows(CLAIMS.policyChange, 'admin', 'secret', ['secretsmanager:ReplicateSecretToRegions'], 'ExplicitlyDenied'),
    ...rows(CLAIMS.policyChange, 'root', 'secret', ['secretsmanager:ReplicateSecretToRegions'], 'ExplicitlyDenied'),
    ...rows(CLAIMS.policyChange, 'deployment', 'secret', ['secretsmanager:ReplicateSecretToRegions'], 'Allowed'),
    ...rows(CLAIMS.policyChange, 'breakGlass', 'secret', ['secretsmanager:ReplicateSecretToRegions'], 'Allowed'),
    ...REPLICA_REGIONS.flatMap(replicaRows),
  ],
};

/** Every scenario of replicated `HardenedSecret`s. */
export const REPLICA_SCENARIOS: Scenario[] = [replicaScenario];
