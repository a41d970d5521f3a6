import { Aws, CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction } from '../rule-fixtures';

const RULE = 'NoCredentialInLambdaEnvironment';
const ID = `HardenedSecrets-${RULE}`;
const VALUE = 'hunter2-literal-value';

/** A function `Fn` with `environment`. */
function fn(stack: Stack, environment: Record<string, string>): lambda.Function {
  return inlineFunction(stack, 'Fn', { environment });
}

describe('NoCredentialInLambdaEnvironment', () => {
  test('Compliance 1: the secret ARN and name, read at run time', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(fn(stack, { DB_SECRET_ARN: secret.secretArn, DB_SECRET_NAME: secret.secretName, DB_PASSWORD_ARN: secret.secretArn }));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: a {{resolve:secretsmanager:...}} dynamic reference (secretValue.unsafeUnwrap)', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    fn(stack, { DB_PASSWORD: secret.secretValueFromJson('password').unsafeUnwrap(), API_TOKEN: '{{resolve:ssm-secure:/prod/app/token:2}}' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: names that are not credentials, whatever their value', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { LOG_LEVEL: 'debug', PASSPORT_SERVICE: 'https://passport.example.com', TOKEN_URL: 'https://auth.example.com/token', PASSWORD_LENGTH: '32' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test.each([
    ['empty', ''],
    ['three characters', 'abc'],
    ['a boolean', 'true'],
    ['a number', '123456'],
    ['an ARN', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf'],
    ['a shell placeholder', '${DB_PASSWORD}'],
    ['a command substitution', '$(cat /run/secrets/db)'],
  ])('Compliance 4: a credential name with %s is not a literal credential', (_name, value) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { DB_PASSWORD: value });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: values the template cannot show (Fn.importValue, CfnParameter without a default)', () => {
    // GIVEN
    const stack = newStack();
    const token = new CfnParameter(stack, 'Token', { noEcho: true });
    // WHEN
    fn(stack, { DB_PASSWORD: Fn.importValue('DbPassword'), API_TOKEN: token.valueAsString });
    // THEN
    // no violation: what the template cannot show is a warning that says so
    const findings = ruleFindings(stack, RULE);
    expect(findings.filter(f => f.severity === 'error')).toEqual([]);
    expect(findings.map(f => f.severity)).toEqual(['warning', 'warning']);
    expect(findings.every(f => /cannot be proven/.test(f.description))).toBe(true);
  });

  test('Compliance 6: a connection URL without a literal password', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, {
      DATABASE_URL: 'postgres://app@db.example.com:5432/app',
      CACHE_URL: 'redis://user:$REDIS_PASSWORD@cache.example.com:6379',
      QUEUE_URL: Fn.join('', ['amqp://app:', Fn.importValue('MqPassword'), '@mq.example.com']),
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: a literal password (L2 lambda.Function)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { DB_HOST: 'db.example.com', DB_PASSWORD: VALUE });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Environment.Variables.DB_PASSWORD]`, 'Stack/Fn/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain("Environment variable 'DB_PASSWORD' (Environment.Variables.DB_PASSWORD) looks like a credential and holds a literal value");
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 2: one finding per variable, each acknowledgeable on its own', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { apiKey: VALUE, GITHUB_TOKEN: VALUE, clientSecret: VALUE });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([
      [`${ID}[Environment.Variables.apiKey]`, 'Stack/Fn/Resource'],
      [`${ID}[Environment.Variables.clientSecret]`, 'Stack/Fn/Resource'],
      [`${ID}[Environment.Variables.GITHUB_TOKEN]`, 'Stack/Fn/Resource'],
    ]);
    for (const f of findings) {
      expect(f.description).not.toContain(VALUE);
    }
  });

  test('Noncompliance 3: four characters is long enough to be a credential', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { DB_PASSWORD: 'abcd' });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Environment.Variables.DB_PASSWORD]`, 'Stack/Fn/Resource']]);
  });

  test('Noncompliance 4: a connection URL with a literal password, whatever the name', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { DATABASE_URL: `postgres://app:${VALUE}@db.example.com:5432/app` });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Environment.Variables.DATABASE_URL]`, 'Stack/Fn/Resource']]);
    expect(findings[0].description).toContain("Environment variable 'DATABASE_URL' (Environment.Variables.DATABASE_URL) holds a URL with a literal password in it");
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 5: L1 CfnFunction', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new lambda.CfnFunction(stack, 'Fn', {
      role: 'arn:aws:iam::111111111111:role/fn',
      code: { zipFile: 'exports.handler = async () => {}' },
      environment: { variables: { 'client-secret': VALUE } },
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Environment.Variables.client-secret]`, 'Stack/Fn']]);
  });

  test('Noncompliance 6: a CfnParameter with a default (the default is in the template)', () => {
    // GIVEN
    const stack = newStack();
    const password = new CfnParameter(stack, 'Password', { noEcho: true, default: VALUE });
    // WHEN
    fn(stack, { DB_PASSWORD: password.valueAsString });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Environment.Variables.DB_PASSWORD]`, 'Stack/Fn/Resource']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 7: Fn.join and Fn.sub that write literal text around a reference', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, {
      API_KEY: Fn.join('-', [VALUE, Aws.ACCOUNT_ID]),
      AUTH_TOKEN: Fn.sub(`${VALUE}-\${AWS::Region}`),
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[Environment.Variables.API_KEY]`, 'Stack/Fn/Resource'],
      [`${ID}[Environment.Variables.AUTH_TOKEN]`, 'Stack/Fn/Resource'],
    ]);
  });

  test('Noncompliance 8: a lazy token that resolves to a literal', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    fn(stack, { DB_PASSWORD: Lazy.string({ produce: () => VALUE }) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Environment.Variables.DB_PASSWORD]`, 'Stack/Fn/Resource']]);
  });

  describe('values shaped like an AWS secret access key', () => {
    const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

    test.each([
      ['beside an access key id', { S3_KEY: 'AKIAIOSFODNN7EXAMPLE', S3_KEY2: SECRET_ACCESS_KEY }, 'S3_KEY2'],
      ['under a name that says nothing', { LEGACY_SAK: SECRET_ACCESS_KEY }, 'LEGACY_SAK'],
    ])('Noncompliance: %s', (_name, environment, variable) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      fn(stack, environment);
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toContainEqual([`${ID}[Environment.Variables.${variable}]`, 'Stack/Fn/Resource']);
      const finding = findings.find(f => f.rule === `${ID}[Environment.Variables.${variable}]`)!;
      expect(finding.description).toContain('shaped like an AWS secret access key');
      expect(finding.description).not.toContain(SECRET_ACCESS_KEY);
    });

    test('Noncompliance: a credential name reports once, not twice', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      fn(stack, { LEGACY_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Environment.Variables.LEGACY_SECRET_ACCESS_KEY]`, 'Stack/Fn/Resource']]);
    });

    test.each([
      ['a git commit id (40 hex characters)', '3f786850e387550fdab836ed7e6dc881de23001b'],
      ['40 letters of one case', 'abcdefghijabcdefghijabcdefghijabcdefghij'],
      ['39 characters', SECRET_ACCESS_KEY.slice(1)],
    ])('Compliance: %s', (_name, value) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      fn(stack, { BUILD_REF: value });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });
});
