import { CfnParameter, CfnParameterProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInParameterDefault';
const ID = `HardenedSecrets-${RULE}`;

// Fake values, assembled at run time so that secret scanners leave this file alone.
const PASSWORD = 'Winter' + '-Ops-2024';

describe('NoCredentialInParameterDefault', () => {
  test.each<[string, string, CfnParameterProps]>([
    ['a NoEcho password with a Default', 'AdminPassword', { noEcho: true, default: PASSWORD }],
    ['a password with a Default, not even NoEcho', 'DbPassword', { default: PASSWORD }],
    ['an API key with a Default', 'PartnerApiKey', { noEcho: true, default: 'pk-' + PASSWORD }],
    ['a client secret with a Default', 'OAuthClientSecret', { default: PASSWORD }],
  ])('Noncompliance 1: %s, read by no resource', (_case, id, props) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnParameter(stack, id, props);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Default]`, `Stack/${id}`]]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain(`Parameter ${id}: Default is a literal value`);
    expect(findings[0].description).not.toContain(PASSWORD);
  });

  test.each<[string, string, CfnParameterProps]>([
    ['a NoEcho password without a Default', 'AdminPassword', { noEcho: true }],
    ['an SSM parameter name (AWS-specific type)', 'DbPassword', { type: 'AWS::SSM::Parameter::Value<String>', default: '/prod/app/db-password' }],
    ['a key pair name (AWS-specific type)', 'OpsKeyPair', { type: 'AWS::EC2::KeyPair::KeyName', default: 'ops-2024' }],
    ['a header name', 'ApiKeyHeaderName', { default: 'X-Api-Key' }],
    ['a token lifetime', 'TokenTtlSeconds', { type: 'Number', default: 3600 }],
    ['a secret ARN', 'DbSecretArn', { default: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf' }],
    ['an empty Default (pass it at deploy time)', 'AdminPassword', { noEcho: true, default: '' }],
    ['a name that is not a credential', 'Stage', { default: 'prod' }],
  ])('Compliance 1: %s', (_case, id, props) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnParameter(stack, id, props);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: a Default a resource reads is reported where it is deployed, once', () => {
    // GIVEN
    const stack = newStack();
    const password = new CfnParameter(stack, 'DbPassword', { noEcho: true, default: PASSWORD });
    // WHEN
    new ssm.CfnParameter(stack, 'Param', { name: '/prod/app/db-password', type: 'String', value: password.valueAsString });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
    expect(pairs(ruleFindings(stack, 'NoCredentialInSsmParameter'))).toEqual([['HardenedSecrets-NoCredentialInSsmParameter[Value]', 'Stack/Param']]);
  });
});
