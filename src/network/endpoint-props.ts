import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { isResolved, PropsValidator } from '../private/validation';

/**
 * Properties of a `SecretsManagerEndpoint`.
 */
export interface SecretsManagerEndpointProps {
  /**
   * The VPC of the endpoint. A VPC has at most one Secrets Manager endpoint with private DNS:
   * a second one fails to deploy.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets the endpoint's network interfaces are placed in, one per Availability Zone.
   *
   * An interface endpoint is billed per hour in each Availability Zone it is in.
   *
   * @default - the private subnets of the VPC, or its isolated subnets when it has no private ones
   * @see https://aws.amazon.com/privatelink/pricing/
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Peers (security groups, functions, clusters, rotation functions) allowed to reach the endpoint
   * on TCP 443. More can be added with `allowFrom`.
   *
   * The VPC's CIDR range is never allowed by default: only the peers named here.
   *
   * @default - none
   */
  readonly allowFrom?: ec2.IConnectable[];

  /**
   * The AWS Organizations id (`o-...`) whose principals may use the endpoint. The endpoint policy
   * then tests `aws:PrincipalOrgID` instead of `aws:PrincipalAccount`.
   *
   * @default - only principals of the stack's account may use the endpoint
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
   */
  readonly principalOrgId?: string;

  /**
   * The secrets that may be used through the endpoint. `GetRandomPassword`, `ListSecrets` and
   * `BatchGetSecretValue`, which name no secret, stay allowed on `*`.
   *
   * @default - any secret (of any account: whether a principal may read a secret is decided by
   * its own policies; the endpoint only limits who may call)
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * The Secrets Manager actions allowed through the endpoint, each `secretsmanager:<Action>`
   * without wildcards.
   *
   * @default SecretsManagerEndpoint.WORKLOAD_ACTIONS: reading secrets and rotating them;
   * administration (create, delete, resource policies, replication, tags) is refused through the endpoint
   */
  readonly allowedActions?: string[];
}

// An IAM action name: service prefix, colon, letters only (no wildcard).
const ACTION = /^secretsmanager:[A-Za-z]+$/;
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
// Security group rule descriptions: up to 255 of these characters.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
export const RULE_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/**
 * Validates the props; returns the subnets of the endpoint.
 *
 * @param existing the `SecretsManagerEndpoint` already made for a VPC, if any
 */
export function validateEndpointProps(
  path: string,
  props: SecretsManagerEndpointProps,
  existing: (vpc: ec2.IVpc) => IConstruct | undefined,
): ec2.SubnetSelection | undefined {
  const v = new PropsValidator(path);
  if (props === undefined || props.vpc === undefined) {
    v.fail('vpc', undefined, 'the VPC of the endpoint');
    v.throwIfInvalid();
  }
  const other = existing(props.vpc);
  if (other) {
    v.fail('vpc', props.vpc.node.path, `a VPC without a Secrets Manager endpoint, but ${other.node.path} is its endpoint ` +
      '(two with private DNS in one VPC fail to deploy): use SecretsManagerEndpoint.of(vpc)');
  }
  const orgId = props.principalOrgId;
  if (orgId !== undefined && isResolved(orgId)) {
    v.check(ORG_ID.test(orgId), 'principalOrgId', orgId, "an AWS Organizations id: 'o-' and 10 to 32 lowercase letters or digits");
  }
  if (props.secrets !== undefined) {
    v.check(props.secrets.length > 0, 'secrets', '[]', 'one or more secrets, or omit the prop (any secret)');
  }
  if (props.allowedActions !== undefined) {
    v.check(props.allowedActions.length > 0, 'allowedActions', '[]', 'one or more actions, or omit the prop');
    for (const action of props.allowedActions) {
      if (isResolved(action)) {
        v.check(typeof action === 'string' && ACTION.test(action), 'allowedActions', action, "'secretsmanager:<Action>', without wildcards");
      }
    }
  }
  (props.allowFrom ?? []).forEach((peer, i) => validatePeer(v, `allowFrom[${i}]`, peer));
  const subnets = validateSubnets(v, props.vpc, props.subnets);
  v.throwIfInvalid();
  return subnets;
}

function validateSubnets(v: PropsValidator, vpc: ec2.IVpc, given?: ec2.SubnetSelection): ec2.SubnetSelection | undefined {
  let selection = given;
  if (selection === undefined) {
    if (vpc.privateSubnets.length > 0) {
      selection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else if (vpc.isolatedSubnets.length > 0) {
      selection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    } else {
      v.fail('subnets', undefined, 'private or isolated subnets in the VPC, or a selection of subnets');
      return undefined;
    }
  }
  try {
    const selected = vpc.selectSubnets({ ...selection, onePerAz: true });
    if (!selected.isPendingLookup && selected.subnets.length === 0) {
      v.fail('subnets', selection, 'a selection that matches at least one subnet of the VPC');
    }
  } catch (e) {
    v.fail('subnets', selection, `a selection of subnets of the VPC (${(e as Error).message})`);
  }
  return selection;
}

export function validatePeer(v: PropsValidator, prop: string, peer: ec2.IConnectable): void {
  if (peer === undefined || peer === null || typeof peer !== 'object' || !('connections' in peer)) {
    v.fail(prop, peer === undefined ? undefined : 'not an IConnectable', 'a security group, or a construct with connections');
    return;
  }
  for (const rule of cidrsOf(peer)) {
    if (!isResolved(rule)) {
      // The VPC CIDR of a VPC made in the app is a token: the compliance rules cannot check it.
      v.fail(prop, 'an unresolved CIDR range (e.g. vpc.vpcCidrBlock)', 'a security group, a construct with connections, or a literal CIDR range');
    } else if (rule === '0.0.0.0/0' || rule === '::/0') {
      v.fail(prop, rule, 'a security group, a construct with connections, or a CIDR range narrower than the whole internet');
    }
  }
}

/** The CIDR ranges of a peer that is a CIDR range (`ec2.Peer.ipv4`, `ec2.Peer.ipv6`). */
function cidrsOf(peer: ec2.IConnectable): string[] {
  const p = peer as Partial<ec2.IPeer>;
  if (typeof p.toIngressRuleConfig !== 'function' || p.canInlineRule !== true) {
    return [];
  }
  const config = p.toIngressRuleConfig() as { cidrIp?: string; cidrIpv6?: string };
  return [config.cidrIp, config.cidrIpv6].filter((c): c is string => c !== undefined);
}

/** A name for a peer in a rule description: its construct path, its CIDR, or its security groups. */
export function peerName(peer: ec2.IConnectable): string {
  if (Construct.isConstruct(peer)) {
    return peer.node.path;
  }
  const cidrs = cidrsOf(peer);
  if (cidrs.length > 0) {
    return cidrs.join(' ');
  }
  const groups = peer.connections.securityGroups.map((g) => g.node.path);
  return groups.length > 0 ? groups.join(' ') : 'a peer';
}

/** A description EC2 accepts: disallowed characters replaced, at most 255 characters. */
export function ruleDescription(text: string): string {
  if (Token.isUnresolved(text)) {
    return text;
  }
  const clean = text.replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, '-');
  return clean.length > 255 ? `${clean.slice(0, 252)}...` : clean;
}

