import { App, CfnElement, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, RotationFunction, SecretKey, SecretRotationPolicy } from '../../src';
import { CROSS_STACK_ROTATION_RULE, crossStackRotationReason } from '../../src/private/rotation-acknowledgements';
import { IAM_QUOTAS } from '../../src/rotation/rotation-grants';
import { REPLICA_KEY_WILDCARD_REASON, replicaKeyWildcardRule } from '../../src/secret/replication';
import { EXTERNAL_MONITOR } from '../compliance-suite';
import { packFindings } from '../nag/pack-helpers';
import { acknowledgements, controlTowerViolations, nagFindings, withoutAcknowledgements } from '../nag-helpers';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
const KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** A platform stack with one shared rotation function, and a way to add application stacks. */
function platform() {
  const app = new App();
  const shared = new Stack(app, 'Platform', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(shared, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  const fn = new RotationFunction(shared, 'Rotation', { vpc, reservedConcurrentExecutions: 3 });
  const appStack = (id: string) => new Stack(app, id, { env: ENV });
  return { app, shared, fn, appStack };
}

/** The export of `shared` that `template` imports for a value matching `pattern`. */
function importOf(shared: Stack, pattern: string) {
  return { 'Fn::ImportValue': Match.stringLikeRegexp(`^${shared.stackName}:ExportsOutput${pattern}`) };
}

function logicalId(construct: secretsmanager.ISecret | SecretKey): string {
  const stack = Stack.of(construct);
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('a RotationFunction in one stack rotating secrets of other stacks', () => {
  // GIVEN the function in Platform, two secrets in Orders and one in Billing
  function build() {
    const { app, shared, fn, appStack } = platform();
    const orders = appStack('Orders');
    const billing = appStack('Billing');
    const a = new HardenedSecret(orders, 'ApiToken', { rotation: SecretRotationPolicy.custom(fn) });
    const b = new HardenedSecret(orders, 'WebhookKey', { rotation: SecretRotationPolicy.custom(fn) });
    const c = new HardenedSecret(billing, 'ApiToken', { rotation: SecretRotationPolicy.custom(fn) });
    return { app, shared, fn, orders, billing, a, b, c };
  }

  test('synthesises: each application stack depends on the platform stack, nothing depends the other way', () => {
    const { app, shared, orders, billing } = build();
    // WHEN
    expect(() => app.synth()).not.toThrow();
    // THEN
    expect(orders.dependencies.map((s) => s.stackName)).toEqual(['Platform']);
    expect(billing.dependencies.map((s) => s.stackName)).toEqual(['Platform']);
    expect(shared.dependencies).toEqual([]);
  });

  test('the platform stack holds no permission and no grant for the secrets, and references none', () => {
    const { shared } = build();
    const template = Template.fromStack(shared);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    // Only the role's own two policies.
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/Fn::ImportValue/);
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toMatch(/secretsmanager:PutSecretValue/);
    // Its only exports: the function ARN and the role name.
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual([
      expect.stringMatching(/^ExportsOutputFnGetAttRotationFunction[0-9A-F]{8}Arn/),
      expect.stringMatching(/^ExportsOutputRefRotationRole/),
    ]);
  });

  test('Secrets Manager may invoke the shared function for each secret of its own stack and account only', () => {
    const { shared, orders, billing, a, b, c } = build();
    for (const [stack, secrets] of [[orders, [a, b]], [billing, [c]]] as const) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Permission', secrets.length);
      for (const secret of secrets) {
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          FunctionName: importOf(shared, 'FnGetAttRotationFunction'),
          Principal: 'secretsmanager.amazonaws.com',
          SourceAccount: '111111111111',
          SourceArn: { Ref: logicalId(secret) },
        });
      }
    }
  });

  test("one managed policy per application stack, attached to the function's role: its secrets, and their keys via Secrets Manager", () => {
    const { shared, orders, billing, a, b, c } = build();
    for (const [stack, secrets] of [[orders, [a, b]], [billing, [c]]] as const) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      const one = <T>(items: T[]) => (items.length === 1 ? items[0] : items);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [importOf(shared, 'RefRotationRole')],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: SECRET_ACTIONS, Resource: one(secrets.map((s) => ({ Ref: logicalId(s) }))) },
            {
              Effect: 'Allow',
              Action: KEY_ACTIONS,
              Resource: one(secrets.map((s) => ({ 'Fn::GetAtt': [logicalId(s.encryptionKey as SecretKey), 'Arn'] }))),
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ],
        },
      });
    }
  });

  test("each schedule waits for its permission and its stack's grants policy", () => {
    const { orders } = build();
    const template = Template.fromStack(orders);
    const policyId = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))[0];
    const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
    expect(Object.keys(schedules).sort()).toEqual([expect.stringMatching(/^ApiTokenRotation/), expect.stringMatching(/^WebhookKeyRotation/)]);
    for (const [id, schedule] of Object.entries(schedules)) {
      const prefix = id.startsWith('ApiToken') ? 'ApiToken' : 'WebhookKey';
      // The role's own policies are in the platform stack, which this stack depends on as a whole.
      expect(schedule.DependsOn).toHaveLength(2);
      expect(schedule.DependsOn).toEqual(expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${prefix}RotationInvokePermission[0-9A-F]{8}$`)),
        policyId,
      ]));
      expect(schedule.Properties.RotationLambdaARN).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Platform:ExportsOutputFnGetAttRotationFunction/) });
    }
  });

  test('secrets sharing one key: the key appears once in the grants policy', () => {
    // GIVEN
    const { shared, fn, appStack } = platform();
    const stack = appStack('Orders');
    const key = new SecretKey(stack, 'Key');
    // WHEN
    new HardenedSecret(stack, 'A', { encryptionKey: key, rotation: SecretRotationPolicy.custom(fn) });
    new HardenedSecret(stack, 'B', { encryptionKey: key, rotation: SecretRotationPolicy.custom(fn) });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [importOf(shared, 'RefRotationRole')],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: KEY_ACTIONS, Resource: { 'Fn::GetAtt': [logicalId(key), 'Arn'] }, Condition: Match.anyValue() }]) },
    });
  });

  test("the grants policies carry one acknowledgement each: the pack cannot see that an imported role is a rotation function's", () => {
    const { shared, fn, orders, billing } = build();
    for (const stack of [orders, billing]) {
      expect(acknowledgements(stack)).toEqual([{
        path: expect.stringMatching(new RegExp(`^${stack.stackName}/RotationGrantsPlatformRotation[0-9A-F]{8}/Policy1/Resource$`)),
        rule: CROSS_STACK_ROTATION_RULE,
        reason: crossStackRotationReason('Platform/Rotation'),
      }]);
      // Needed: without it the pack reports exactly this.
      const hidden = withoutAcknowledgements(stack, () => packFindings(stack, { externalMonitor: EXTERNAL_MONITOR }));
      expect(hidden.map((f) => `${f.rule} ${f.path}`).filter((f) => !f.startsWith('HardenedSecrets-SecretTags'))).toEqual(
        acknowledgements(stack).map((a) => `${a.rule} ${a.path}`)); // (tags are another test's subject)
    }
    // The function's stack keeps the seven acknowledgements of every RotationFunction, nothing more.
    expect(acknowledgements(shared).map((a) => a.path)).toEqual([
      ...Array(5).fill('Platform/Rotation/Function/Resource'),
      ...Array(2).fill('Platform/Rotation/Role/UnscopedPolicy/Resource'),
    ]);
    expect(fn.node.path).toBe('Platform/Rotation');
  });

  test('the application stacks have zero unacknowledged findings; the platform too', () => {
    const { app, shared, orders, billing } = build();
    for (const stack of [orders, billing]) {
      Tags.of(stack).add('owner', 'payments-team');
      Tags.of(stack).add('environment', 'prod');
      Tags.of(stack).add('data-classification', 'confidential');
    }
    app.synth();
    for (const stack of [shared, orders, billing]) {
      expect({ stack: stack.stackName, findings: nagFindings(stack) }).toEqual({ stack: stack.stackName, findings: [] });
      expect({ stack: stack.stackName, violations: controlTowerViolations(stack) }).toEqual({ stack: stack.stackName, violations: [] });
    }
    for (const stack of [orders, billing]) {
      expect(packFindings(stack, { externalMonitor: EXTERNAL_MONITOR })).toEqual([]);
    }
  });
});

describe('environments', () => {
  const vpcOf = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0'],
  });

  test.each([
    ['another region', { account: '111111111111', region: 'us-east-1' }, /allowed: a RotationFunction of the secret's account and region \(111111111111, us-east-1\), in any stack: the function is in 111111111111, eu-west-1/],
    ['another account', { account: '222222222222', region: 'eu-west-1' }, /allowed: a RotationFunction of the secret's account and region \(222222222222, eu-west-1\)/],
  ])('a secret in %s is refused at synth with the reason', (_label, env, message) => {
    const app = new App();
    const shared = new Stack(app, 'Platform', { env: ENV });
    const fn = new RotationFunction(shared, 'Rotation', { vpc: vpcOf(shared) });
    const other = new Stack(app, 'Other', { env });
    let error: Error | undefined;
    try {
      new HardenedSecret(other, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('HardenedSecretsValidationError');
    expect(error?.message).toMatch(/^Other\/Secret: invalid `rotation \(SecretRotationPolicy.custom function\)`: got "Platform\/Rotation"; /);
    expect(error?.message).toMatch(message);
  });

  test('environment-agnostic stacks work across stacks too', () => {
    const app = new App();
    const shared = new Stack(app, 'Platform');
    const fn = new RotationFunction(shared, 'Rotation', { vpc: vpcOf(shared) });
    const orders = new Stack(app, 'Orders');
    new HardenedSecret(orders, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    expect(() => app.synth()).not.toThrow();
    expect(orders.dependencies.map((s) => s.stackName)).toEqual(['Platform']);
    Template.fromStack(orders).hasResourceProperties('AWS::Lambda::Permission', { SourceAccount: { Ref: 'AWS::AccountId' } });
  });
});

describe('the grants policies stay within the IAM quotas', () => {
  /** The name of a secret of `length` characters in the `<environment>/<application>/<name>` form. */
  const longName = (i: number, length: number) => {
    const head = `prod/orders/s${i}-`;
    return head + 'x'.repeat(length - head.length);
  };

  /**
   * The policy as IAM would count it once deployed: each secret's Ref as its full ARN (name, `-`
   * and six characters), each key as a multi-Region key ARN, in the longest partition.
   */
  function deployedLength(template: Template, policyId: string, names: Map<string, string>): number {
    const doc = template.toJSON().Resources[policyId].Properties.PolicyDocument;
    const json = JSON.stringify(doc, (_k, v) => {
      if (v && typeof v === 'object' && 'Ref' in v && names.has(v.Ref)) {
        return `arn:aws-us-gov:secretsmanager:eu-west-1:111111111111:secret:${names.get(v.Ref)}-AbCdEf`;
      }
      if (v && typeof v === 'object' && 'Fn::GetAtt' in v) {
        return `arn:aws-us-gov:kms:eu-west-1:111111111111:key/mrk-${'0'.repeat(32)}`;
      }
      return v;
    });
    return json.length;
  }

  test('the secrets of a stack that do not fit in one policy of 6,144 characters spread over more, each schedule waiting for its own', () => {
    // GIVEN 32 secrets with names of 120 characters, each with its own key (about 275 characters
    // each); more would pass the function's own 20 KB resource-policy limit (tested below)
    const { fn, appStack } = platform();
    const stack = appStack('Orders');
    const secrets = Array.from({ length: 32 }, (_, i) =>
      new HardenedSecret(stack, `S${i}`, { secretName: longName(i, 120), rotation: SecretRotationPolicy.custom(fn) }));
    // WHEN
    const template = Template.fromStack(stack);
    // THEN the secrets fill policies in order, each within the limit once deployed, none wasted
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const ids = Object.keys(policies);
    expect(ids.length).toBe(2);
    const names = new Map(secrets.map((s, i) => [logicalId(s), longName(i, 120)]));
    const lengths = ids.map((id) => deployedLength(template, id, names));
    for (const length of lengths) {
      expect(length).toBeLessThanOrEqual(IAM_QUOTAS.managedPolicyChars);
    }
    // A full policy had no room for one more secret and key.
    expect(lengths.slice(0, -1).every((n) => n > IAM_QUOTAS.managedPolicyChars - 280)).toBe(true);
    // Every secret is in exactly one policy, and its schedule waits for that one.
    const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'));
    for (const schedule of schedules) {
      const secretId: string = schedule.Properties.SecretId.Ref;
      const holders = ids.filter((id) => JSON.stringify(policies[id].Properties.PolicyDocument).includes(`"${secretId}"`));
      expect(holders).toHaveLength(1);
      expect(schedule.DependsOn).toContain(holders[0]);
    }
  });

  test('a name lengthened after the secret was bound (an escape hatch) is caught at synth, naming the limit', () => {
    // GIVEN a policy filled close to the limit
    const { app, fn, appStack } = platform();
    const stack = appStack('Orders');
    const secrets = Array.from({ length: 12 }, (_, i) =>
      new HardenedSecret(stack, `S${i}`, { secretName: longName(i, 320), rotation: SecretRotationPolicy.custom(fn) }));
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).toHaveLength(1);
    // WHEN one secret's name is lengthened on the L1 resource
    const cfn = secrets[0].node.defaultChild as secretsmanager.CfnSecret;
    cfn.name = longName(0, 512);
    // THEN
    expect(() => app.synth({ force: true })).toThrow(/Orders\/RotationGrantsPlatformRotation[0-9A-F]{8}\/Policy1 can reach \d+ characters with the ARNs of its secrets and keys; IAM allows 6144 in a managed policy/);
  });

  test('more than 10 managed policies on the role warns of the default quota', () => {
    // GIVEN secrets in 9 stacks: the role's 2 policies and 9 grants policies
    const { app, fn, appStack } = platform();
    for (let i = 0; i < 9; i++) {
      new HardenedSecret(appStack(`App${i}`), 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    }
    // WHEN
    app.synth();
    // THEN
    Annotations.fromStack(Stack.of(fn)).hasWarning('/Platform/Rotation', Match.stringLikeRegexp(
      '^11 managed policies attached to its role .*: the default IAM quota is 10 managed policies per role. Request an increase'));
  });

  test('10 managed policies on the role: no warning', () => {
    const { app, fn, appStack } = platform();
    for (let i = 0; i < 8; i++) {
      new HardenedSecret(appStack(`App${i}`), 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    }
    app.synth();
    Annotations.fromStack(Stack.of(fn)).hasNoWarning('/Platform/Rotation', Match.stringLikeRegexp('managed policies'));
  });

  test('more than 20 managed policies on the role fails at synth, naming the hard limit', () => {
    // GIVEN secrets in 19 stacks: 21 policies
    const { app, fn, appStack } = platform();
    for (let i = 0; i < 19; i++) {
      new HardenedSecret(appStack(`App${i}`), 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
    }
    // THEN
    expect(() => app.synth()).toThrow(/21 managed policies attached to its role .*: IAM allows at most 20 managed policies per role/);
  });
});

describe('replicas: the function may encrypt new versions with the replica keys the user gave', () => {
  const US_KEY = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const AP_KEY = 'arn:aws:kms:ap-southeast-2:111111111111:key/5678abcd-12ab-34cd-56ef-1234567890ab';
  const REPLICATION_ACTIONS = ['kms:GenerateDataKey', 'kms:Encrypt'];
  const replicaKeyStatement = (arn: string, region: string) => ({
    Effect: 'Allow',
    Action: REPLICATION_ACTIONS,
    Resource: arn,
    Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
  });
  /** Every statement of the grants policies of `stack`. */
  const grantStatements = (stack: Stack): any[] => Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);

  function build() {
    // GIVEN a secret of Orders replicated with a user key (us-east-1) and a library key (eu-central-1)
    const { app, shared, fn, appStack } = platform();
    const orders = appStack('Orders');
    const secret = new HardenedSecret(orders, 'ApiToken', {
      rotation: SecretRotationPolicy.custom(fn),
      replicaRegions: [
        { region: 'us-east-1', encryptionKey: kms.Key.fromKeyArn(orders, 'UsKey', US_KEY) },
        { region: 'eu-central-1' },
      ],
    });
    return { app, shared, fn, orders, secret, appStack };
  }

  test("the grants policy of the secret's stack, attached to the function's role, names the user key through Secrets Manager in its region", () => {
    const { shared, orders, secret } = build();
    const template = Template.fromStack(orders);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [importOf(shared, 'RefRotationRole')],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: SECRET_ACTIONS, Resource: { Ref: logicalId(secret) } },
          Match.objectLike({ Action: KEY_ACTIONS, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } }),
          replicaKeyStatement(US_KEY, 'us-east-1'),
        ],
      },
    });
    // Nothing of it in the function's stack.
    expect(JSON.stringify(Template.fromStack(shared).toJSON())).not.toContain(US_KEY);
  });

  test('the library key of a replica region is not granted: its key policy already lets the account encrypt through Secrets Manager there', () => {
    const { app, orders } = build();
    const statements = grantStatements(orders);
    expect(JSON.stringify(statements)).not.toMatch(/eu-central-1|kms:ResourceAliases/);
    const keyStack = app.node.findChild('OrdersReplicaKeysEuCentral1') as Stack;
    Template.fromStack(keyStack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowReplicationOfNewVersionsThroughSecretsManager',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com', 'kms:CallerAccount': '111111111111' } },
        })]),
      },
    });
  });

  test('a replica region added later with a user key reaches the same grants policy', () => {
    const { orders, secret } = build();
    // WHEN
    secret.addReplicaRegion('ap-southeast-2', kms.Key.fromKeyArn(orders, 'ApKey', AP_KEY));
    // THEN
    const template = Template.fromStack(orders);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    expect(grantStatements(orders).slice(2)).toEqual([replicaKeyStatement(US_KEY, 'us-east-1'), replicaKeyStatement(AP_KEY, 'ap-southeast-2')]);
  });

  test('a rotation function in the secret\'s own stack gets the statement the same way', () => {
    const { shared: stack, fn } = platform();
    new HardenedSecret(stack, 'ApiToken', {
      rotation: SecretRotationPolicy.custom(fn),
      replicaRegions: [{ region: 'us-east-1', encryptionKey: kms.Key.fromKeyArn(stack, 'UsKey', US_KEY) }],
    });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([replicaKeyStatement(US_KEY, 'us-east-1')]) } },
    });
    expect(Object.keys(policies)).toEqual([expect.stringMatching(/^RotationGrantsPlatformRotation[0-9A-F]{8}Policy1/)]);
  });

  test('a user alias: the key found by alias in that region, its wildcard acknowledged on the grants policy only; zero findings', () => {
    // GIVEN
    const { app, fn, appStack } = platform();
    const orders = appStack('Orders');
    Tags.of(orders).add('owner', 'payments-team');
    Tags.of(orders).add('environment', 'prod');
    Tags.of(orders).add('data-classification', 'confidential');
    new HardenedSecret(orders, 'ApiToken', {
      rotation: SecretRotationPolicy.custom(fn),
      replicaRegions: [{ region: 'us-east-1', encryptionKey: kms.Alias.fromAliasName(orders, 'UsAlias', 'alias/orders-replica') }],
    });
    // THEN
    expect(grantStatements(orders)[2]).toEqual({
      Effect: 'Allow',
      Action: REPLICATION_ACTIONS,
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:key/*']] },
      Condition: {
        'StringEquals': { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/orders-replica'] },
      },
    });
    const policyPath = expect.stringMatching(/^Orders\/RotationGrantsPlatformRotation[0-9A-F]{8}\/Policy1\/Resource$/);
    expect(acknowledgements(orders).sort((a, b) => a.rule.localeCompare(b.rule))).toEqual([
      { path: policyPath, rule: replicaKeyWildcardRule(orders, 'us-east-1'), reason: REPLICA_KEY_WILDCARD_REASON },
      { path: policyPath, rule: CROSS_STACK_ROTATION_RULE, reason: crossStackRotationReason('Platform/Rotation') },
    ]);
    app.synth();
    expect(nagFindings(orders)).toEqual([]);
    expect(packFindings(orders, { externalMonitor: EXTERNAL_MONITOR })).toEqual([]);
  });

  test("invoke permissions past Lambda's 20 KB resource-policy limit are a synth error naming the limit; fewer pass", () => {
    // GIVEN one function and secrets with 100-character names: about 570 bytes of policy each
    const synthWith = (count: number) => {
      const { app, fn, appStack } = platform();
      const stack = appStack('Orders');
      for (let i = 0; i < count; i++) {
        new HardenedSecret(stack, `S${i}`, { secretName: `prod/orders/${'x'.repeat(88)}${String(i).padStart(3, '0')}`, rotation: SecretRotationPolicy.custom(fn) });
      }
      return () => app.synth();
    };
    // THEN 30 fit; 40 would not deploy
    expect(synthWith(30)).not.toThrow();
    expect(synthWith(40)).toThrow(/40 secrets rotate with this function: their invoke permissions make its resource-based policy up to \d+ bytes, and Lambda allows 20480/);
  });

  test('the replica-key statements count towards the size of a grants policy: policies spread and each stays within 6,144 characters', () => {
    // GIVEN 30 secrets, each with three user replica keys (about 600 more characters per secret)
    const { fn, appStack } = platform();
    const stack = appStack('Orders');
    const regions = ['us-east-1', 'us-west-2', 'ap-southeast-2'];
    const secrets = Array.from({ length: 30 }, (_, i) => new HardenedSecret(stack, `S${i}`, {
      secretName: `prod/orders/s${i}`,
      rotation: SecretRotationPolicy.custom(fn),
      replicaRegions: regions.map((region) => ({
        region,
        encryptionKey: kms.Key.fromKeyArn(stack, `K${i}${region}`, `arn:aws:kms:${region}:111111111111:key/${String(i).padStart(8, '0')}-12ab-34cd-56ef-1234567890ab`),
      })),
    }));
    // WHEN
    const template = Template.fromStack(stack);
    // THEN (deployed: each Ref a full secret ARN, each key an mrk ARN in the longest partition)
    const names = new Map(secrets.map((s, i) => [logicalId(s), `prod/orders/s${i}`]));
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    expect(Object.keys(policies).length).toBeGreaterThan(3);
    for (const policy of Object.values(policies)) {
      const json = JSON.stringify(policy.Properties.PolicyDocument, (_k, v) => {
        if (v && typeof v === 'object' && 'Ref' in v && names.has(v.Ref)) {
          return `arn:aws-us-gov:secretsmanager:eu-west-1:111111111111:secret:${names.get(v.Ref)}-AbCdEf`;
        }
        if (v && typeof v === 'object' && 'Fn::GetAtt' in v) {
          return `arn:aws-us-gov:kms:eu-west-1:111111111111:key/mrk-${'0'.repeat(32)}`;
        }
        return v;
      });
      expect(json.length).toBeLessThanOrEqual(IAM_QUOTAS.managedPolicyChars);
    }
    // Every secret's three replica keys are in the policy that holds the secret.
    for (const [i, s] of secrets.entries()) {
      const holder = Object.values(policies).find((p) => JSON.stringify(p.Properties.PolicyDocument).includes(`"${logicalId(s)}"`));
      expect(JSON.stringify(holder)).toContain(`key/${String(i).padStart(8, '0')}-`);
    }
  });
});
