import { CfnMapping, CfnOutput, CfnParameter, Fn } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AnalysisRun } from '../../../src/analysis/analysis-run';
import { elementOf, templateElements } from '../../../src/nag/rules/template-elements';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction } from '../rule-fixtures';

// Fake values, assembled at run time so that secret scanners leave this file alone.
const PASSWORD = 'Pr0d-' + 'Checkout-7731';
const ACCESS_KEY_ID = 'AKIA' + 'Z7Q3N5PX2R8T4W6Y';

describe('template elements', () => {
  test('outputs, parameters and mappings are read as the template holds them', () => {
    // GIVEN
    const stack = newStack();
    const stage = new CfnParameter(stack, 'Stage', { default: 'prod', noEcho: false });
    const mapping = new CfnMapping(stack, 'Settings', { mapping: { prod: { Host: 'db.example.com' } } });
    const output = new CfnOutput(stack, 'Host', { value: mapping.findInMap(stage.valueAsString, 'Host'), exportName: 'app-host' });
    // WHEN
    const index = new AnalysisRun().index(stack);
    // THEN
    expect([...templateElements(index).values()].map(e => [e.section, e.logicalId]).sort()).toEqual([
      ['Mappings', 'Settings'], ['Outputs', 'Host'], ['Parameters', 'Stage'],
    ]);
    expect(elementOf(output, index)?.body).toEqual({
      Value: { 'Fn::FindInMap': ['Settings', { Ref: 'Stage' }, 'Host'] },
      Export: { Name: 'app-host' },
    });
    expect(elementOf(mapping, index)?.body).toEqual({ prod: { Host: 'db.example.com' } });
    expect(elementOf(stack, index)).toBeUndefined();
  });

  describe('Fn::FindInMap: a value read from a mapping is reported on the resource that reads it', () => {
    test.each([
      ['literal keys', (m: CfnMapping) => m.findInMap('prod', 'DbPassword')],
      ['a top-level key from a parameter default', (m: CfnMapping) => m.findInMap(new CfnParameter(m.stack, 'Stage', { default: 'prod' }).valueAsString, 'DbPassword')],
      ['a top-level key chosen at deploy time (the region)', (m: CfnMapping) => Fn.findInMap(m.logicalId, Fn.ref('AWS::Region'), 'DbPassword')],
    ])('%s', (_case, read) => {
      // GIVEN
      const stack = newStack();
      const mapping = new CfnMapping(stack, 'Settings', {
        mapping: { 'prod': { DbPassword: PASSWORD }, 'eu-west-1': { DbPassword: PASSWORD } },
      });
      // WHEN
      inlineFunction(stack, 'Fn', { environment: { DB_PASSWORD: read(mapping) } });
      // THEN
      expect(pairs(ruleFindings(stack, 'NoCredentialInLambdaEnvironment'))).toEqual([
        ['HardenedSecrets-NoCredentialInLambdaEnvironment[Environment.Variables.DB_PASSWORD]', 'Stack/Fn/Resource'],
      ]);
      // A password is not a shape: the mapping itself is not reported.
      expect(ruleFindings(stack, 'NoAwsAccessKey')).toEqual([]);
    });

    test('a secret ARN read from a mapping is not a credential', () => {
      // GIVEN
      const stack = newStack();
      const mapping = new CfnMapping(stack, 'Settings', {
        mapping: { prod: { DbSecret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf' } },
      });
      // WHEN
      const task = new ecs.FargateTaskDefinition(stack, 'Task');
      task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/acme/app:1'), environment: { DB_SECRET: mapping.findInMap('prod', 'DbSecret') } });
      // THEN
      expect(ruleFindings(stack, 'NoCredentialInContainerEnvironment')).toEqual([]);
    });

    test('an access key in a mapping is reported on the mapping, not again on the resource that reads it', () => {
      // GIVEN
      const stack = newStack();
      const mapping = new CfnMapping(stack, 'Partner', { mapping: { prod: { AccessKeyId: ACCESS_KEY_ID } } });
      // WHEN
      inlineFunction(stack, 'Fn', { environment: { PARTNER_ACCESS_KEY_ID: mapping.findInMap('prod', 'AccessKeyId') } });
      // THEN
      expect(pairs(ruleFindings(stack, 'NoAwsAccessKey'))).toEqual([['HardenedSecrets-NoAwsAccessKey[prod.AccessKeyId]', 'Stack/Partner']]);
    });
  });
});
