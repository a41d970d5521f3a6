import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretRotationPolicy, SecretsManagerEndpoint, SecretsManagerEndpointProps } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../helpers/stacks';
import { importedVpc, ISOLATED_SUBNET_IDS as SUBNETS, secretsManagerInterfaceEndpoint } from '../helpers/vpc';

function make(props: Partial<SecretsManagerEndpointProps> = {}) {
  const stack = newStack();
  const vpc = importedVpc(stack);
  const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', { vpc, ...props });
  return { stack, vpc, endpoint, template: () => Template.fromStack(stack) };
}

function policyStatements(template: Template): Array<Record<string, any>> {
  const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
  expect(endpoints).toHaveLength(1);
  return endpoints[0].Properties.PolicyDocument.Statement;
}

describe('SecretsManagerEndpoint', () => {
  describe('the endpoint', () => {
    test('is a Secrets Manager interface endpoint with private DNS, one subnet per AZ', () => {
      const { template } = make();
      template().hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: 'com.amazonaws.eu-west-1.secretsmanager',
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        VpcId: 'vpc-0123456789abcdef0',
        SubnetIds: SUBNETS,
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointSecurityGroup'), 'GroupId'] }],
      });
    });

    test('defaults to the private subnets when the VPC has private and isolated ones', () => {
      const stack = newStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
        isolatedSubnetIds: [...SUBNETS],
      });
      new SecretsManagerEndpoint(stack, 'Endpoint', { vpc });
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: ['subnet-private-a', 'subnet-private-b'] });
    });

    test('given subnets are used, one per AZ', () => {
      const { template } = make({ subnets: { subnetFilters: [ec2.SubnetFilter.byIds([SUBNETS[1]])] } });
      template().hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: [SUBNETS[1]] });
    });

    test('is an IInterfaceVpcEndpoint: id, connections on 443 and a reference', () => {
      const { stack, endpoint } = make();
      expect(stack.resolve(endpoint.vpcEndpointId)).toEqual({ Ref: stack.getLogicalId(endpoint.endpoint.node.defaultChild as ec2.CfnVPCEndpoint) });
      expect(endpoint.connections.defaultPort?.toString()).toBe('443');
      expect(endpoint.vpcEndpointRef.vpcEndpointId).toBe(endpoint.vpcEndpointId);
      expect(endpoint.securityGroup.securityGroupId).toBe(endpoint.connections.securityGroups[0].securityGroupId);
    });
  });

  describe('security group', () => {
    test('has no outbound rule and, without peers, no inbound rule', () => {
      const { template } = make();
      const t = template();
      t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
      t.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Secrets Manager interface endpoint: HTTPS from the named peers only',
        // aws-cdk-lib's placeholder for "no outbound": an ICMP rule no packet matches.
        SecurityGroupEgress: [{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 }],
        SecurityGroupIngress: Match.absent(),
      });
      t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    });

    test('never allows the VPC CIDR range', () => {
      const { template } = make();
      expect(JSON.stringify(template().toJSON())).not.toMatch(/10\.0\.0\.0\/16|CidrIp"?:\s*\{/);
    });

    test('allowFrom props and allowFrom() add exactly one 443 rule per peer, with descriptions naming it', () => {
      // GIVEN
      const stack = newStack();
      const vpc = importedVpc(stack);
      const app = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });
      const worker = new ec2.SecurityGroup(stack, 'Worker', { vpc, allowAllOutbound: false });
      // WHEN
      const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', { vpc, allowFrom: [app] });
      endpoint.allowFrom(worker, 'Batch workers read their database password');
      endpoint.allowFrom(ec2.Peer.ipv4('192.168.0.0/24'));
      // THEN
      const t = Template.fromStack(stack);
      const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
      const sgId = (name: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${name}`), 'GroupId'] });
      expect(ingress).toHaveLength(2);
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: sgId('EndpointSecurityGroup'),
        SourceSecurityGroupId: sgId('App'),
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'Secrets Manager API from Stack/App',
      });
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: sgId('EndpointSecurityGroup'),
        SourceSecurityGroupId: sgId('Worker'),
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'Batch workers read their database password',
      });
      // A literal CIDR peer is inlined in the group.
      t.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Secrets Manager interface endpoint'),
        SecurityGroupIngress: [{ CidrIp: '192.168.0.0/24', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'Secrets Manager API from 192.168.0.0/24' }],
      });
      // And the peers' groups may reach the endpoint (they allow no other outbound traffic).
      t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 2);
      t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: sgId('App'), DestinationSecurityGroupId: sgId('EndpointSecurityGroup'), FromPort: 443 });
    });

    test('every rule has a description, and a peer name EC2 refuses is cleaned', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const odd = new ec2.SecurityGroup(stack, 'Odd<Peer>é', { vpc, allowAllOutbound: false, description: 'Odd peer' });
      const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', { vpc, allowFrom: [odd] });
      endpoint.allowFrom(new ec2.SecurityGroup(stack, 'Second', { vpc }));
      const t = Template.fromStack(stack);
      for (const rule of Object.values(t.findResources('AWS::EC2::SecurityGroupIngress'))) {
        expect(rule.Properties.Description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/);
      }
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { Description: 'Secrets Manager API from Stack/Odd-Peer--' });
    });

    test.each([
      ['the whole IPv4 internet', ec2.Peer.anyIpv4(), /allowFrom.*"0\.0\.0\.0\/0"/],
      ['the whole IPv6 internet', ec2.Peer.anyIpv6(), /allowFrom.*"::\/0"/],
    ])('refuses %s', (_label, peer, message) => {
      const { endpoint } = make();
      expect(() => endpoint.allowFrom(peer)).toThrow(HardenedSecretsValidationError);
      expect(() => endpoint.allowFrom(peer)).toThrow(message);
    });

    test("refuses an unresolved CIDR range such as a new VPC's vpcCidrBlock", () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      expect(() => new SecretsManagerEndpoint(stack, 'Endpoint', { vpc, allowFrom: [ec2.Peer.ipv4(vpc.vpcCidrBlock)] }))
        .toThrow(/invalid `allowFrom\[0\]`: got "an unresolved CIDR range \(e\.g\. vpc\.vpcCidrBlock\)"/);
    });

    test('refuses a description EC2 would refuse', () => {
      const { stack, vpc, endpoint } = make();
      const sg = new ec2.SecurityGroup(stack, 'App', { vpc });
      expect(() => endpoint.allowFrom(sg, 'naïve <script>')).toThrow(/invalid `allowFrom description`: got "naïve <script>"/);
      expect(() => endpoint.allowFrom(sg, 'x'.repeat(256))).toThrow(/allowFrom description/);
    });
  });

  describe('endpoint policy', () => {
    test('allows the workload actions to principals of this account only', () => {
      const { template } = make();
      expect(policyStatements(template())).toEqual([{
        Sid: 'AllowSecretsManagerForThisAccount',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: SecretsManagerEndpoint.WORKLOAD_ACTIONS,
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } },
      }]);
    });

    test('the workload actions exclude administration and wildcards', () => {
      const actions = SecretsManagerEndpoint.WORKLOAD_ACTIONS;
      for (const admin of ['DeleteSecret', 'PutResourcePolicy', 'DeleteResourcePolicy', 'CreateSecret', 'UpdateSecret', 'ReplicateSecretToRegions', 'TagResource', 'RotateSecret']) {
        expect(actions).not.toContain(`secretsmanager:${admin}`);
      }
      expect(actions.every((a) => /^secretsmanager:[A-Za-z]+$/.test(a))).toBe(true);
    });

    test('the public WORKLOAD_ACTIONS cannot be changed, and replacing it does not widen a new endpoint\'s policy', () => {
      const original = SecretsManagerEndpoint.WORKLOAD_ACTIONS;
      const expected = [
        'secretsmanager:BatchGetSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetRandomPassword',
        'secretsmanager:GetSecretValue',
        'secretsmanager:ListSecretVersionIds',
        'secretsmanager:ListSecrets',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ];
      // Changing the array in place is refused.
      expect(() => original.push('secretsmanager:DeleteSecret')).toThrow(TypeError);
      expect(() => { original[0] = 'secretsmanager:DeleteSecret'; }).toThrow(TypeError);
      expect(original).toEqual(expected);
      // Replacing the property (JavaScript allows it despite readonly) does not reach the default policy.
      const statics = SecretsManagerEndpoint as unknown as { WORKLOAD_ACTIONS: string[] };
      statics.WORKLOAD_ACTIONS = [...expected, 'secretsmanager:DeleteSecret', 'secretsmanager:PutResourcePolicy'];
      try {
        const { template } = make();
        expect(policyStatements(template())[0].Action).toEqual(expected);
      } finally {
        statics.WORKLOAD_ACTIONS = original;
      }
    });

    test('in an environment-agnostic stack the account is the stack account of the deployment', () => {
      const stack = new Stack(new App(), 'Agnostic');
      const vpc = importedVpc(stack);
      new SecretsManagerEndpoint(stack, 'Endpoint', { vpc });
      expect(policyStatements(Template.fromStack(stack))[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } });
    });

    test('with principalOrgId the condition is aws:PrincipalOrgID, and aws:PrincipalAccount is gone', () => {
      const { template } = make({ principalOrgId: 'o-a1b2c3d4e5' });
      const [s] = policyStatements(template());
      expect(s.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
    });

    test('with named secrets, secret actions are limited to their ARNs and the others stay on *', () => {
      // GIVEN a secret of this app and one imported by its full ARN
      const stack = newStack();
      const vpc = importedVpc(stack);
      const own = new HardenedSecret(stack, 'Own', { rotation: SecretRotationPolicy.none('Test secret without a rotation function') });
      const imported = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Imported', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf');
      const partial = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'prod/app/token');
      // WHEN
      new SecretsManagerEndpoint(stack, 'Endpoint', { vpc, secrets: [own, imported, partial] });
      // THEN
      const statements = policyStatements(Template.fromStack(stack));
      const condition = { StringEquals: { 'aws:PrincipalAccount': '111111111111' } };
      expect(statements).toEqual([
        {
          Sid: 'AllowNamedSecretsForThisAccount',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: SecretsManagerEndpoint.WORKLOAD_ACTIONS.filter((a) => !['secretsmanager:BatchGetSecretValue', 'secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets'].includes(a)),
          Resource: [
            { Ref: stack.getLogicalId(own.node.defaultChild as secretsmanager.CfnSecret) },
            'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf',
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:prod/app/token-??????']] },
          ],
          Condition: condition,
        },
        {
          Sid: 'AllowUnscopedActionsForThisAccount',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['secretsmanager:BatchGetSecretValue', 'secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets'],
          Resource: '*',
          Condition: condition,
        },
      ]);
    });

    test('allowedActions replaces the list; with only secret actions there is no * statement', () => {
      const secret = (stack: Stack) => secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:a-AbCdEf');
      const stack = newStack();
      new SecretsManagerEndpoint(stack, 'Endpoint', { vpc: importedVpc(stack), allowedActions: ['secretsmanager:GetSecretValue'], secrets: [secret(stack)] });
      expect(policyStatements(Template.fromStack(stack))).toEqual([expect.objectContaining({
        Action: 'secretsmanager:GetSecretValue',
        Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:a-AbCdEf',
      })]);
    });

    test('no statement allows an action wildcard or an unconditioned principal', () => {
      const { template } = make({ principalOrgId: 'o-a1b2c3d4e5' });
      for (const s of policyStatements(template())) {
        expect([s.Action].flat().some((a: string) => a.includes('*'))).toBe(false);
        expect(s.Condition).toBeDefined();
      }
    });
  });

  describe('one per VPC', () => {
    test('of(vpc) creates the endpoint below the VPC once and returns it again', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const first = SecretsManagerEndpoint.of(vpc);
      expect(SecretsManagerEndpoint.of(vpc)).toBe(first);
      expect(first.node.path).toBe('Stack/Vpc/SecretsManagerEndpoint');
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    });

    test('of(vpc) returns an endpoint made with new SecretsManagerEndpoint for that VPC', () => {
      const { vpc, endpoint } = make();
      expect(SecretsManagerEndpoint.of(vpc)).toBe(endpoint);
    });

    test('different VPCs get different endpoints', () => {
      const stack = newStack();
      const a = SecretsManagerEndpoint.of(importedVpc(stack, 'A', 'vpc-0000000000000000a'));
      const b = SecretsManagerEndpoint.of(importedVpc(stack, 'B', 'vpc-0000000000000000b'));
      expect(a).not.toBe(b);
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    });

    test('a second new SecretsManagerEndpoint for the same VPC is an error naming the first', () => {
      const { stack, vpc } = make();
      expect(() => new SecretsManagerEndpoint(stack, 'Second', { vpc }))
        .toThrow(/Stack\/Second: invalid `vpc`: got "Stack\/Vpc"; allowed: a VPC without a Secrets Manager endpoint, but Stack\/Endpoint is its endpoint/);
    });

    test('of(vpc) refuses a VPC that has a Secrets Manager endpoint made with addInterfaceEndpoint', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      secretsManagerInterfaceEndpoint(vpc, 'Sm');
      expect(() => SecretsManagerEndpoint.of(vpc)).toThrow(/but Stack\/Vpc\/Sm is one \(two with private DNS in one VPC fail to deploy\)/);
    });

    test('the same VPC imported twice: synth fails on the second private-DNS endpoint', () => {
      const stack = newStack();
      new SecretsManagerEndpoint(stack, 'A', { vpc: importedVpc(stack, 'VpcA') });
      secretsManagerInterfaceEndpoint(importedVpc(stack, 'VpcB'), 'Sm');
      expect(() => Template.fromStack(stack)).toThrow(/Stack\/VpcB\/Sm\/Resource is a second Secrets Manager interface endpoint with private DNS in the VPC of Stack\/A/);
    });

    test('an endpoint without private DNS, or for another service, is no conflict', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      new SecretsManagerEndpoint(stack, 'A', { vpc });
      vpc.addInterfaceEndpoint('NoDns', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, privateDnsEnabled: false, open: false });
      vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS, open: false });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('endpoints in two stacks for two new VPCs are no conflict', () => {
      const app = new App();
      for (const id of ['One', 'Two']) {
        const stack = newStack(id, { app });
        const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
        SecretsManagerEndpoint.of(vpc);
      }
      expect(() => app.synth()).not.toThrow();
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<SecretsManagerEndpointProps>, RegExp]>([
      ['an organisation id of another shape', { principalOrgId: 'org-1234' }, /invalid `principalOrgId`: got "org-1234"; allowed: an AWS Organizations id/],
      ['an empty list of secrets', { secrets: [] }, /invalid `secrets`: got "\[\]"; allowed: one or more secrets, or omit the prop/],
      ['an empty list of actions', { allowedActions: [] }, /invalid `allowedActions`: got "\[\]"/],
      ['a wildcard action', { allowedActions: ['secretsmanager:*'] }, /invalid `allowedActions`: got "secretsmanager:\*"; allowed: 'secretsmanager:<Action>', without wildcards/],
      ['an action of another service', { allowedActions: ['kms:Decrypt'] }, /invalid `allowedActions`: got "kms:Decrypt"/],
      ['subnets that match nothing', { subnets: { subnetType: ec2.SubnetType.PUBLIC } }, /invalid `subnets`/],
      ['a subnet group that does not exist', { subnets: { subnetGroupName: 'nope' } }, /invalid `subnets`: got .*nope.*allowed: a selection of subnets of the VPC/],
    ])('refuses %s', (_label, props, message) => {
      expect(() => make(props)).toThrow(HardenedSecretsValidationError);
      expect(() => make(props)).toThrow(message);
    });

    test('reports every problem at once, with the construct path', () => {
      expect(() => make({ principalOrgId: 'x', secrets: [], allowedActions: ['s3:GetObject'] }))
        .toThrow(/^Stack\/Endpoint: 3 invalid props:/);
    });

    test('a VPC with only public subnets needs subnets', () => {
      const stack = newStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], publicSubnetIds: ['subnet-public'] });
      expect(() => new SecretsManagerEndpoint(stack, 'Endpoint', { vpc }))
        .toThrow(/invalid `subnets`: got undefined; allowed: private or isolated subnets in the VPC, or a selection of subnets/);
      new SecretsManagerEndpoint(stack, 'Public', { vpc, subnets: { subnetType: ec2.SubnetType.PUBLIC } });
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: ['subnet-public'] });
    });

    test('tokens are not judged', () => {
      const stack = newStack();
      const orgId = new CfnParameter(stack, 'OrgId').valueAsString;
      new SecretsManagerEndpoint(stack, 'Endpoint', { vpc: importedVpc(stack), principalOrgId: orgId });
      expect(policyStatements(Template.fromStack(stack))[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrgId' } } });
    });
  });
});

test('applyRemovalPolicy reaches the endpoint resource', () => {
  const stack = newStack();
  const endpoint = SecretsManagerEndpoint.of(importedVpc(stack));
  endpoint.applyRemovalPolicy(RemovalPolicy.RETAIN);
  Template.fromStack(stack).hasResource('AWS::EC2::VPCEndpoint', { DeletionPolicy: 'Retain' });
});
