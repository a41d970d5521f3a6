import { Aws, CfnParameter, Duration, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction } from '../rule-fixtures';

const RULE = 'RotationPermissionScoped';
const ID = `HardenedSecrets-${RULE}`;
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:rotate';

describe('RotationPermissionScoped', () => {
  test('Compliance 1: HardenedSecret with SecretRotationPolicy.lambda pins SourceAccount', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(inlineFunction(stack)) });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: addPermission with sourceAccount', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack).addPermission('Sm', { principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'), sourceAccount: Aws.ACCOUNT_ID });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: addPermission with sourceArn only', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    inlineFunction(stack).addPermission('Sm', { principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'), sourceArn: secret.secretArn });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: a permission for another service is not a rotation permission', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack).addPermission('Events', { principal: new iam.ServicePrincipal('events.amazonaws.com') });
    new lambda.CfnPermission(stack, 'S3', { action: 'lambda:InvokeFunction', functionName: FUNCTION_ARN, principal: 's3.amazonaws.com' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: L1 permission with SourceAccount from a CfnParameter without a default', () => {
    // GIVEN
    const stack = newStack();
    const account = new CfnParameter(stack, 'Account');
    // WHEN
    new lambda.CfnPermission(stack, 'Permission', {
      action: 'lambda:InvokeFunction',
      functionName: FUNCTION_ARN,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: account.valueAsString,
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: secretsmanager.Secret.addRotationSchedule (L2) leaves the permission open', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const rotation = inlineFunction(stack);
    // WHEN
    secret.addRotationSchedule('Schedule', { rotationLambda: rotation, automaticallyAfter: Duration.days(30) });
    // THEN
    const permission = rotation.node.children.find(c => c instanceof lambda.CfnPermission)!;
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, permission.node.path]]);
    expect(permission.node.path).toMatch(/^Stack\/Fn\/Invoke/);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toMatch(/without SourceAccount or SourceArn, so a secret in any account could trigger it \(confused deputy\)/);
  });

  test('Noncompliance 2: addPermission for secretsmanager.amazonaws.com without a source', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack).addPermission('Sm', { principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com') });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Fn/Sm']]);
  });

  test('Noncompliance 3: fn.grantInvoke to the Secrets Manager service principal', () => {
    // GIVEN
    const stack = newStack();
    const rotation = inlineFunction(stack);
    // WHEN
    rotation.grantInvoke(new iam.ServicePrincipal('secretsmanager.amazonaws.com'));
    // THEN
    const permission = rotation.node.children.find(c => c instanceof lambda.CfnPermission)!;
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, permission.node.path]]);
  });

  test.each([
    ['a literal', 'secretsmanager.amazonaws.com'],
    ['Fn.sub with AWS::URLSuffix', Fn.sub('secretsmanager.${AWS::URLSuffix}')],
    ['Fn.join', Fn.join('.', ['secretsmanager', 'amazonaws', 'com'])],
  ])('Noncompliance 4: L1 permission with the principal as %s', (_name, principal) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new lambda.CfnPermission(stack, 'Permission', { action: 'lambda:InvokeFunction', functionName: FUNCTION_ARN, principal });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Permission']]);
  });

  test('Noncompliance 5: the principal given by a CfnParameter whose default is Secrets Manager', () => {
    // GIVEN
    const stack = newStack();
    const principal = new CfnParameter(stack, 'Principal', { default: 'secretsmanager.amazonaws.com' });
    // WHEN
    new lambda.CfnPermission(stack, 'Permission', {
      action: 'lambda:InvokeFunction',
      functionName: Fn.importValue('RotationFunctionArn'),
      principal: principal.valueAsString,
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Permission']]);
  });
});
