import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../private/acknowledgements';
import { NETWORK_INTERFACE_REASON, UNSCOPED_ACTIONS_REASON } from '../private/rotation-acknowledgements';

/**
 * Actions the rotation function's role needs on `Resource: "*"`, because they support no
 * resource-level permission (the Service Authorization Reference lists no resource type for
 * them). They go into a policy of their own, the only one with the `AwsSolutions-IAM5`
 * acknowledgement, so that any other wildcard added to the role is still reported.
 */
const UNSCOPED_ACTIONS = [
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
  'secretsmanager:GetRandomPassword',
  // Active tracing. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // Lambda VPC networking. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
];

/** The network-interface actions Lambda performs with the execution role in a VPC. */
const NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/**
 * The execution role of a rotation function: every statement goes into one of two
 * customer-managed policies (HIPAA, NIST 800-53 and PCI DSS ask for no inline policies,
 * AwsSolutions-IAM4 for no AWS managed ones): `Policy` for statements on named resources,
 * `UnscopedPolicy` for the actions that only work on `*` and the function's network interfaces.
 * What it may do on the secrets it rotates is in the `RotationGrants` policies of the secrets'
 * stacks.
 */
export class RotationRole extends iam.Role {
  /** How many managed policies of its own the role has (`Policy` and `UnscopedPolicy`). */
  public static readonly OWN_POLICY_COUNT = 2;

  public readonly scopedPolicy: iam.ManagedPolicy;
  public readonly unscopedPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of a Secrets Manager rotation function',
    });
    // Attached from the policy side (`Roles`), so the policies may name resources that depend on
    // the role without a cycle. Whatever depends on the role depends on these children too.
    this.scopedPolicy = new iam.ManagedPolicy(this, 'Policy', {
      roles: [this],
      description: 'Rotation function: its log group',
    });
    this.unscopedPolicy = new iam.ManagedPolicy(this, 'UnscopedPolicy', {
      roles: [this],
      description: 'Rotation function: actions without resource-level permissions, and its network interfaces',
    });
    const unscoped = this.unscopedPolicy.node.defaultChild!;
    acknowledge(unscoped, 'AwsSolutions-IAM5[Resource::*]', UNSCOPED_ACTIONS_REASON);
    acknowledge(unscoped, `AwsSolutions-IAM5[Resource::${networkInterfaceArnForNag(Stack.of(this))}]`, NETWORK_INTERFACE_REASON);
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const json = statement.toStatementJson() as { Resource?: unknown; Action?: unknown };
    const resources = [json.Resource].flat();
    const actions = [json.Action].flat() as string[];
    const unscoped =
      (resources.length === 1 && resources[0] === '*' && actions.every((a) => UNSCOPED_ACTIONS.includes(a))) ||
      actions.every((a) => NETWORK_INTERFACE_ACTIONS.includes(a));
    const policy = unscoped ? this.unscopedPolicy : this.scopedPolicy;
    policy.addStatements(statement);
    return { statementAdded: true, policyDependable: policy };
  }

  /**
   * What AWSLambdaVPCAccessExecutionRole gives, limited to this account, region, subnets and
   * security groups.
   *
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
   */
  public addNetworkPermissions(vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined, groups: ec2.ISecurityGroup[]): void {
    const stack = Stack.of(this);
    const ec2Arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
    const networkInterfaces = ec2Arn('network-interface', '*');
    this.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateFunctionNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        networkInterfaces,
        ...vpc.selectSubnets(subnets).subnetIds.map((subnetId) => ec2Arn('subnet', subnetId)),
        ...groups.map((group) => ec2Arn('security-group', group.securityGroupId)),
      ],
    }));
    this.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageFunctionNetworkInterfaces',
      actions: NETWORK_INTERFACE_ACTIONS.filter((a) => a !== 'ec2:CreateNetworkInterface'),
      resources: [networkInterfaces],
    }));
    this.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeNetwork',
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      resources: ['*'],
    }));
  }
}

/**
 * How cdk-nag writes the network-interface ARN in its finding id: pseudo parameters that are
 * not known at synth time as `<AWS::Name>`.
 */
function networkInterfaceArnForNag(stack: Stack): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:ec2:${region}:${account}:network-interface/*`;
}
