import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HardenedSecret } from '../../src';
import { ManagedPolicyRole } from '../shared/managed-policy-role';

/** The name of the example's stack. */
export const IMPORTS_STACK_NAME = 'ImportedSecrets';

/**
 * A workload that reads secrets made elsewhere: by the platform team's app (name, key alias and a
 * replica), and by the console (only its ARN is known).
 */
export function buildImportedSecretsApp(app: App = new App()) {
  const stack = new Stack(app, IMPORTS_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  const workload = new ManagedPolicyRole(stack, 'Workload', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

  // Made by the platform team's app, in this account: by name, its key by alias, with its replica.
  const payments = HardenedSecret.fromHardenedSecretAttributes(stack, 'PaymentsDb', {
    secretName: 'prod/payments/db',
    secretKey: kms.Alias.fromAliasName(stack, 'PaymentsKey', 'alias/prod/payments/secrets'),
    replicaRegions: [{ region: 'eu-central-1', encryptionKey: kms.Alias.fromAliasName(stack, 'PaymentsReplicaKey', 'alias/prod/payments/secrets') }],
  });
  payments.grantRead(workload);

  // Made in the console: only its ARN is known; the grant still decrypts, through Secrets Manager only.
  const legacy = HardenedSecret.fromSecretCompleteArn(stack, 'LegacyToken', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:legacy/partner-token-Xy12Za');
  legacy.grantRead(workload);

  return { stack, workload, payments, legacy };
}
