/**
 * What every target account and region of a `SecretsOrganizationRollout` receives: the Guard
 * Hook reading the organisation's rules bucket, the Config rules and, optionally, a monitor.
 *
 * The member template refers to nothing of the deploying stack by token: the rules bucket's name
 * and key ARN reach it as stack set parameters, which CloudFormation resolves in the deploying
 * account and passes to every stack instance.
 */
import { Aws, CfnParameter } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { OrganizationMonitorOptions } from './organization-rollout-props';
import { SecretsConfigRules } from '../guard/config-rules';
import { GuardHookFailureMode, GuardRulesSource, SecretsGuardHook } from '../guard/guard-hook';
import { SecretAccessMonitor } from '../monitoring/secret-access-monitor';

/**
 * The name of the Guard Hook execution role in a member account, before `-<region>`: IAM names
 * are global to an account, and the stack set deploys one hook per region.
 */
export const HOOK_ROLE_NAME_PREFIX = 'hardened-secrets-guard-hook';

/** The `aws:PrincipalArn` pattern of the hook execution roles of every member account and region. */
export function hookRoleArnPattern(partition: string): string {
  return `arn:${partition}:iam::*:role/${HOOK_ROLE_NAME_PREFIX}-*`;
}

/** The names of the member template's parameters, which the stack set sets. */
export const MEMBER_PARAMETERS = {
  rulesBucketName: 'RulesBucketName',
  rulesKeyArn: 'RulesKeyArn',
} as const;

/** Where the hooks read their rules. */
export interface MemberRules {
  readonly objectKey: string;
  readonly versionId: string;
  readonly failureMode: GuardHookFailureMode;
}

/** What the member stack holds. */
export interface MemberStackOptions {
  /** The rules of the Guard Hook; no hook without them. */
  readonly hook?: MemberRules;
  readonly configRules: boolean;
  readonly monitor?: OrganizationMonitorOptions;
}

/** Adds the controls to the member stack. */
export function populateMemberStack(member: Construct, options: MemberStackOptions): void {
  if (options.hook !== undefined) {
    const bucketName = new CfnParameter(member, MEMBER_PARAMETERS.rulesBucketName, {
      type: 'String',
      description: 'The bucket of the organisation\'s Guard rules, in the deploying account',
    });
    const keyArn = new CfnParameter(member, MEMBER_PARAMETERS.rulesKeyArn, {
      type: 'String',
      description: 'The KMS key of the rules bucket',
    });
    const bucket = s3.Bucket.fromBucketAttributes(member, 'RulesBucket', {
      bucketName: bucketName.valueAsString,
      encryptionKey: kms.Key.fromKeyArn(member, 'RulesKey', keyArn.valueAsString),
    });
    new SecretsGuardHook(member, 'GuardHook', {
      rules: GuardRulesSource.fromBucket(bucket, options.hook.objectKey, options.hook.versionId),
      failureMode: options.hook.failureMode,
      executionRoleName: `${HOOK_ROLE_NAME_PREFIX}-${Aws.REGION}`,
    });
  }
  if (options.configRules) {
    new SecretsConfigRules(member, 'ConfigRules');
  }
  if (options.monitor !== undefined) {
    const topicName = options.monitor.alarmTopicName;
    new SecretAccessMonitor(member, 'Monitor', {
      cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(member, 'CloudTrailLogGroup', options.monitor.cloudTrailLogGroupName),
      topic: topicName === undefined
        ? undefined
        : sns.Topic.fromTopicArn(member, 'AlarmTopic', `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${topicName}`),
    });
  }
}
