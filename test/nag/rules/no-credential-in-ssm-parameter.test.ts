import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInSsmParameter';
const ID = `HardenedSecrets-${RULE}[Value]`;
const VALUE = 'hunter2-literal-value';

describe('NoCredentialInSsmParameter', () => {
  test('Compliance 1: a parameter that holds the ARN of the secret', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    new ssm.StringParameter(stack, 'Param', { parameterName: '/prod/app/db-password-arn', stringValue: secret.secretArn });
    new ssm.StringParameter(stack, 'Literal', {
      parameterName: '/prod/app/db-password',
      stringValue: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf',
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: a parameter whose name is not a credential', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringParameter(stack, 'Param', { parameterName: '/prod/app/passport-service-url', stringValue: VALUE });
    new ssm.StringParameter(stack, 'Length', { parameterName: '/prod/app/password-length', stringValue: '32' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: dynamic references, imports and parameters without a default', () => {
    // GIVEN
    const stack = newStack();
    const value = new CfnParameter(stack, 'Value', { noEcho: true });
    // WHEN
    new ssm.CfnParameter(stack, 'A', { name: '/prod/app/db-password', type: 'String', value: '{{resolve:secretsmanager:prod/app/db:SecretString:password}}' });
    new ssm.CfnParameter(stack, 'B', { name: '/prod/app/api-key', type: 'String', value: Fn.importValue('ApiKey') });
    new ssm.CfnParameter(stack, 'C', { name: '/prod/app/token', type: 'String', value: value.valueAsString });
    // THEN
    // no violation: what the template cannot show is a warning that says so
    const findings = ruleFindings(stack, RULE);
    expect(findings.filter(f => f.severity === 'error')).toEqual([]);
    expect(findings.map(f => f.severity)).toEqual(['warning', 'warning']);
    expect(findings.every(f => /cannot be proven/.test(f.description))).toBe(true);
  });

  test('Noncompliance 1: ssm.StringParameter named like a credential with a literal value', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringParameter(stack, 'Param', { parameterName: '/prod/app/db-password', stringValue: VALUE });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Param/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain("SSM parameter '/prod/app/db-password' (Value) looks like a credential and holds a literal value");
    expect(findings[0].description).not.toContain(VALUE);
  });

  test.each([
    ['/prod/app/api-key'],
    ['/prod/app/apiKey'],
    ['/prod/app/client_secret'],
    ['/prod/app/token'],
    ['GITHUB_TOKEN'],
  ])('Noncompliance 2: the name %s', (parameterName) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringParameter(stack, 'Param', { parameterName, stringValue: VALUE });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Param/Resource']]);
  });

  test('Noncompliance 3: ssm.StringListParameter', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringListParameter(stack, 'Param', { parameterName: '/prod/app/api-key', stringListValue: [VALUE, 'second-literal-key'] });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Param/Resource']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 4: L1 parameter without a Name is judged by its logical id', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.CfnParameter(stack, 'DbPassword', { type: 'String', value: VALUE });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/DbPassword']]);
  });

  // Suspected rule bug: without a Name the rule falls back to the logical id, but an L2 logical id
  // ends in an 8-character hash ("DbPassword10268EB9"); when the hash starts with a digit the word
  // splitter reads "password10268", so the credential name is missed. "GithubToken" (hash F8738152)
  // is caught, "DbPassword" (hash 10268EB9) is not.
  test('Noncompliance 5: L2 parameter without a parameterName is judged by its construct id, whatever the hash', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringParameter(stack, 'DbPassword', { stringValue: VALUE });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/DbPassword/Resource']]);
  });

  test('Noncompliance 6: L2 parameter without a parameterName whose hash starts with a letter', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringParameter(stack, 'GithubToken', { stringValue: VALUE });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/GithubToken/Resource']]);
  });

  test('Noncompliance 7: a name with a deploy-time part (Fn.sub) is judged by its literal words', () => {
    // GIVEN
    const stack = newStack();
    new CfnParameter(stack, 'Env');
    // WHEN
    new ssm.CfnParameter(stack, 'Param', { name: Fn.sub('/${Env}/app/db-password'), type: 'String', value: VALUE });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Param']]);
  });

  test('Noncompliance 8: a value from a CfnParameter with a default, or joined with literal text', () => {
    // GIVEN
    const stack = newStack();
    const value = new CfnParameter(stack, 'Value', { default: VALUE });
    // WHEN
    new ssm.StringParameter(stack, 'A', { parameterName: '/prod/app/db-password', stringValue: value.valueAsString });
    new ssm.StringParameter(stack, 'B', { parameterName: '/prod/app/api-key', stringValue: Fn.join('', [VALUE, Fn.importValue('Suffix')]) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/A/Resource'], [ID, 'Stack/B/Resource']]);
  });

  test('Noncompliance 9: a connection URL with a literal password, whatever the name', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.StringParameter(stack, 'Param', { parameterName: '/prod/app/database-url', stringValue: `mysql://app:${VALUE}@db.example.com/app` });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Param/Resource']]);
    expect(findings[0].description).toContain('holds a URL with a literal password in it');
    expect(findings[0].description).not.toContain(VALUE);
  });
});
