import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AnalysisRun } from '../../src/analysis/analysis-run';
import { secretKeyIds } from '../../src/analysis/resources';

function twoStacks(): { app: App; a: Stack; b: Stack } {
  const app = new App();
  return { app, a: new Stack(app, 'A'), b: new Stack(app, 'B') };
}

function secret(stack: Stack, id: string, description = 'first'): secretsmanager.CfnSecret {
  return new secretsmanager.CfnSecret(stack, id, { description, generateSecretString: {} });
}

describe('AnalysisRun', () => {
  describe('index', () => {
    test('every construct of a stack reads one index per run; another stack has its own', () => {
      // GIVEN two stacks with a secret each
      const { a, b } = twoStacks();
      const inA = secret(a, 'One');
      const alsoInA = secret(a, 'Two');
      const inB = secret(b, 'Three');
      // WHEN one run indexes them
      const run = new AnalysisRun();
      // THEN resources of A share A's index, which knows only A's resources
      expect(run.index(inA)).toBe(run.index(alsoInA));
      expect(run.index(inA)).toBe(run.index(a));
      expect(run.index(inB)).not.toBe(run.index(inA));
      expect(run.index(inA).ofType('AWS::SecretsManager::Secret').map(v => v.node)).toEqual([inA, alsoInA]);
    });

    test('a resource added after its stack was indexed is found: the stack is indexed again', () => {
      // GIVEN a run that has indexed a stack
      const { a } = twoStacks();
      secret(a, 'Before');
      const run = new AnalysisRun();
      const first = run.index(a);
      // WHEN a resource is added and looked up
      const late = secret(a, 'After');
      // THEN the run indexes the stack again and the new resource has a view
      expect(run.index(late)).not.toBe(first);
      expect(run.index(late).view(late).logicalId).toBe('After');
      expect(() => first.view(late)).toThrow(/is not a resource of A/);
    });

    test('a run reads the tree as it was when indexed; a new run reads it as it is now', () => {
      // GIVEN a run that has read a secret's description
      const { a } = twoStacks();
      const s = secret(a, 'Secret', 'first');
      const before = new AnalysisRun();
      expect(before.index(s).view(s).properties.Description).toBe('first');
      // WHEN the construct changes
      s.description = 'second';
      // THEN the old run keeps what it read, and nothing of it leaks into a new run
      expect(before.index(s).view(s).properties.Description).toBe('first');
      expect(new AnalysisRun().index(s).view(s).properties.Description).toBe('second');
    });

    test('a stack with a synthesised template is read from the template, by stack construct path', () => {
      // GIVEN a template for stack A that says something else than the construct
      const { a, b } = twoStacks();
      const inA = secret(a, 'Secret', 'from the construct');
      const inB = secret(b, 'Secret', 'from the construct');
      const template = { Resources: { Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Description: 'from the template' } } } };
      // WHEN a run is given the template of A only
      const run = new AnalysisRun(new Map([['A', template]]));
      // THEN A is read from its template and B is resolved from its constructs
      expect(run.index(inA).view(inA).properties.Description).toBe('from the template');
      expect(run.index(inB).view(inB).properties.Description).toBe('from the construct');
    });

    test('a template resource of another type than the construct is ignored', () => {
      const { a } = twoStacks();
      const s = secret(a, 'Secret', 'from the construct');
      const template = { Resources: { Secret: { Type: 'AWS::SSM::Parameter', Properties: { Description: 'from the template' } } } };
      const run = new AnalysisRun(new Map([['A', template]]));
      expect(run.index(s).view(s).properties.Description).toBe('from the construct');
    });
  });

  describe('derived facts', () => {
    test('are computed once per index and computed afresh by the next run', () => {
      // GIVEN a secret encrypted with a key of its stack
      const { a } = twoStacks();
      const first = new kms.CfnKey(a, 'First', {});
      new secretsmanager.CfnSecret(a, 'Secret', { kmsKeyId: first.ref, generateSecretString: {} });
      const run = new AnalysisRun();
      const ids = secretKeyIds(run.index(a));
      // WHEN another secret with another key joins the stack (not a resource the index looks up)
      const second = new kms.CfnKey(a, 'Second', {});
      new secretsmanager.CfnSecret(a, 'Other', { kmsKeyId: second.ref, generateSecretString: {} });
      // THEN the run's index answers from what it computed; a new run sees both keys
      expect(secretKeyIds(run.index(a))).toBe(ids);
      expect([...ids]).toEqual(['First']);
      expect([...secretKeyIds(new AnalysisRun().index(a))]).toEqual(['First', 'Second']);
    });

    test('fact and derive call their computation once per kind (and per resource)', () => {
      const { a } = twoStacks();
      const s = secret(a, 'Secret');
      const index = new AnalysisRun().index(s);
      const compute = jest.fn(() => 42);
      expect([index.fact('answer', compute), index.fact('answer', compute)]).toEqual([42, 42]);
      expect(index.derive('answer', index.view(s), compute)).toBe(42);
      expect(index.derive('answer', index.view(s), compute)).toBe(42);
      expect(compute).toHaveBeenCalledTimes(2);
    });
  });

  describe('appIndex', () => {
    test('lists the metric filters and event rules of every stack that watch Secrets Manager, and only those', () => {
      // GIVEN a metric filter on Secrets Manager calls in A, an event rule on them in B, and a filter on something else
      const { app, a, b } = twoStacks();
      const group = new logs.LogGroup(a, 'Trail');
      new logs.MetricFilter(a, 'Reads', {
        logGroup: group,
        metricNamespace: 'Secrets',
        metricName: 'Reads',
        filterPattern: logs.FilterPattern.stringValue('$.eventSource', '=', 'secretsmanager.amazonaws.com'),
      });
      new logs.MetricFilter(a, 'Errors', { logGroup: group, metricNamespace: 'App', metricName: 'Errors', filterPattern: logs.FilterPattern.anyTerm('ERROR') });
      new events.Rule(b, 'Deletes', { eventPattern: { source: ['aws.secretsmanager'], detail: { eventName: ['DeleteSecret'] } } });
      // WHEN a run gathers the app's facts
      const run = new AnalysisRun();
      // THEN both monitors are found, from any construct of the app, once per run
      expect(run.appIndex(b).monitors).toEqual(['A/Reads/Resource', 'B/Deletes/Resource']);
      expect(run.appIndex(a)).toBe(run.appIndex(app));
    });

    test('a monitor added after the app index was gathered is seen by the next run only', () => {
      const { a } = twoStacks();
      const run = new AnalysisRun();
      expect(run.appIndex(a).monitors).toEqual([]);
      new events.Rule(a, 'Rotations', { eventPattern: { source: ['aws.secretsmanager'] } });
      expect(run.appIndex(a).monitors).toEqual([]);
      expect(new AnalysisRun().appIndex(a).monitors).toEqual(['A/Rotations/Resource']);
    });
  });
});
