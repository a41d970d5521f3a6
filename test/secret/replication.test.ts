import { App, Aws, CfnParameter, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ManagedPolicyRole } from '../../examples/shared/managed-policy-role';
import { DataClassification, HardenedSecret, HardenedSecretProps, SecretKey, SecretRotationPolicy } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { REPLICA_KEY_WILDCARD_REASON } from '../../src/secret/replication';
import { newStack, TEST_ENV } from '../helpers/stacks';
import { packFindings } from '../nag/pack-helpers';
import { acknowledgements, controlTowerViolations, nagFindings } from '../nag-helpers';

const NO_ROTATION = SecretRotationPolicy.none('Test secret without a rotation function');
const ALIAS = 'alias/hardened-secrets/replica/eu-west-1/Primary-Db-FB515321';

function primaryStack(app = new App(), env: { account?: string; region?: string } = TEST_ENV): Stack {
  return new Stack(app, 'Primary', { env });
}

function replicated(props: Partial<HardenedSecretProps> = {}): { app: App; stack: Stack; secret: HardenedSecret } {
  const app = new App();
  const stack = primaryStack(app);
  const secret = new HardenedSecret(stack, 'Db', {
    rotation: NO_ROTATION,
    replicaRegions: [{ region: 'eu-central-1' }, { region: 'us-east-1' }],
    ...props,
  });
  return { app, stack, secret };
}

function stackNamed(app: App, id: string): Stack {
  const found = app.node.tryFindChild(id);
  expect(found).toBeDefined();
  return found as Stack;
}

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<name-suffix>` of the replica, as the template computes it. */
function replicaArn(secretLogicalId: string, region: string): unknown {
  const part = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': [':', { Ref: secretLogicalId }] }] });
  return { 'Fn::Join': [':', [part(0), part(1), part(2), region, part(4), part(5), part(6)]] };
}

function statementsOf(template: Template, type = 'AWS::IAM::Policy'): any[] {
  return Object.values(template.findResources(type)).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('replicaRegions', () => {
  describe('replica keys', () => {
    const { app, stack } = replicated();
    const template = Template.fromStack(stack);

    test('each replica region names the customer-managed key the library created there, by alias', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
        ReplicaRegions: [
          { Region: 'eu-central-1', KmsKeyId: ALIAS },
          { Region: 'us-east-1', KmsKeyId: ALIAS },
        ],
      });
    });

    test.each(['eu-central-1', 'us-east-1'])('the key of the %s replica lives in a sibling stack of that region', (region) => {
      const pascal = region === 'us-east-1' ? 'UsEast1' : 'EuCentral1';
      const keyStack = stackNamed(app, `PrimaryReplicaKeys${pascal}`);
      expect({ region: keyStack.region, account: keyStack.account, name: keyStack.stackName }).toEqual({
        region,
        account: '111111111111',
        name: `Primary-replica-keys-${region}`,
      });
      const t = Template.fromStack(keyStack);
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          EnableKeyRotation: true,
          KeyPolicy: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Sid: 'UseThroughSecretsManagerOnly',
                Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com`, 'kms:CallerAccount': '111111111111' } },
              }),
            ]),
          },
        },
      });
      t.hasResourceProperties('AWS::KMS::Alias', { AliasName: ALIAS });
    });

    test.each(['eu-central-1', 'us-east-1'])('the %s replica key lets writers of the primary encrypt for replication, and nobody decrypt without a grant', (region) => {
      const pascal = region === 'us-east-1' ? 'UsEast1' : 'EuCentral1';
      const t = Template.fromStack(stackNamed(app, `PrimaryReplicaKeys${pascal}`));
      const statements: any[] = Object.values(t.findResources('AWS::KMS::Key')).flatMap((k: any) => k.Properties.KeyPolicy.Statement);
      const replication = statements.filter((st) => st.Sid === 'AllowReplicationOfNewVersionsThroughSecretsManager');
      expect(replication).toEqual([{
        Sid: 'AllowReplicationOfNewVersionsThroughSecretsManager',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com`, 'kms:CallerAccount': '111111111111' } },
      }]);
      // Only the IAM-delegated statement allows Decrypt: a reader needs its own grant.
      const decrypting = statements.filter((st) => st.Effect === 'Allow' && [st.Action].flat().some((a: string) => a === 'kms:Decrypt' || a === 'kms:*'));
      expect(decrypting.map((st) => st.Principal)).not.toContainEqual({ AWS: '*' });
    });

    test('no cross-region reference: no Fn::ImportValue, no export, no SSM parameter reader', () => {
      for (const s of app.node.children.filter(Stack.isStack)) {
        const json = JSON.stringify(Template.fromStack(s).toJSON());
        expect(json).not.toContain('Fn::ImportValue');
        expect(json).not.toContain('"Export"');
        expect(json).not.toContain('Custom::CrossRegion');
      }
    });

    test('the secret stack depends on both key stacks, which depend on nothing of it', () => {
      const assembly = app.synth();
      const deps = (id: string) => assembly.getStackArtifact(id).dependencies.map((d) => d.id).filter((d) => !d.endsWith('.assets')).sort();
      expect(deps('Primary')).toEqual(['PrimaryReplicaKeysEuCentral1', 'PrimaryReplicaKeysUsEast1']);
      expect(deps('PrimaryReplicaKeysEuCentral1')).toEqual([]);
      expect(deps('PrimaryReplicaKeysUsEast1')).toEqual([]);
    });
  });

  test('stack dependency order across three regions: keys deploy first, in any topological order of the assembly', () => {
    // GIVEN two secrets replicating to the same two regions
    const app = new App();
    const stack = primaryStack(app);
    for (const id of ['Db', 'ApiKey']) {
      new HardenedSecret(stack, id, { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1' }, { region: 'ap-southeast-2' }] });
    }
    // WHEN the app is synthesised and its stacks ordered as the CDK CLI orders them
    const assembly = app.synth();
    const order: string[] = [];
    const visit = (id: string) => {
      if (order.includes(id)) {
        return;
      }
      assembly.getStackArtifact(id).dependencies.filter((d) => !d.id.endsWith('.assets')).forEach((d) => visit(d.id));
      order.push(id);
    };
    assembly.stacks.forEach((s) => visit(s.id));

    // THEN one key stack per region (shared by both secrets), each before the secret stack
    const regions = Object.fromEntries(assembly.stacks.map((s) => [s.id, s.environment.region]));
    expect(regions).toEqual({ Primary: 'eu-west-1', PrimaryReplicaKeysUsEast1: 'us-east-1', PrimaryReplicaKeysApSoutheast2: 'ap-southeast-2' });
    expect(order.indexOf('Primary')).toBe(2);
    for (const keyStack of ['PrimaryReplicaKeysUsEast1', 'PrimaryReplicaKeysApSoutheast2']) {
      Template.fromStack(stackNamed(app, keyStack)).resourceCountIs('AWS::KMS::Key', 2);
    }
  });

  describe('grants', () => {
    const { stack, secret } = replicated();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    secret.grantRead(reader);
    secret.grantWrite(writer);
    const template = Template.fromStack(stack);
    const secretId = stack.getLogicalId(secret.node.defaultChild as any);
    const readerStatements = () => Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles[0].Ref === stack.getLogicalId(reader.node.defaultChild as any))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);

    test('grantRead lists the primary and every replica ARN in one statement, pinned to AWSCURRENT', () => {
      const all = [{ Ref: secretId }, replicaArn(secretId, 'eu-central-1'), replicaArn(secretId, 'us-east-1')];
      expect(readerStatements().filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:')))).toEqual([
        {
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: all,
          Condition: {
            StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
          },
        },
        { Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: all },
      ]);
    });

    test('grantRead decrypts each replica with its key only, only through Secrets Manager in its region', () => {
      const decrypt = readerStatements().filter((s: any) => s.Action === 'kms:Decrypt');
      expect(decrypt).toHaveLength(3);
      for (const region of ['eu-central-1', 'us-east-1']) {
        expect(decrypt).toContainEqual({
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${region}:111111111111:key/*`]] },
          Condition: {
            'StringEquals': { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [ALIAS] },
          },
        });
      }
    });

    test('grantWrite writes to the primary only, and may encrypt with the replica keys for replication', () => {
      const writerId = stack.getLogicalId(writer.node.defaultChild as any);
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p: any) => p.Properties.Roles[0].Ref === writerId)
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      const secretStatements = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:')));
      expect(secretStatements.map((s: any) => s.Resource)).toEqual([{ Ref: secretId }]);
      expect(statements.filter((s: any) => JSON.stringify(s.Resource).includes(':key/*')).map((s: any) => s.Action)).toEqual([
        ['kms:GenerateDataKey', 'kms:Encrypt'],
        ['kms:GenerateDataKey', 'kms:Encrypt'],
      ]);
    });

    test('the AwsSolutions-IAM5 finding of each replica-key wildcard is acknowledged on the exact policy, with why', () => {
      const policy = 'Primary/Reader/DefaultPolicy/Resource';
      const iam5 = acknowledgements(stack).filter((a) => a.rule.startsWith('AwsSolutions-IAM5') && a.path === policy);
      expect(iam5).toEqual([
        { path: policy, rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:eu-central-1:111111111111:key/*]', reason: REPLICA_KEY_WILDCARD_REASON },
        { path: policy, rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-east-1:111111111111:key/*]', reason: REPLICA_KEY_WILDCARD_REASON },
      ]);
      expect(nagFindings(stack).filter((f) => f.rule.startsWith('AwsSolutions-IAM5'))).toEqual([]);
    });
  });

  test('two secrets read by one role: one acknowledgement per replica region, each key found by its own alias', () => {
    const app = new App();
    const stack = primaryStack(app);
    const reader = new ManagedPolicyRole(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    for (const id of ['Db', 'ApiKey']) {
      new HardenedSecret(stack, id, { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1' }], readers: [reader] });
    }
    expect(acknowledgements(stack).filter((a) => a.rule.startsWith('AwsSolutions-IAM5')).map((a) => [a.path, a.rule])).toEqual([
      ['Primary/Reader/Policy/Resource', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-east-1:111111111111:key/*]'],
    ]);
    const aliases = statementsOf(Template.fromStack(stack), 'AWS::IAM::ManagedPolicy')
      .filter((s: any) => s.Condition?.['ForAnyValue:StringEquals'])
      .map((s: any) => s.Condition['ForAnyValue:StringEquals']['kms:ResourceAliases'][0]);
    expect(aliases).toEqual([
      'alias/hardened-secrets/replica/eu-west-1/Primary-Db-FB515321',
      'alias/hardened-secrets/replica/eu-west-1/Primary-ApiKey-ABC083EB',
    ]);
  });

  test('a region added later (addReplicaRegion) reaches readers granted before it', () => {
    const { stack, secret } = replicated({ replicaRegions: [{ region: 'us-east-1' }] });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    secret.grantRead(reader);
    secret.addReplicaRegion('eu-north-1');
    const template = Template.fromStack(stack);
    const secretId = stack.getLogicalId(secret.node.defaultChild as any);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-east-1', KmsKeyId: ALIAS }, { Region: 'eu-north-1', KmsKeyId: ALIAS }],
    });
    expect(statementsOf(template)).toContainEqual({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: replicaArn(secretId, 'eu-north-1'),
      Condition: { StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] } },
    });
    expect(secret.replicaRegionNames).toEqual(['us-east-1', 'eu-north-1']);
    expect(() => secret.addReplicaRegion('eu-north-1')).toThrow(/invalid `addReplicaRegion\[0\]\.region`: got "eu-north-1"; allowed: each region once/);
  });

  test('replicaSecretArn names the replica in a region, and refuses a region that is not one', () => {
    const { stack, secret } = replicated();
    const secretId = stack.getLogicalId(secret.node.defaultChild as any);
    expect(stack.resolve(secret.replicaSecretArn('us-east-1'))).toEqual(replicaArn(secretId, 'us-east-1'));
    expect(() => secret.replicaSecretArn('eu-west-1')).toThrow(/invalid `replicaSecretArn region`: got "eu-west-1"; allowed: a replica region of this secret: eu-central-1, us-east-1/);
  });

  describe('keys given by the user', () => {
    test('an imported key of the replica region is named by its ARN and granted on that ARN', () => {
      const app = new App();
      const stack = primaryStack(app);
      const keyArn = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const secret = new HardenedSecret(stack, 'Db', {
        rotation: NO_ROTATION,
        replicaRegions: [{ region: 'us-east-1', encryptionKey: kms.Key.fromKeyArn(stack, 'UsKey', keyArn) }],
      });
      const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      secret.grantRead(reader);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: 'us-east-1', KmsKeyId: keyArn }] });
      expect(statementsOf(template)).toContainEqual({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn,
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      });
      // No key stack is created for a region whose key is given.
      expect(app.node.children.filter(Stack.isStack).map((s) => s.node.id)).toEqual(['Primary']);
    });

    test('a SecretKey of a stack in the replica region is named by alias, and that stack deploys first', () => {
      const app = new App();
      const keys = newStack('UsKeys', { app, region: 'us-east-1' });
      const key = new SecretKey(keys, 'Key', { aliasName: 'alias/team/us-replicas' });
      const stack = primaryStack(app);
      new HardenedSecret(stack, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1', encryptionKey: key }] });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
        ReplicaRegions: [{ Region: 'us-east-1', KmsKeyId: 'alias/team/us-replicas' }],
      });
      expect(stack.dependencies.map((s) => s.node.id)).toEqual(['UsKeys']);
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('ImportValue');
    });

    test('an alias is used as given (Secrets Manager looks it up in the replica region)', () => {
      const stack = primaryStack();
      new HardenedSecret(stack, 'Db', {
        rotation: NO_ROTATION,
        replicaRegions: [{ region: 'us-east-1', encryptionKey: kms.Alias.fromAliasName(stack, 'UsAlias', 'alias/payments/replica') }],
      });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
        ReplicaRegions: [{ Region: 'us-east-1', KmsKeyId: 'alias/payments/replica' }],
      });
    });
  });

  describe('validation: synth errors that name the prop', () => {
    function attempt(props: Partial<HardenedSecretProps>, app = new App(), env: { account?: string; region?: string } = TEST_ENV): () => void {
      return () => new HardenedSecret(primaryStack(app, env), 'Db', { rotation: NO_ROTATION, ...props });
    }

    test.each([
      ['an unknown region', [{ region: 'eu-westt-1' }], /invalid `replicaRegions\[0\]\.region`: got "eu-westt-1"; allowed: a region aws-cdk-lib knows: af-south-1, /],
      ['the primary region', [{ region: 'eu-west-1' }], /invalid `replicaRegions\[0\]\.region`: got "eu-west-1"; allowed: a region other than the primary's own \(eu-west-1\)/],
      ['a duplicate', [{ region: 'us-east-1' }, { region: 'us-east-1' }], /invalid `replicaRegions\[1\]\.region`: got "us-east-1"; allowed: each region once/],
      ['another partition', [{ region: 'cn-north-1' }], /invalid `replicaRegions\[0\]\.region`: got "cn-north-1"; allowed: a region of the primary's partition \(aws\)/],
      ['an empty list', [], /invalid `replicaRegions`: got "\[\]"; allowed: one or more/],
    ])('%s', (_label, replicaRegions, message) => {
      expect(attempt({ replicaRegions })).toThrow(HardenedSecretsValidationError);
      expect(attempt({ replicaRegions })).toThrow(message);
    });

    test('every problem in one error, before anything is created', () => {
      const app = new App();
      expect(attempt({ replicaRegions: [{ region: 'mars-1' }, { region: 'eu-west-1' }, { region: 'us-east-1' }, { region: 'us-east-1' }] }, app))
        .toThrow(/Primary\/Db: 3 invalid props:\n {2}- invalid `replicaRegions\[0\]\.region`: got "mars-1"[^\n]*\n {2}- invalid `replicaRegions\[1\]\.region`: got "eu-west-1"[^\n]*\n {2}- invalid `replicaRegions\[3\]\.region`: got "us-east-1"/);
      expect(app.node.children.filter(Stack.isStack).map((s) => s.node.id)).toEqual(['Primary']);
    });

    test('a region given as a token', () => {
      const app = new App();
      const stack = primaryStack(app);
      const region = new CfnParameter(stack, 'Region').valueAsString;
      expect(() => new HardenedSecret(stack, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region }] }))
        .toThrow(/invalid `replicaRegions\[0\]\.region`: got "\$\{Token\[[^\]]+\]\}"; allowed: a region name known at synth/);
    });

    test('a stack without a concrete region', () => {
      expect(attempt({ replicaRegions: [{ region: 'us-east-1' }] }, new App(), { account: '111111111111' }))
        .toThrow(/invalid `replicaRegions`: got \["us-east-1"\]; allowed: a stack with a concrete env\.region/);
    });

    test('a nested stack', () => {
      const nested = new NestedStack(primaryStack(), 'Nested');
      expect(() => new HardenedSecret(nested, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1' }] }))
        .toThrow(/invalid `replicaRegions`: got \["us-east-1"\]; allowed: a secret in a top-level stack/);
    });

    test('a key ARN of another region', () => {
      const stack = primaryStack();
      const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      expect(() => new HardenedSecret(stack, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1', encryptionKey: key }] }))
        .toThrow(/invalid `replicaRegions\[0\]\.encryptionKey`: got "arn:aws:kms:eu-west-1:[^"]+"; allowed: a key ARN in us-east-1/);
    });

    test("the primary's own key (a key of the primary region)", () => {
      const stack = primaryStack();
      const key = new SecretKey(stack, 'Shared');
      expect(() => new HardenedSecret(stack, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1', encryptionKey: key }] }))
        .toThrow(/invalid `replicaRegions\[0\]\.encryptionKey`: got "Primary\/Shared \(in stack Primary, eu-west-1\)"; allowed: a key in us-east-1/);
    });

    test('a kms.Key built in a stack of the replica region would need a cross-region reference', () => {
      const app = new App();
      const keys = newStack('UsKeys', { app, region: 'us-east-1' });
      const key = new kms.Key(keys, 'Key', { enableKeyRotation: true });
      expect(attempt({ replicaRegions: [{ region: 'us-east-1', encryptionKey: key }] }, app))
        .toThrow(/invalid `replicaRegions\[0\]\.encryptionKey`: got "UsKeys\/Key \(a kms\.Key in stack UsKeys\)"; allowed: a SecretKey or a kms\.Alias in that region .* or kms\.Key\.fromKeyArn/);
    });

    test('an AWS managed key', () => {
      const stack = primaryStack();
      const key = kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/secretsmanager');
      expect(() => new HardenedSecret(stack, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1', encryptionKey: key }] }))
        .toThrow(/invalid `replicaRegions\[0\]\.encryptionKey`: got "alias\/aws\/secretsmanager"; allowed: a customer-managed key in the replica region/);
    });

    test('a construct id next to the stack that is taken', () => {
      const app = new App();
      newStack('PrimaryReplicaKeysUsEast1', { app, region: 'us-west-2' });
      expect(attempt({ replicaRegions: [{ region: 'us-east-1' }] }, app))
        .toThrow(/invalid `replicaRegions`: got "us-east-1"; allowed: a free construct id: 'PrimaryReplicaKeysUsEast1'/);
    });
  });

  test('an account-agnostic primary: key stacks deploy to the account of the deployment', () => {
    const app = new App();
    const stack = new Stack(app, 'Primary', { env: { region: 'eu-west-1' } });
    const secret = new HardenedSecret(stack, 'Db', { rotation: NO_ROTATION, replicaRegions: [{ region: 'us-east-1' }] });
    const reader = new ManagedPolicyRole(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    secret.grantRead(reader);
    const keyStack = stackNamed(app, 'PrimaryReplicaKeysUsEast1');
    expect(keyStack.resolve(keyStack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(acknowledgements(stack).map((a) => a.rule)).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-east-1:<AWS::AccountId>:key/*]');
    expect(nagFindings(stack)).toEqual([]);
    expect(Aws.ACCOUNT_ID).toBeDefined();
  });

  describe('compliance of every stack of a three-region app', () => {
    function build(): App {
      const app = new App();
      const stack = primaryStack(app);
      const secret = new HardenedSecret(stack, 'Db', {
        rotation: NO_ROTATION,
        owner: 'payments-team',
        environment: 'prod',
        dataClassification: DataClassification.CONFIDENTIAL,
        replicaRegions: [{ region: 'eu-central-1' }, { region: 'us-east-1' }],
      });
      secret.grantRead(new ManagedPolicyRole(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
      return app;
    }

    test('the five cdk-nag packs and the Control Tower controls report nothing, in any stack', () => {
      const app = build();
      for (const s of app.node.children.filter(Stack.isStack)) {
        expect({ stack: s.node.id, findings: nagFindings(s) }).toEqual({ stack: s.node.id, findings: [] });
        expect({ stack: s.node.id, violations: controlTowerViolations(s) }).toEqual({ stack: s.node.id, violations: [] });
      }
    });

    test('SecretsManagerChecks reports nothing once classified, in any stack', () => {
      const app = build();
      const findings = app.node.children.filter(Stack.isStack).flatMap((s) => {
        Template.fromStack(s); // synthesise
        return packFindings(s, { externalMonitor: 'Organisation trail with Secrets Manager alarms' });
      });
      expect(findings.map((f) => [f.rule, f.path])).toEqual([]);
    });

    test('the only acknowledgements are the rotation waiver and the two replica-key wildcards', () => {
      const app = build();
      expect(acknowledgements(app).map((a) => [a.path, a.rule])).toEqual([
        ['Primary/Db/Resource', 'AwsSolutions-SMG4'],
        ['Primary/Db/Resource', 'HardenedSecrets-SecretRotationConfigured'],
        ['Primary/Db/Resource', 'HIPAA.Security-SecretsManagerRotationEnabled'],
        ['Primary/Db/Resource', 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
        ['Primary/Reader/Policy/Resource', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:eu-central-1:111111111111:key/*]'],
        ['Primary/Reader/Policy/Resource', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-east-1:111111111111:key/*]'],
      ]);
    });
  });
});
