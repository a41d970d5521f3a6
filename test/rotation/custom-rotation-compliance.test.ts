import * as path from 'path';
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HardenedSecret, RotationCode, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';
import {
  NETWORK_INTERFACE_REASON,
  NO_DLQ_REASON,
  NODE_22_REASON,
  UNSCOPED_ACTIONS_REASON,
} from '../../src/private/rotation-acknowledgements';
import { ComplianceCase, EXTERNAL_MONITOR, zeroFindingsTests } from '../compliance-suite';
import { packFindings } from '../nag/pack-helpers';
import { AcknowledgementRecord, acknowledgements, nagFindings, newStack, withoutAcknowledgements } from '../nag-helpers';

// The README's rotator module (examples/rotation/api-token-rotator.ts), as a user writes it.
const FIXTURE = path.join(__dirname, '..', '..', 'examples', 'rotation', 'api-token-rotator.ts');

/** An existing VPC with two isolated subnets, and the Secrets Manager endpoint in it. */
function network(stack: Stack): { vpc: ec2.IVpc; endpoint: ec2.InterfaceVpcEndpoint } {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  const endpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    open: false,
  });
  return { vpc, endpoint };
}

/**
 * Invariant 1 for custom rotation: the default synth of a HardenedSecret rotated by a
 * RotationFunction has zero unacknowledged findings in the five cdk-nag packs and
 * SecretsManagerChecks, and passes the Control Tower proactive controls.
 *
 * There is no case "without a VPC": `vpc` is required, because CT.LAMBDA.PR.3 (cfn-guard, which
 * has no acknowledgements) fails every Lambda function outside a VPC.
 */
const cases: ComplianceCase[] = [
  ['built-in rotator in a VPC with the Secrets Manager endpoint', (stack) => {
    const { vpc, endpoint } = network(stack);
    const fn = new RotationFunction(stack, 'Rotation', { vpc, secretsManagerEndpoint: endpoint });
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
  }],
  ['built-in rotator with a password policy and a JSON field, weekly', (stack) => {
    const { vpc, endpoint } = network(stack);
    const fn = new RotationFunction(stack, 'Rotation', {
      vpc,
      secretsManagerEndpoint: endpoint,
      code: RotationCode.randomValue({ passwordPolicy: { passwordLength: 64, excludePunctuation: true }, field: 'token' }),
    });
    new HardenedSecret(stack, 'Secret', {
      generateSecretString: { secretStringTemplate: JSON.stringify({ client: 'orders' }), generateStringKey: 'token' },
      rotation: SecretRotationPolicy.custom(fn, { automaticallyAfter: Duration.days(7) }),
    });
  }],
  ['user rotator bundled from an entry (RotationCode.fromEntry)', (stack) => {
    const { vpc, endpoint } = network(stack);
    const fn = new RotationFunction(stack, 'Rotation', { vpc, secretsManagerEndpoint: endpoint, code: RotationCode.fromEntry(FIXTURE) });
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
  }],
  ['one function rotating two secrets, with its own security group', (stack) => {
    const { vpc, endpoint } = network(stack);
    const sg = new ec2.SecurityGroup(stack, 'RotationSg', { vpc, description: 'Rotation function', allowAllOutbound: false });
    endpoint.connections.allowDefaultPortFrom(sg, 'Secrets Manager API from the rotation function');
    const fn = new RotationFunction(stack, 'Rotation', { vpc, securityGroups: [sg], secretsManagerEndpoint: endpoint, reservedConcurrentExecutions: 2 });
    new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.custom(fn) });
    new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.custom(fn) });
  }],
];

/** The acknowledgements every RotationFunction places, on its function and its role's unscoped policy. */
function functionAcknowledgements(fn: string): AcknowledgementRecord[] {
  const onFunction = `Stack/${fn}/Function/Resource`;
  const onPolicy = `Stack/${fn}/Role/UnscopedPolicy/Resource`;
  return [
    { path: onFunction, rule: 'AwsSolutions-L1', reason: NODE_22_REASON },
    { path: onFunction, rule: 'HIPAA.Security-LambdaDLQ', reason: NO_DLQ_REASON },
    { path: onFunction, rule: 'NIST.800.53.R5-LambdaDLQ', reason: NO_DLQ_REASON },
    { path: onFunction, rule: 'Serverless-LambdaDLQ', reason: NO_DLQ_REASON },
    { path: onFunction, rule: 'Serverless-LambdaLatestVersion', reason: NODE_22_REASON },
    { path: onPolicy, rule: 'AwsSolutions-IAM5[Resource::*]', reason: UNSCOPED_ACTIONS_REASON },
    {
      path: onPolicy,
      rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]',
      reason: NETWORK_INTERFACE_REASON,
    },
  ];
}

describe('compliance of custom rotation (RotationFunction)', () => {
  zeroFindingsTests(cases);

  test('every acknowledgement, with its exact resource and reason', () => {
    // The acknowledgements of each case are the seven of its one RotationFunction: none on the
    // secrets, none on the stack, none added per rotated secret.
    for (const [label, build] of cases) {
      const stack = newStack();
      build(stack);
      expect({ label, acks: acknowledgements(stack) }).toEqual({ label, acks: functionAcknowledgements('Rotation') });
    }
  });

  test('each acknowledgement is needed: without them exactly these findings appear', () => {
    // GIVEN the first case, with the rule ids the library acknowledges
    const stack = newStack();
    cases[0][1](stack);
    const acknowledged = acknowledgements(stack).map((a) => `${a.rule} ${a.path}`);
    // WHEN the packs run with acknowledgements ignored (every acknowledgement metadata entry hidden)
    const hidden = withoutAcknowledgements(stack, () => nagFindings(stack));
    // THEN the findings are exactly the acknowledged ones
    expect(hidden.map((f) => `${f.rule} ${f.resource}`).sort()).toEqual([...acknowledged].sort());
  });

  test("without an endpoint in the app, none is made: the function warns and the pack's endpoint rule reports it", () => {
    // GIVEN a function in a VPC whose endpoint is not given (and not in the app)
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a'],
      isolatedSubnetIds: ['subnet-0123456789abcdef0'],
      isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0'],
    });
    const fn = new RotationFunction(stack, 'Rotation', { vpc });
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    Tags.of(stack).add('owner', 'payments-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'confidential');
    // THEN no endpoint is made: the library's warning, and the pack's warning on the function, say so
    expect(fn.secretsManagerEndpoint).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Rotation', Match.stringLikeRegexp('cdk-hardened-secrets:rotation-function-endpoint'));
    expect(packFindings(stack, { externalMonitor: EXTERNAL_MONITOR }).map((f) => [f.rule, f.path, f.severity])).toEqual([
      ['HardenedSecrets-SecretsEndpointInVpc', 'Stack/Rotation/Function/Resource', 'warning'],
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  test("with SecretsManagerEndpoint.of(vpc) made first, the function uses it and the pack's endpoint rule is satisfied", () => {
    // GIVEN the VPC's endpoint, made before the function
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a'],
      isolatedSubnetIds: ['subnet-0123456789abcdef0'],
      isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0'],
    });
    const endpoint = SecretsManagerEndpoint.of(vpc);
    const fn = new RotationFunction(stack, 'Rotation', { vpc });
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    Tags.of(stack).add('owner', 'payments-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'confidential');
    // THEN the function uses it and nothing is found (HardenedSecrets-SecretsEndpointInVpc included)
    expect(fn.secretsManagerEndpoint).toBe(endpoint);
    expect(endpoint.node.path).toBe('Stack/Vpc/SecretsManagerEndpoint');
    expect(packFindings(stack, { externalMonitor: EXTERNAL_MONITOR })).toEqual([]);
    expect(nagFindings(stack)).toEqual([]);
  });
});
