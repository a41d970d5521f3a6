import * as fs from 'fs';
import * as path from 'path';
import { App, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildMonitoringApp } from '../examples/monitoring/secret-access-monitor';
import { DetectorType, SecretEventKind } from '../src';
import { packFindings } from './nag/pack-helpers';
import { controlTowerViolations, nagFindings } from './nag-helpers';
import { DETECTORS } from '../src/monitoring/event-kinds';

describe('examples/monitoring/secret-access-monitor.ts', () => {
  const { app, stack } = buildMonitoringApp(new App());
  const template = Template.fromStack(stack);

  test('one metric filter and alarm per event kind, on the organisation trail log group, notifying the given topic', () => {
    template.resourcePropertiesCountIs('AWS::Logs::MetricFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs' }, DETECTORS.length);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:security-alerts'] }, DETECTORS.length);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(stack.monitor.detectorType(SecretEventKind.UNEXPECTED_READ)).toBe(DetectorType.METRIC_FILTER);
  });

  test('the packs report nothing (SecretsManagerChecks with the owner tags)', () => {
    expect(nagFindings(stack)).toEqual([]);
    expect(controlTowerViolations(stack)).toEqual([]);
    Tags.of(stack).add('owner', 'orders-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'confidential');
    expect(packFindings(app)).toEqual([]);
  });

  test('the snippet of docs/monitoring.md is the example, verbatim', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'examples', 'monitoring', 'secret-access-monitor.ts'), 'utf8');
    const snippet = /\/\/ README: monitoring\n([\s\S]*?)\n\s*\/\/ README: end/.exec(source)![1];
    const readme = path.join(__dirname, '..', 'docs', 'monitoring.md');
    const dedented = snippet.split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n');
    expect(fs.readFileSync(readme, 'utf8')).toContain(dedented);
  });
});
