import { CfnMapping, CfnOutput, CfnParameter, Fn, Lazy, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction, stackWithParameter } from '../rule-fixtures';

const RULE = 'NoAwsAccessKey';
const ID = `HardenedSecrets-${RULE}`;
/** The access key id of the AWS documentation examples. */
const DOC_KEY = 'AKIAIOSFODNN7EXAMPLE';

describe('NoAwsAccessKey', () => {
  test('Compliance 1: a parameter without a key', () => {
    expect(ruleFindings(stackWithParameter('arn:aws:iam::111111111111:role/app'), RULE)).toEqual([]);
  });

  test.each([
    ['AKIA + 15 characters', 'AKIAIOSFODNN7EXAMPL'],
    ['AKIA + 17 characters', 'AKIAIOSFODNN7EXAMPLEX'],
    ['a lower-case key', 'akiaiosfodnn7example'],
    ['letters before the prefix', 'XAKIAIOSFODNN7EXAMPLE'],
    ['another prefix (AIDA, a user id)', 'AIDAIOSFODNN7EXAMPLE'],
    ['a secret access key alone', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ])('Compliance 2: %s is not an access key id', (_name, value) => {
    expect(ruleFindings(stackWithParameter(value), RULE)).toEqual([]);
  });

  test('Compliance 3: dynamic references and imports', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.CfnParameter(stack, 'A', { type: 'String', value: '{{resolve:secretsmanager:prod/app/aws:SecretString:accessKeyId}}' });
    new ssm.CfnParameter(stack, 'B', { type: 'String', value: Fn.importValue('AccessKeyId') });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: the AWS documentation example key in an SSM parameter value', () => {
    // GIVEN
    const stack = stackWithParameter(DOC_KEY);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Value]`, 'Stack/Param/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain('Value contains an AWS access key id.');
    expect(findings[0].description).not.toContain(DOC_KEY);
  });

  test.each([
    ['a temporary (ASIA) key', 'ASIAIOSFODNN7EXAMPLE'],
    ['a key inside text', `aws_access_key_id=${DOC_KEY};region=eu-west-1`],
    ['a key in JSON', `{"AccessKeyId":"${DOC_KEY}"}`],
    ['a key on its own line', `line one\n${DOC_KEY}\nline three`],
  ])('Noncompliance 2: %s', (_name, value) => {
    // GIVEN
    const stack = stackWithParameter(value);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Value]`, 'Stack/Param/Resource']]);
    expect(findings[0].description).not.toContain(value.match(/(AKIA|ASIA)[A-Z0-9]{16}/)![0]);
  });

  test('Noncompliance 3: a tag value', () => {
    // GIVEN
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    // WHEN
    Tags.of(topic).add('deployer', DOC_KEY);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Tags[0].Value]`, 'Stack/Topic/Resource']]);
    expect(findings[0].description).not.toContain(DOC_KEY);
  });

  test('Noncompliance 4: an SNS topic display name', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new sns.Topic(stack, 'Topic', { displayName: `alerts ${DOC_KEY}` });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[DisplayName]`, 'Stack/Topic/Resource']]);
  });

  test('Noncompliance 5: a Lambda environment variable and inline code', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack, 'Fn', {
      code: lambda.Code.fromInline(`const id = '${DOC_KEY}'; exports.handler = async () => id;`),
      environment: { DEPLOY_KEY_ID: DOC_KEY },
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[Code.ZipFile]`, 'Stack/Fn/Resource'],
      [`${ID}[Environment.Variables.DEPLOY_KEY_ID]`, 'Stack/Fn/Resource'],
    ]);
  });

  test('Noncompliance 6: a key inside Fn.join and Fn.sub is reported at the property that holds the intrinsic', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.CfnParameter(stack, 'Joined', { type: 'String', value: Fn.join(':', [DOC_KEY, stack.region]) });
    new ssm.CfnParameter(stack, 'Subbed', { type: 'String', value: Fn.sub(`\${AWS::Region}:${DOC_KEY}`) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[Value]`, 'Stack/Joined'],
      [`${ID}[Value]`, 'Stack/Subbed'],
    ]);
  });

  test('Noncompliance 7: pre-base64-encoded EC2 user data is decoded', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Buffer.from(`#!/bin/bash\naws configure set aws_access_key_id ${DOC_KEY}\n`).toString('base64'),
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData]`, 'Stack/Instance']]);
    expect(findings[0].description).not.toContain(DOC_KEY);
  });

  test('Noncompliance 8: a lazy token that resolves to a key', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.CfnParameter(stack, 'Param', { type: 'String', value: Lazy.string({ produce: () => DOC_KEY }) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Value]`, 'Stack/Param']]);
  });

  // Suspected rule bug: the token scan walks the resource's raw properties, so a Ref to a CfnParameter
  // whose Default is an access key is never looked through, although the pack treats a parameter
  // default as the value that is deployed (values.ts flatten) and the key is written into the template.
  test('Noncompliance 9: a CfnParameter whose default is a key', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'AccessKeyId', { default: DOC_KEY });
    // WHEN
    new ssm.CfnParameter(stack, 'Param', { type: 'String', value: key.valueAsString });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Value]`, 'Stack/Param']]);
  });

  test('Compliance 4: a CfnParameter without a default', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'AccessKeyId', { noEcho: true });
    // WHEN
    new ssm.CfnParameter(stack, 'Param', { type: 'String', value: key.valueAsString });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });
});

describe('NoAwsAccessKey: secret access keys', () => {
  /** The secret access key of the AWS documentation examples. */
  const DOC_SECRET = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY';

  test.each([
    ['next to an access key id', `aws_access_key_id=${DOC_KEY}\naws_secret_access_key=${DOC_SECRET}`],
    ['after the words "secret access key"', `export AWS_SECRET_ACCESS_KEY=${DOC_SECRET}`],
    ['in a credentials file', `[default]\naws_secret_access_key = ${DOC_SECRET}\n`],
  ])('Noncompliance 10: %s', (_case, text) => {
    // GIVEN
    const stack = stackWithParameter(text);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Value]`, 'Stack/Param/Resource']]);
    expect(findings[0].description).toContain('an AWS secret access key');
    expect(findings[0].description).not.toContain(DOC_SECRET);
  });

  test('Noncompliance 11: under a credential name (a Lambda environment variable)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack, 'Fn', { environment: { PARTNER_SECRET: DOC_SECRET } });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Environment.Variables.PARTNER_SECRET]`, 'Stack/Fn/Resource']]);
  });

  test.each([
    ['a git commit (40 hex characters) next to a key id', `${DOC_KEY} built from 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12`],
    ['a SHA-1 under a credential name', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['a certificate body next to the words', 'secret access key rotation certificate MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQsFADBaMQswCQYDVQQGEwJJRTESMBAG'],
    ['a UUID next to a key id', `${DOC_KEY} 3f2504e0-4f89-11d3-9a0c-0305e82c3301`],
    ['an ARN next to a key id', `${DOC_KEY} arn:aws:iam::111111111111:user/deploy/ci-deployer-eu-west-1`],
    ['40 characters of a word', `aws_secret_access_key=${'abcdefghij'.repeat(4)}`],
  ])('Compliance 5: %s', (_case, text) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack, 'Fn', { environment: { DEPLOY_SECRET_NOTE: text } });
    // THEN
    expect(ruleFindings(stack, RULE).filter(f => f.description.includes('secret access key'))).toEqual([]);
  });
});

describe('NoAwsAccessKey: outputs, parameters and mappings', () => {
  test('Noncompliance 12: a key in a mapping is reported on the mapping, by place', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnMapping(stack, 'PartnerUpload', { mapping: { prod: { AccessKeyId: DOC_KEY, Bucket: 'partner-inbound' } } });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[prod.AccessKeyId]`, 'Stack/PartnerUpload']]);
    expect(findings[0].description).toContain('Mapping PartnerUpload: prod.AccessKeyId contains an AWS access key id.');
  });

  test('Noncompliance 13: a key in an output value and export name', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnOutput(stack, 'Key', { value: DOC_KEY, description: 'the deploy key' });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Value]`, 'Stack/Key']]);
  });

  test('Noncompliance 14: a key as the default of a parameter no resource reads', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnParameter(stack, 'LegacyKeyId', { default: DOC_KEY });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Default]`, 'Stack/LegacyKeyId']]);
  });

  test('Compliance 6: a default a resource reads is reported on the resource only', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'AccessKeyId', { default: DOC_KEY });
    // WHEN
    new ssm.CfnParameter(stack, 'Param', { type: 'String', value: key.valueAsString });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Value]`, 'Stack/Param']]);
  });
});
