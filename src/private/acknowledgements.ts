import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The rule ids, in each cdk-nag pack, that say "this secret has no rotation schedule".
 *
 * `SecretRotationPolicy.none(justification)` acknowledges exactly these on the secret resource.
 */
export const ROTATION_RULE_IDS = [
  'AwsSolutions-SMG4',
  'HIPAA.Security-SecretsManagerRotationEnabled',
  'NIST.800.53.R5-SecretsManagerRotationEnabled',
  'HardenedSecrets-SecretRotationConfigured',
] as const;

/**
 * The `SecretsManagerChecks` finding for a literal `SecretString`; `plaintextJustification`
 * acknowledges it with the user's justification.
 */
export const LITERAL_VALUE_RULE_ID = 'HardenedSecrets-NoLiteralSecretString[SecretString]';

/**
 * Acknowledges one nag rule on one resource, with the reason.
 *
 * Every acknowledgement of the library goes through here so that it always names the rule,
 * the exact resource (the construct it is placed on) and why.
 */
export function acknowledge(resource: IConstruct, id: string, reason: string): void {
  Validations.of(resource).acknowledge({ id, reason });
}
