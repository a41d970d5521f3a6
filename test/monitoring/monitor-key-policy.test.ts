/**
 * The source conditions of the monitor key's policy: CloudWatch for this account's alarms only,
 * EventBridge only once a detector is a rule.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OWNER, SECRET_ARN } from './cloudtrail-records';
import { literalReaders, orgTrail } from './monitor-fixtures';
import { DetectorType, SecretAccessMonitor, SecretEventKind } from '../../src';
import { newStack } from '../nag-helpers';

describe('monitor key policy: source conditions', () => {
  test('EventBridge may use the key only once a detector is a rule, by one statement', () => {
    const statementsOf = (stack: Stack) => {
      const [key] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
      return key.Properties.KeyPolicy.Statement as Array<{ [key: string]: any }>;
    };
    // All metric filters: no EventBridge statement.
    const filters = newStack();
    new SecretAccessMonitor(filters, 'Monitor', { cloudTrailLogGroup: orgTrail(filters) })
      .watch(secretsmanager.Secret.fromSecretCompleteArn(filters, 'S', SECRET_ARN), { allowedReaders: literalReaders(filters, 2) });
    expect(statementsOf(filters).filter((st) => JSON.stringify(st.Principal).includes('events.amazonaws.com'))).toEqual([]);
    // A rule: one statement, whatever the number of rules.
    const rules = newStack();
    const monitor = new SecretAccessMonitor(rules, 'Monitor', { cloudTrailLogGroup: orgTrail(rules) });
    const many = literalReaders(rules, 20);
    monitor.watch(secretsmanager.Secret.fromSecretCompleteArn(rules, 'S', SECRET_ARN), { allowedReaders: many, allowedWriters: many });
    const events = statementsOf(rules).filter((st) => JSON.stringify(st.Principal).includes('events.amazonaws.com'));
    expect(monitor.detectorType(SecretEventKind.WRITE_OUTSIDE_ROTATION)).toBe(DetectorType.EVENT_RULE);
    // The one the SnsTopic target of aws-cdk-lib adds for an encrypted topic: no Condition (see the source).
    expect(events).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    }]);
  });

  test('the alarms statement is bound to this account and its alarms', () => {
    const stack = newStack();
    new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AlarmsPublishToTopic',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': OWNER },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:eu-west-1:${OWNER}:alarm:*`]] } },
          },
        })]),
      },
    });
  });
});
