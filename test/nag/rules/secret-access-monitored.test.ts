import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'SecretAccessMonitored';
const ID = `HardenedSecrets-${RULE}`;

function metricFilter(stack: Stack, pattern: logs.IFilterPattern): void {
  new logs.MetricFilter(stack, 'Filter', {
    logGroup: new logs.LogGroup(stack, 'Trail'),
    metricNamespace: 'Security',
    metricName: 'SecretsManagerCalls',
    filterPattern: pattern,
  });
}

describe('SecretAccessMonitored', () => {
  test('Compliance 1: externalMonitor declares an organisation monitor', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    expect(ruleFindings(stack, RULE, { externalMonitor: 'Organisation CloudTrail with SIEM alarms (SEC-42)' })).toEqual([]);
  });

  test('Compliance 1b: an externalMonitor of exactly ten characters is accepted', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    expect(ruleFindings(stack, RULE, { externalMonitor: 'Org trails' })).toEqual([]);
  });

  test('Compliance 2: a logs.MetricFilter on secretsmanager.amazonaws.com events', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    metricFilter(stack, logs.FilterPattern.stringValue('$.eventSource', '=', 'secretsmanager.amazonaws.com'));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: an L1 logs.CfnMetricFilter with a filter pattern on secretsmanager.amazonaws.com', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.CfnSecret(stack, 'Secret', {});
    // WHEN
    new logs.CfnMetricFilter(stack, 'Filter', {
      logGroupName: 'org-trail',
      filterPattern: '{ ($.eventSource = "secretsmanager.amazonaws.com") && ($.eventName = "DeleteSecret") }',
      metricTransformations: [{ metricNamespace: 'Security', metricName: 'SecretDeletes', metricValue: '1' }],
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: an events.Rule with source aws.secretsmanager', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.secretsmanager'] } });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: an events.Rule on CloudTrail API calls to secretsmanager.amazonaws.com', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    new events.Rule(stack, 'Rule', {
      eventPattern: { detailType: ['AWS API Call via CloudTrail'], detail: { eventSource: ['secretsmanager.amazonaws.com'] } },
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 6: a monitor in another stack of the same app covers the secrets of every stack', () => {
    // GIVEN
    const app = new App();
    const env = { account: '111111111111', region: 'eu-west-1' };
    const secrets = new Stack(app, 'Secrets', { env });
    const monitoring = new Stack(app, 'Monitoring', { env });
    new secretsmanager.Secret(secrets, 'Secret');
    // WHEN
    new events.Rule(monitoring, 'Rule', { eventPattern: { source: ['aws.secretsmanager'] } });
    // THEN
    expect(ruleFindings(secrets, RULE)).toEqual([]);
  });

  test('Compliance 7: the rule is a warning that can be left out of the warnings option', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    expect(ruleFindings(stack, RULE, { warnings: ['SecretTags'] })).toEqual([]);
  });

  test('Noncompliance 1: a secret and nothing that watches Secrets Manager', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].description).toMatch(/Nothing in the app watches Secrets Manager API calls .* and no external monitor is declared/);
  });

  test('Noncompliance 2: every secret (L1 and HardenedSecret) has its own finding', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Raw', {});
    new HardenedSecret(stack, 'Hardened', { rotation: SecretRotationPolicy.none('Test secret without rotation') });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Hardened/Resource'], [ID, 'Stack/Raw']]);
  });

  test('Noncompliance 3: a metric filter on another service', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    metricFilter(stack, logs.FilterPattern.stringValue('$.eventSource', '=', 'kms.amazonaws.com'));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret/Resource']]);
  });

  test('Noncompliance 4: an events.Rule on another source', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.kms'] } });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret/Resource']]);
  });

  test('Noncompliance 5: an events.Rule on a schedule that only mentions secrets in its description', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    new events.Rule(stack, 'Rule', {
      description: 'Nightly secretsmanager report',
      schedule: events.Schedule.expression('rate(1 day)'),
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret/Resource']]);
  });

  test.each([
    ['empty', ''],
    ['too short', 'SIEM'],
    ['blank', '            '],
    ['nine characters long', 'Org trail'],
  ])('an externalMonitor that is %s is refused', (_name, externalMonitor) => {
    expect(() => ruleFindings(newStack(), RULE, { externalMonitor })).toThrow(
      /SecretsManagerChecks: invalid `externalMonitor`: .*allowed: a description of the monitor of at least 10 characters/,
    );
  });
});
