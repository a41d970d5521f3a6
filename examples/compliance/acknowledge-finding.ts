/**
 * README "Acknowledging a finding": a vendor integration whose secret the vendor's job rotates
 * and whose replay function keeps a revoked test token. `buildVendorIntegrationApp` builds it as
 * written; `acknowledgeFindings` acknowledges the two SecretsManagerChecks findings on the exact
 * resources, with the reasons. `test/examples-usage.test.ts` runs the pack before and after.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** The id (and CloudFormation name) of the example stack. */
export const VENDOR_STACK_NAME = 'VendorIntegration';

/** The example stack, its secret without a rotation schedule, and the function. */
export interface VendorIntegration {
  readonly app: App;
  readonly stack: Stack;
  readonly secret: secretsmanager.Secret;
  readonly fn: lambda.Function;
}

/** A product team's stack as written: the pack finds the two problems acknowledged below. */
export function buildVendorIntegrationApp(app: App = new App()): VendorIntegration {
  const stack = new Stack(app, VENDOR_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  // Rotated outside CloudFormation, by the vendor's own integration job.
  const secret = new secretsmanager.Secret(stack, 'VendorApiKey');
  // Replays recorded vendor calls; the token was revoked before it was recorded.
  const fn = new lambda.Function(stack, 'ReplayFixture', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    environment: { LEGACY_TOKEN: 'revoked-replay-fixture-0001' },
  });
  return { app, stack, secret, fn };
}

/** The acknowledgements the product team places, each on the exact resource, with the reason. */
export function acknowledgeFindings({ secret, fn }: VendorIntegration): void {
  Validations.of(secret.node.defaultChild!).acknowledge({
    id: 'HardenedSecrets-SecretRotationConfigured',
    reason: 'Rotated by the vendor integration job every 7 days (RUNBOOK-12)',
  });
  Validations.of(fn.node.defaultChild!).acknowledge({
    id: 'HardenedSecrets-NoCredentialInLambdaEnvironment[Environment.Variables.LEGACY_TOKEN]',
    reason: 'Revoked test token kept for the replay fixture; it grants nothing (SEC-77)',
  });
}
