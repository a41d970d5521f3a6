import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { RuleContext, SecretsRule, finding } from '../rule';

/** Access to secrets is monitored: by the app, or by a declared external monitor. */
export const SecretAccessMonitored: SecretsRule = {
  name: 'SecretAccessMonitored',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The app has a CloudWatch Logs metric filter or EventBridge rule on Secrets Manager API calls, or the pack declares an external monitor.',
  controls: 'SOC 2 CC7.2, CC7.3; PCI DSS 4.0 10.2.1, 10.4.1; NIST 800-53 AU-6, AU-12, SI-4',
  fix: 'CloudFormation: add an AWS::Events::Rule on source aws.secretsmanager (detail-type AWS API Call via CloudTrail) or an AWS::Logs::MetricFilter on the CloudTrail log group, each with an AWS::CloudWatch::Alarm; or declare the organisation monitor that covers this account (externalMonitor). CDK: SecretAccessMonitor.',
  check(node: CfnResource, context: RuleContext) {
    if (context.options.externalMonitor !== undefined || context.appIndex(node).monitors.length > 0) {
      return [];
    }
    return [finding('nothing in the app watches Secrets Manager API calls (no metric filter or EventBridge rule on secretsmanager events) and no external monitor is declared, so reads, deletions and policy changes go unnoticed.')];
  },
};
