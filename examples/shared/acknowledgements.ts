import { CfnResource, Stack, Validations } from 'aws-cdk-lib';

/** One acknowledged validation rule on one construct of an example stack. */
export interface ExampleAcknowledgement {
  /** Construct path of the L1 resource the acknowledgement is placed on. */
  readonly path: string;
  /** The rule id (cdk-nag: with the finding in brackets for granular rules). */
  readonly rule: string;
  /** Why the finding is accepted. */
  readonly reason: string;
  /**
   * Who places it: `example` (the example's build function, from its list), `library`
   * (`SecretRotationPolicy.none` from the justification, `HardenedSecret.grantBatchRead`) or
   * `aws-cdk-lib` (its own cfn-lint acknowledgements; they suppress no cdk-nag rule and are
   * listed only to make the list complete).
   */
  readonly placedBy: 'example' | 'library' | 'aws-cdk-lib';
}

/** Places the `example` acknowledgements of `acknowledgements`, each on its exact L1 resource. */
export function placeAcknowledgements(stack: Stack, acknowledgements: readonly ExampleAcknowledgement[]): void {
  for (const ack of acknowledgements.filter((a) => a.placedBy === 'example')) {
    Validations.of(l1Resource(stack, ack.path)).acknowledge({ id: ack.rule, reason: ack.reason });
  }
}

/** The CloudFormation resource at `path` below `stack`; throws if there is none. */
function l1Resource(stack: Stack, path: string): CfnResource {
  const found = stack.node.findAll().find((c) => c.node.path === path);
  if (!found || !CfnResource.isCfnResource(found)) {
    throw new Error(`acknowledgement target ${path} is not a CloudFormation resource of ${stack.node.path}`);
  }
  return found;
}
