import { CfnCondition, CfnJson, CfnParameter, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  HardenedSecret, RotationFunction, SecretAccessMonitor, SecretKey, SecretRotationPolicy, SecretsManagerEndpoint,
} from '../../../src';
import { newStack } from '../../helpers/stacks';
import { importedVpc } from '../../helpers/vpc';
import { PackFinding, packFindings, ruleFindings } from '../pack-helpers';
import { cfnSecret } from '../rule-fixtures';

const RULE = 'IamPolicyValid';
const ID = `HardenedSecrets-${RULE}`;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf';
const ROOT = { AWS: 'arn:aws:iam::111111111111:root' };

/** An L1 managed policy `Policy` holding `statements`. */
function managedPolicy(stack: Stack, ...statements: unknown[]): iam.CfnManagedPolicy {
  return new iam.CfnManagedPolicy(stack, 'Policy', { policyDocument: { Version: '2012-10-17', Statement: statements } });
}

/** An Allow of `action` on one secret, with `condition` if given. */
function allow(action: unknown, condition?: unknown, sid?: string): Record<string, unknown> {
  return { ...(sid ? { Sid: sid } : {}), Effect: 'Allow', Action: action, Resource: SECRET_ARN, ...(condition ? { Condition: condition } : {}) };
}

/** A Deny of `secretsmanager:DeleteSecret` to everyone in a secret's resource policy, under `condition`. */
function resourcePolicyDenyingDelete(stack: Stack, condition: unknown): secretsmanager.CfnResourcePolicy {
  const secret = cfnSecret(stack);
  return new secretsmanager.CfnResourcePolicy(stack, 'ResourcePolicy', {
    secretId: secret.ref,
    blockPublicPolicy: true,
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyDelete', Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*', Condition: condition }],
    },
  });
}

/** `[rule id, construct path, severity]` of each finding. */
function summary(findings: PackFinding[]): string[][] {
  return findings.map(f => [f.rule, f.path, f.severity]);
}

describe('IamPolicyValid', () => {
  describe('actions', () => {
    test.each([
      ['an exact action', 'secretsmanager:GetSecretValue'],
      ['an action in another case', 'SecretsManager:getSecretValue'],
      ['a wildcard that matches actions', 'kms:ReEncrypt*'],
      ['a service wildcard', 'secretsmanager:*'],
      ['a ? wildcard', 'secretsmanager:GetSecretValu?'],
      ['every action', '*'],
    ])('Compliance: %s (%s)', (_name, action) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow(action));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an action the service does not have', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow(['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValu'], undefined, 'Read'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[PolicyDocument.Statement[Read].Action::secretsmanager:GetSecretValu]`, 'Stack/Policy', 'error']]);
      expect(findings[0].description).toMatch(/Statement 'Read' in PolicyDocument names Action 'secretsmanager:GetSecretValu', which secretsmanager does not have\./);
    });

    test('Noncompliance 2: a wildcard that matches no action', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretsmanager:Fetch*'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[PolicyDocument.Statement[0].Action::secretsmanager:Fetch*]`, 'Stack/Policy', 'error']]);
      expect(findings[0].description).toMatch(/Statement 1 in PolicyDocument names Action 'secretsmanager:Fetch\*', a pattern that matches no secretsmanager action\./);
    });

    test('Noncompliance 3: an unknown service prefix', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretmanager:GetSecretValue'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[PolicyDocument.Statement[0].Action::secretmanager:GetSecretValue]`, 'Stack/Policy', 'error']]);
      expect(findings[0].description).toMatch(/names Action 'secretmanager:GetSecretValue', but 'secretmanager' is not the prefix of any AWS service\./);
    });

    test('Noncompliance 4: an action without a service prefix', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('GetSecretValue'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => f.rule)).toEqual([`${ID}[PolicyDocument.Statement[0].Action::GetSecretValue]`]);
      expect(findings[0].description).toMatch(/'GetSecretValue', which is not of the form service:action\./);
    });

    test('Noncompliance 5: NotAction is checked too', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, { Effect: 'Deny', NotAction: ['kms:Decrypt', 'kms:Decrypts'], Resource: '*' });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => f.rule)).toEqual([`${ID}[PolicyDocument.Statement[0].NotAction::kms:Decrypts]`]);
      expect(findings[0].description).toMatch(/names NotAction 'kms:Decrypts', which kms does not have\./);
    });
  });

  describe('condition keys', () => {
    test.each([
      ['a global key', { StringEquals: { 'aws:PrincipalAccount': '111111111111' } }],
      ['a global key template (aws:PrincipalTag/team)', { StringEquals: { 'aws:PrincipalTag/team': 'payments' } }],
      ['a global key in another case', { Bool: { 'AWS:SecureTransport': 'true' } }],
      ['a key of the action', { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }],
      ['a key of the action, in another case', { StringEquals: { 'SecretsManager:versionstage': 'AWSCURRENT' } }],
      ['a service key template (secretsmanager:ResourceTag/tag-key)', { StringEquals: { 'secretsmanager:ResourceTag/owner': 'payments' } }],
      ['a multi-valued global key with ForAnyValue', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } }],
    ])('Compliance: %s', (_name, condition) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretsmanager:GetSecretValue', condition));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test.each([
      ['a key template with colons (kms:EncryptionContext:${EncryptionContextKey})', { StringLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*' } }],
      ['a key of the resource type the action acts on (kms:ResourceAliases)', { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/db'] } }],
      ['kms:ViaService and kms:CallerAccount', { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111111111111' } }],
    ])('Compliance: %s on kms:Decrypt', (_name, condition) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: condition });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: a key no service defines', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretsmanager:GetSecretValue', { StringEquals: { 'secretsmanager:VersionStag': 'AWSCURRENT' } }, 'Read'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[PolicyDocument.Statement[Read].Condition::StringEquals::secretsmanager:VersionStag]`, 'Stack/Policy', 'error']]);
      expect(findings[0].description).toMatch(
        /Statement 'Read' in PolicyDocument has a condition on 'secretsmanager:VersionStag', which is neither a global condition key nor a key of service 'secretsmanager'/);
    });

    test('Noncompliance 2: a key of an unknown service, and an aws: key that is not global', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretsmanager:GetSecretValue', { StringEquals: { 'secretmanager:VersionStage': 'AWSCURRENT', 'aws:SourceVpcId': 'vpc-1' } }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => f.rule)).toEqual([
        `${ID}[PolicyDocument.Statement[0].Condition::StringEquals::aws:SourceVpcId]`,
        `${ID}[PolicyDocument.Statement[0].Condition::StringEquals::secretmanager:VersionStage]`,
      ]);
      expect(findings[1].description).toMatch(/'secretmanager:VersionStage', which is neither a global condition key nor a key of any AWS service/);
    });

    test('Noncompliance 3: a key that none of the statement\'s actions supports', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow(['secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret'], { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[PolicyDocument.Statement[0].Condition::StringEquals::secretsmanager:VersionStage]`, 'Stack/Policy', 'error']]);
      expect(findings[0].description).toMatch(
        /Statement 1 in PolicyDocument has a condition on 'secretsmanager:VersionStage', which none of its actions \(secretsmanager:DeleteSecret, secretsmanager:DescribeSecret\) supports/);
    });

    test('Compliance: a key one of several actions supports', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: no applicability check when the actions cannot be listed ("*", NotAction)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack,
        allow('*', { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }),
        { Effect: 'Deny', NotAction: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a key of a statement whose action does not exist is not also reported as not applicable', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretsmanager:GetSecretValu', { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }));
      // THEN
      expect(ruleFindings(stack, RULE).map(f => f.rule)).toEqual([`${ID}[PolicyDocument.Statement[0].Action::secretsmanager:GetSecretValu]`]);
    });
  });

  describe('a Deny that never applies', () => {
    test('Noncompliance: Deny secretsmanager:DeleteSecret conditioned StringEquals kms:ViaService', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      resourcePolicyDenyingDelete(stack, { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[ResourcePolicy.Statement[DenyDelete].Condition::StringEquals::kms:ViaService]`, 'Stack/ResourcePolicy', 'error']]);
      expect(findings[0].description).toMatch(
        /Statement 'DenyDelete' in ResourcePolicy denies secretsmanager:DeleteSecret only when StringEquals on 'kms:ViaService' holds, but none of those actions supports that key and StringEquals is false when the key is absent: the Deny never applies\./);
    });

    test.each([
      ['ArnNotLike aws:PrincipalArn (a global key)', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/break-glass' } }],
      ['Bool aws:SecureTransport', { Bool: { 'aws:SecureTransport': 'false' } }],
      ['StringEquals on a key of the action', { StringEquals: { 'secretsmanager:ForceDeleteWithoutRecovery': 'true' } }],
    ])('Compliance: %s', (_name, condition) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      resourcePolicyDenyingDelete(stack, condition);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test.each([
      ['StringNotEquals (true when the key is absent)', 'StringNotEquals'],
      ['StringEqualsIfExists', 'StringEqualsIfExists'],
      ['Null', 'Null'],
      ['ForAllValues:StringEquals (true for no value)', 'ForAllValues:StringEquals'],
    ])('Noncompliance: %s on kms:ViaService is a key that does not apply, not a Deny that never applies', (_name, operator) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      resourcePolicyDenyingDelete(stack, { [operator]: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => f.rule)).toEqual([`${ID}[ResourcePolicy.Statement[DenyDelete].Condition::${operator}::kms:ViaService]`]);
      expect(findings[0].description).toMatch(/has a condition on 'kms:ViaService', which none of its actions \(secretsmanager:DeleteSecret\) supports/);
      expect(findings[0].description).not.toMatch(/never applies/);
    });
  });

  describe('the policies it reads', () => {
    test('a key policy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new kms.CfnKey(stack, 'Key', {
        enableKeyRotation: true,
        keyPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Admin', Effect: 'Allow', Principal: ROOT, Action: 'kms:*', Resource: '*' },
            { Sid: 'Use', Effect: 'Allow', Principal: ROOT, Action: ['kms:Decrypt', 'kms:GenerateDataKeys'], Resource: '*' },
          ],
        },
      });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[KeyPolicy.Statement[Use].Action::kms:GenerateDataKeys]`, 'Stack/Key', 'error']]);
      expect(findings[0].description).toMatch(/AWS::KMS::Key Key: Statement 'Use' in KeyPolicy names Action 'kms:GenerateDataKeys', which kms does not have\./);
    });

    test('inline policies of an L1 role, named by policy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        policies: [
          { policyName: 'Fine', policyDocument: { Statement: [allow('secretsmanager:GetSecretValue')] } },
          { policyName: 'ReadDb', policyDocument: { Statement: [allow('secretsmanager:GetSecretValues')] } },
        ],
      });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(summary(findings)).toEqual([[`${ID}[Policies[1].Statement[0].Action::secretsmanager:GetSecretValues]`, 'Stack/Role', 'error']]);
      expect(findings[0].description).toMatch(/Statement 1 in Policies\[1\] \(ReadDb\) names Action 'secretsmanager:GetSecretValues'/);
    });

    test('an L2 role\'s default policy (AWS::IAM::Policy)', () => {
      // GIVEN
      const stack = newStack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      // WHEN
      role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], resources: [SECRET_ARN] }));
      role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameterz'], resources: ['*'] }));
      // THEN
      expect(ruleFindings(stack, RULE).map(f => [f.rule, f.path])).toEqual([
        [`${ID}[PolicyDocument.Statement[1].Action::ssm:GetParameterz]`, 'Stack/Role/DefaultPolicy/Resource'],
      ]);
    });

    test('a VPC endpoint policy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new ec2.CfnVPCEndpoint(stack, 'Endpoint', {
        vpcId: 'vpc-0123456789abcdef0',
        serviceName: 'com.amazonaws.eu-west-1.secretsmanager',
        vpcEndpointType: 'Interface',
        policyDocument: {
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgId': 'o-a1b2c3d4e5', 'secretsmanager:Nam': 'x' } } }],
        },
      });
      // THEN
      expect(ruleFindings(stack, RULE).map(f => [f.rule, f.path])).toEqual([
        [`${ID}[PolicyDocument.Statement[0].Condition::StringEquals::secretsmanager:Nam]`, 'Stack/Endpoint'],
      ]);
    });

    test.each([
      ['an S3 bucket policy', (stack: Stack) => new s3.CfnBucketPolicy(stack, 'Resource', {
        bucket: 'logs',
        policyDocument: { Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObjects', Resource: 'arn:aws:s3:::logs/*' }] },
      })],
      ['an SNS topic policy', (stack: Stack) => new sns.CfnTopicPolicy(stack, 'Resource', {
        topics: ['arn:aws:sns:eu-west-1:111111111111:alerts'],
        policyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publishes', Resource: '*' }] },
      })],
      ['a CloudWatch Logs resource policy (a JSON string)', (stack: Stack) => new logs.CfnResourcePolicy(stack, 'Resource', {
        policyName: 'events',
        policyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'logs:PutLogEvent', Resource: '*' }] }),
      })],
    ])('%s', (_name, build) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      build(stack);
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => f.path)).toEqual(['Stack/Resource']);
      expect(findings[0].rule).toMatch(/^HardenedSecrets-IamPolicyValid\[PolicyDocument\.Statement\[0\]\.Action::/);
    });
  });

  describe('what the template does not show', () => {
    test('actions and keys from parameters, imports and CfnJson, and a condition chosen by Fn::If, are skipped', () => {
      // GIVEN
      const stack = newStack();
      const service = new CfnParameter(stack, 'Service');
      const key = new CfnParameter(stack, 'Key');
      const stage = new CfnParameter(stack, 'Stage', { default: 'prod' });
      const prod = new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(stage.valueAsString, 'prod') });
      // WHEN
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({
        actions: [`${service.valueAsString}:GetSecretValue`, Fn.importValue('SharedAction')],
        resources: [SECRET_ARN],
        conditions: { StringEquals: new CfnJson(stack, 'Keys', { value: { [`${key.valueAsString}:VersionStage`]: 'AWSCURRENT' } }) },
      }));
      managedPolicy(stack, {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: SECRET_ARN,
        Condition: Fn.conditionIf(prod.logicalId, { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }, Fn.ref('AWS::NoValue')),
      });
      // THEN no finding, and none saying the rule could not evaluate the resource
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('a parameter default is what gets deployed, so it is checked', () => {
      // GIVEN
      const stack = newStack();
      const action = new CfnParameter(stack, 'Action', { default: 'secretsmanager:GetSecretValu' });
      // WHEN
      managedPolicy(stack, allow(action.valueAsString));
      // THEN
      expect(ruleFindings(stack, RULE).map(f => f.rule)).toEqual([`${ID}[PolicyDocument.Statement[0].Action::secretsmanager:GetSecretValu]`]);
    });
  });

  describe('findings', () => {
    test('each finding of a resource is acknowledged on its own', () => {
      // GIVEN
      const stack = newStack();
      const policy = managedPolicy(stack, allow(['secretsmanager:GetSecretValu', 'secretsmanager:Fetch*']));
      // WHEN
      Validations.of(policy).acknowledge({ id: `${ID}[PolicyDocument.Statement[0].Action::secretsmanager:Fetch*]`, reason: 'test' });
      // THEN
      expect(ruleFindings(stack, RULE).map(f => f.rule)).toEqual([`${ID}[PolicyDocument.Statement[0].Action::secretsmanager:GetSecretValu]`]);
    });

    test('findings name keys and operators, never condition values', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      managedPolicy(stack, allow('secretsmanager:DeleteSecret', { StringEquals: { 'secretsmanager:VersionStage': 'hunter2-db-password' } }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings).toHaveLength(1);
      expect(findings[0].rule + findings[0].description).not.toMatch(/hunter2/);
    });
  });

  describe('the library\'s own constructs', () => {
    const NONE = SecretRotationPolicy.none('Vendor API key without a rotation API');
    const rotator = (stack: Stack) => lambda.Function.fromFunctionAttributes(stack, 'Rotator', {
      functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotator',
      sameEnvironment: true,
    });
    const lambdaRole = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const breakGlass = (stack: Stack) => iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');

    test.each<[string, (stack: Stack) => void]>([
      ['hosted rotation', (stack) => {
        new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()) });
      }],
      ['hosted alternating-user rotation in a VPC', (stack) => {
        const vpc = importedVpc(stack);
        const master = new HardenedSecret(stack, 'Master', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })) });
        new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlMultiUser({ masterSecret: master, vpc })) });
      }],
      ['lambda rotation', (stack) => {
        new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(rotator(stack), { automaticallyAfter: Duration.days(7) }) });
      }],
      ['a shared key, break-glass role and cross-account reader', (stack) => {
        const secret = new HardenedSecret(stack, 'Secret', {
          encryptionKey: new SecretKey(stack, 'Key'),
          breakGlassRoles: [breakGlass(stack)],
          rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()),
        });
        secret.grantRead(new iam.AccountPrincipal('222222222222'));
      }],
      ['readers, grantRead and grantWrite', (stack) => {
        const reader = lambdaRole(stack, 'Reader');
        const secret = new HardenedSecret(stack, 'Secret', { rotation: NONE, readers: [reader] });
        secret.grantRead(lambdaRole(stack, 'Other'));
        secret.grantWrite(reader);
      }],
      ['deployment roles', (stack) => {
        new HardenedSecret(stack, 'Secret', { rotation: NONE, deploymentRoles: [iam.Role.fromRoleArn(stack, 'Deploy', 'arn:aws:iam::111111111111:role/deploy')] });
      }],
      ['replicas and their keys, with a reader', (stack) => {
        new HardenedSecret(stack, 'Secret', { rotation: NONE, replicaRegions: [{ region: 'us-east-1' }, { region: 'eu-central-1' }], readers: [lambdaRole(stack, 'Reader')] });
      }],
      ['an endpoint for the organisation with named secrets', (stack) => {
        const vpc = importedVpc(stack);
        const secret = new HardenedSecret(stack, 'Secret', { rotation: NONE });
        new SecretsManagerEndpoint(stack, 'Endpoint', { vpc, principalOrgId: 'o-a1b2c3d4e5', secrets: [secret] });
      }],
      ['a RotationFunction and a secret read only through the endpoint', (stack) => {
        const vpc = importedVpc(stack);
        const endpoint = SecretsManagerEndpoint.of(vpc);
        const fn = new RotationFunction(stack, 'Rotation', { vpc });
        new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn), requireVpcEndpoint: [endpoint], breakGlassRoles: [breakGlass(stack)] });
      }],
      ['a SecretAccessMonitor with a new trail', (stack) => {
        const monitor = new SecretAccessMonitor(stack, 'Monitor');
        const reader = iam.Role.fromRoleArn(stack, 'Reader', 'arn:aws:iam::111111111111:role/orders-api', { mutable: false });
        monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.lambda(rotator(stack)), readers: [reader] }));
      }],
      ['a SecretAccessMonitor on an organisation trail, with dashboard and Config rules', (stack) => {
        const monitor = new SecretAccessMonitor(stack, 'Monitor', {
          cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
          dashboard: true,
          configRules: true,
        });
        monitor.watch(new HardenedSecret(stack, 'Secret', { rotation: NONE }));
      }],
    ])('%s: no finding of IamPolicyValid or IamPolicySetOperator in any stack of the app', (_name, build) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      build(stack);
      // THEN (replica keys live in sibling stacks of the app)
      const app = stack.node.root;
      const findings = app.node.children.filter(Stack.isStack).flatMap(s => packFindings(s))
        .filter(f => /^HardenedSecrets-IamPolicy(Valid|SetOperator)\b/.test(f.rule));
      expect(findings.map(f => [f.rule, f.path])).toEqual([]);
    });
  });
});
