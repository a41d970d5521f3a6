/**
 * Integration snapshot: a plain aws-cdk-lib secret made restrictive by SecretGuardrails ENFORCE
 * with accessMode (the access-modes guardrails example), validated at synth by SecretsManagerChecks.
 * Rotation is the one thing ENFORCE does not invent; it is acknowledged here with the reason.
 * `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { buildRestrictiveGuardrailsApp } from '../examples/access-modes/restrictive-guardrails';
import { SecretsManagerChecks } from '../src';

const app = new App();
const { stack, apiKey, task } = buildRestrictiveGuardrailsApp(app);
Tags.of(stack).add('owner', 'payments-team');
Tags.of(stack).add('environment', 'integ');
Tags.of(stack).add('data-classification', 'confidential');
Validations.of(apiKey.node.defaultChild!).acknowledge({
  id: 'HardenedSecrets-SecretRotationConfigured',
  reason: 'Integ fixture: ENFORCE never invents rotation; the payments team rotates this key with the vendor',
});
Validations.of(task.node.findChild('DefaultPolicy')).acknowledge({
  id: 'HardenedSecrets-IamReadPinnedToCurrent',
  reason: 'Integ fixture: aws-cdk-lib grantRead as the README writes it; ENFORCE does not rewrite other code\'s IAM',
});
Validations.of(app).addPlugins(new SecretsManagerChecks(app, {
  externalMonitor: 'Integ fixture: monitoring is out of scope of this snapshot',
}));

const integ = new IntegTest(app, 'RestrictiveGuardrailsIntegTest', { testCases: [stack] });
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
