import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretKey, SecretRotationPolicy, SecretsConfigRules, SecretsGuardHook } from '../src';
import { ComplianceCase, zeroFindingsTests } from './compliance-suite';
import { newStack } from './helpers/stacks';
import { importedVpc } from './helpers/vpc';
import { packFindings } from './nag/pack-helpers';
import { acknowledgements, nagFindings } from './nag-helpers';

/**
 * Invariant 1: the default synth of every construct has zero unacknowledged findings in the five
 * cdk-nag packs and passes the Control Tower proactive controls. Findings are counted per
 * resource so that a new finding names what it is on.
 */
const cases: ComplianceCase[] = [
  ['hosted rotation', (stack) => {
    new HardenedSecret(stack, 'Secret', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
    });
  }],
  ['hosted alternating-user rotation in a VPC', (stack) => {
    const vpc = importedVpc(stack);
    const master = new HardenedSecret(stack, 'Master', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })),
    });
    new HardenedSecret(stack, 'Secret', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlMultiUser({ masterSecret: master, vpc })),
    });
  }],
  ['lambda rotation', (stack) => {
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
      functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotator',
      sameEnvironment: true,
    });
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(fn, { automaticallyAfter: Duration.days(7) }) });
  }],
  ['no rotation, justified', (stack) => {
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') });
  }],
  ['a shared key, break-glass role and cross-account reader', (stack) => {
    const key = new SecretKey(stack, 'Key');
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');
    const secret = new HardenedSecret(stack, 'Secret', {
      encryptionKey: key,
      breakGlassRoles: [breakGlass],
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()),
    });
    secret.grantRead(new iam.AccountPrincipal('222222222222'));
  }],
  // The default hook also creates an access logs bucket, a documented Control Tower exception
  // (test/guard/guard-hook.test.ts); with the account's access logs bucket it has none.
  ['Guard Hook', (stack) => {
    new SecretsGuardHook(stack, 'GuardHook', { accessLogsBucket: s3.Bucket.fromBucketName(stack, 'AccessLogs', 'access-logs-111111111111-eu-west-1') });
  }],
  ['Config rules', (stack) => {
    new SecretsConfigRules(stack, 'ConfigRules');
  }],
];

describe('compliance of the default synth', () => {
  zeroFindingsTests(cases);

  test.each(cases)('%s: with default props, SecretsManagerChecks only asks for what the user must say', (_label, build) => {
    // GIVEN no owner tags and no monitor: nothing the construct could decide on its own
    const stack = newStack();
    build(stack);
    const findings = packFindings(stack);
    // THEN each secret gets exactly the tag and monitoring warnings, and nothing else
    const secrets = stack.node.findAll().filter(c => c instanceof HardenedSecret).map(c => `${c.node.path}/Resource`).sort();
    expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([
      ...secrets.map(p => ['HardenedSecrets-SecretAccessMonitored', p, 'warning']),
      ...secrets.map(p => ['HardenedSecrets-SecretTags', p, 'warning']),
    ]);
  });

  test('the packs do flag an unhardened aws-cdk-lib secret (the check can fail)', () => {
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Plain');
    const rules = nagFindings(stack).map((f) => f.rule).sort();
    expect(rules).toEqual([
      'AwsSolutions-SMG4',
      'HIPAA.Security-SecretsManagerRotationEnabled',
      'HIPAA.Security-SecretsManagerUsingKMSKey',
      'NIST.800.53.R5-SecretsManagerRotationEnabled',
      'NIST.800.53.R5-SecretsManagerUsingKMSKey',
      'PCI.DSS.321-SecretsManagerUsingKMSKey',
    ]);
  });

  test('every acknowledgement the constructs make, with its resource and reason', () => {
    // The acknowledgements the library makes itself: those of SecretRotationPolicy.none, on the
    // secret resource, carrying the user's justification, in each pack with a rotation rule; and
    // those of SecretsGuardHook on its log bucket and its role's policy.
    const all: Array<{ case: string; path: string; rule: string; reason: string }> = [];
    for (const [label, build] of cases) {
      const stack = newStack();
      build(stack);
      for (const record of acknowledgements(stack)) {
        all.push({ case: label, ...record });
      }
    }
    const reason = 'Rotation waived: Vendor API key without a rotation API';
    const replication = expect.stringMatching(/^Cross-Region replication needs a second bucket in another region/);
    expect(all).toEqual([
      { case: 'no rotation, justified', path: 'Stack/Secret/Resource', rule: 'AwsSolutions-SMG4', reason },
      { case: 'no rotation, justified', path: 'Stack/Secret/Resource', rule: 'HardenedSecrets-SecretRotationConfigured', reason },
      { case: 'no rotation, justified', path: 'Stack/Secret/Resource', rule: 'HIPAA.Security-SecretsManagerRotationEnabled', reason },
      { case: 'no rotation, justified', path: 'Stack/Secret/Resource', rule: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
      // SecretsGuardHook: its log bucket is not replicated, and its role writes any report name in that one bucket.
      { case: 'Guard Hook', path: 'Stack/GuardHook/ExecutionRole/Policy/Resource', rule: 'AwsSolutions-IAM5[Resource::<GuardHookLogBucketA273F89E.Arn>/*]', reason: expect.stringMatching(/^CloudFormation names the Guard output reports/) },
      { case: 'Guard Hook', path: 'Stack/GuardHook/LogBucket/Resource', rule: 'HIPAA.Security-S3BucketReplicationEnabled', reason: replication },
      { case: 'Guard Hook', path: 'Stack/GuardHook/LogBucket/Resource', rule: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: replication },
      { case: 'Guard Hook', path: 'Stack/GuardHook/LogBucket/Resource', rule: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: replication },
    ]);
  });
});
