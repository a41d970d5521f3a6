/**
 * README "The packs and the acknowledgements": the five cdk-nag packs registered on an app as
 * validation plugins, so that `cdk synth` fails on any unacknowledged finding, and an
 * acknowledgement on the exact resource. `test/examples-usage.test.ts` applies it to the
 * example app with its function kept on Node.js 22.
 */
import { App, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';

/** Every `cdk synth` of `app` runs the five packs; `fn` stays on an older Node.js runtime. */
export function addNagPacks(app: App, fn: lambda.Function): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app),
    new PCIDSS321Checks(app), new ServerlessChecks(app),
  );
  // acknowledge each finding on the exact resource, with the reason
  for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
    Validations.of(fn.node.defaultChild!).acknowledge({ id, reason: 'The vendor SDK supports Node.js 22 only; the move to 24 is DEV-310' });
  }
}
