import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedSecret, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../../../src';
import { importedVpc } from '../../helpers/vpc';
import { PolicyDocument } from '../engine';
import { ENV, OTHER_ACCOUNT, rows, RowContext, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { breakGlassRole } from './fixtures';
import { OUTSIDERS } from './principals';

/** Through the scenario's endpoint. */
const VIA: RowContext = { viaEndpoint: 'endpoint' };
/** The organisation of the second scenario's endpoint, and another one. */
const ORG = 'o-a1b2c3d4e5';
const OTHER_ORG = 'o-z9y8x7w6v5';
const READ = 'secretsmanager:GetSecretValue';

/** Administration, refused through the endpoint whoever asks (not in `WORKLOAD_ACTIONS`). */
const ADMINISTRATION = [
  'secretsmanager:DeleteSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:StopReplicationToReplica',
  'secretsmanager:UpdateSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:RotateSecret',
  'secretsmanager:TagResource',
];

/** A role of the app for a workload. */
function workload(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/**
 * `SecretsManagerEndpoint.of(vpc)` with its default policy, and a secret rotated by a
 * `RotationFunction` in that VPC whose reads `requireVpcEndpoint` limits to the endpoint.
 */
function requiredEndpointApp(): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  const breakGlass = breakGlassRole(stack);
  const vpc = importedVpc(stack);
  const endpoint = SecretsManagerEndpoint.of(vpc);
  const rotation = new RotationFunction(stack, 'Rotation', { vpc });
  const secret = new HardenedSecret(stack, 'Secret', {
    rotation: SecretRotationPolicy.custom(rotation),
    breakGlassRoles: [breakGlass],
    requireVpcEndpoint: [endpoint],
  });
  const other = new HardenedSecret(stack, 'Other', { rotation: SecretRotationPolicy.none('Unrelated secret of the same stack for the test') });
  const reader = workload(stack, 'Reader');
  const writer = workload(stack, 'Writer');
  secret.grantRead(reader);
  secret.grantWrite(writer);
  secret.grantRead(iam.Role.fromRoleArn(stack, 'Partner', `arn:aws:iam::${OTHER_ACCOUNT}:role/Consumer`));
  return {
    app,
    secrets: { secret, other },
    endpoints: { endpoint: endpoint.endpoint },
    principals: {
      ...OUTSIDERS,
      breakGlass: (m) => m.role(breakGlass),
      reader: (m) => m.role(reader),
      writer: (m) => m.role(writer),
      rotation: (m) => m.role(rotation.role, 'the RotationFunction role'),
    },
    resources: { anyResource: () => ({ arn: '*' }) },
  };
}

/**
 * requireVpcEndpoint with the endpoint's default policy: the value is read through the endpoint
 * only, but by AWS services for the caller, CloudFormation's deployment role and break glass;
 * the endpoint itself serves principals of the account only, for reads, writes and rotation,
 * never administration (break glass included).
 */
const requiredEndpointScenario: Scenario = {
  name: 'requireVpcEndpoint with SecretsManagerEndpoint.of(vpc)',
  build: requiredEndpointApp,
  rows: [
    // Readers: through the endpoint, in every form a client names the version.
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: READ, on: 'secret', context: VIA, expect: 'Allowed' },
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: READ, on: 'secret', context: { ...VIA, versionStage: 'AWSCURRENT' }, expect: 'Allowed' },
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: READ, on: 'secret', context: { ...VIA, versionId: 'version-the-caching-client-found' }, expect: 'Allowed' },
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: READ, on: 'secret', expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: READ, on: 'secret', context: { versionStage: 'AWSCURRENT' }, expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: READ, on: 'secret', context: { viaAwsService: true }, expect: 'Allowed' },
    { claim: CLAIMS.vpcEndpoint, who: 'reader', action: 'secretsmanager:DescribeSecret', on: 'secret', expect: 'Allowed' },
    { claim: CLAIMS.readPinned, who: 'reader', action: READ, on: 'secret', context: { ...VIA, versionStage: 'AWSPENDING' }, expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.tls, who: 'reader', action: READ, on: 'secret', context: { ...VIA, secureTransport: false }, expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.readScope, who: 'stranger', action: READ, on: 'secret', context: VIA, expect: 'ImplicitlyDenied' },
    // Whoever else asks from outside: denied, but break glass and the deployment role (dynamic references).
    ...rows(CLAIMS.vpcEndpoint, 'admin', 'secret', [READ], 'ExplicitlyDenied'),
    ...rows(CLAIMS.vpcEndpoint, 'root', 'secret', [READ], 'ExplicitlyDenied'),
    ...rows(CLAIMS.vpcEndpoint, 'partner', 'secret', [READ], 'ExplicitlyDenied'),
    ...rows(CLAIMS.vpcEndpoint, 'deployment', 'secret', [READ], 'Allowed'),
    ...rows(CLAIMS.vpcEndpoint, 'breakGlass', 'secret', [READ], 'Allowed'),
    ...rows(CLAIMS.adminRead, 'admin', 'secret', [READ], 'Allowed', VIA),
    // Rotation needs no exception: it calls through the endpoint of its VPC.
    { claim: CLAIMS.rotation, who: 'rotation', action: READ, on: 'secret', context: { ...VIA, versionStage: 'AWSPENDING' }, expect: 'Allowed' },
    { claim: CLAIMS.rotation, who: 'rotation', action: READ, on: 'secret', context: { ...VIA, versionStage: 'AWSCURRENT' }, expect: 'Allowed' },
    ...rows(CLAIMS.rotation, 'rotation', 'secret', ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:DescribeSecret'], 'Allowed', VIA),
    ...rows(CLAIMS.rotation, 'rotation', 'other', [READ, 'secretsmanager:PutSecretValue'], 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.rotation, 'rotation', 'anyResource', ['secretsmanager:GetRandomPassword'], 'Allowed', VIA),
    { claim: CLAIMS.vpcEndpoint, who: 'rotation', action: READ, on: 'secret', context: { versionStage: 'AWSPENDING' }, expect: 'ExplicitlyDenied' },
    // Writers write through the endpoint; requireVpcEndpoint limits reads only, so they also write from elsewhere.
    ...rows(CLAIMS.write, 'writer', 'secret', ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], 'Allowed', VIA),
    ...rows(CLAIMS.write, 'writer', 'secret', ['secretsmanager:PutSecretValue'], 'Allowed'),
    ...rows(CLAIMS.write, 'writer', 'secret', [READ], 'ImplicitlyDenied', VIA),
    // The endpoint policy: principals of the account only, and no administration through it.
    ...rows(CLAIMS.endpointPolicy, 'partner', 'secret', [READ, 'secretsmanager:DescribeSecret'], 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.endpointPolicy, 'breakGlass', 'secret', ADMINISTRATION, 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.endpointPolicy, 'admin', 'secret', ['secretsmanager:UpdateSecret', 'secretsmanager:RotateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'], 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.endpointPolicy, 'deployment', 'secret', ['secretsmanager:PutResourcePolicy'], 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.deletion, 'breakGlass', 'secret', ['secretsmanager:DeleteSecret'], 'Allowed'),
    ...rows(CLAIMS.policyChange, 'deployment', 'secret', ['secretsmanager:PutResourcePolicy'], 'Allowed'),
  ],
};

/** An endpoint for the principals of an organisation, on one named secret; nothing requires it. */
function organisationEndpointApp(): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: ENV });
  const named = new HardenedSecret(stack, 'Named', { rotation: SecretRotationPolicy.none('Only the endpoint matters in this test') });
  const other = new HardenedSecret(stack, 'Other', { rotation: SecretRotationPolicy.none('Only the endpoint matters in this test') });
  const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', { vpc: importedVpc(stack), principalOrgId: ORG, secrets: [named] });
  const reader = workload(stack, 'Reader');
  const writer = workload(stack, 'Writer');
  for (const secret of [named, other]) {
    secret.grantRead(reader);
    secret.grantWrite(writer);
  }
  named.grantRead(iam.Role.fromRoleArn(stack, 'Partner', `arn:aws:iam::${OTHER_ACCOUNT}:role/Consumer`));
  return {
    app,
    secrets: { named, other },
    endpoints: { endpoint: endpoint.endpoint },
    principals: {
      ...OUTSIDERS,
      reader: (m) => m.role(reader),
      writer: (m) => m.role(writer),
      generator: (m) => m.external(`arn:aws:iam::${OTHER_ACCOUNT}:role/Generator`, [GENERATE_PASSWORDS], 'a role of another account of the organisation that generates passwords'),
    },
    resources: { anyResource: () => ({ arn: '*' }) },
  };
}

/** What a principal that only generates passwords holds. */
const GENERATE_PASSWORDS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' }],
};

const IN_ORG: RowContext = { ...VIA, principalOrgId: ORG };

/**
 * principalOrgId and secrets: principals of the organisation (of any of its accounts) pass, on
 * the named secrets only; the endpoint limits only what goes through it.
 */
const organisationEndpointScenario: Scenario = {
  name: 'SecretsManagerEndpoint with principalOrgId and named secrets',
  build: organisationEndpointApp,
  rows: [
    ...rows(CLAIMS.endpointPolicy, 'reader', 'named', [READ, 'secretsmanager:DescribeSecret'], 'Allowed', IN_ORG),
    ...rows(CLAIMS.endpointPolicy, 'writer', 'named', ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], 'Allowed', IN_ORG),
    ...rows(CLAIMS.endpointPolicy, 'partner', 'named', [READ], 'Allowed', IN_ORG),
    ...rows(CLAIMS.endpointPolicy, 'partner', 'named', [READ], 'ImplicitlyDenied', { ...VIA, principalOrgId: OTHER_ORG }),
    ...rows(CLAIMS.endpointPolicy, 'partner', 'named', [READ], 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.endpointPolicy, 'reader', 'named', [READ], 'ImplicitlyDenied', VIA),
    ...rows(CLAIMS.endpointPolicy, 'reader', 'other', [READ, 'secretsmanager:DescribeSecret'], 'ImplicitlyDenied', IN_ORG),
    ...rows(CLAIMS.endpointPolicy, 'writer', 'other', ['secretsmanager:PutSecretValue'], 'ImplicitlyDenied', IN_ORG),
    // (the resource policy already denies deletion and policy changes to an administrator: these are the endpoint's own refusals)
    ...rows(CLAIMS.endpointPolicy, 'admin', 'named', ['secretsmanager:UpdateSecret', 'secretsmanager:RotateSecret', 'secretsmanager:TagResource'], 'ImplicitlyDenied', IN_ORG),
    // Actions that name no secret stay allowed on any resource, to the organisation only.
    ...rows(CLAIMS.endpointPolicy, 'generator', 'anyResource', ['secretsmanager:GetRandomPassword'], 'Allowed', IN_ORG),
    ...rows(CLAIMS.endpointPolicy, 'generator', 'anyResource', ['secretsmanager:GetRandomPassword'], 'ImplicitlyDenied', VIA),
    // Outside the endpoint its policy does not apply.
    ...rows(CLAIMS.readScope, 'reader', 'other', [READ], 'Allowed'),
  ],
};

/** Every scenario of `SecretsManagerEndpoint` and `requireVpcEndpoint`. */
export const ENDPOINT_SCENARIOS: Scenario[] = [requiredEndpointScenario, organisationEndpointScenario];
