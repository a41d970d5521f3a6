import { App, CfnOutput, CfnParameter, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecretsManagerChecks } from '../../../src';
import { RecordingChecks } from '../../../src/report/recording-checks';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInOutput';
const ID = `HardenedSecrets-${RULE}`;

// Fake values, assembled at run time so that secret scanners leave this file alone.
const LITERAL = 'Zq8Lm2' + 'Xv9Tn4Wc7Yh1Bd';
const GITHUB = 'gh' + 'p_' + 'Ab1'.repeat(12);

/** A stack whose one output `Out` has `value`, made by `build` (which may add parameters and resources). */
function stackWithOutput(build: (stack: Stack) => string, id = 'Out'): Stack {
  const stack = newStack();
  new CfnOutput(stack, id, { value: build(stack) });
  return stack;
}

describe('NoCredentialInOutput', () => {
  test.each<[string, (stack: Stack) => string, string]>([
    ['a NoEcho parameter', s => new CfnParameter(s, 'DbPassword', { noEcho: true }).valueAsString, 'prints NoEcho parameter DbPassword'],
    ['a NoEcho parameter inside a connection string', s => Fn.sub('postgresql://app:${Pw}@db.example.com/app', { Pw: new CfnParameter(s, 'Pw', { noEcho: true }).valueAsString }),
      'prints NoEcho parameter Pw'],
    ['a secretsmanager dynamic reference', () => '{{resolve:secretsmanager:prod/app/db:SecretString:password}}', 'holds a dynamic reference to a secret value'],
    ['an ssm-secure dynamic reference', () => '{{resolve:ssm-secure:/prod/app/db-password:3}}', 'holds a dynamic reference to a secret value'],
    ['an IAM access key\'s SecretAccessKey', s => new iam.CfnAccessKey(s, 'Key', { userName: 'ci' }).attrSecretAccessKey, 'is the SecretAccessKey attribute of Key'],
    ['a Cognito client secret', s => new cognito.CfnUserPoolClient(s, 'Client', { userPoolId: 'eu-west-1_abc', generateSecret: true }).attrClientSecret,
      'is the ClientSecret attribute of Client'],
  ])('Noncompliance 1: %s', (_case, build, reason) => {
    // GIVEN
    const stack = stackWithOutput(build);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Value]`, 'Stack/Out']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain(`Output Out: Value ${reason}`);
  });

  test('Noncompliance 2: a literal under a credential name, never printed in the finding', () => {
    // GIVEN
    const stack = stackWithOutput(() => LITERAL, 'PartnerApiKey');
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Value]`, 'Stack/PartnerApiKey']]);
    expect(findings[0].description).not.toContain(LITERAL);
  });

  test.each<[string, string, (stack: Stack) => string]>([
    ['a parameter without NoEcho', 'Out', s => new CfnParameter(s, 'Stage', { default: 'prod' }).valueAsString],
    ['a plain ssm dynamic reference', 'Out', () => '{{resolve:ssm:/prod/app/endpoint}}'],
    ['an access key id (Ref)', 'AccessKeyId', s => new iam.CfnAccessKey(s, 'Key', { userName: 'ci' }).ref],
    ['a secret ARN under a credential-looking name', 'DbSecretArn', () => 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf'],
    ['a header name', 'ApiKeyHeaderName', () => 'x-api-key'],
    ['a token endpoint', 'TokenEndpoint', () => 'https://auth.example.com/oauth2/token'],
    ['a literal under a plain name', 'Region', () => 'eu-west-1'],
  ])('Compliance 1: %s', (_case, id, build) => {
    // GIVEN
    const stack = stackWithOutput(build, id);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('a token in an output is the shape rule\'s finding, on the output', () => {
    // GIVEN
    const stack = stackWithOutput(() => `token=${GITHUB}`, 'Setup');
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
    expect(pairs(ruleFindings(stack, 'NoKnownTokenFormat'))).toEqual([['HardenedSecrets-NoKnownTokenFormat[Value]', 'Stack/Setup']]);
  });

  describe('reporting on an output', () => {
    test('the violation names the output and its place in the template', () => {
      // GIVEN
      const stack = stackWithOutput(s => new CfnParameter(s, 'DbPassword', { noEcho: true }).valueAsString);
      (stack.node.root as App).synth();
      // WHEN
      const report = new SecretsManagerChecks().validateScope(stack);
      // THEN
      const violation = report.violations.find(v => v.ruleName === `${ID}[Value]`);
      expect(report.success).toBe(false);
      expect(violation?.violatingResources).toEqual([{ constructPath: 'Stack/Out', locations: ['Outputs.Out.Value'] }]);
    });

    test('an acknowledgement on the output is honoured, and only for that finding', () => {
      // GIVEN
      const stack = newStack();
      const password = new CfnParameter(stack, 'DbPassword', { noEcho: true });
      const acknowledged = new CfnOutput(stack, 'Acknowledged', { value: password.valueAsString });
      new CfnOutput(stack, 'Other', { value: password.valueAsString });
      // WHEN
      Validations.of(acknowledged).acknowledge({ id: `${ID}[Value]`, reason: 'Test stack: the password is a throwaway.' });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Value]`, 'Stack/Other']]);
    });

    test('the compliance report records findings on outputs, the acknowledged one with its reason', () => {
      // GIVEN
      const stack = newStack();
      const password = new CfnParameter(stack, 'DbPassword', { noEcho: true });
      const acknowledged = new CfnOutput(stack, 'Acknowledged', { value: password.valueAsString });
      new CfnOutput(stack, 'Other', { value: password.valueAsString });
      Validations.of(acknowledged).acknowledge({ id: `${ID}[Value]`, reason: 'Test stack: the password is a throwaway.' });
      (stack.node.root as App).synth();
      // WHEN
      const recorded = new RecordingChecks().record(undefined, stack).filter(f => f.ruleName === RULE);
      // THEN
      expect(recorded.map(f => [f.rule, f.node.node.path, f.section, f.acknowledgedWith])).toEqual([
        [`${ID}[Value]`, 'Stack/Acknowledged', 'Outputs', 'Test stack: the password is a throwaway.'],
        [`${ID}[Value]`, 'Stack/Other', 'Outputs', undefined],
      ]);
    });
  });
});
