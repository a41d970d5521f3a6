/**
 * Integration snapshot: a SecretsOrganizationRollout with published rules (a Guard Hook pinned to
 * a rules version, in WARN), the AWS Config rules and a monitor on each account's Control Tower
 * trail log group, deployed to two OUs in two Regions by a service-managed stack set. The
 * snapshot holds the deploying stack and the member template (`*.stackset.template.json`).
 * `npx projen integ` compares a fresh synth with the committed snapshot (offline).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { GuardHookFailureMode, SecretsOrganizationRollout, StackSetCallAs } from '../src';

const app = new App();
const stack = new Stack(app, 'SecretsOrganizationRolloutInteg');

new SecretsOrganizationRollout(stack, 'Rollout', {
  organizationId: 'o-a1b2c3d4e5',
  organizationalUnits: ['ou-a1b2-c3d4e5f6', 'ou-a1b2-g7h8i9j0'],
  regions: ['eu-west-1', 'us-east-1'],
  rulesVersionId: 'Lf7cQ0m1o.J2Xz_3kq8Hw9vD4yT5uR6s',
  failureMode: GuardHookFailureMode.WARN,
  monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' },
  callAs: StackSetCallAs.DELEGATED_ADMIN,
  stackSetName: 'hardened-secrets-guard-integ',
  // An integ deployment must clean up after itself; the default is RETAIN.
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'SecretsOrganizationRolloutIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
