import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecret } from '../rule-fixtures';

// The library's own constructs are checked for this rule and IamPolicyValid together, in
// iam-policy-valid.test.ts ("the library's own constructs"): both read the same validation.

const RULE = 'IamPolicySetOperator';
const ID = `HardenedSecrets-${RULE}`;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf';

/** An L1 managed policy `Policy` allowing GetSecretValue on one secret under `condition`. */
function readPolicy(stack: Stack, condition: unknown): iam.CfnManagedPolicy {
  return new iam.CfnManagedPolicy(stack, 'Policy', {
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET_ARN, Condition: condition }],
    },
  });
}

describe('IamPolicySetOperator', () => {
  test('Noncompliance 1: ForAllValues:StringEquals on secretsmanager:VersionStage (single-valued)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    readPolicy(stack, { 'ForAllValues:StringEquals': { 'secretsmanager:VersionStage': ['AWSCURRENT'] } });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(findings.map(f => [f.rule, f.path, f.severity])).toEqual([
      [`${ID}[PolicyDocument.Statement[Read].Condition::ForAllValues:StringEquals::secretsmanager:VersionStage]`, 'Stack/Policy', 'warning'],
    ]);
    expect(findings[0].description).toMatch(
      /Statement 'Read' in PolicyDocument uses ForAllValues:StringEquals on 'secretsmanager:VersionStage', a single-valued key \(String\): ForAllValues is also true when the request has no value for the key/);
    expect(findings[0].description).toMatch(/use StringEquals \(or StringEqualsIfExists to accept requests without the key on purpose\)/);
    // and it is not an error of IamPolicyValid: the key exists and applies to the action
    expect(ruleFindings(stack, 'IamPolicyValid')).toEqual([]);
  });

  test('Noncompliance 2: ForAnyValue:StringEquals on a single-valued key (aws-cdk-lib\'s grantRead with version stages)', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    secret.grantRead(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }), ['AWSCURRENT']);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(findings.map(f => [f.rule, f.path])).toEqual([
      [`${ID}[PolicyDocument.Statement[0].Condition::ForAnyValue:StringEquals::secretsmanager:VersionStage]`, 'Stack/Role/DefaultPolicy/Resource'],
    ]);
    expect(findings[0].description).toMatch(/a set operator is for multi-valued keys; use StringEquals\./);
  });

  test('Noncompliance 3: in a key policy and in a secret\'s resource policy, one finding each', () => {
    // GIVEN
    const stack = newStack();
    const root = { AWS: 'arn:aws:iam::111111111111:root' };
    // WHEN
    new kms.CfnKey(stack, 'Key', {
      enableKeyRotation: true,
      keyPolicy: {
        Statement: [{ Effect: 'Allow', Principal: root, Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] } } }],
      },
    });
    new secretsmanager.CfnResourcePolicy(stack, 'ResourcePolicy', {
      secretId: cfnSecret(stack).ref,
      blockPublicPolicy: true,
      resourcePolicy: {
        Statement: [{ Effect: 'Allow', Principal: root, Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { 'ForAllValues:StringLike': { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/app-*' } } }],
      },
    });
    // THEN
    expect(ruleFindings(stack, RULE).map(f => [f.rule, f.path])).toEqual([
      [`${ID}[KeyPolicy.Statement[0].Condition::ForAnyValue:StringEquals::kms:ViaService]`, 'Stack/Key'],
      [`${ID}[ResourcePolicy.Statement[0].Condition::ForAllValues:StringLike::aws:PrincipalArn]`, 'Stack/ResourcePolicy'],
    ]);
  });

  test.each([
    ['StringEqualsIfExists on secretsmanager:VersionStage', { StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] } }],
    ['StringEquals on secretsmanager:VersionStage', { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }],
    ['ForAnyValue:StringEquals on aws:TagKeys (multi-valued)', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } }],
    ['ForAllValues:StringLike on aws:PrincipalOrgPaths (multi-valued)', { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*'] } }],
  ])('Compliance: %s', (_name, condition) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    readPolicy(stack, condition);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance: ForAnyValue:StringEquals on kms:ResourceAliases (multi-valued, a key of the key resource type)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new iam.CfnManagedPolicy(stack, 'Policy', {
      policyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/db'] } } }],
      },
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
    expect(ruleFindings(stack, 'IamPolicyValid')).toEqual([]);
  });

  test('Compliance: a key that does not exist is IamPolicyValid\'s finding, not this rule\'s', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    readPolicy(stack, { 'ForAllValues:StringEquals': { 'secretsmanager:VersionStages': ['AWSCURRENT'] } });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
    expect(ruleFindings(stack, 'IamPolicyValid')).toHaveLength(1);
  });

  test('Compliance: the rule is a warning that can be left out of the warnings option', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    readPolicy(stack, { 'ForAllValues:StringEquals': { 'secretsmanager:VersionStage': ['AWSCURRENT'] } });
    // THEN
    expect(ruleFindings(stack, RULE, { warnings: ['SecretTags'] })).toEqual([]);
  });
});
