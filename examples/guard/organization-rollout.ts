/**
 * docs: the rule catalogue in every account and Region of organisational units, from the
 * security team's delegated administrator account: the Guard Hooks (WARN, then FAIL), the AWS
 * Config rules and a monitor on each account's trail log group, by one service-managed stack
 * set. Compiled and synthesised by test/organization/organization-rollout-example.test.ts.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GuardHookFailureMode, SecretsOrganizationRollout, StackSetCallAs } from '../../src';

export const ROLLOUT_STACK_NAME = 'SecretsGuardRollout';

/** What the security team changes between two rollouts. */
export interface SecretsGuardRolloutProps extends StackProps {
  /** The version id `aws s3api put-object` printed for the published rules; none on the first deployment. */
  readonly rulesVersionId?: string;
  /** WARN while the hooks' reports are read, FAIL once they are clean. */
  readonly failureMode?: GuardHookFailureMode;
}

/** The security team's stack in its delegated administrator account. */
export class SecretsGuardRolloutStack extends Stack {
  public readonly rollout: SecretsOrganizationRollout;

  constructor(scope: Construct, id: string, props: SecretsGuardRolloutProps = {}) {
    super(scope, id, props);

    // docs: organization rollout
    this.rollout = new SecretsOrganizationRollout(this, 'SecretsGuard', {
      organizationId: 'o-a1b2c3d4e5',
      // The workloads OU and the sandbox OU; accounts that join them later are covered too.
      organizationalUnits: ['ou-a1b2-w0rkl0ad', 'ou-a1b2-s4ndb0x1'],
      regions: ['eu-west-1', 'eu-central-1', 'us-east-1'],
      // Printed by `aws s3api put-object` when the rules were published (see below).
      rulesVersionId: props.rulesVersionId,
      failureMode: props.failureMode ?? GuardHookFailureMode.WARN,
      // Every account's Control Tower trail log group, in each Region.
      monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' },
      // One account in ten may fail before CloudFormation stops a Region; a quarter at a time.
      failureTolerancePercentage: 10,
      maxConcurrentPercentage: 25,
      callAs: StackSetCallAs.DELEGATED_ADMIN,
      stackSetName: 'hardened-secrets-guard',
    });
    // docs: end
  }
}

/** Builds the example app in the delegated administrator account. */
export function buildRolloutApp(app: App = new App(), props: SecretsGuardRolloutProps = {}): { app: App; stack: SecretsGuardRolloutStack } {
  const stack = new SecretsGuardRolloutStack(app, ROLLOUT_STACK_NAME, {
    env: { account: '111111111111', region: 'eu-west-1' },
    ...props,
  });
  return { app, stack };
}
