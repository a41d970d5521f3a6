import { CfnParameter, Duration, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction } from '../rule-fixtures';

const RULE = 'IamReadPinnedToCurrent';
const ID = `HardenedSecrets-${RULE}`;
const NO_ROTATION = SecretRotationPolicy.none('Test secret without rotation');
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf';

function lambdaRole(scope: Construct, id = 'Role'): iam.Role {
  return new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('IamReadPinnedToCurrent', () => {
  test('Compliance 1: HardenedSecret.grantRead pins the read to AWSCURRENT', () => {
    // GIVEN
    const stack = newStack();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION });
    // WHEN
    secret.grantRead(lambdaRole(stack));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: HardenedSecret readers prop', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, readers: [lambdaRole(stack)] });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: secretsmanager.Secret.grantRead with version stages adds a VersionStage condition', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(lambdaRole(stack), ['AWSCURRENT']);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: the condition key is matched case-insensitively (L1 policy)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new iam.CfnManagedPolicy(stack, 'Managed', {
      policyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: SECRET_ARN,
          Condition: { StringEquals: { 'SecretsManager:VersionStage': 'AWSCURRENT' } },
        }],
      },
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: the role of a rotation function is exempt (it must read AWSPENDING)', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const rotation = inlineFunction(stack, 'Rotation');
    // WHEN
    secret.addRotationSchedule('Schedule', { rotationLambda: rotation, automaticallyAfter: Duration.days(30) });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 6: the role of a HardenedSecret rotation function is exempt', () => {
    // GIVEN
    const stack = newStack();
    const rotation = inlineFunction(stack, 'Rotation');
    // WHEN
    const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(rotation) });
    secret.grantRead(rotation, ['AWSCURRENT', 'AWSPENDING']);
    rotation.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 7: a role listed in adminRoles is exempt', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const admin = lambdaRole(stack, 'Admin');
    // WHEN
    secret.grantRead(admin);
    // THEN
    expect(ruleFindings(stack, RULE, { adminRoles: [admin] })).toEqual([]);
  });

  test('Compliance 8: GetSecretValue on "*" is left to IamNoBroadSecretAccess', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'] }));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
    expect(pairs(ruleFindings(stack, 'IamNoBroadSecretAccess'))).toEqual([['HardenedSecrets-IamNoBroadSecretAccess', 'Stack/Role/DefaultPolicy/Resource']]);
  });

  test('Compliance 9: a Deny of GetSecretValue and grants of other actions', () => {
    // GIVEN
    const stack = newStack();
    const role = lambdaRole(stack);
    // WHEN
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['secretsmanager:GetSecretValue'], resources: [SECRET_ARN] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [SECRET_ARN] }));
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 10: the rule is a warning that can be left out of the warnings option', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(lambdaRole(stack));
    // THEN
    expect(ruleFindings(stack, RULE, { warnings: ['SecretTags'] })).toEqual([]);
  });

  test('Noncompliance 1: secretsmanager.Secret.grantRead (L2) is not pinned', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(lambdaRole(stack));
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].description).toMatch(/Statement 1 in PolicyDocument grants secretsmanager:GetSecretValue without a secretsmanager:VersionStage condition/);
  });

  test('Noncompliance 2: a grant to a lambda function that is not the rotation function', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    secret.addRotationSchedule('Schedule', { rotationLambda: inlineFunction(stack, 'Rotation'), automaticallyAfter: Duration.days(30) });
    // WHEN
    secret.grantRead(inlineFunction(stack, 'App'));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/App/ServiceRole/DefaultPolicy/Resource']]);
  });

  test('Noncompliance 3: a policy shared by the rotation role and another role is not exempt', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const rotation = inlineFunction(stack, 'Rotation');
    secret.addRotationSchedule('Schedule', { rotationLambda: rotation, automaticallyAfter: Duration.days(30) });
    // WHEN
    new iam.Policy(stack, 'Shared', {
      roles: [rotation.role!, lambdaRole(stack, 'Other')],
      statements: [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] })],
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Shared/Resource']]);
  });

  test('Noncompliance 4: a wildcard action (secretsmanager:Get*) on one secret', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:Get*'], resources: [SECRET_ARN] }));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
  });

  test('Noncompliance 5: a condition on another key does not pin the stage', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    lambdaRole(stack).addToPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [SECRET_ARN],
      conditions: { Null: { 'secretsmanager:VersionId': 'true' } },
    }));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
  });

  test('Noncompliance 6: inline policies of L1 roles and users, named by policy', () => {
    // GIVEN
    const stack = newStack();
    const policies = [{
      policyName: 'ReadDb',
      policyDocument: { Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [SECRET_ARN] }] },
    }];
    // WHEN
    new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: {}, policies });
    new iam.CfnUser(stack, 'User', { policies });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Role'], [ID, 'Stack/User']]);
    expect(findings[0].description).toMatch(/Statement 'Read' in Policies\[0\] \(ReadDb\)/);
  });

  test.each([
    ['Fn.importValue', () => Fn.importValue('SharedSecretArn')],
    ['Fn.sub with pseudo parameters', () => Fn.sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/app/db-*')],
    ['Fn.join', () => Fn.join(':', ['arn:aws:secretsmanager:eu-west-1:111111111111:secret', 'prod/app/db-*'])],
  ])('Noncompliance 7: the secret given by %s', (_name, resource) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource()] }));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
  });

  test.each([
    ['with a default', { default: SECRET_ARN }],
    ['without a default', {}],
  ])('Noncompliance 8: the secret given by a CfnParameter %s', (_name, props) => {
    // GIVEN
    const stack = newStack();
    const arn = new CfnParameter(stack, 'SecretArn', props);
    // WHEN
    lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [arn.valueAsString] }));
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
  });
});
