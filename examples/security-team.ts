/**
 * For security teams: hold every secret of an app to one bar, whoever wrote the stack.
 *
 * `governApp` is what README "For security teams" shows: one aspect and one pack added where
 * the app is created (bin/app.ts). `buildProductTeamApp` is an app a product team wrote with
 * plain aws-cdk-lib secrets, the way the aws-cdk README shows them.
 */
import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardrailMode, SecretGuardrails, SecretsManagerChecks } from '../src';

/** The id of the product team's stack. */
export const PRODUCT_STACK_NAME = 'ProductTeamStack';

/** What the security team adds to an app, once, where the app is created. */
export function governApp(app: App, mode: GuardrailMode = GuardrailMode.ENFORCE): void {
  // Who may still delete a secret, or change its resource policy, once ENFORCE has locked it.
  const breakGlass = iam.Role.fromRoleArn(app.node.findChild(PRODUCT_STACK_NAME), 'BreakGlass',
    'arn:aws:iam::111111111111:role/security/secrets-break-glass');

  // ENFORCE: every L1/L2 secret gets a customer-managed key (one shared SecretKey per stack),
  // RETAIN, and a resource policy with BlockPublicPolicy that denies deletion except to the
  // break-glass roles. AUDIT changes nothing and puts an error on each unhardened secret.
  // Either way, rotation stays a decision of the team that owns the secret.
  SecretGuardrails.apply(app, { mode, breakGlassRoles: [breakGlass] });

  // The pack runs on every `cdk synth` (cdk-nag 3 validation plugin, aws-cdk-lib >= 2.276).
  // Every unacknowledged finding fails it, warnings included: turn on the warnings you are
  // ready to hold everyone to.
  Validations.of(app).addPlugins(new SecretsManagerChecks(app, {
    maxRotationInterval: Duration.days(30),
    warnings: ['SecretTags', 'SecretNameConvention', 'SecretRetainedOnReplace', 'SecretsEndpointInVpc'],
    externalMonitor: 'Organisation CloudTrail trail with Secrets Manager alarms, security account 999999999999',
  }));
}

/** An app as a product team writes it: plain aws-cdk-lib secrets and grants. */
export function buildProductTeamApp(app: App = new App()): { app: App; stack: Stack } {
  const stack = new Stack(app, PRODUCT_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });

  // From the aws-cdk README: a generated secret and a templated one.
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const templated = new secretsmanager.Secret(stack, 'TemplatedSecret', {
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'postgres' }),
      generateStringKey: 'password',
      excludeCharacters: '/@"',
    },
  });
  const role = new iam.Role(stack, 'SomeRole', { assumedBy: new iam.AccountRootPrincipal() });
  secret.grantRead(role);

  const fn = new lambda.Function(stack, 'Reader', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    environment: { SECRET_ARN: templated.secretArn },
  });
  templated.grantRead(fn);
  return { app, stack };
}

/**
 * What the product team adds for synth to pass under the security team's bar: its tags, and the
 * rotation decision ENFORCE leaves to it, acknowledged with the reason.
 */
export function completeProductTeamStack(stack: Stack): void {
  Tags.of(stack).add('owner', 'checkout-team');
  Tags.of(stack).add('environment', 'prod');
  Tags.of(stack).add('data-classification', 'confidential');
  for (const id of ['Secret', 'TemplatedSecret']) {
    Validations.of(stack.node.findChild(id).node.defaultChild!).acknowledge({
      id: 'HardenedSecrets-SecretRotationConfigured',
      reason: 'Rotated by the vendor integration job every 7 days (RUNBOOK-12)',
    });
  }
}
