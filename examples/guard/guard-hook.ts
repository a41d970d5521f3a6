/**
 * docs/deploy-time-guard.md: the rule catalogue at deploy time (a Guard Hook) and on what exists
 * (AWS Config rules), in one account and Region. Compiled and synthesised by
 * test/guard/guard-hook.test.ts and test/guard/config-rules.test.ts.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { GuardHookFailureMode, SecretsConfigRules, SecretsGuardHook } from '../../src';

export const GUARD_STACK_NAME = 'SecretsGuardBaseline';

/** The security team's baseline stack of an account and Region. */
export class SecretsGuardBaselineStack extends Stack {
  public readonly hook: SecretsGuardHook;
  public readonly configRules: SecretsConfigRules;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // docs: guard hook
    this.hook = new SecretsGuardHook(this, 'SecretsGuardHook', {
      // Report first; switch to FAIL once the hook's reports are clean.
      failureMode: GuardHookFailureMode.WARN,
      // Every stack but the sandboxes.
      stackFilters: { excludeStackNames: ['sandbox-*'] },
      // The account's server access logs bucket (same account and Region).
      accessLogsBucket: s3.Bucket.fromBucketName(this, 'AccessLogs', `access-logs-${this.account}-${this.region}`),
    });
    // docs: end

    // docs: config rules
    this.configRules = new SecretsConfigRules(this, 'SecretsConfigRules', {
      maxRotationDays: 90,
      unusedForDays: 180,
      ruleNamePrefix: 'baseline-',
    });
    // docs: end
  }
}

/** Builds the example app in a concrete account and Region. */
export function buildGuardApp(app: App = new App()): { app: App; stack: SecretsGuardBaselineStack } {
  const stack = new SecretsGuardBaselineStack(app, GUARD_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  return { app, stack };
}
