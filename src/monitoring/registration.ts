import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { deploymentReaders } from './principals';
import { ISecretAccessMonitor } from './secret-access-monitor';
import { RotationKind, SecretRotationPolicy } from '../rotation/rotation-policy';

/**
 * The lists a `HardenedSecret` fills as it grants access; its monitor reads them at synthesis.
 */
export interface MonitoredPrincipals {
  readonly readers: iam.IGrantable[];
  readonly writers: iam.IGrantable[];
}

/**
 * Registers `secret` with `monitor`, with lists that the secret's `grantRead` / `grantWrite`
 * append to: readers granted after this call are allowed too. The rotation function of a
 * `lambda` or `custom` rotation is passed along: its role is an allowed writer and its errors
 * alarm. Hosted rotation creates its function and role at deployment (the
 * AWS::SecretsManager transform), so neither can be known at synth.
 *
 * The roles CloudFormation deploys the secret's stack as (`deploymentRoles`, or the default
 * synthesizer's execution role) are allowed readers: they resolve `{{resolve:secretsmanager:...}}`
 * dynamic references during deployments.
 */
export function watchHardenedSecret(
  monitor: ISecretAccessMonitor,
  secret: secretsmanager.ISecret,
  rotation: SecretRotationPolicy,
  deploymentRoles?: iam.IRole[],
): MonitoredPrincipals {
  const lists: MonitoredPrincipals = { readers: deploymentReaders(Stack.of(secret), deploymentRoles), writers: [] };
  const rotationFunction = rotation._rotationFunction();
  monitor.watch(secret, {
    allowedReaders: lists.readers,
    allowedWriters: lists.writers,
    rotationFunction,
    // Explicit, though SecretAccessMonitor defaults to it: other ISecretAccessMonitors may not.
    rotationRole: rotationFunction?.role,
  });
  if (rotation.kind === RotationKind.HOSTED) {
    Annotations.of(secret).addWarningV2(
      'cdk-hardened-secrets:monitor-hosted-rotation-role',
      'Hosted rotation creates its Lambda role at deployment, so the monitor cannot exempt it: each rotation raises the ' +
        'WRITE_OUTSIDE_ROTATION alarm. Once deployed, add the role with monitor.watch(secret, { rotationRole }).',
    );
  }
  return lists;
}
