import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { SecretsManagerEndpoint, SecretsManagerEndpointProps } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../helpers/stacks';

/**
 * Property: any combination of endpoint props (and later allowFrom calls) yields either a
 * template that keeps the endpoint's guarantees or one of our validation errors, never another
 * exception (aws-cdk-lib's own errors, a TypeError).
 */

/** Mostly valid values, some invalid: both paths are explored. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: invalid, weight: 1 });
}

type VpcKind = 'isolated' | 'private-and-isolated' | 'public-only';
type PeerKind = 'security-group' | 'cidr' | 'any-ipv4' | 'any-ipv6' | 'token-cidr' | 'connectable';

interface Case {
  readonly vpc: VpcKind;
  readonly subnets?: ec2.SubnetSelection;
  readonly peers: PeerKind[];
  readonly laterPeers: Array<[PeerKind, string | undefined]>;
  readonly principalOrgId?: string;
  readonly secrets?: number;
  readonly allowedActions?: string[];
}

const action = mostly(
  fc.constantFrom(...SecretsManagerEndpoint.WORKLOAD_ACTIONS, 'secretsmanager:RotateSecret'),
  fc.oneof(fc.constantFrom('secretsmanager:*', 'kms:Decrypt', 'secretsmanager:Get*', '*', ''), fc.string({ maxLength: 20 })),
);
const peer = fc.oneof(
  { arbitrary: fc.constantFrom<PeerKind>('security-group', 'cidr', 'connectable'), weight: 15 },
  { arbitrary: fc.constantFrom<PeerKind>('any-ipv4', 'any-ipv6', 'token-cidr'), weight: 1 },
);
const description = fc.option(mostly(fc.stringMatching(/^[a-zA-Z0-9 ._-]{1,40}$/), fc.string({ maxLength: 300 })), { nil: undefined, freq: 2 });

const arbitraryCase: fc.Arbitrary<Case> = fc.record({
  vpc: fc.constantFrom<VpcKind>('isolated', 'isolated', 'private-and-isolated', 'public-only'),
  subnets: fc.option(mostly(
    fc.constantFrom<ec2.SubnetSelection>(
      { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-isolated-a'])] },
      { availabilityZones: ['eu-west-1a'] },
    ),
    fc.constantFrom<ec2.SubnetSelection>(
      { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { subnetType: ec2.SubnetType.PUBLIC },
      { subnetGroupName: 'missing' },
    ),
  ), { nil: undefined, freq: 2 }),
  peers: fc.array(peer, { maxLength: 4 }),
  laterPeers: fc.array(fc.tuple(peer, description), { maxLength: 3 }),
  principalOrgId: fc.option(mostly(fc.stringMatching(/^o-[a-z0-9]{10,32}$/), fc.string({ maxLength: 40 })), { nil: undefined }),
  secrets: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 2 }),
  allowedActions: fc.option(fc.array(action, { maxLength: 3 }), { nil: undefined, freq: 2 }),
}, { requiredKeys: ['vpc', 'peers', 'laterPeers'] });

function vpcOf(stack: Stack, kind: VpcKind): ec2.IVpc {
  const azs = ['eu-west-1a', 'eu-west-1b'];
  const rtb = (p: string) => [`rtb-${p}-a`, `rtb-${p}-b`];
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: azs,
    ...(kind === 'public-only'
      ? { publicSubnetIds: ['subnet-public-a', 'subnet-public-b'], publicSubnetRouteTableIds: rtb('public') }
      : { isolatedSubnetIds: ['subnet-isolated-a', 'subnet-isolated-b'], isolatedSubnetRouteTableIds: rtb('isolated') }),
    ...(kind === 'private-and-isolated' ? { privateSubnetIds: ['subnet-private-a', 'subnet-private-b'], privateSubnetRouteTableIds: rtb('private') } : {}),
  });
}

let peerCount = 0;
function peerOf(stack: Stack, vpc: ec2.IVpc, kind: PeerKind): ec2.IConnectable {
  const id = `Peer${peerCount++}`;
  switch (kind) {
    case 'security-group': return new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false });
    case 'cidr': return ec2.Peer.ipv4('192.168.0.0/24');
    case 'any-ipv4': return ec2.Peer.anyIpv4();
    case 'any-ipv6': return ec2.Peer.anyIpv6();
    case 'token-cidr': return ec2.Peer.ipv4(new CfnParameter(stack, id).valueAsString);
    case 'connectable': return { connections: new ec2.Connections({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, id, `sg-${peerCount.toString(16).padStart(17, '0')}`)] }) };
  }
}

function build(c: Case): Template {
  const stack = newStack();
  const vpc = vpcOf(stack, c.vpc);
  const secrets = c.secrets === undefined ? undefined : Array.from({ length: c.secrets }, (_, i) =>
    secretsmanager.Secret.fromSecretCompleteArn(stack, `S${i}`, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:s${i}-AbCdEf`));
  const props: SecretsManagerEndpointProps = {
    vpc,
    subnets: c.subnets,
    allowFrom: c.peers.map((p) => peerOf(stack, vpc, p)),
    principalOrgId: c.principalOrgId,
    secrets,
    allowedActions: c.allowedActions,
  };
  const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', props);
  for (const [kind, text] of c.laterPeers) {
    endpoint.allowFrom(peerOf(stack, vpc, kind), text);
  }
  return Template.fromStack(stack);
}

test('1,000 random endpoint props give a template that keeps the guarantees, or a HardenedSecretsValidationError', () => {
  let templates = 0;
  let errors = 0;
  fc.assert(
    fc.property(arbitraryCase, (c) => {
      let template: Template;
      try {
        template = build(c);
      } catch (e) {
        if (!(e instanceof HardenedSecretsValidationError)) {
          throw e;
        }
        errors++;
        return;
      }
      templates++;
      const json = template.toJSON();
      const resources = Object.values(json.Resources as Record<string, { Type: string; Properties: any }>);
      const [endpoint] = resources.filter((r) => r.Type === 'AWS::EC2::VPCEndpoint');
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
      for (const s of endpoint.Properties.PolicyDocument.Statement) {
        expect(s.Condition.StringEquals).toBeDefined();
        expect([s.Action].flat().every((a: string) => /^secretsmanager:[A-Za-z]+$/.test(a))).toBe(true);
      }
      const [group] = resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroup' && /^Secrets Manager interface endpoint/.test(r.Properties.GroupDescription));
      const rules = [...(group.Properties.SecurityGroupIngress ?? []), ...resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties)];
      for (const rule of rules) {
        expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
        expect(rule.Description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/);
        expect(['0.0.0.0/0', '::/0']).not.toContain(rule.CidrIp ?? rule.CidrIpv6);
        expect(typeof (rule.CidrIp ?? 'literal')).toBe('string');
      }
    }),
    { numRuns: 1000 },
  );
  // Both outcomes were explored.
  expect(templates).toBeGreaterThan(100);
  expect(errors).toBeGreaterThan(100);
});
