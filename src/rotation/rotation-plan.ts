import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** What a validated `SecretRotationPolicy` builds on a secret (internal). */
export interface RotationPlan {
  /** The value of the `rotation` tag: `hosted-30d`, `lambda-12h`, `none`. */
  readonly label: string;
  /** Creates the rotation resources on a validated secret. */
  apply(secret: secretsmanager.Secret): void;
  /** How the rotation function reaches Secrets Manager; known once `apply` has run. */
  network?(): RotationNetwork;
}

/** How a rotation function calls Secrets Manager (internal). */
export interface RotationNetwork {
  /** The rotation function, as messages name it. */
  readonly name: string;
  /** Whether it runs in a VPC; `undefined` when that cannot be known (an imported function). */
  readonly inVpc?: boolean;
  /** The Secrets Manager endpoint its calls go through, when known. */
  readonly endpoint?: ec2.IInterfaceVpcEndpoint;
  /**
   * True when it runs in a VPC where the library found no Secrets Manager endpoint to let it into
   * (none given, none made for the VPC in the app before it): it calls through the VPC's routes.
   */
  readonly withoutEndpoint?: boolean;
}

