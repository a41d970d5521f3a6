/**
 * Plain aws-cdk-lib secrets made restrictive by the security team: `SecretGuardrails` ENFORCE
 * with `accessMode`.
 *
 * The product team's stack reads its secret with aws-cdk-lib's `grantRead`; the guardrails give
 * the secret a key and a resource policy that lets through only the roles the stack grants on
 * it, the break-glass role and the deployment role. test/guardrails/restrictive-example.test.ts
 * proves it with the IAM engine and Prowler's check.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardrailMode, SecretAccessMode, SecretGuardrails } from '../../src';

/** The id of the product team's stack. */
export const PAYMENTS_STACK_NAME = 'PaymentsStack';

/** The organisation whose principals alone may use the secrets. */
export const PAYMENTS_ORGANIZATION_ID = 'o-a1b2c3d4e5';

/** Builds the product team's stack and the security team's guardrails in `app`. */
export function buildRestrictiveGuardrailsApp(app: App = new App()) {
  const stack = new Stack(app, PAYMENTS_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });

  // The product team's code: a plain secret, read by its task role through aws-cdk-lib's grant.
  const apiKey = new secretsmanager.Secret(stack, 'PaymentsApiKey');
  const task = new iam.Role(stack, 'PaymentsTask', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  apiKey.grantRead(task);

  // The security team's code, where the app is created: every L1/L2 secret gets a key, RETAIN,
  // the protective denies and a deny of every Secrets Manager action to all but the roles the
  // stack grants on that secret (here the task role), break glass and the deployment role.
  const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/security/secrets-break-glass');
  SecretGuardrails.apply(app, {
    mode: GuardrailMode.ENFORCE,
    breakGlassRoles: [breakGlass],
    accessMode: SecretAccessMode.restrictive({ organizationId: PAYMENTS_ORGANIZATION_ID }),
  });

  return { app, stack, apiKey, task, breakGlass };
}
