import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Settings of the AWS Parameters and Secrets Lambda extension that `grantToFunction` adds.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
 */
export interface SecretsExtensionOptions {
  /**
   * How long the extension serves a secret from its cache before it calls Secrets Manager again
   * (`SECRETS_MANAGER_TTL`), 0 to 300 seconds; 0 turns the cache off for secrets. After a
   * rotation, a function may read the previous value for up to this long.
   *
   * @default Duration.minutes(5)
   */
  readonly cacheTtl?: Duration;

  /**
   * How many secrets and parameters the extension caches (`PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE`), 0 to 1000.
   *
   * @default 1000
   */
  readonly cacheSize?: number;

  /**
   * The extension version.
   *
   * @default lambda.ParamsAndSecretsVersions.V1_0_103
   */
  readonly version?: lambda.ParamsAndSecretsVersions;
}

/**
 * Options of `HardenedSecret.grantToFunction`.
 */
export interface GrantToFunctionOptions {
  /**
   * The environment variable that holds the secret's ARN (never its value).
   *
   * @default - the secret's construct id in upper snake case followed by `_SECRET_ARN`, e.g. `DB_CREDENTIALS_SECRET_ARN` for `DbCredentials`
   */
  readonly environmentVariable?: string;

  /**
   * Adds the AWS Parameters and Secrets Lambda extension (a layer on
   * `localhost:2773`) with these settings. The extension calls Secrets Manager over the network like
   * the SDK does: a function in a VPC needs a Secrets Manager endpoint or a route out.
   *
   * @default - no extension: read the secret with the SDK (e.g. Powertools `getSecret` with `maxAge`)
   */
  readonly extension?: SecretsExtensionOptions;
}
