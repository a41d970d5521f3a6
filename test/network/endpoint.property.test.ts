import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { SecretsManagerEndpoint, SecretsManagerEndpointProps } from '../../src';
import { newStack, TEST_ENV } from '../helpers/stacks';
import { expectRefused } from '../helpers/validation';

/**
 * Two properties of SecretsManagerEndpoint's props (and of later `allowFrom` calls), each with its
 * own oracle:
 *
 * - props valid by construction (the ranges of src/network/endpoint-props.ts) synthesise into an
 *   endpoint with private DNS in the subnets asked for, a policy that allows exactly the actions
 *   asked for (on the secrets asked for) to the account or organisation asked for, and one rule on
 *   TCP 443 per peer, with its CIDR range or security group;
 * - the same props with exactly one prop (or one later `allowFrom`) pushed out of range fail with a
 *   HardenedSecretsValidationError whose every problem names that prop (`expectRefused`).
 */

const VALID_RUNS = 150;

/** The actions that name no secret: allowed on '*' even when the endpoint names its secrets. */
const NAMING_NO_SECRET = ['secretsmanager:BatchGetSecretValue', 'secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets'];
const INVALID_RUNS = 12;

type VpcKind = 'isolated' | 'private-and-isolated' | 'public-only';
type PeerKind = 'security-group' | 'connectable' | 'cidr' | 'cidr6';

const SUBNETS: Record<'public' | 'private' | 'isolated', string[]> = {
  public: ['subnet-public-a', 'subnet-public-b'],
  private: ['subnet-private-a', 'subnet-private-b'],
  isolated: ['subnet-isolated-a', 'subnet-isolated-b'],
};

/** A subnet selection of a VPC kind, and the subnets it gives. */
interface Subnets {
  readonly selection?: ec2.SubnetSelection;
  readonly ids: string[];
}

/** The subnet selections each VPC kind accepts (undefined: the default). */
const VALID_SUBNETS: Record<VpcKind, Subnets[]> = {
  'isolated': [
    { ids: SUBNETS.isolated },
    { selection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, ids: SUBNETS.isolated },
    { selection: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-isolated-a'])] }, ids: ['subnet-isolated-a'] },
    { selection: { availabilityZones: ['eu-west-1b'] }, ids: ['subnet-isolated-b'] },
  ],
  'private-and-isolated': [
    { ids: SUBNETS.private },
    { selection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, ids: SUBNETS.private },
    { selection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, ids: SUBNETS.isolated },
  ],
  'public-only': [
    { selection: { subnetType: ec2.SubnetType.PUBLIC }, ids: SUBNETS.public },
  ],
};

/** Subnet selections that match no subnet of each VPC kind, or none at all (public-only without a selection). */
const NO_SUBNETS: Record<VpcKind, Array<ec2.SubnetSelection | undefined>> = {
  'isolated': [{ subnetType: ec2.SubnetType.PUBLIC }, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { subnetGroupName: 'missing' }],
  'private-and-isolated': [{ subnetType: ec2.SubnetType.PUBLIC }, { subnetGroupName: 'missing' }],
  'public-only': [undefined, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
};

/** A rule description EC2 accepts: 1 to 255 of its characters. */
const description = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,40}$/),
  fc.constant('d'.repeat(255)),
);

/** An action name without wildcards: the workload ones, administration, or any other name. */
const action = fc.oneof(
  fc.constantFrom(...SecretsManagerEndpoint.WORKLOAD_ACTIONS, 'secretsmanager:RotateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:TagResource'),
  fc.stringMatching(/^[A-Za-z]{1,20}$/).map((name) => `secretsmanager:${name}`),
);

/** Valid endpoint props and later peers, as plain data. */
interface Spec {
  readonly vpc: VpcKind;
  readonly subnets: Subnets;
  readonly peers: PeerKind[];
  readonly laterPeers: Array<[PeerKind, string | undefined]>;
  readonly principalOrgId?: string;
  readonly secrets?: number;
  readonly allowedActions?: string[];
}

const validSpec: fc.Arbitrary<Spec> = fc.constantFrom<VpcKind>('isolated', 'private-and-isolated', 'public-only').chain((vpc) => fc.record({
  vpc: fc.constant(vpc),
  subnets: fc.constantFrom(...VALID_SUBNETS[vpc]),
  peers: fc.array(fc.constantFrom<PeerKind>('security-group', 'connectable', 'cidr', 'cidr6'), { maxLength: 4 }),
  laterPeers: fc.array(fc.tuple(fc.constantFrom<PeerKind>('security-group', 'connectable', 'cidr', 'cidr6'), fc.option(description, { nil: undefined })), { maxLength: 3 }),
  principalOrgId: fc.option(fc.stringMatching(/^o-[a-z0-9]{10,32}$/), { nil: undefined }),
  secrets: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  allowedActions: fc.option(fc.uniqueArray(action, { minLength: 1, maxLength: 5 }), { nil: undefined }),
}, { requiredKeys: ['vpc', 'subnets', 'peers', 'laterPeers'] }));

function vpcOf(stack: Stack, kind: VpcKind): ec2.IVpc {
  const rtb = (ids: string[]) => ids.map((s) => s.replace(/^subnet-/, 'rtb-'));
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    ...(kind === 'public-only'
      ? { publicSubnetIds: SUBNETS.public, publicSubnetRouteTableIds: rtb(SUBNETS.public) }
      : { isolatedSubnetIds: SUBNETS.isolated, isolatedSubnetRouteTableIds: rtb(SUBNETS.isolated) }),
    ...(kind === 'private-and-isolated' ? { privateSubnetIds: SUBNETS.private, privateSubnetRouteTableIds: rtb(SUBNETS.private) } : {}),
  });
}

/** What a peer gives the endpoint's rules: its CIDR range, or a security group. */
interface Peer {
  readonly peer: ec2.IConnectable;
  readonly cidr?: string;
}

/** Peer `i` of the stack: each CIDR range is its own, each security group a new one. */
function peerOf(stack: Stack, vpc: ec2.IVpc, kind: PeerKind, i: number): Peer {
  switch (kind) {
    case 'security-group': return { peer: new ec2.SecurityGroup(stack, `Peer${i}`, { vpc, allowAllOutbound: false }) };
    case 'connectable': return {
      peer: { connections: new ec2.Connections({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, `Peer${i}`, `sg-${i.toString(16).padStart(17, '0')}`)] }) },
    };
    case 'cidr': return { peer: ec2.Peer.ipv4(`10.${i}.0.0/16`), cidr: `10.${i}.0.0/16` };
    case 'cidr6': return { peer: ec2.Peer.ipv6(`2001:db8:${i.toString(16)}::/48`), cidr: `2001:db8:${i.toString(16)}::/48` };
  }
}

function secretArn(i: number): string {
  return `arn:aws:secretsmanager:${TEST_ENV.region}:${TEST_ENV.account}:secret:s${i}-AbCdEf`;
}

/** The stack, the VPC, the props of a spec, and its peers: those of the props, then the later ones. */
function build(s: Spec) {
  const stack = newStack();
  const vpc = vpcOf(stack, s.vpc);
  const initial = s.peers.map((kind, i) => peerOf(stack, vpc, kind, i));
  const later = s.laterPeers.map(([kind, text], i) => ({ ...peerOf(stack, vpc, kind, 100 + i), text }));
  const props: SecretsManagerEndpointProps = {
    vpc,
    subnets: s.subnets.selection,
    allowFrom: initial.map((p) => p.peer),
    principalOrgId: s.principalOrgId,
    secrets: s.secrets === undefined ? undefined : Array.from({ length: s.secrets }, (_, i) => secretsmanager.Secret.fromSecretCompleteArn(stack, `S${i}`, secretArn(i))),
    allowedActions: s.allowedActions,
  };
  return { stack, vpc, props, initial, later };
}

/** The endpoint's ingress rules, inline or as resources of their own. */
function ingressRules(resources: Array<{ Type: string; Properties: any }>): any[] {
  const [group] = resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroup' && /^Secrets Manager interface endpoint/.test(r.Properties.GroupDescription));
  return [...(group.Properties.SecurityGroupIngress ?? []), ...resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties)];
}

test(`${VALID_RUNS} valid endpoint props: the endpoint, its policy and its rules are what was asked for`, () => {
  fc.assert(
    fc.property(validSpec, (s) => {
      const { stack, props, initial, later } = build(s);
      const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', props);
      for (const p of later) {
        endpoint.allowFrom(p.peer, p.text);
      }
      const resources = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>);

      const endpoints = resources.filter((r) => r.Type === 'AWS::EC2::VPCEndpoint');
      expect(endpoints).toHaveLength(1);
      expect(endpoints[0].Properties).toMatchObject({ PrivateDnsEnabled: true, VpcId: 'vpc-0123456789abcdef0', SubnetIds: s.subnets.ids });

      // The policy: the actions asked for (on the secrets asked for), to the account or organisation asked for.
      const statements: any[] = endpoints[0].Properties.PolicyDocument.Statement;
      const condition = s.principalOrgId !== undefined
        ? { StringEquals: { 'aws:PrincipalOrgID': s.principalOrgId } }
        : { StringEquals: { 'aws:PrincipalAccount': TEST_ENV.account } };
      for (const statement of statements) {
        expect(statement).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' }, Condition: condition });
      }
      const wanted = s.allowedActions ?? SecretsManagerEndpoint.WORKLOAD_ACTIONS;
      const resourcesOf = new Map<string, string[]>();
      for (const st of statements) {
        for (const a of [st.Action].flat()) {
          expect(resourcesOf.has(a)).toBe(false);
          resourcesOf.set(a, [st.Resource].flat());
        }
      }
      expect([...resourcesOf.keys()].sort()).toEqual([...wanted].sort());
      // Each action on the named secrets, but those that name no secret, which stay on '*'.
      const arns = s.secrets === undefined ? undefined : Array.from({ length: s.secrets }, (_, i) => secretArn(i));
      for (const a of wanted) {
        expect([a, resourcesOf.get(a)]).toEqual([a, arns === undefined || NAMING_NO_SECRET.includes(a) ? ['*'] : arns]);
      }

      // One rule on TCP 443 per peer: its CIDR range, or a security group; the given descriptions kept.
      const rules = ingressRules(resources);
      const peers = [...initial, ...later];
      expect(rules).toHaveLength(peers.length);
      for (const rule of rules) {
        expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
        expect(rule.Description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/);
      }
      expect(rules.map((r) => r.CidrIp ?? r.CidrIpv6).filter((c) => c !== undefined).sort())
        .toEqual(peers.map((p) => p.cidr).filter((c) => c !== undefined).sort());
      expect(rules.filter((r) => r.SourceSecurityGroupId !== undefined)).toHaveLength(peers.filter((p) => p.cidr === undefined).length);
      const descriptions = rules.map((r) => r.Description);
      for (const p of later.filter((l) => l.text !== undefined)) {
        expect(descriptions).toContain(p.text);
      }
    }),
    { numRuns: VALID_RUNS },
  );
});

/** One prop (or one later allowFrom) of a valid spec pushed out of range. */
interface Mutation {
  /** The props with the change; `i` picks an element where the change needs one. */
  readonly props?: (props: SecretsManagerEndpointProps, stack: Stack, s: Spec, i: number) => SecretsManagerEndpointProps;
  /** A later allowFrom out of range, made after the endpoint. */
  readonly later?: (endpoint: SecretsManagerEndpoint, stack: Stack) => void;
  /** The prop the error names, when element `i` was picked. */
  readonly prop: (i: number) => string;
  readonly fits?: (s: Spec) => boolean;
}

const internet = fc.constantFrom(ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6());

const MUTATIONS: Array<[string, fc.Arbitrary<Mutation>]> = [
  ['a principalOrgId that is no organisation id', fc.oneof(
    fc.constantFrom('o-short', 'O-ABCDEFGHIJ', 'org-1234567890', 'o-', `o-${'a'.repeat(33)}`, ''),
    fc.string({ maxLength: 40 }),
  ).filter((id) => !/^o-[a-z0-9]{10,32}$/.test(id)).map((principalOrgId): Mutation => ({
    prop: () => 'principalOrgId',
    props: (p) => ({ ...p, principalOrgId }),
  }))],
  ['an empty list of secrets', fc.constant<Mutation>({ prop: () => 'secrets', props: (p) => ({ ...p, secrets: [] }) })],
  ['an empty list of actions', fc.constant<Mutation>({ prop: () => 'allowedActions', props: (p) => ({ ...p, allowedActions: [] }) })],
  ['an action with a wildcard, of another service or no action name', fc.oneof(
    fc.constantFrom('secretsmanager:*', 'secretsmanager:Get*', 'kms:Decrypt', '*', '', 'secretsmanager:', 'SecretsManager:GetSecretValue', 'secretsmanager:Get Secret'),
    fc.string({ maxLength: 25 }),
  ).filter((a) => !/^secretsmanager:[A-Za-z]+$/.test(a)).map((bad): Mutation => ({
    prop: () => 'allowedActions',
    props: (p, _stack, _s, i) => {
      const actions = [...(p.allowedActions ?? SecretsManagerEndpoint.WORKLOAD_ACTIONS)];
      actions.splice(i % (actions.length + 1), 0, bad);
      return { ...p, allowedActions: actions };
    },
  }))],
  ['subnets that match no subnet of the VPC', fc.nat().map((n): Mutation => ({
    prop: () => 'subnets',
    props: (p, _stack, s) => ({ ...p, subnets: NO_SUBNETS[s.vpc][n % NO_SUBNETS[s.vpc].length] }),
  }))],
  ['a peer that is the whole internet', internet.map((peer): Mutation => ({
    prop: (i) => `allowFrom[${i}]`,
    fits: (s) => s.peers.length > 0,
    props: (p, _stack, _s, i) => ({ ...p, allowFrom: p.allowFrom!.map((x, j) => (j === i ? peer : x)) }),
  }))],
  ['a peer with an unresolved CIDR range', fc.constant<Mutation>({
    prop: (i) => `allowFrom[${i}]`,
    fits: (s) => s.peers.length > 0,
    props: (p, stack, _s, i) => ({ ...p, allowFrom: p.allowFrom!.map((x, j) => (j === i ? ec2.Peer.ipv4(new CfnParameter(stack, 'Cidr').valueAsString) : x)) }),
  })],
  ['a VPC that has its SecretsManagerEndpoint already', fc.constant<Mutation>({
    prop: () => 'vpc',
    props: (p, stack) => {
      new SecretsManagerEndpoint(stack, 'First', { vpc: p.vpc, subnets: p.subnets });
      return p;
    },
  })],
  ['a later allowFrom of the whole internet', internet.map((peer): Mutation => ({
    prop: () => 'allowFrom',
    later: (endpoint) => endpoint.allowFrom(peer),
  }))],
  ['a later allowFrom with a description EC2 refuses', fc.oneof(
    fc.constantFrom('', 'd'.repeat(256), 'café', 'a<b', 'quote"', '100%', 'tab\there', 'tilde~', 'back\\slash'),
    fc.string({ maxLength: 30 }),
  ).filter((d) => !/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/.test(d)).map((text): Mutation => ({
    prop: () => 'allowFrom description',
    later: (endpoint, stack) => endpoint.allowFrom(new ec2.SecurityGroup(stack, 'Described', { vpc: endpoint.vpc, allowAllOutbound: false }), text),
  }))],
];

test.each(MUTATIONS)('valid endpoint props but %s fail with a HardenedSecretsValidationError naming that prop', (_what, mutation) => {
  fc.assert(
    fc.property(validSpec, mutation, fc.nat(), (s, m, pick) => {
      fc.pre(m.fits?.(s) ?? true);
      const { stack, props } = build(s);
      const i = pick % Math.max(1, s.peers.length);
      expectRefused(() => {
        const endpoint = new SecretsManagerEndpoint(stack, 'Endpoint', m.props?.(props, stack, s, i) ?? props);
        m.later?.(endpoint, stack);
      }, 'Stack/Endpoint', m.prop(i));
    }),
    { numRuns: INVALID_RUNS },
  );
});
