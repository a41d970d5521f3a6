import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataClassification, HardenedSecret, SecretRotationPolicy } from '../../src';
import { REPLICA_KEY_WILDCARD_REASON } from '../../src/secret/replication';
import { ManagedPolicyRole } from '../shared/managed-policy-role';

/** The id (and CloudFormation name) of the stack that holds the primary secret. */
export const PRIMARY_STACK_NAME = 'PaymentsSecrets';

/** Why the example's secret has no rotation schedule. */
export const ROTATION_JUSTIFICATION = 'the card processor issues the API key; it is replaced by hand every 90 days (SEC-77)';

/**
 * A secret in eu-west-1, replicated to eu-central-1 and us-east-1, and a role that reads it in
 * all three regions.
 *
 * `replicaRegions` creates one customer-managed key per replica region, each in a stack of its
 * own (`PaymentsSecretsReplicaKeysEuCentral1`, `PaymentsSecretsReplicaKeysUsEast1`) that the
 * primary stack depends on: `cdk deploy --all` deploys the keys first.
 */
export function buildReplicatedSecretApp(app: App = new App()): { app: App; primary: Stack; secret: HardenedSecret; reader: iam.IRole } {
  const primary = new Stack(app, PRIMARY_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });

  const secret = new HardenedSecret(primary, 'ProcessorApiKey', {
    secretName: 'prod/payments/processor-api-key',
    environment: 'prod',
    owner: 'payments-team',
    dataClassification: DataClassification.RESTRICTED,
    rotation: SecretRotationPolicy.none(ROTATION_JUSTIFICATION),
    replicaRegions: [{ region: 'eu-central-1' }, { region: 'us-east-1' }],
  });

  // A role for the payment workers of all three regions (their grants in one managed policy).
  const reader = new ManagedPolicyRole(primary, 'PaymentWorker', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    description: 'Payment workers in eu-west-1, eu-central-1 and us-east-1',
  });
  // GetSecretValue on the primary and both replica ARNs, Decrypt with each region's key.
  secret.grantRead(reader);

  return { app, primary, secret, reader };
}

/** Every acknowledgement in the app, with the exact resource, rule and reason; a test lists them. */
export const ACKNOWLEDGEMENTS: ReadonlyArray<{ readonly path: string; readonly rule: string; readonly reason: string }> = [
  ...['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HardenedSecrets-SecretRotationConfigured']
    .map((rule) => ({ path: `${PRIMARY_STACK_NAME}/ProcessorApiKey/Resource`, rule, reason: `Rotation waived: ${ROTATION_JUSTIFICATION}` })),
  ...['eu-central-1', 'us-east-1'].map((region) => ({
    path: `${PRIMARY_STACK_NAME}/PaymentWorker/Policy/Resource`,
    rule: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${region}:111111111111:key/*]`,
    reason: REPLICA_KEY_WILDCARD_REASON,
  })),
];
