/**
 * The acknowledgements `RotationFunction` places, with their reasons. Not exported from the
 * package: the tests list them, the constructs apply them.
 */

/** The reason of the `AwsSolutions-IAM5[Resource::*]` acknowledgement on the role's unscoped policy. */
export const UNSCOPED_ACTIONS_REASON =
  'secretsmanager:GetRandomPassword, xray:PutTraceSegments, xray:PutTelemetryRecords, ec2:DescribeNetworkInterfaces and ' +
  'ec2:DescribeSubnets support no resource-level permissions (the Service Authorization Reference lists no resource type ' +
  'for them), so Resource must be "*": GetRandomPassword generates the new value, the X-Ray actions send the traces of ' +
  'active tracing, the EC2 Describe actions let Lambda attach the function to its subnets. This policy holds only these.';

/** The reason of the `AwsSolutions-IAM5[Resource::...:network-interface/*]` acknowledgement. */
export const NETWORK_INTERFACE_REASON =
  'Lambda creates and deletes the network interfaces of the function in its VPC with the execution role; their ids exist ' +
  'only at run time. The wildcard is limited to network interfaces of this account and region, and ' +
  'CreateNetworkInterface to the function subnets and security groups.';

/** Why the rotation function has no dead-letter queue. */
export const NO_DLQ_REASON =
  'Secrets Manager invokes a rotation function synchronously and retries a failed rotation itself; Lambda sends only ' +
  'asynchronous invocations to a dead-letter queue, so one would never receive an event. Failed rotations are in the ' +
  "function's logs and Secrets Manager's RotationFailed events.";

/** Why the rotation function runs Node.js 22 although aws-cdk-lib knows a newer Node.js runtime. */
export const NODE_22_REASON =
  'The rotation runtime is built and bundled for Node.js 22 (esbuild --target=node22), an LTS runtime Lambda supports ' +
  'until 2027; the runtime moves with the library, not per stack.';

/** The nag rules the rotation function acknowledges on its `AWS::Lambda::Function`, with why. */
export const FUNCTION_ACKNOWLEDGEMENTS: ReadonlyArray<{ readonly rule: string; readonly reason: string }> = [
  { rule: 'AwsSolutions-L1', reason: NODE_22_REASON },
  { rule: 'Serverless-LambdaLatestVersion', reason: NODE_22_REASON },
  { rule: 'Serverless-LambdaDLQ', reason: NO_DLQ_REASON },
  { rule: 'HIPAA.Security-LambdaDLQ', reason: NO_DLQ_REASON },
  { rule: 'NIST.800.53.R5-LambdaDLQ', reason: NO_DLQ_REASON },
];

/**
 * The rule `HardenedSecrets-IamReadPinnedToCurrent` exempts the role of a rotation function it
 * can see rotating a secret of the same template. A grants policy of `RotationGrants` in another
 * stack than the function attaches to an imported role, which the rule cannot link to the
 * function: acknowledged there only, with this reason.
 */
export const CROSS_STACK_ROTATION_RULE = 'HardenedSecrets-IamReadPinnedToCurrent';

/** Why the rotation grants carry no `secretsmanager:VersionStage` condition. */
export function crossStackRotationReason(functionPath: string): string {
  return `The execution role of the rotation function ${functionPath} (another stack) rotates the secrets of this policy: ` +
    'rotation reads the AWSPENDING version by its version id and moves the version stages, so its GetSecretValue cannot be ' +
    'pinned to AWSCURRENT. The statement names only these secrets, and their keys only through Secrets Manager.';
}
