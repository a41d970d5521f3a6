import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction } from '../rule-fixtures';

const RULE = 'SecretsEndpointInVpc';
const ID = `HardenedSecrets-${RULE}`;

function isolatedVpc(stack: Stack, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(stack, id, { natGateways: 0, maxAzs: 1 });
}

/** A function `id`, in the isolated subnets of `vpc` when given. */
function fn(stack: Stack, vpc?: ec2.IVpc, id = 'Fn'): lambda.Function {
  return inlineFunction(stack, id, { vpc, vpcSubnets: vpc ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : undefined });
}

function addSecretsEndpoint(vpc: ec2.Vpc): void {
  vpc.addInterfaceEndpoint('Sm', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
}

/** L1 VPC, subnet, role (reading secrets when `reads`) and function in that subnet. */
function l1Function(stack: Stack, reads = true): ec2.CfnVPC {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const subnet = new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' });
  const role = new iam.CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    policies: [{
      policyName: 'Read',
      policyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: reads ? 'secretsmanager:GetSecretValue' : 'secretsmanager:DescribeSecret',
          Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf',
        }],
      },
    }],
  });
  new lambda.CfnFunction(stack, 'Fn', {
    role: role.attrArn,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    code: { zipFile: 'exports.handler = async () => {}' },
    vpcConfig: { subnetIds: [subnet.ref], securityGroupIds: [] },
  });
  return vpc;
}

describe('SecretsEndpointInVpc', () => {
  test('Compliance 1: the VPC has a Secrets Manager interface endpoint (vpc.addInterfaceEndpoint)', () => {
    // GIVEN
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack, vpc));
    addSecretsEndpoint(vpc);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: a function outside any VPC', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: a function in a VPC whose role reads no secret', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    const f = fn(stack, isolatedVpc(stack));
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [secret.secretArn] }));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: L1 VPC, subnet, role and function with an L1 endpoint (ServiceName from Fn.sub)', () => {
    // GIVEN
    const stack = newStack();
    const vpc = l1Function(stack);
    // WHEN
    new ec2.CfnVPCEndpoint(stack, 'Endpoint', {
      vpcId: vpc.ref,
      serviceName: Fn.sub('com.amazonaws.${AWS::Region}.secretsmanager'),
      vpcEndpointType: 'Interface',
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: an endpoint whose ServiceName is a CfnParameter with a Secrets Manager default', () => {
    // GIVEN
    const stack = newStack();
    const vpc = l1Function(stack);
    const service = new CfnParameter(stack, 'Service', { default: 'com.amazonaws.eu-west-1.secretsmanager' });
    // WHEN
    new ec2.CfnVPCEndpoint(stack, 'Endpoint', { vpcId: vpc.ref, serviceName: service.valueAsString, vpcEndpointType: 'Interface' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 6: an endpoint in a VPC given by Fn.importValue is assumed to be the right one', () => {
    // GIVEN
    const stack = newStack();
    l1Function(stack);
    // WHEN
    new ec2.CfnVPCEndpoint(stack, 'Endpoint', { vpcId: Fn.importValue('SharedVpcId'), serviceName: 'com.amazonaws.eu-west-1.secretsmanager' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 7: the rule is a warning that can be left out of the warnings option', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack, isolatedVpc(stack)));
    // THEN
    expect(ruleFindings(stack, RULE, { warnings: ['SecretTags'] })).toEqual([]);
  });

  test('Noncompliance 1: secretsmanager.Secret.grantRead to a function in a VPC without an endpoint', () => {
    // GIVEN
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack, vpc));
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Fn/Resource']]);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].description).toContain(`The function runs in VPC ${stack.resolve((vpc.node.defaultChild as ec2.CfnVPC).logicalId)} and its role reads secrets`);
  });

  test('Noncompliance 2: HardenedSecret.grantRead to a function in a VPC without an endpoint', () => {
    // GIVEN
    const stack = newStack();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Test secret without rotation') });
    // WHEN
    secret.grantRead(fn(stack, isolatedVpc(stack)));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Resource']]);
  });

  test('Noncompliance 3: the endpoint is in another VPC', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const other = isolatedVpc(stack, 'Other');
    // WHEN
    secret.grantRead(fn(stack, isolatedVpc(stack)));
    addSecretsEndpoint(other);
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Resource']]);
  });

  test('Noncompliance 4: an interface endpoint for another service does not count', () => {
    // GIVEN
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack, vpc));
    vpc.addInterfaceEndpoint('Ssm', { service: ec2.InterfaceVpcEndpointAwsService.SSM });
    vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Resource']]);
  });

  test('Noncompliance 5: L1 VPC, subnet, role with an inline policy and function', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    l1Function(stack);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Fn']]);
    expect(findings[0].description).toContain('The function runs in VPC Vpc and its role reads secrets');
  });

  test('Compliance 8: L1 function whose role reads no secret', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    l1Function(stack, false);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 6: a role that reads secrets through an attached iam.ManagedPolicy (roles prop)', () => {
    // GIVEN
    const stack = newStack();
    const f = fn(stack, isolatedVpc(stack));
    // WHEN
    new iam.ManagedPolicy(stack, 'Read', {
      roles: [f.role!],
      statements: [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf'] })],
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Resource']]);
  });

  // Suspected rule bug: readsSecrets looks at the role's inline policies and at policies whose
  // Roles list the role, but not at the role's own ManagedPolicyArns; role.addManagedPolicy(mp)
  // attaches the same policy that way and the function is not reported.
  test('Noncompliance 7: a role that reads secrets through role.addManagedPolicy (ManagedPolicyArns)', () => {
    // GIVEN
    const stack = newStack();
    const f = fn(stack, isolatedVpc(stack));
    const read = new iam.ManagedPolicy(stack, 'Read', {
      statements: [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf'] })],
    });
    // WHEN
    f.role!.addManagedPolicy(read);
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Resource']]);
  });

  test('Noncompliance 8: subnets given by Fn.importValue: no endpoint anywhere in the stack', () => {
    // GIVEN
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: Fn.importValue('VpcId'),
      availabilityZones: ['eu-west-1a'],
      isolatedSubnetIds: [Fn.importValue('SubnetA')],
    });
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack, vpc));
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Fn/Resource']]);
    expect(findings[0].description).toContain('The function runs in a VPC and its role reads secrets');
  });

  test('Noncompliance 9: a role with secretsmanager:* on "*" reads secrets', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, isolatedVpc(stack)).addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Resource']]);
  });
});
