import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What the AWS managed policy `AWSLambdaVPCAccessExecutionRole` gives a function's execution
 * role, scoped to the account, region, subnets and security group of the function, in the role's
 * own policy (AwsSolutions-IAM4 flags the managed policy).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 */
export function grantLambdaVpcAccess(role: iam.IRole, subnetIds: string[], securityGroup: ec2.ISecurityGroup): void {
  const stack = Stack.of(role);
  const ec2Arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CreateFunctionNetworkInterfaces',
    actions: ['ec2:CreateNetworkInterface'],
    resources: [
      ec2Arn('network-interface', '*'),
      ...subnetIds.map((id) => ec2Arn('subnet', id)),
      ec2Arn('security-group', securityGroup.securityGroupId),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ManageFunctionNetworkInterfaces',
    actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: [ec2Arn('network-interface', '*')],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DescribeNetwork',
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
    resources: ['*'],
  }));
}

/**
 * Why `Resource: "*"` in the policy of a traced function in a VPC (AwsSolutions-IAM5[Resource::*]).
 */
export const TRACED_VPC_FUNCTION_WILDCARD_REASON =
  'xray:PutTraceSegments, xray:PutTelemetryRecords (active tracing), ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets ' +
  '(Lambda VPC networking) support no resource-level permissions: the service authorization reference lists no ' +
  'resource type for them, so Resource must be "*".';

/**
 * Why `network-interface/*` in the policy of a function in a VPC (AwsSolutions-IAM5), for the
 * function named `functionName` in `subnets` (e.g. 'the two isolated subnets').
 */
export function networkInterfaceWildcardReason(functionName: string, subnets: string): string {
  return `Lambda creates and deletes the Hyperplane network interfaces of ${functionName} with its execution role; their ids exist only ` +
    'at run time. The wildcard is limited to network interfaces of this account and region, and CreateNetworkInterface ' +
    `to ${subnets} and the function security group.`;
}
