/**
 * Integration snapshot: a database secret with hosted rotation, an API key without rotation
 * sharing one SecretKey, a break-glass role and a reader. `npx projen integ` compares a fresh
 * synth with the committed snapshot (offline); `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataClassification, HardenedSecret, SecretKey, SecretRotationPolicy } from '../src';

const app = new App();
const stack = new Stack(app, 'HardenedSecretInteg');

const breakGlass = new iam.Role(stack, 'BreakGlass', {
  assumedBy: new iam.AccountRootPrincipal(),
  description: 'Assumed only to delete or restore secrets, under change control',
});
const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

new HardenedSecret(stack, 'Database', {
  secretName: 'integ/orders/database',
  environment: 'integ',
  owner: 'orders-team',
  dataClassification: DataClassification.RESTRICTED,
  generateSecretString: {
    secretStringTemplate: JSON.stringify({ username: 'orders' }),
    generateStringKey: 'password',
    excludePunctuation: true,
  },
  breakGlassRoles: [breakGlass],
  rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser(), {
    automaticallyAfter: Duration.days(30),
    window: Duration.hours(4),
  }),
});

const shared = new SecretKey(stack, 'SharedKey');
new HardenedSecret(stack, 'ApiKey', {
  encryptionKey: shared,
  readers: [reader],
  rotation: SecretRotationPolicy.none('Vendor API offers no key rotation endpoint; rotated by hand (SEC-42)'),
});

const integ = new IntegTest(app, 'HardenedSecretIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
