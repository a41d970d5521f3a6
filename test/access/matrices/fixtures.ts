import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AccessModel, PolicyDocument } from '../engine';

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
