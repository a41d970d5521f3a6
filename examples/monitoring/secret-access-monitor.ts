/**
 * README example "Monitoring": one SecretAccessMonitor on the organisation trail's log group
 * watching every secret of the stack. Compiled and synthesised by test/examples.test.ts.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HardenedSecret, SecretAccessMonitor, SecretRotationPolicy } from '../../src';

export const MONITORING_STACK_NAME = 'OrdersSecrets';

/** The secrets of a service, watched through the organisation trail. */
export class OrdersSecretsStack extends Stack {
  public readonly monitor: SecretAccessMonitor;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // README: monitoring
    const monitor = new SecretAccessMonitor(this, 'SecretAccessMonitor', {
      // The log group the organisation trail delivers to (here: AWS Control Tower's).
      cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(this, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
      topic: sns.Topic.fromTopicArn(this, 'SecurityAlerts', `arn:aws:sns:${this.region}:${this.account}:security-alerts`),
      dashboard: true,
    });

    const api = iam.Role.fromRoleArn(this, 'OrdersApi', `arn:aws:iam::${this.account}:role/orders-api`, { mutable: false });
    const db = new HardenedSecret(this, 'Database', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
    });
    monitor.watch(db); // its key, its deployment roles and every principal it grants, now or later
    db.grantRead(api); // an allowed reader: its reads raise no alarm

    // A secret made elsewhere is watched with an explicit list.
    const legacy = secretsmanager.Secret.fromSecretNameV2(this, 'Legacy', 'prod/orders/legacy-token');
    monitor.watch(legacy, { allowedReaders: [api] });
    // README: end
    this.monitor = monitor;
  }
}

/** Builds the example app (a concrete environment: the patterns name the account). */
export function buildMonitoringApp(app: App = new App()): { app: App; stack: OrdersSecretsStack } {
  const stack = new OrdersSecretsStack(app, MONITORING_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  return { app, stack };
}
