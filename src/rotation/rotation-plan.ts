import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** What a validated `SecretRotationPolicy` builds on a secret (internal). */
export interface RotationPlan {
  /** The value of the `rotation` tag: `hosted-30d`, `lambda-12h`, `none`. */
  readonly label: string;
  /** Creates the rotation resources on a validated secret. */
  apply(secret: secretsmanager.Secret): void;
}

