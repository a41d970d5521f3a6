import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';
import {
  NETWORK_INTERFACE_REASON,
  NO_DLQ_REASON,
  NODE_22_REASON,
  UNSCOPED_ACTIONS_REASON,
} from '../../src/private/rotation-acknowledgements';
import { ComplianceCase, zeroFindingsTests } from '../compliance-suite';
import { newStack } from '../helpers/stacks';
import { importedVpc } from '../helpers/vpc';
import { AcknowledgementRecord, acknowledgements } from '../nag-helpers';

/**
 * Invariant 1 for the endpoint and for secrets read only through it: zero unacknowledged findings
 * in the five cdk-nag packs and SecretsManagerChecks, and the Control Tower proactive controls.
 */
const cases: ComplianceCase[] = [
  ['an endpoint alone, no peers', (stack) => {
    SecretsManagerEndpoint.of(importedVpc(stack));
  }],
  ['an endpoint for the organisation, named secrets, a security group and a CIDR peer', (stack) => {
    const vpc = importedVpc(stack);
    const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') });
    const app = new ec2.SecurityGroup(stack, 'App', { vpc, description: 'Application', allowAllOutbound: false });
    new SecretsManagerEndpoint(stack, 'Endpoint', {
      vpc,
      principalOrgId: 'o-a1b2c3d4e5',
      secrets: [secret],
      allowFrom: [app, ec2.Peer.ipv4('192.168.10.0/24')],
    });
  }],
  ['a secret read only through the endpoint, rotated by a RotationFunction using it automatically', (stack) => {
    const vpc = importedVpc(stack);
    // The endpoint first: the function finds it (it never creates one).
    const endpoint = SecretsManagerEndpoint.of(vpc);
    const fn = new RotationFunction(stack, 'Rotation', { vpc });
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');
    new HardenedSecret(stack, 'Secret', {
      rotation: SecretRotationPolicy.custom(fn),
      requireVpcEndpoint: [endpoint],
      breakGlassRoles: [breakGlass],
    });
  }],
  ['hosted rotation in a VPC, read only through its endpoint', (stack) => {
    const vpc = importedVpc(stack);
    new HardenedSecret(stack, 'Secret', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc })),
      requireVpcEndpoint: [SecretsManagerEndpoint.of(vpc)],
    });
  }],
];

describe('compliance of SecretsManagerEndpoint and requireVpcEndpoint', () => {
  zeroFindingsTests(cases);

  test('every acknowledgement, with its exact resource and reason', () => {
    // The endpoint, its security group, its policy and the deny statement need none. The only
    // ones are those every RotationFunction places (see test/rotation/custom-rotation-compliance)
    // and SecretRotationPolicy.none's, with the user's justification.
    const all: Array<AcknowledgementRecord & { case: string }> = [];
    for (const [label, build] of cases) {
      const stack = newStack();
      build(stack);
      all.push(...acknowledgements(stack).map((a) => ({ case: label, ...a })));
    }
    const none = 'an endpoint for the organisation, named secrets, a security group and a CIDR peer';
    const waived = 'Rotation waived: Vendor API key without a rotation API';
    const custom = 'a secret read only through the endpoint, rotated by a RotationFunction using it automatically';
    const fn = 'Stack/Rotation/Function/Resource';
    const policy = 'Stack/Rotation/Role/UnscopedPolicy/Resource';
    expect(all).toEqual([
      { case: none, path: 'Stack/Secret/Resource', rule: 'AwsSolutions-SMG4', reason: waived },
      { case: none, path: 'Stack/Secret/Resource', rule: 'HardenedSecrets-SecretRotationConfigured', reason: waived },
      { case: none, path: 'Stack/Secret/Resource', rule: 'HIPAA.Security-SecretsManagerRotationEnabled', reason: waived },
      { case: none, path: 'Stack/Secret/Resource', rule: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: waived },
      { case: custom, path: fn, rule: 'AwsSolutions-L1', reason: NODE_22_REASON },
      { case: custom, path: fn, rule: 'HIPAA.Security-LambdaDLQ', reason: NO_DLQ_REASON },
      { case: custom, path: fn, rule: 'NIST.800.53.R5-LambdaDLQ', reason: NO_DLQ_REASON },
      { case: custom, path: fn, rule: 'Serverless-LambdaDLQ', reason: NO_DLQ_REASON },
      { case: custom, path: fn, rule: 'Serverless-LambdaLatestVersion', reason: NODE_22_REASON },
      { case: custom, path: policy, rule: 'AwsSolutions-IAM5[Resource::*]', reason: UNSCOPED_ACTIONS_REASON },
      {
        case: custom,
        path: policy,
        rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]',
        reason: NETWORK_INTERFACE_REASON,
      },
    ]);
  });
});
