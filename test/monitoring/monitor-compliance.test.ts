import { Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HardenedSecret, RotationFunction, SecretAccessMonitor, SecretRotationPolicy } from '../../src';
import { CONTROL_TOWER_EXCEPTIONS, TRAIL_ACKNOWLEDGEMENTS } from '../../src/monitoring/acknowledgements';
import { importedVpc } from '../helpers/vpc';
import { packFindings } from '../nag/pack-helpers';
import { acknowledgements, controlTowerViolations, nagFindings, newStack } from '../nag-helpers';

type Build = (stack: Stack) => SecretAccessMonitor;

/** The default monitor (a new hardened trail) watching a rotated secret and its reader. */
const newTrail: Build = (stack) => {
  const monitor = new SecretAccessMonitor(stack, 'Monitor');
  const fn = lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
    functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotator',
    sameEnvironment: true,
  });
  // An imported role: its policies live elsewhere, so the packs judge only what the monitor adds.
  const reader = iam.Role.fromRoleArn(stack, 'Reader', 'arn:aws:iam::111111111111:role/orders-api', { mutable: false });
  monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(fn), readers: [reader] }));
  return monitor;
};

/** The organisation-trail path: an existing log group, with the dashboard and Config rules. */
const orgTrail: Build = (stack) => {
  const monitor = new SecretAccessMonitor(stack, 'Monitor', {
    cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
    dashboard: true,
    configRules: true,
  });
  monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') }));
  return monitor;
};

/** A new trail watching two secrets that share a RotationFunction: the function's errors alarm too. */
const customRotation: Build = (stack) => {
  const monitor = new SecretAccessMonitor(stack, 'Monitor');
  const vpc = importedVpc(stack);
  const endpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, open: false });
  const fn = new RotationFunction(stack, 'TokenRotation', { vpc, secretsManagerEndpoint: endpoint });
  monitor.watch(new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.custom(fn) }));
  monitor.watch(new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.custom(fn) }));
  return monitor;
};

const CASES: Array<[string, Build]> = [
  ['a new hardened trail', newTrail],
  ['an organisation trail log group', orgTrail],
  ['a new trail watching custom-rotated secrets', customRotation],
];

/** Synthesises first: the allow-list detectors are built when the aspects run. */
function synthesized(build: Build): { stack: Stack; monitor: SecretAccessMonitor } {
  const stack = newStack();
  const monitor = build(stack);
  (stack.node.root as any).synth({ force: true });
  return { stack, monitor };
}

describe('SecretAccessMonitor compliance', () => {
  test.each(CASES)('%s: zero unacknowledged findings in the five cdk-nag packs', (_label, build) => {
    const { stack } = synthesized(build);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('the organisation-trail path passes the Control Tower proactive controls (cfn-guard)', () => {
    const { stack } = synthesized(orgTrail);
    expect(controlTowerViolations(stack)).toEqual([]);
  });

  test('a new trail violates exactly the documented Control Tower exceptions', () => {
    const { stack, monitor } = synthesized(newTrail);
    const expected = CONTROL_TOWER_EXCEPTIONS.map((e) => ({
      rule: e.rule,
      resources: [stack.getLogicalId(e.path.split('/').reduce<any>((c, id) => c.node.findChild(id), monitor))],
    }));
    expect(controlTowerViolations(stack)).toEqual(expected);
  });

  test.each(CASES)('%s: zero SecretsManagerChecks findings, without declaring an external monitor', (_label, build) => {
    const stack = newStack();
    build(stack);
    Tags.of(stack).add('owner', 'payments-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'confidential');
    // No externalMonitor: the monitor itself satisfies SecretAccessMonitored.
    expect(packFindings(stack)).toEqual([]);
  });

  test.each([newTrail, customRotation])('every acknowledgement of the monitor, and only these, each naming rule, resource and reason (%#)', (build) => {
    const { stack, monitor } = synthesized(build);
    // The rotation function alarms need none.
    expect(monitor.rotationFunctionAlarms()).toHaveLength(1);
    const monitorAcks = acknowledgements(stack).filter((a) => a.path.startsWith('Stack/Monitor/'));
    expect(monitorAcks).toEqual(
      TRAIL_ACKNOWLEDGEMENTS.map((a) => ({ path: `Stack/Monitor/${a.path}`, rule: a.rule, reason: a.reason }))
        .sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`)),
    );
    expect(TRAIL_ACKNOWLEDGEMENTS.map((a) => [a.path, a.rule])).toEqual([
      ['AccessLogsBucket/Resource', 'AwsSolutions-S1'],
      ['AccessLogsBucket/Resource', 'HIPAA.Security-S3BucketLoggingEnabled'],
      ['AccessLogsBucket/Resource', 'NIST.800.53.R5-S3BucketLoggingEnabled'],
      ['AccessLogsBucket/Resource', 'PCI.DSS.321-S3BucketLoggingEnabled'],
      ['AccessLogsBucket/Resource', 'HIPAA.Security-S3BucketReplicationEnabled'],
      ['AccessLogsBucket/Resource', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      ['AccessLogsBucket/Resource', 'PCI.DSS.321-S3BucketReplicationEnabled'],
      ['TrailBucket/Resource', 'HIPAA.Security-S3BucketReplicationEnabled'],
      ['TrailBucket/Resource', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      ['TrailBucket/Resource', 'PCI.DSS.321-S3BucketReplicationEnabled'],
      ['Trail/LogsRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5'],
      ['Trail/LogsRole/DefaultPolicy/Resource', 'HIPAA.Security-IAMNoInlinePolicy'],
      ['Trail/LogsRole/DefaultPolicy/Resource', 'NIST.800.53.R5-IAMNoInlinePolicy'],
      ['Trail/LogsRole/DefaultPolicy/Resource', 'PCI.DSS.321-IAMNoInlinePolicy'],
    ]);
    for (const a of TRAIL_ACKNOWLEDGEMENTS) {
      expect(a.reason.length).toBeGreaterThan(80);
    }
  });

  test('the organisation-trail path needs no acknowledgement at all', () => {
    const { stack } = synthesized(orgTrail);
    expect(acknowledgements(stack).filter((a) => a.path.startsWith('Stack/Monitor/'))).toEqual([]);
  });
});
