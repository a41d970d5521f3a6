import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * A role whose grants all go into one customer-managed policy (`<role>/Policy`) instead of an
 * inline `DefaultPolicy`: HIPAA, NIST 800-53 R5 and PCI DSS ask for no inline policies
 * (IAMNoInlinePolicy), AwsSolutions-IAM4 for no AWS managed ones.
 */
export class ManagedPolicyRole extends iam.Role {
  /** The one policy that holds every grant of the role. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
    // Attached from the policy side (`Roles`), so the policy may name the role's own ARN without a
    // cycle. Whatever depends on the role (a function, a flow log) depends on this child too.
    this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this], description: props.description });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
