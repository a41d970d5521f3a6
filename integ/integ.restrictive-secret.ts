/**
 * Integration snapshot: a secret in the restrictive access mode (the access-modes example): its
 * resource policy denies all but the principals the app knows, its key refuses use to the others,
 * and principals outside the organisation are denied. Validated at synth by SecretsManagerChecks.
 * `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { buildRestrictiveSecretApp } from '../examples/access-modes/restrictive-secret';
import { SecretsManagerChecks } from '../src';

const app = new App();
const { stack } = buildRestrictiveSecretApp(app);
Tags.of(stack).add('data-classification', 'confidential');
Validations.of(app).addPlugins(new SecretsManagerChecks(app, {
  externalMonitor: 'Integ fixture: monitoring is out of scope of this snapshot',
}));

const integ = new IntegTest(app, 'RestrictiveSecretIntegTest', { testCases: [stack] });
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
