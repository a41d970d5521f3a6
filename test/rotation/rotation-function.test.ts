import * as fs from 'fs';
import * as path from 'path';
import { AssetStaging, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HardenedSecret, RotationCode, RotationFunction, RotationFunctionProps, RotationKind, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';
import { importedVpc, ISOLATED_SUBNET_IDS, secretsManagerInterfaceEndpoint } from '../helpers/vpc';
import { newStack } from '../nag-helpers';

const SUBNETS = ISOLATED_SUBNET_IDS;

/** A stack with a rotation function (in a VPC, with the endpoint) rotating one secret. */
function rotatedSecret(props: Partial<RotationFunctionProps> = {}) {
  const stack = newStack();
  const vpc = importedVpc(stack);
  const endpoint = secretsManagerInterfaceEndpoint(vpc);
  const fn = new RotationFunction(stack, 'Rotation', { vpc, secretsManagerEndpoint: endpoint, ...props });
  const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
  return { stack, vpc, endpoint, fn, secret, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

describe('RotationFunction', () => {
  describe('the function', () => {
    test('runs the bundled built-in rotator on Node.js 22 with tracing, reserved concurrency, memory and timeout', () => {
      // GIVEN / WHEN
      const { template } = rotatedSecret();
      // THEN
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        ReservedConcurrentExecutions: 1,
        MemorySize: 256,
        Timeout: 30,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^RotationLogGroup') } },
        VpcConfig: {
          SubnetIds: SUBNETS,
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecurityGroup'), 'GroupId'] }],
        },
        DeadLetterConfig: Match.absent(),
      });
    });

    test('the built-in rotator asset is the projen bundle, without the AWS SDK, under 50 KB', () => {
      const { fn } = rotatedSecret();
      const staging = fn.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging)!;
      const code = fs.readFileSync(path.join(staging.sourcePath, 'index.js'), 'utf8');
      expect(staging.sourcePath).toMatch(/assets[\\/]rotation[\\/]random-value-rotation\.lambda$/);
      expect(Buffer.byteLength(code)).toBeLessThan(50 * 1024);
      // The SDK is only required, never bundled.
      expect(code.replace(/require\("@aws-sdk\/[a-z-]+"\)/g, '')).not.toMatch(/@aws-sdk/);
    });

    test.each<[string, Partial<RotationFunctionProps>, Record<string, unknown>]>([
      ['concurrency', { reservedConcurrentExecutions: 4 }, { ReservedConcurrentExecutions: 4 }],
      ['timeout', { timeout: Duration.minutes(2) }, { Timeout: 120 }],
      ['memory', { memorySize: 512 }, { MemorySize: 512 }],
      ['description', { description: 'Rotates the partner API token' }, { Description: 'Rotates the partner API token' }],
    ])('%s can be changed', (_label, props, expected) => {
      rotatedSecret(props).template.hasResourceProperties('AWS::Lambda::Function', expected);
    });
  });

  describe('logs', () => {
    test('a log group kept one year, encrypted with a new rotating key scoped to CloudWatch Logs of this account', () => {
      const { template } = rotatedSecret();
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationLogKey'), 'Arn'] },
      });
      template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: 'Encrypts the log group of a Secrets Manager rotation function',
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowCloudWatchLogsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:log-group:*']] },
                },
              },
            }),
            Match.objectLike({
              Sid: 'DenyGrantsNotForAwsResources',
              Effect: 'Deny',
              Action: 'kms:CreateGrant',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            }),
          ]),
        },
      });
    });

    test('the retention and the key can be given', () => {
      // GIVEN
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'LogsKey', 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555');
      // WHEN
      new RotationFunction(stack, 'Rotation', {
        vpc: importedVpc(stack),
        logRetention: logs.RetentionDays.TWO_YEARS,
        logEncryptionKey: key,
      });
      // THEN
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731, KmsKeyId: key.keyArn });
      template.resourceCountIs('AWS::KMS::Key', 0);
    });
  });

  describe('the role', () => {
    test('has no AWS managed policy and no inline policy', () => {
      const { template } = rotatedSecret();
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
        ManagedPolicyArns: Match.absent(),
        Policies: Match.absent(),
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('the scoped policy: its log group only', () => {
      const { template } = rotatedSecret();
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Description: 'Rotation function: its log group',
        Roles: [{ Ref: Match.stringLikeRegexp('^RotationRole') }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationLogGroup'), 'Arn'] } },
          ],
        },
      });
    });

    test("the grants policy of the secret's stack: this secret only, without a version-stage pin, and its key via Secrets Manager", () => {
      const { stack, secret, template } = rotatedSecret();
      const secretId = logicalId(stack, secret);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Description: 'Rotation function: the secrets of this stack it rotates, and their keys through Secrets Manager',
        Roles: [{ Ref: Match.stringLikeRegexp('^RotationRole') }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'secretsmanager:DescribeSecret',
                'secretsmanager:GetSecretValue',
                'secretsmanager:PutSecretValue',
                'secretsmanager:UpdateSecretVersionStage',
              ],
              Resource: { Ref: secretId },
            },
            {
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretKey'), 'Arn'] },
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ],
        },
      });
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 3);
    });

    test('the unscoped policy holds only GetRandomPassword, X-Ray and the network interfaces of the function', () => {
      const { template } = rotatedSecret();
      const ec2Arn = (rest: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...rest]] });
      const eni = ec2Arn([':ec2:eu-west-1:111111111111:network-interface/*']);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Description: 'Rotation function: actions without resource-level permissions, and its network interfaces',
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
            { Sid: 'GenerateRandomValues', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
            {
              Sid: 'CreateFunctionNetworkInterfaces',
              Effect: 'Allow',
              Action: 'ec2:CreateNetworkInterface',
              Resource: [
                eni,
                ec2Arn([`:ec2:eu-west-1:111111111111:subnet/${SUBNETS[0]}`]),
                ec2Arn([`:ec2:eu-west-1:111111111111:subnet/${SUBNETS[1]}`]),
                ec2Arn([':ec2:eu-west-1:111111111111:security-group/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecurityGroup'), 'GroupId'] }]),
              ],
            },
            {
              Sid: 'ManageFunctionNetworkInterfaces',
              Effect: 'Allow',
              Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
              Resource: eni,
            },
            { Sid: 'DescribeNetwork', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
          ],
        },
      });
    });

    test('a wildcard statement someone else adds goes into the scoped policy, where cdk-nag still reports it', () => {
      // GIVEN
      const stack = newStack();
      const fn = new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack) });
      // WHEN
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Description: 'Rotation function: its log group',
        PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]) },
      });
    });
  });

  describe('network', () => {
    test('its own security group allows only HTTPS to the Secrets Manager endpoint', () => {
      const { template } = rotatedSecret();
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Rotation function .*: outbound HTTPS only$'),
        SecurityGroupEgress: Match.absent(),
        SecurityGroupIngress: Match.absent(),
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecurityGroup'), 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcSecretsManagerEndpointSecurityGroup'), 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcSecretsManagerEndpointSecurityGroup'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecurityGroup'), 'GroupId'] },
        FromPort: 443,
        ToPort: 443,
      });
    });

    test("without an endpoint: the VPC's SecretsManagerEndpoint made before it is used, and HTTPS goes only to it", () => {
      // GIVEN
      const stack = newStack();
      const vpc = importedVpc(stack);
      const endpoint = SecretsManagerEndpoint.of(vpc);
      // WHEN
      const fn = new RotationFunction(stack, 'Rotation', { vpc });
      // THEN
      const template = Template.fromStack(stack);
      expect(fn.secretsManagerEndpoint).toBe(endpoint);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { PrivateDnsEnabled: true, ServiceName: 'com.amazonaws.eu-west-1.secretsmanager' });
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecurityGroup'), 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcSecretsManagerEndpointSecurityGroup'), 'GroupId'] },
        FromPort: 443,
        ToPort: 443,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcSecretsManagerEndpointSecurityGroup'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecurityGroup'), 'GroupId'] },
        Description: 'Secrets Manager API from rotation function Stack/Rotation',
      });
      expect(JSON.stringify(template.toJSON())).not.toContain('0.0.0.0/0');
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('without any endpoint: none is created, HTTPS goes out through the routes, and a warning says so', () => {
      // GIVEN / WHEN a VPC whose endpoint (if any) is made outside the app
      const stack = newStack();
      const fn = new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack) });
      // THEN no endpoint is made (a second one with private DNS would fail to deploy)
      const template = Template.fromStack(stack);
      expect(fn.secretsManagerEndpoint).toBeUndefined();
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
      // and the function's group allows HTTPS only, to any address
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Rotation function .*: outbound HTTPS only$'),
        SecurityGroupEgress: [{
          CidrIp: '0.0.0.0/0',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Description: 'HTTPS to Secrets Manager through the VPC routes',
        }],
      });
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
      expect(warnings.map((w) => w.id)).toEqual(['/Stack/Rotation']);
      expect(warnings[0].entry.data).toMatch(new RegExp(
        '^Stack/Rotation has no Secrets Manager interface endpoint in its VPC .* Call SecretsManagerEndpoint.of\\(vpc\\) before ' +
        'creating the function, or pass secretsManagerEndpoint .* \\[ack: cdk-hardened-secrets:rotation-function-endpoint\\]$'));
    });

    test('an endpoint made after the function is not used by it (the warning stays)', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const fn = new RotationFunction(stack, 'Rotation', { vpc });
      SecretsManagerEndpoint.of(vpc);
      expect(fn.secretsManagerEndpoint).toBeUndefined();
      Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      Annotations.fromStack(stack).hasWarning('/Stack/Rotation', Match.stringLikeRegexp('cdk-hardened-secrets:rotation-function-endpoint'));
    });

    test('without an endpoint, a Secrets Manager endpoint made with vpc.addInterfaceEndpoint is used', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const endpoint = secretsManagerInterfaceEndpoint(vpc);
      const fn = new RotationFunction(stack, 'Rotation', { vpc });
      expect(fn.secretsManagerEndpoint).toBe(endpoint);
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    });

    test('two functions in one VPC share one endpoint', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      SecretsManagerEndpoint.of(vpc);
      const a = new RotationFunction(stack, 'A', { vpc });
      const b = new RotationFunction(stack, 'B', { vpc });
      expect(a.secretsManagerEndpoint).toBe(b.secretsManagerEndpoint);
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    });

    test('with an endpoint there is no warning', () => {
      const { stack } = rotatedSecret();
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('given security groups are used as they are', () => {
      // GIVEN
      const stack = newStack();
      const vpc = importedVpc(stack);
      const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
      SecretsManagerEndpoint.of(vpc);
      // WHEN
      const fn = new RotationFunction(stack, 'Rotation', { vpc, securityGroups: [sg], vpcSubnets: { subnets: [vpc.isolatedSubnets[0]] } });
      // THEN
      const template = Template.fromStack(stack);
      // The only group made is the one of the VPC's Secrets Manager endpoint, which the given group may reach.
      template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Secrets Manager interface endpoint') });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: 'sg-0123456789abcdef0', FromPort: 443 });
      template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SecurityGroupIds: ['sg-0123456789abcdef0'], SubnetIds: [SUBNETS[0]] } });
      expect(fn.connections.securityGroups).toEqual([sg]);
    });
  });

  describe('SecretRotationPolicy.custom', () => {
    test('schedules rotation with the function, kind custom, every 30 days by default', () => {
      const { stack, secret, fn, template } = rotatedSecret();
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: logicalId(stack, secret) },
        RotationLambdaARN: { 'Fn::GetAtt': [logicalId(stack, fn.function), 'Arn'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
      });
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: [{ Key: 'rotation', Value: 'custom-30d' }] });
      expect(secret.rotationKind).toBe(RotationKind.CUSTOM);
    });

    test('the schedule options apply', () => {
      // GIVEN
      const stack = newStack();
      const fn = new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack) });
      // WHEN
      new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.custom(fn, {
          automaticallyAfter: Duration.days(7),
          window: Duration.hours(2),
          rotateImmediatelyOnUpdate: false,
        }),
      });
      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationRules: { ScheduleExpression: 'rate(7 days)', Duration: '2h' },
        RotateImmediatelyOnUpdate: false,
      });
    });

    test('Secrets Manager may invoke the function for this secret of this account only', () => {
      const { stack, secret, fn, template } = rotatedSecret();
      template.resourceCountIs('AWS::Lambda::Permission', 1);
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalId(stack, fn.function), 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: '111111111111',
        SourceArn: { Ref: logicalId(stack, secret) },
      });
    });

    test('the schedule waits for the permission, the grants and the role policies (Secrets Manager invokes at once)', () => {
      const { template } = rotatedSecret();
      const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
      const [schedule] = Object.values(schedules);
      expect([...schedule.DependsOn].sort()).toEqual([
        expect.stringMatching(/^RotationGrantsStackRotation[0-9A-F]{8}Policy1[0-9A-F]{8}$/),
        expect.stringMatching(/^RotationRole[0-9A-F]{8}$/),
        expect.stringMatching(/^RotationRolePolicy[0-9A-F]{8}$/),
        expect.stringMatching(/^RotationRoleUnscopedPolicy[0-9A-F]{8}$/),
        expect.stringMatching(/^SecretRotationInvokePermission[0-9A-F]{8}$/),
      ]);
      // The permission itself waits for nothing.
      const [permission] = Object.values(template.findResources('AWS::Lambda::Permission'));
      expect(permission.DependsOn).toBeUndefined();
    });

    test('aws-cdk-lib adds none of its broader grants (kms:ReEncrypt*, kms:GenerateDataKey*, the secret ARN with -??????)', () => {
      const { template } = rotatedSecret();
      const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
      const actions = statements.flatMap((st) => [st.Action].flat());
      expect(actions.filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
      expect(JSON.stringify(statements)).not.toContain('-??????');
      // The secret key policy is untouched: use is granted in the role's policy, via Secrets Manager.
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('Secrets Manager secrets'),
        KeyPolicy: { Statement: Match.not(Match.arrayWith([Match.objectLike({ Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationRole'), 'Arn'] } } })])) },
      });
    });

    test('one function rotating two secrets: a permission and statements for each, and a concurrency warning', () => {
      // GIVEN
      const stack = newStack();
      const vpc = importedVpc(stack);
      const fn = new RotationFunction(stack, 'Rotation', { vpc, secretsManagerEndpoint: secretsManagerInterfaceEndpoint(vpc) });
      // WHEN
      const a = new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.custom(fn) });
      const b = new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.custom(fn) });
      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Permission', 2);
      for (const secret of [a, b]) {
        template.hasResourceProperties('AWS::Lambda::Permission', { SourceArn: { Ref: logicalId(stack, secret) }, SourceAccount: '111111111111' });
      }
      // Both secrets in one grants policy: one statement on the secrets, one on their keys.
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 3);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Action: Match.arrayWith(['secretsmanager:PutSecretValue']), Resource: [{ Ref: logicalId(stack, a) }, { Ref: logicalId(stack, b) }] }),
            Match.objectLike({
              Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
              Resource: [{ 'Fn::GetAtt': [logicalId(stack, a.encryptionKey as any), 'Arn'] }, { 'Fn::GetAtt': [logicalId(stack, b.encryptionKey as any), 'Arn'] }],
            }),
          ],
        },
      });
      Annotations.fromStack(stack).hasWarning('/Stack/Rotation', Match.stringLikeRegexp('2 secrets rotate with this function but reservedConcurrentExecutions is 1'));
    });

    test('with concurrency for both secrets there is no concurrency warning', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const fn = new RotationFunction(stack, 'Rotation', { vpc, secretsManagerEndpoint: secretsManagerInterfaceEndpoint(vpc), reservedConcurrentExecutions: 2 });
      new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.custom(fn) });
      new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.custom(fn) });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('a function that is not a RotationFunction is refused', () => {
      const stack = newStack();
      expect(() => new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom({} as RotationFunction) }))
        .toThrow(/Stack\/Secret: invalid `rotation \(SecretRotationPolicy.custom function\)`: got "another object"; allowed: a RotationFunction/);
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<RotationFunctionProps>, RegExp]>([
      ['concurrency 0', { reservedConcurrentExecutions: 0 }, /invalid `reservedConcurrentExecutions`: got 0; allowed: a whole number of at least 1/],
      ['timeout 16 minutes', { timeout: Duration.minutes(16) }, /invalid `timeout`: got 16 minutes; allowed: whole seconds from 1 second to 15 minutes/],
      ['timeout 500 ms', { timeout: Duration.millis(500) }, /invalid `timeout`/],
      ['memory 64', { memorySize: 64 }, /invalid `memorySize`: got 64; allowed: a whole number of MiB from 128 to 10240/],
    ])('%s fails at synth, naming the construct, prop, value and range', (_label, props, message) => {
      const stack = newStack();
      expect(() => new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack), ...props })).toThrow(/^Stack\/Rotation: /);
      const again = newStack();
      expect(() => new RotationFunction(again, 'Rotation', { vpc: importedVpc(again), ...props })).toThrow(message);
    });

    test('every problem is reported at once', () => {
      const stack = newStack();
      expect(() => new RotationFunction(stack, 'Rotation', {
        vpc: importedVpc(stack),
        code: RotationCode.randomValue({ passwordPolicy: { passwordLength: 0 } }),
        reservedConcurrentExecutions: 0,
      })).toThrow(/Stack\/Rotation: 2 invalid props:\n {2}- invalid `reservedConcurrentExecutions`.*\n {2}- invalid `code \(RotationCode.randomValue passwordPolicy.passwordLength\)`/);
    });

    test('a VPC is required (Control Tower CT.LAMBDA.PR.3)', () => {
      const stack = newStack();
      expect(() => new RotationFunction(stack, 'Rotation', {} as RotationFunctionProps))
        .toThrow(/Stack\/Rotation: invalid `vpc`: got undefined; allowed: a VPC: Control Tower CT.LAMBDA.PR.3/);
    });
  });

  test('exposes the function, role, log group and grant principal', () => {
    const { fn } = rotatedSecret();
    expect(fn.function).toBeInstanceOf(lambda.Function);
    expect(fn.functionArn).toBe(fn.function.functionArn);
    expect(fn.grantPrincipal).toBe(fn.role);
    expect(fn.logGroup).toBeInstanceOf(logs.LogGroup);
    expect(fn.reservedConcurrentExecutions).toBe(1);
  });
});
