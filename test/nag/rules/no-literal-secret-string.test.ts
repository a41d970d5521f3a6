import { CfnParameter, Fn, Lazy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoLiteralSecretString';
const ID = `HardenedSecrets-${RULE}[SecretString]`;
const VALUE = 'hunter2-literal-value';
const RULE_ID_BARE = `HardenedSecrets-${RULE}`;

describe('NoLiteralSecretString', () => {
  test('Compliance 1: a generated value (secretsmanager.Secret default)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { generateSecretString: { secretStringTemplate: '{"username":"admin"}', generateStringKey: 'password' } });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test.each([
    ['Secrets Manager', () => SecretValue.secretsManager('prod/app/source', { jsonField: 'password' })],
    ['SSM SecureString', () => SecretValue.ssmSecure('/prod/app/password', '3')],
    ['literal {{resolve:secretsmanager:...}} text', () => SecretValue.unsafePlainText('{{resolve:secretsmanager:prod/app/source:SecretString:password}}')],
  ])('Compliance 2: a %s dynamic reference', (_name, value) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { secretStringValue: value() });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: a NoEcho CfnParameter without a default', () => {
    // GIVEN
    const stack = newStack();
    const password = new CfnParameter(stack, 'Password', { noEcho: true });
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { secretStringValue: SecretValue.cfnParameter(password) });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: a JSON object with a literal username and a dynamic reference for the password', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', {
      secretObjectValue: {
        username: SecretValue.unsafePlainText('admin'),
        password: SecretValue.ssmSecure('/prod/app/password'),
      },
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: L1 SecretString with a dynamic reference inside literal JSON', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: '{"username":"admin","password":"{{resolve:ssm-secure:/prod/app/password:1}}"}' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 6: a value the template cannot show (Fn.importValue)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: Fn.importValue('SharedPassword') });
    // THEN
    // no violation: what the template cannot show is a warning that says so
    const findings = ruleFindings(stack, RULE);
    expect(findings.filter(f => f.severity === 'error')).toEqual([]);
    expect(findings.map(f => f.severity)).toEqual(['warning']);
    expect(findings.every(f => /cannot be proven/.test(f.description))).toBe(true);
  });

  test('Compliance 7: an attribute of another resource (Fn::GetAtt)', () => {
    // GIVEN
    const stack = newStack();
    const param = new ssm.CfnParameter(stack, 'Param', { type: 'String', value: 'not-a-secret' });
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: param.attrValue });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 8: Fn.sub of a parameter without a default', () => {
    // GIVEN
    const stack = newStack();
    new CfnParameter(stack, 'Password', { noEcho: true });
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: Fn.sub('${Password}') });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: SecretValue.unsafePlainText (L2 secretStringValue)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { secretStringValue: SecretValue.unsafePlainText(VALUE) });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toMatch(/SecretString holds literal text, so the secret value is in the template/);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 2: secretObjectValue with literal values', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', {
      secretObjectValue: { username: SecretValue.unsafePlainText('admin'), password: SecretValue.unsafePlainText(VALUE) },
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 3: L1 CfnSecret secretString', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: VALUE });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 4: a CfnParameter with a default (the default is in the template)', () => {
    // GIVEN
    const stack = newStack();
    const password = new CfnParameter(stack, 'Password', { noEcho: true, default: VALUE });
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { secretStringValue: SecretValue.cfnParameter(password) });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 5: Fn.join of literal text and a reference', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: Fn.join('', ['{"password":"', VALUE, '","account":"', stack.account, '"}']) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret']]);
  });

  test('Noncompliance 6: Fn.sub with a literal value and a pseudo parameter', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: Fn.sub(`{"password":"${VALUE}","region":"\${AWS::Region}"}`) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret']]);
  });

  test('Noncompliance 7: a lazy token that resolves to literal text', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: Lazy.string({ produce: () => VALUE }) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret']]);
  });

  test('Noncompliance 8: a literal value is reported however short it is', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Short', { secretString: 'x' });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Short']]);
  });

  test('Compliance: a {{resolve:ssm:...}} dynamic reference is not literal text', () => {
    const stack = newStack();
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: '{{resolve:ssm:/prod/app/bootstrap-password}}' });
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Unproven: a parameter that is not NoEcho is a warning (its value shows in DescribeStacks)', () => {
    const stack = newStack();
    const plain = new CfnParameter(stack, 'Plain');
    new secretsmanager.CfnSecret(stack, 'Secret', { secretString: plain.valueAsString });
    const findings = ruleFindings(stack, RULE);
    expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([[RULE_ID_BARE, 'Stack/Secret', 'warning']]);
    expect(findings[0].description).toMatch(/cannot be proven free of a plain-text value: it is parameter Plain, which has no default/);
  });

  describe('GenerateSecretString.SecretStringTemplate', () => {
    const TEMPLATE_ID = `HardenedSecrets-${RULE}[GenerateSecretString.SecretStringTemplate]`;

    test.each([
      ['a literal password beside the generated key', '{"username":"admin","password":"hunter2"}', 'password'],
      ['a literal API key beside a generated password', '{"client_id":"acme","api_key":"k-9f8e7d6c5b4a"}', 'password'],
    ])('Noncompliance: %s', (_name, template, generateStringKey) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.CfnSecret(stack, 'Secret', { generateSecretString: { secretStringTemplate: template, generateStringKey } });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[TEMPLATE_ID, 'Stack/Secret']]);
      expect(findings[0].description).toContain('GenerateSecretString.SecretStringTemplate writes');
      expect(findings[0].description).not.toContain('hunter2');
      expect(findings[0].description).not.toContain('k-9f8e7d6c5b4a');
    });

    test('Noncompliance: a literal password in an Fn::Sub template', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.CfnSecret(stack, 'Secret', {
        generateSecretString: { secretStringTemplate: Fn.sub('{"host":"${AWS::Region}.db.example.com","password":"Winter2024!"}'), generateStringKey: 'token' },
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[TEMPLATE_ID, 'Stack/Secret']]);
    });

    test.each([
      ['identifiers only', '{"username":"admin","engine":"postgres","client_id":"acme"}'],
      ['a placeholder filled from a parameter', '{"username":"admin","password":"${Password}"}'],
    ])('Compliance: a template with %s', (_name, template) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.CfnSecret(stack, 'Secret', { generateSecretString: { secretStringTemplate: template, generateStringKey: 'password' } });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });
});
