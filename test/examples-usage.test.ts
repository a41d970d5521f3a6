import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { newStack } from './helpers/stacks';
import { importedVpc } from './helpers/vpc';
import { packFindings } from './nag/pack-helpers';
import { acknowledgements, nagFindings } from './nag-helpers';
import { buildExampleApp, EXAMPLE_STACK_NAME } from '../examples/app';
import { runSteps } from './rotation/runtime/fakes';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, mockedModel, modelClient, SecretsManagerModel } from './rotation/runtime/secrets-manager-model';
import { acknowledgeFindings, buildVendorIntegrationApp, VENDOR_STACK_NAME } from '../examples/compliance/acknowledge-finding';
import { addNagPacks } from '../examples/compliance/nag-packs';
import { handler as apiTokenRotator } from '../examples/rotation/api-token-rotator';
import { buildUsageApp } from '../examples/usage/usage-stacks';
import { HardenedSecret, RotationCode, RotationFunction, SecretRotationPolicy } from '../src';

/** The logical id of the only resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Resource type => how many, for a whole template. */
function resourceTypes(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values<any>(template.toJSON().Resources)) {
    counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  }
  return counts;
}

describe('examples/usage/usage-stacks.ts (README "Usage")', () => {
  const { database, policies, sharedKey } = buildUsageApp(new App());

  test('the database secret: name, tags, its own key, hosted single-user rotation every 30 days', () => {
    const template = Template.fromStack(database);
    const secretId = logicalId(template, 'AWS::SecretsManager::Secret', 'DatabaseSecret');
    const keyId = logicalId(template, 'AWS::KMS::Key', 'DatabaseSecretKey');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'prod/orders/database',
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      GenerateSecretString: { SecretStringTemplate: '{"username":"orders"}', GenerateStringKey: 'password', ExcludePunctuation: true },
      Tags: Match.arrayWith([
        { Key: 'data-classification', Value: 'restricted' },
        { Key: 'environment', Value: 'prod' },
        { Key: 'owner', Value: 'orders-team' },
      ]),
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secretId },
      HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser', KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('grantRead: GetSecretValue on AWSCURRENT only, and kms:Decrypt through Secrets Manager only', () => {
    const template = Template.fromStack(database);
    const secretId = logicalId(template, 'AWS::SecretsManager::Secret', 'DatabaseSecret');
    const keyId = logicalId(template, 'AWS::KMS::Key', 'DatabaseSecretKey');
    const roleId = logicalId(template, 'AWS::IAM::Role', 'OrdersFunction');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'secretsmanager:GetSecretValue',
            Effect: 'Allow',
            Resource: { Ref: secretId },
            Condition: {
              StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
            },
          },
          { Action: 'secretsmanager:DescribeSecret', Effect: 'Allow', Resource: { Ref: secretId } },
          {
            Action: 'kms:Decrypt',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ],
      },
    });
  });

  test('hosted alternating users in the VPC: every 7 days in a 4-hour window, with the master secret and its key', () => {
    const template = Template.fromStack(policies);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(template, 'AWS::SecretsManager::Secret', 'AppUserSecret') },
      HostedRotationLambda: {
        RotationType: 'PostgreSQLMultiUser',
        MasterSecretArn: { Ref: logicalId(template, 'AWS::SecretsManager::Secret', 'MasterSecret') },
        MasterSecretKmsKeyArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'MasterSecretKey'), 'Arn'] },
        VpcSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
        VpcSecurityGroupIds: { 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'RotationSecurityGroup'), 'GroupId'] },
      },
      RotationRules: { ScheduleExpression: 'rate(7 days)', Duration: '4h' },
    });
  });

  test('your own function on a cron schedule: 2-hour window, invoke permission pinned to the account', () => {
    const template = Template.fromStack(policies);
    const fnId = logicalId(template, 'AWS::Lambda::Function', 'ServiceRotation');
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(template, 'AWS::SecretsManager::Secret', 'ServiceSecret') },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '2h' },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: '111111111111',
    });
  });

  test('no rotation: no schedule, the rotation tag says none, the justification is the acknowledgement', () => {
    const template = Template.fromStack(policies);
    const vendorId = logicalId(template, 'AWS::SecretsManager::Secret', 'VendorApiKey');
    template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { SecretId: { Ref: vendorId } }, 0);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 3); // master, alternating users, own function
    expect(template.toJSON().Resources[vendorId].Properties.Tags).toContainEqual({ Key: 'rotation', Value: 'none' });
    const reason = 'Rotation waived: Vendor API offers no key rotation endpoint; rotated by hand every 90 days (SEC-42)';
    expect(acknowledgements(policies).filter((a) => a.path === 'UsageRotationPolicies/VendorApiKey/Resource')).toEqual([
      { path: 'UsageRotationPolicies/VendorApiKey/Resource', rule: 'AwsSolutions-SMG4', reason },
      { path: 'UsageRotationPolicies/VendorApiKey/Resource', rule: 'HardenedSecrets-SecretRotationConfigured', reason },
      { path: 'UsageRotationPolicies/VendorApiKey/Resource', rule: 'HIPAA.Security-SecretsManagerRotationEnabled', reason },
      { path: 'UsageRotationPolicies/VendorApiKey/Resource', rule: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
    ].sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`)));
  });

  test('a shared key: one key and alias, then three resources per secret, both secrets encrypted with it', () => {
    const template = Template.fromStack(sharedKey);
    expect(resourceTypes(template)).toEqual({
      'AWS::KMS::Key': 1,
      'AWS::KMS::Alias': 1,
      'AWS::SecretsManager::Secret': 2,
      'AWS::SecretsManager::ResourcePolicy': 2,
      'AWS::SecretsManager::RotationSchedule': 2,
    });
    const keyArn = { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'OrdersKey'), 'Arn'] };
    template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { KmsKeyId: keyArn }, 2);
    template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { HostedRotationLambda: { KmsKeyArn: keyArn } }, 2);
  });
});

describe('examples/rotation/api-token-rotator.ts (README "Writing a rotator")', () => {
  const sm = mockClient(SecretsManagerClient);
  let model: SecretsManagerModel;
  let lines: string[];
  let spy: jest.SpyInstance;

  beforeEach(() => {
    // mockClient serves every SecretsManagerClient, including the one the handler creates
    model = mockedModel(sm);
    lines = [];
    spy = jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
  });
  afterEach(() => spy.mockRestore());

  /** A secret whose rotation has started (RotateSecret): its AWSPENDING version has no value yet. */
  async function rotating(value: string): Promise<{ arn: string; token: string }> {
    const arn = model.createSecret('prod/orders/webhook-token', value);
    const { VersionId } = await modelClient().send(new RotateSecretCommand({ SecretId: arn }));
    return { arn, token: VersionId! };
  }

  test('a full rotation: a new 40-character token becomes AWSCURRENT, the other fields are kept', async () => {
    const old = JSON.stringify({ client: 'orders', token: 'old-token-value-1234' });
    const { arn, token } = await rotating(old);

    await runSteps(apiTokenRotator, arn, token);

    expect(model.versionWith(arn, AWSCURRENT)).toBe(token);
    expect(model.valueOf(arn, AWSPREVIOUS)).toBe(old);
    expect(model.countStage(arn, AWSPENDING)).toBe(0);
    const current = JSON.parse(model.valueOf(arn, AWSCURRENT)!);
    expect(current).toEqual({ client: 'orders', token: expect.stringMatching(/^[A-Za-z0-9]{40}$/) });
    expect(lines.map((l) => JSON.parse(l).message)).toContain('token registered with the service');
    expect(lines.join('\n')).not.toContain(current.token);
  });

  test('a pending value without a token fails testSecret and is never promoted', async () => {
    const old = JSON.stringify({ client: 'orders', token: 'old-token-value-1234' });
    const { arn, token } = await rotating(old);
    // A retried createSecret reuses what an earlier attempt stored under the token.
    model.putSecretValue({ SecretId: arn, ClientRequestToken: token, SecretString: '{"client":"orders"}', VersionStages: [AWSPENDING] });

    await expect(runSteps(apiTokenRotator, arn, token)).rejects.toThrow('the pending value has no token');

    expect(model.valueOf(arn, AWSCURRENT)).toBe(old);
    expect(model.versionWith(arn, AWSPENDING)).toBe(token);
  });

  test('RotationCode.fromEntry bundles it locally: the rotator and the framework, no AWS SDK', () => {
    const stack = newStack('RotatorBundle');
    const vpc = importedVpc(stack);
    const entry = path.join(__dirname, '..', 'examples', 'rotation', 'api-token-rotator.ts');
    const rotation = new RotationFunction(stack, 'TokenRotation', { vpc, code: RotationCode.fromEntry(entry) });
    new HardenedSecret(stack, 'ApiToken', { rotation: SecretRotationPolicy.custom(rotation) });

    const staging = rotation.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging)!;
    expect(fs.readdirSync(staging.absoluteStagedPath)).toEqual(['index.js']);
    const code = fs.readFileSync(path.join(staging.absoluteStagedPath, 'index.js'), 'utf8');
    expect(code).toContain('token registered with the service');
    expect(code).toContain('the pending value has no token');
    expect(code).toMatch(/require\("@aws-sdk\/client-secrets-manager"\)/);
    expect(code.replace(/require\("@aws-sdk\/[a-z-]+"\)/g, '')).not.toMatch(/@aws-sdk/);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] },
    });
  });
});

describe('examples/compliance/nag-packs.ts (README "The packs and the acknowledgements")', () => {
  const runtimeFindings = [
    { pack: 'AwsSolutions', rule: 'AwsSolutions-L1', resource: `${EXAMPLE_STACK_NAME}/ApiClient/Resource`, severity: 'error' },
    { pack: 'Serverless', rule: 'Serverless-LambdaLatestVersion', resource: `${EXAMPLE_STACK_NAME}/ApiClient/Resource`, severity: 'error' },
  ];

  /** The example app, its ApiClient function kept on Node.js 22 (the finding to acknowledge). */
  function exampleOnNode22(): { app: App; stack: Stack; fn: lambda.Function } {
    const { app, stack } = buildExampleApp(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-packs-')) }));
    const fn = stack.node.findChild('ApiClient') as lambda.Function;
    (fn.node.defaultChild as lambda.CfnFunction).runtime = 'nodejs22.x';
    return { app, stack, fn };
  }

  test('the two runtime findings are acknowledged on the function, and synth passes with the five packs as plugins', () => {
    const { app, stack, fn } = exampleOnNode22();
    expect(nagFindings(stack)).toEqual(runtimeFindings);

    addNagPacks(app, fn);

    expect(nagFindings(stack)).toEqual([]);
    const reason = 'The vendor SDK supports Node.js 22 only; the move to 24 is DEV-310';
    expect(acknowledgements(stack).filter((a) => a.reason === reason)).toEqual([
      { path: `${EXAMPLE_STACK_NAME}/ApiClient/Resource`, rule: 'AwsSolutions-L1', reason },
      { path: `${EXAMPLE_STACK_NAME}/ApiClient/Resource`, rule: 'Serverless-LambdaLatestVersion', reason },
    ]);
    expect(app.synth().stacks.map((s) => s.stackName)).toEqual([EXAMPLE_STACK_NAME]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('the packs run at synth: any other finding fails it', () => {
    const { app, fn } = exampleOnNode22();
    addNagPacks(app, fn);
    // Without reserved concurrency the HIPAA and NIST packs report the function.
    (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = undefined;

    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/HIPAA\.Security-LambdaConcurrency/);
    expect(message).toMatch(/NIST\.800\.53\.R5-LambdaConcurrency/);
    // the acknowledged runtime findings are not among the failures
    expect(message).not.toMatch(/AwsSolutions-L1|Serverless-LambdaLatestVersion/);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('examples/compliance/acknowledge-finding.ts (README "Acknowledging a finding")', () => {
  test('each acknowledgement removes exactly its finding, on its resource, and nothing else', () => {
    const vendor = buildVendorIntegrationApp();
    const before = packFindings(vendor.app);
    const acknowledged = [
      { rule: 'HardenedSecrets-NoCredentialInLambdaEnvironment[Environment.Variables.LEGACY_TOKEN]', path: `${VENDOR_STACK_NAME}/ReplayFixture/Resource` },
      { rule: 'HardenedSecrets-SecretRotationConfigured', path: `${VENDOR_STACK_NAME}/VendorApiKey/Resource` },
    ];
    for (const a of acknowledged) {
      expect(before).toContainEqual(expect.objectContaining({ ...a, severity: 'error' }));
    }

    acknowledgeFindings(vendor);

    const after = packFindings(vendor.app);
    expect(after).toEqual(before.filter((f) => !acknowledged.some((a) => a.rule === f.rule && a.path === f.path)));
    expect(acknowledgements(vendor.stack)).toEqual([
      {
        path: `${VENDOR_STACK_NAME}/ReplayFixture/Resource`,
        rule: 'HardenedSecrets-NoCredentialInLambdaEnvironment[Environment.Variables.LEGACY_TOKEN]',
        reason: 'Revoked test token kept for the replay fixture; it grants nothing (SEC-77)',
      },
      {
        path: `${VENDOR_STACK_NAME}/VendorApiKey/Resource`,
        rule: 'HardenedSecrets-SecretRotationConfigured',
        reason: 'Rotated by the vendor integration job every 7 days (RUNBOOK-12)',
      },
    ]);
  });
});
