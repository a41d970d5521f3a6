import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, HardenedSecretProps, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../helpers/stacks';
import { importedVpc, secretsManagerInterfaceEndpoint } from '../helpers/vpc';

const NO_ROTATION = SecretRotationPolicy.none('Test secret without a rotation function');
const EXEC_ROLE = {
  'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
};

function statements(template: Template): Array<Record<string, any>> {
  const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy'));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.ResourcePolicy.Statement;
}

function denyRead(template: Template): Record<string, any> | undefined {
  return statements(template).find((s) => s.Sid === 'DenyReadOutsideVpcEndpoint');
}

function make(props: (stack: Stack, vpc: ec2.IVpc) => Partial<HardenedSecretProps>) {
  const stack = newStack();
  const vpc = importedVpc(stack);
  const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, ...props(stack, vpc) });
  return { stack, vpc, secret, template: Template.fromStack(stack) };
}

describe('HardenedSecret requireVpcEndpoint', () => {
  test('denies GetSecretValue outside the endpoints, except break-glass and deployment roles and AWS services', () => {
    // GIVEN
    const { stack, vpc, template } = make((s, v) => ({
      requireVpcEndpoint: [SecretsManagerEndpoint.of(v)],
      breakGlassRoles: [iam.Role.fromRoleArn(s, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass')],
    }));
    const endpointId = stack.resolve(SecretsManagerEndpoint.of(vpc).vpcEndpointId);
    // THEN
    expect(denyRead(template)).toEqual({
      Sid: 'DenyReadOutsideVpcEndpoint',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:SourceVpce': [endpointId] },
        BoolIfExists: { 'aws:ViaAWSService': 'false', 'aws:PrincipalIsAWSService': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/break-glass', EXEC_ROLE] },
      },
    });
  });

  test('several endpoints (e.g. one per VPC of the consumers) are all allowed', () => {
    const stack = newStack();
    const a = SecretsManagerEndpoint.of(importedVpc(stack, 'A', 'vpc-a'));
    const b = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'B', { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443 });
    new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, requireVpcEndpoint: [a, b] });
    expect(denyRead(Template.fromStack(stack))!.Condition.StringNotEquals).toEqual({
      'aws:SourceVpce': [stack.resolve(a.vpcEndpointId), 'vpce-0123456789abcdef0'],
    });
  });

  test('the protective statements stay, and BlockPublicPolicy is still on', () => {
    const { template } = make((_s, v) => ({ requireVpcEndpoint: [SecretsManagerEndpoint.of(v)] }));
    expect(statements(template).map((s) => s.Sid)).toEqual([
      'DenyDeletionExceptBreakGlass',
      'DenyPolicyChangesExceptDeployment',
      'DenyKeyChangeExceptBreakGlass',
      'DenyInsecureTransport',
      'DenyReadOutsideVpcEndpoint',
    ]);
    template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', { BlockPublicPolicy: true });
  });

  test('without the prop there is no such statement', () => {
    const { template } = make(() => ({}));
    expect(denyRead(template)).toBeUndefined();
  });

  test('an empty list is an error', () => {
    expect(() => make(() => ({ requireVpcEndpoint: [] })))
      .toThrow(/Stack\/Secret: invalid `requireVpcEndpoint`: got "\[\]"; allowed: one or more VPC endpoints/);
  });

  describe('with rotation', () => {
    test('hosted rotation without a VPC is an error naming the prop', () => {
      const build = () => make((_s, v) => ({
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
        requireVpcEndpoint: [SecretsManagerEndpoint.of(v)],
      }));
      expect(build).toThrow(HardenedSecretsValidationError);
      expect(build).toThrow(/invalid `requireVpcEndpoint`: .*the hosted rotation function can call through: it does not run in a VPC/);
    });

    test('hosted rotation in the VPC uses its endpoint and needs no exception', () => {
      // GIVEN / WHEN
      const { stack, vpc, secret, template } = make((_s, v) => ({
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc: v })),
        requireVpcEndpoint: [SecretsManagerEndpoint.of(v)],
      }));
      // THEN the deny excepts only the deployment role
      expect(denyRead(template)!.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': [EXEC_ROLE] });
      // and the hosted function's security group may reach the endpoint
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: stack.resolve(SecretsManagerEndpoint.of(vpc).securityGroup.securityGroupId),
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretRotationSecurityGroup'), 'GroupId'] },
        FromPort: 443,
        Description: `Secrets Manager API from the hosted rotation of ${secret.node.path}`,
      });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test("hosted rotation in another VPC than the required endpoint's is an error", () => {
      const stack = newStack();
      const dbVpc = importedVpc(stack, 'Db', 'vpc-db');
      const appVpc = importedVpc(stack, 'App', 'vpc-app');
      SecretsManagerEndpoint.of(dbVpc);
      expect(() => new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc: dbVpc })),
        requireVpcEndpoint: [SecretsManagerEndpoint.of(appVpc)],
      })).toThrow(/a list that includes the endpoint the hosted rotation function calls through \(Stack\/Db\/SecretsManagerEndpoint\)/);
    });

    test("custom rotation: the RotationFunction's endpoint must be listed, and its role gets no exception", () => {
      // GIVEN
      const stack = newStack();
      const vpc = importedVpc(stack);
      const endpoint = SecretsManagerEndpoint.of(vpc);
      const fn = new RotationFunction(stack, 'Rotation', { vpc });
      // WHEN
      new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn), requireVpcEndpoint: [endpoint] });
      // THEN
      expect(fn.secretsManagerEndpoint).toBe(endpoint);
      const deny = denyRead(Template.fromStack(stack))!;
      expect(deny.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': [EXEC_ROLE] });
      expect(JSON.stringify(deny)).not.toContain(stack.getLogicalId(fn.role.node.defaultChild as iam.CfnRole));
    });

    test('custom rotation through another endpoint is an error', () => {
      const stack = newStack();
      const dbVpc = importedVpc(stack, 'Db', 'vpc-db');
      SecretsManagerEndpoint.of(dbVpc);
      const fn = new RotationFunction(stack, 'Rotation', { vpc: dbVpc });
      expect(() => new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.custom(fn),
        requireVpcEndpoint: [SecretsManagerEndpoint.of(importedVpc(stack, 'App', 'vpc-app'))],
      })).toThrow(/includes the endpoint rotation function Stack\/Rotation calls through \(Stack\/Db\/SecretsManagerEndpoint\)/);
    });

    test.each([
      ['made after the function', (stack: Stack, vpc: ec2.IVpc) => {
        const fn = new RotationFunction(stack, 'Rotation', { vpc });
        return { fn, endpoint: SecretsManagerEndpoint.of(vpc) };
      }],
      ['of another VPC, the function having none', (stack: Stack, vpc: ec2.IVpc) => {
        const fn = new RotationFunction(stack, 'Rotation', { vpc });
        return { fn, endpoint: SecretsManagerEndpoint.of(importedVpc(stack, 'App', 'vpc-app')) };
      }],
    ])('custom rotation whose function has no endpoint, listing an endpoint %s, is an error', (_label, build) => {
      // GIVEN a function made before any endpoint of its VPC: it is let into none
      const stack = newStack();
      const { fn, endpoint } = build(stack, importedVpc(stack));
      expect(fn.secretsManagerEndpoint).toBeUndefined();
      // WHEN / THEN
      expect(() => new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn), requireVpcEndpoint: [endpoint] }))
        .toThrow(/invalid `requireVpcEndpoint`: .*rotation function Stack\/Rotation can call through, but it has no Secrets Manager endpoint .*every read it makes would be denied/);
    });

    test('hosted rotation in a VPC without an endpoint made before the secret, listing one made after: an error', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const hosted = secretsmanager.HostedRotation.mysqlSingleUser({ vpc });
      expect(() => new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.hosted(hosted),
        requireVpcEndpoint: [new SecretsManagerEndpoint(stack, 'Later', { vpc: importedVpc(stack, 'Other', 'vpc-other') })],
      })).toThrow(/the hosted rotation function can call through, but it has no Secrets Manager endpoint/);
    });

    test('custom rotation whose function has no endpoint, listing an imported endpoint: a warning', () => {
      const stack = newStack();
      const fn = new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack) });
      const imported = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Imported', {
        vpcEndpointId: 'vpce-0123456789abcdef0', port: 443, securityGroups: [],
      });
      new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn), requireVpcEndpoint: [imported] });
      Annotations.fromStack(stack).hasWarning('/Stack/Secret',
        Match.stringLikeRegexp('rotation function Stack/Rotation has no Secrets Manager endpoint made in this app'));
    });

    test('custom rotation through an imported endpoint listed by the same id is accepted', () => {
      const stack = newStack();
      const attrs = { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443, securityGroups: [] };
      const fn = new RotationFunction(stack, 'Rotation', {
        vpc: importedVpc(stack),
        secretsManagerEndpoint: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E1', attrs),
      });
      new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.custom(fn),
        requireVpcEndpoint: [ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E2', attrs)],
      });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('custom rotation through an endpoint that cannot be compared at synth time: a warning', () => {
      const stack = newStack();
      const fn = new RotationFunction(stack, 'Rotation', {
        vpc: importedVpc(stack),
        secretsManagerEndpoint: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E1', {
          vpcEndpointId: new CfnParameter(stack, 'EndpointId').valueAsString, port: 443, securityGroups: [],
        }),
      });
      new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn), requireVpcEndpoint: [SecretsManagerEndpoint.of(importedVpc(stack, 'Other', 'vpc-other'))] });
      Annotations.fromStack(stack).hasWarning('/Stack/Secret', Match.stringLikeRegexp('cannot be matched with requireVpcEndpoint at synth time'));
    });

    test('a Lambda rotation function outside a VPC is an error; an imported one gets a warning', () => {
      const stack = newStack();
      const endpoint = SecretsManagerEndpoint.of(importedVpc(stack));
      const outside = new lambda.Function(stack, 'Outside', {
        runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
      expect(() => new HardenedSecret(stack, 'A', { rotation: SecretRotationPolicy.lambda(outside), requireVpcEndpoint: [endpoint] }))
        .toThrow(/rotation function Stack\/Outside can call through: it does not run in a VPC/);

      const imported = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
        functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotator', sameEnvironment: true,
      });
      new HardenedSecret(stack, 'B', { rotation: SecretRotationPolicy.lambda(imported), requireVpcEndpoint: [endpoint] });
      Annotations.fromStack(stack).hasWarning('/Stack/B', Match.stringLikeRegexp('make sure rotation function Stack/Imported runs in a VPC'));
    });
  });
});

describe('hosted rotation in a VPC uses the endpoint made for it, and never creates one', () => {
  test('without an endpoint in the app: none is created, and a warning says the function uses the routes', () => {
    // GIVEN / WHEN (no endpoint, no requireVpcEndpoint)
    const stack = newStack();
    const vpc = importedVpc(stack);
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })) });
    // THEN
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => w.id)).toEqual(['/Stack/Secret']);
    expect(warnings[0].entry.data).toMatch(new RegExp(
      '^The hosted rotation of Stack/Secret runs in Stack/Vpc, for which no Secrets Manager interface endpoint was made in this app ' +
      'before the secret: .*Call SecretsManagerEndpoint.of\\(vpc\\) before creating the secret.* \\[ack: cdk-hardened-secrets:hosted-rotation-endpoint\\]$'));
  });

  test('with SecretsManagerEndpoint.of(vpc) made first, the hosted function may reach it', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const endpoint = SecretsManagerEndpoint.of(vpc);
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(endpoint.securityGroup.securityGroupId),
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretRotationSecurityGroup'), 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a Secrets Manager endpoint made with vpc.addInterfaceEndpoint is used, and no other is made', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const endpoint = secretsManagerInterfaceEndpoint(vpc, 'SecretsManager');
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(endpoint.connections.securityGroups[0].securityGroupId),
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretRotationSecurityGroup'), 'GroupId'] },
      FromPort: 443,
    });
  });

  test('given security groups of the hosted rotation are the ones allowed', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    SecretsManagerEndpoint.of(vpc);
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
    new HardenedSecret(stack, 'Secret', {
      rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc, securityGroups: [sg] })),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: 'sg-0123456789abcdef0', FromPort: 443 });
  });

  test('two secrets rotated in one VPC share its endpoint', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    SecretsManagerEndpoint.of(vpc);
    const master = new HardenedSecret(stack, 'Master', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })) });
    new HardenedSecret(stack, 'User', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlMultiUser({ vpc, masterSecret: master })) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
  });

  test("hosted rotation without a VPC creates no endpoint and no warning (aws-cdk-lib's private props.vpc is still where the library reads it)", () => {
    const stack = newStack();
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()) });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    // The pin: if aws-cdk-lib renames the private field, the VPC cases above fail and this says why.
    const vpc = importedVpc(stack);
    expect((secretsmanager.HostedRotation.mysqlSingleUser({ vpc }) as unknown as { props: { vpc: ec2.IVpc } }).props.vpc).toBe(vpc);
  });
});

describe('requireVpcEndpoint with replicas', () => {
  const ENDPOINT_REPLICA_ERROR = new RegExp(
    'invalid `requireVpcEndpoint with (replicaRegions|addReplicaRegion)`: .*Secrets Manager replicates the resource policy to every replica, ' +
    'and VPC endpoints are regional, so a read of a replica never carries the aws:SourceVpce of an endpoint of this region.*' +
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html');

  test('with replicaRegions: our error, naming both props and the regions', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const key = 'arn:aws:kms:eu-central-1:111111111111:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
    const build = () => new HardenedSecret(stack, 'Secret', {
      rotation: NO_ROTATION,
      requireVpcEndpoint: [SecretsManagerEndpoint.of(vpc)],
      replicaRegions: [{ region: 'eu-central-1', encryptionKey: kmsKey(stack, key) }],
    });
    expect(build).toThrow(HardenedSecretsValidationError);
    expect(build).toThrow(/^Stack\/Secret: invalid `requireVpcEndpoint with replicaRegions`: got "\[Stack\/Vpc\/SecretsManagerEndpoint\] with \[eu-central-1\]"/);
    expect(build).toThrow(ENDPOINT_REPLICA_ERROR);
  });

  test('with addReplicaRegion later: our error, and no replica is added', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, requireVpcEndpoint: [SecretsManagerEndpoint.of(vpc)] });
    const add = () => secret.addReplicaRegion('eu-central-1', kmsKey(stack, 'arn:aws:kms:eu-central-1:111111111111:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'));
    expect(add).toThrow(HardenedSecretsValidationError);
    expect(add).toThrow(/invalid `requireVpcEndpoint with addReplicaRegion`: .* with \[eu-central-1\]/);
    expect(add).toThrow(ENDPOINT_REPLICA_ERROR);
    expect(secret.replicaRegionNames).toEqual([]);
  });

  test('replicas without requireVpcEndpoint, and requireVpcEndpoint without replicas, stay accepted', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const key = 'arn:aws:kms:eu-central-1:111111111111:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
    const replicated = new HardenedSecret(stack, 'Replicated', { rotation: NO_ROTATION });
    expect(() => replicated.addReplicaRegion('eu-central-1', kmsKey(stack, key))).not.toThrow();
    expect(() => new HardenedSecret(stack, 'Private', { rotation: NO_ROTATION, requireVpcEndpoint: [SecretsManagerEndpoint.of(vpc)] })).not.toThrow();
  });
});

let keyCount = 0;
function kmsKey(stack: Stack, arn: string) {
  return kms.Key.fromKeyArn(stack, `ReplicaKey${keyCount++}`, arn);
}
