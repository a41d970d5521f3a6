/**
 * Integration snapshot: the default SecretAccessMonitor (a new hardened multi-Region trail, a
 * CMK-encrypted topic, one metric filter and alarm per event kind, the dashboard and the AWS
 * Config rules) watching a rotated secret with a reader. `npx projen integ` compares a fresh
 * synth with the committed snapshot (offline); `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretAccessMonitor, SecretRotationPolicy } from '../src';

const app = new App();
const stack = new Stack(app, 'SecretAccessMonitorInteg');

const monitor = new SecretAccessMonitor(stack, 'Monitor', {
  dashboard: true,
  configRules: true,
  // An integ deployment must clean up after itself; the default is RETAIN.
  removalPolicy: RemovalPolicy.DESTROY,
});

const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const database = new HardenedSecret(stack, 'Database', {
  secretName: 'integ/orders/database',
  environment: 'integ',
  owner: 'orders-team',
  generateSecretString: {
    secretStringTemplate: JSON.stringify({ username: 'orders' }),
    generateStringKey: 'password',
    excludePunctuation: true,
  },
  rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser(), { automaticallyAfter: Duration.days(30) }),
  readers: [reader],
});
monitor.watch(database);

const integ = new IntegTest(app, 'SecretAccessMonitorIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
