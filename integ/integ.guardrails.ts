/**
 * Integration snapshot: plain aws-cdk-lib secrets (the way the aws-cdk README writes them)
 * under SecretGuardrails ENFORCE, validated at synth by the SecretsManagerChecks pack.
 * Rotation is the one thing ENFORCE does not invent; it is acknowledged here with the reason.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardrailMode, SecretGuardrails, SecretsManagerChecks } from '../src';

const app = new App();
const stack = new Stack(app, 'GuardrailsInteg');

const secret = new secretsmanager.Secret(stack, 'Secret');
const templated = new secretsmanager.Secret(stack, 'TemplatedSecret', {
  generateSecretString: {
    secretStringTemplate: JSON.stringify({ username: 'postgres' }),
    generateStringKey: 'password',
  },
});
const role = new iam.Role(stack, 'SomeRole', { assumedBy: new iam.AccountRootPrincipal() });
secret.grantRead(role);
templated.grantRead(role);
new secretsmanager.CfnSecret(stack, 'RawSecret', { generateSecretString: {} });

Tags.of(stack).add('owner', 'platform-team');
Tags.of(stack).add('environment', 'integ');
Tags.of(stack).add('data-classification', 'internal');

const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass] });

for (const s of [secret.node.defaultChild!, templated.node.defaultChild!, stack.node.findChild('RawSecret')]) {
  Validations.of(s).acknowledge({
    id: 'HardenedSecrets-SecretRotationConfigured',
    reason: 'Integ fixture: ENFORCE never invents rotation; these secrets have no consumer to rotate',
  });
}
Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
  id: 'HardenedSecrets-IamReadPinnedToCurrent',
  reason: 'Integ fixture: aws-cdk-lib grantRead as the README writes it; ENFORCE does not rewrite other code\'s IAM',
});
Validations.of(app).addPlugins(new SecretsManagerChecks(app, {
  externalMonitor: 'Integ fixture: monitoring is out of scope of this snapshot',
}));

const integ = new IntegTest(app, 'GuardrailsIntegTest', { testCases: [stack] });
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
