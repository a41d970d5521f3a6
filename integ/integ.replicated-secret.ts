/**
 * Integration snapshot: a secret in eu-west-1 replicated to eu-central-1 and us-east-1, each
 * replica under its own customer-managed key created in a key stack of that region, and a reader
 * of all three. `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataClassification, HardenedSecret, SecretRotationPolicy } from '../src';

const app = new App();
// Replication needs a concrete region; the account is the one the deployment targets.
const stack = new Stack(app, 'ReplicatedSecretInteg', { env: { region: 'eu-west-1' } });

const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
new HardenedSecret(stack, 'Replicated', {
  secretName: 'integ/payments/replicated',
  environment: 'integ',
  owner: 'payments-team',
  dataClassification: DataClassification.CONFIDENTIAL,
  replicaRegions: [{ region: 'eu-central-1' }, { region: 'us-east-1' }],
  readers: [reader],
  rotation: SecretRotationPolicy.none('Integration snapshot secret; the value is never used'),
});

const integ = new IntegTest(app, 'ReplicatedSecretIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
