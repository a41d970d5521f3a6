import { DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The ARNs of the roles CloudFormation acts as when it deploys `stack`.
 *
 * Resource and key policies that lock changes down must still let the deployment change them,
 * or the next `cdk deploy` fails and the policy can never be corrected.
 * With the default synthesizer that is the bootstrap CloudFormation execution role.
 *
 * @returns the role ARNs; empty when the synthesizer names no execution role
 */
export function deploymentRoleArns(stack: Stack, given?: iam.IRole[]): string[] {
  if (given && given.length > 0) {
    return given.map((role) => role.roleArn);
  }
  const synthesizer = stack.synthesizer;
  if (synthesizer instanceof DefaultStackSynthesizer) {
    // The synthesizer returns the ARN with ${AWS::...} placeholders for CloudFormation to fill.
    return [Fn.sub(synthesizer.cloudFormationExecutionRoleArn)];
  }
  return [];
}
