/**
 * Integration snapshot: SecretsConfigRules with its defaults (the five managed rules and one
 * Guard custom policy rule per exported Config file) and, beside it, a named set of managed rules
 * only. `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { SecretsConfigRules } from '../src';

const app = new App();
const stack = new Stack(app, 'SecretsConfigRulesInteg');

new SecretsConfigRules(stack, 'ConfigRules');
new SecretsConfigRules(stack, 'NamedManagedRules', {
  customPolicyRules: false,
  maxRotationDays: 90,
  unusedForDays: 180,
  ruleNamePrefix: 'integ-',
});

const integ = new IntegTest(app, 'SecretsConfigRulesIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
