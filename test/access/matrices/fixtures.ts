import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AccessModel, PolicyDocument } from '../engine';

/** A VPC imported by id, with two isolated subnets: no VPC resources in the template. */
export function importedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-a', 'subnet-b'],
    isolatedSubnetRouteTableIds: ['rtb-a', 'rtb-b'],
  });
}

/** A KMS key of the app as a resource of a scenario: its ARN and key policy. */
export function keyResource(model: AccessModel, key: IConstruct): { arn: string; policy: PolicyDocument } {
  const resolved = model.resource(key);
  return { arn: resolved.arn, policy: resolved.properties.KeyPolicy as PolicyDocument };
}

/** A break-glass role of the app: assumable by the account, with AdministratorAccess. */
export function breakGlassRole(stack: Stack): iam.Role {
  return new iam.Role(stack, 'BreakGlass', {
    assumedBy: new iam.AccountRootPrincipal(),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
  });
}
