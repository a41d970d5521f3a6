import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret has a rotation schedule with a rotation function and rules. */
export const SecretRotationConfigured: SecretsRule = {
  name: 'SecretRotationConfigured',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The secret has an AWS::SecretsManager::RotationSchedule with a rotation function (hosted or Lambda) and RotationRules.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.9, 8.6.3; NIST 800-53 IA-5(1), SC-12',
  fix: 'CloudFormation: add an AWS::SecretsManager::RotationSchedule with SecretId (the secret\'s Ref), RotationRules and HostedRotationLambda or RotationLambdaARN; if the secret truly cannot rotate, write the reason into the secret\'s Metadata.cdk_nag.rules_to_suppress and audit with --honor-suppressions. CDK: HardenedSecret with SecretRotationPolicy.hosted/lambda, or SecretRotationPolicy.none(justification).',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const secret = index.view(node);
    const schedules = index.attachedToSecret(secret, 'AWS::SecretsManager::RotationSchedule');
    if (schedules.length === 0) {
      return [finding('no AWS::SecretsManager::RotationSchedule targets this secret, so its value never changes.')];
    }
    const problems = [];
    for (const s of schedules) {
      if (s.properties.RotationLambdaARN === undefined && s.properties.HostedRotationLambda === undefined) {
        problems.push(finding(`rotation schedule ${s.logicalId} names neither RotationLambdaARN nor HostedRotationLambda, so nothing can rotate the secret.`));
      }
      if (s.properties.RotationRules === undefined) {
        problems.push(finding(`rotation schedule ${s.logicalId} has no RotationRules, so the secret is never rotated on a schedule.`));
      }
    }
    return problems;
  },
};
