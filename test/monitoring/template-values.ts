import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { SecretAccessMonitor, SecretEventKind } from '../../src';
import { detectorOf } from '../../src/monitoring/event-kinds';

/**
 * Renders a template value (string, `Fn::Join`, `Ref`, `Fn::GetAtt`) to the string CloudFormation
 * would deploy, with `values` standing for the references (by logical id).
 */
export function deployed(value: unknown, values: { [logicalId: string]: string } = {}): string {
  if (typeof value === 'string') {
    return value;
  }
  const v = value as { [key: string]: any };
  if (v['Fn::Join']) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => deployed(p, values)).join(sep);
  }
  if (typeof v['Fn::Sub'] === 'string') {
    // Pseudo parameters only (the deployment role ARN of the default synthesizer).
    const pseudo: { [name: string]: string } = { 'AWS::Partition': 'aws', 'AWS::AccountId': '111111111111', 'AWS::Region': 'eu-west-1' };
    return (v['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_m: string, name: string) => {
      if (pseudo[name] === undefined) {
        throw new Error(`no value for \${${name}} in ${JSON.stringify(value)}`);
      }
      return pseudo[name];
    });
  }
  const id: string | undefined = v.Ref ?? v['Fn::GetAtt']?.[0];
  if (id !== undefined && values[id] !== undefined) {
    return values[id];
  }
  if (v.Ref === 'AWS::AccountId') {
    return '111111111111';
  }
  if (v.Ref === 'AWS::Partition') {
    return 'aws';
  }
  if (v.Ref === 'AWS::Region') {
    return 'eu-west-1';
  }
  throw new Error(`no value for ${JSON.stringify(value)}`);
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  const cfn = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(cfn as any);
}

/**
 * The deployed filter pattern of one event kind (synthesises the app, unless given the template
 * of the monitor's stack).
 */
export function deployedFilterPattern(
  monitor: SecretAccessMonitor,
  kind: SecretEventKind,
  values: { [id: string]: string } = {},
  synthesised?: { [key: string]: any },
): string {
  const stack = Stack.of(monitor);
  const template = synthesised ?? Template.fromStack(stack).toJSON();
  const filter = monitor.node.findChild(detectorOf(kind).id) as logs.MetricFilter;
  const resource = template.Resources[logicalId(filter)];
  return deployed(resource.Properties.FilterPattern, values);
}

/** The deployed event pattern of one event kind built as an EventBridge rule. */
export function deployedEventPattern(
  monitor: SecretAccessMonitor,
  kind: SecretEventKind,
  values: { [id: string]: string } = {},
): { [key: string]: unknown } {
  const stack = Stack.of(monitor);
  const template = Template.fromStack(stack).toJSON();
  const rule = monitor.node.findChild(`${detectorOf(kind).id}Rule`) as events.Rule;
  const pattern = template.Resources[logicalId(rule)].Properties.EventPattern;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(walk);
    }
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 1 && (keys[0] === 'Fn::Join' || keys[0] === 'Ref' || keys[0] === 'Fn::GetAtt' || keys[0] === 'Fn::Sub')) {
        return deployed(v, values);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(pattern) as { [key: string]: unknown };
}
