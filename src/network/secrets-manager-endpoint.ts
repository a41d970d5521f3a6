import { RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { peerName, RULE_DESCRIPTION, ruleDescription, SecretsManagerEndpointProps, validateEndpointProps, validatePeer } from './endpoint-props';
import { futurePath, isResolved, PropsValidator } from '../private/validation';

/**
 * What workloads and rotation do through the endpoint (see `SecretsManagerEndpoint.WORKLOAD_ACTIONS`).
 * The default endpoint policy reads this frozen list, never the public property, so code that
 * reassigns or changes the public value cannot widen the policy of the endpoints made after it.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
const WORKLOAD_ACTIONS: readonly string[] = Object.freeze([
  'secretsmanager:BatchGetSecretValue',
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetRandomPassword',
  'secretsmanager:GetSecretValue',
  'secretsmanager:ListSecretVersionIds',
  'secretsmanager:ListSecrets',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
]);

/** The construct id `SecretsManagerEndpoint.of` creates the endpoint with, below the VPC. */
const OF_ID = 'SecretsManagerEndpoint';

/**
 * Actions that name no secret: they need `Resource: "*"`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
const UNSCOPED_ACTIONS = ['secretsmanager:BatchGetSecretValue', 'secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets'];

/**
 * An interface VPC endpoint for AWS Secrets Manager, hardened:
 *
 * - private DNS on, so SDKs, the CLI, rotation functions and hosted rotation in the VPC use it
 *   without configuration;
 * - its own security group: no outbound rules, inbound TCP 443 only from the peers you name
 *   (`allowFrom`), each rule with a description; never the VPC's whole CIDR range;
 * - an endpoint policy that lets only principals of this account (or organisation) through, for
 *   the actions workloads and rotation need, optionally on named secrets only.
 *
 * One per VPC: `SecretsManagerEndpoint.of(vpc)` finds it or creates it. A `RotationFunction`
 * or hosted rotation made afterwards in that VPC uses it (and is let in) without being told;
 * neither ever creates an endpoint by itself.
 *
 * @example
 * const endpoint = SecretsManagerEndpoint.of(vpc);
 * endpoint.allowFrom(appFunction);
 * new HardenedSecret(this, 'Db', { rotation, requireVpcEndpoint: [endpoint] });
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html
 */
export class SecretsManagerEndpoint extends Resource implements ec2.IInterfaceVpcEndpoint {
  /**
   * What workloads and rotation do through the endpoint: read values and metadata, write new
   * versions, move stages, generate passwords. Administration (create, update, delete, restore,
   * resource policies, replication, tags, starting rotation) is not in the list: CloudFormation
   * and the console do not go through the VPC, and a compromised workload cannot use the
   * endpoint for it even where its role could.
   *
   * A frozen copy, for reading (e.g. to build `allowedActions` from): the default endpoint policy
   * does not read this property, so replacing it changes nothing.
   *
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
   */
  public static readonly WORKLOAD_ACTIONS: string[] = Object.freeze([...WORKLOAD_ACTIONS]) as string[];

  /**
   * The Secrets Manager endpoint of `vpc`: the one made for it (by this method or by
   * `new SecretsManagerEndpoint`), or a new one, created below the VPC construct with the id
   * `SecretsManagerEndpoint` and default props.
   *
   * Fails when the VPC already has a Secrets Manager endpoint made otherwise (for example with
   * `vpc.addInterfaceEndpoint`): a second one with private DNS would not deploy.
   *
   * @param vpc the VPC
   */
  public static of(vpc: ec2.IVpc): SecretsManagerEndpoint {
    const { own, other } = findEndpoints(vpc);
    if (own) {
      return own;
    }
    if (other) {
      const v = new PropsValidator(futurePath(vpc, OF_ID));
      v.fail('vpc', vpc.node.path, `a VPC without another Secrets Manager interface endpoint, but ${other.node.path} is one ` +
        '(two with private DNS in one VPC fail to deploy): pass that endpoint where one is asked for, or replace it with a SecretsManagerEndpoint');
      v.throwIfInvalid();
    }
    return new SecretsManagerEndpoint(vpc, OF_ID, { vpc });
  }

  /**
   * The Secrets Manager endpoint already made in the app for `vpc`: the `SecretsManagerEndpoint`
   * made for it (`of` or `new`), else an aws-cdk-lib interface endpoint for Secrets Manager in
   * that VPC (e.g. `vpc.addInterfaceEndpoint`); undefined when there is none so far.
   *
   * Never creates one: a VPC may already have a Secrets Manager endpoint (or a shared private
   * hosted zone) made outside the app, and a second one with private DNS fails to deploy.
   * Used where the library wires a function to the endpoint without being told which.
   *
   * @internal
   */
  public static _find(vpc: ec2.IVpc): ec2.IInterfaceVpcEndpoint | undefined {
    const { own, other } = findEndpoints(vpc);
    return own ?? other;
  }

  /**
   * Allows `peer` to reach `endpoint` on its port, with a description EC2 accepts.
   *
   * @internal
   */
  public static _allow(endpoint: ec2.IInterfaceVpcEndpoint, peer: ec2.IConnectable, description: string): void {
    if (endpoint instanceof SecretsManagerEndpoint) {
      endpoint.allowFrom(peer, ruleDescription(description));
    } else {
      allowPeer(endpoint, peer, ruleDescription(description));
    }
  }

  /** The id of the endpoint (`vpce-...`). */
  public readonly vpcEndpointId: string;

  /** The security group of the endpoint; its ingress rules are the peers allowed. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The connections of the endpoint (its security group, port 443). */
  public readonly connections: ec2.Connections;

  /** The underlying aws-cdk-lib endpoint. */
  public readonly endpoint: ec2.InterfaceVpcEndpoint;

  /** The VPC of the endpoint. */
  public readonly vpc: ec2.IVpc;

  constructor(scope: Construct, id: string, props: SecretsManagerEndpointProps) {
    const subnets = validateEndpointProps(futurePath(scope, id), props, (vpc) => findEndpoints(vpc).own);
    super(scope, id);
    this.vpc = props.vpc;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Secrets Manager interface endpoint: HTTPS from the named peers only',
      // The endpoint's network interfaces only answer; security groups are stateful.
      allowAllOutbound: false,
    });
    this.securityGroup = securityGroup;

    this.endpoint = new ec2.InterfaceVpcEndpoint(this, 'Resource', {
      vpc: props.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets,
      securityGroups: [securityGroup],
      // Not a prop: without private DNS, SDKs and hosted rotation functions call the public
      // endpoint (through a NAT, or not at all), and aws:SourceVpce conditions refuse them.
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html
      privateDnsEnabled: true,
      // aws-cdk-lib's default (open) allows the VPC CIDR, an unresolved token for most VPCs.
      open: false,
    });
    this.vpcEndpointId = this.endpoint.vpcEndpointId;
    this.connections = this.endpoint.connections;

    for (const statement of endpointPolicy(this, props)) {
      this.endpoint.addToPolicy(statement);
    }
    for (const peer of props.allowFrom ?? []) {
      this.allowFrom(peer);
    }
    this.node.addValidation({ validate: () => this.validateOnePerVpc() });
  }

  /**
   * Applies the removal policy to the endpoint resource.
   *
   * @param policy what happens to the endpoint when it leaves the stack
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.endpoint.applyRemovalPolicy(policy);
  }

  /** A reference to the endpoint. */
  public get vpcEndpointRef(): ec2.VPCEndpointReference {
    return this.endpoint.vpcEndpointRef;
  }

  /**
   * Allows `peer` to reach the endpoint on TCP 443 (an ingress rule on the endpoint's security
   * group and, for a security group peer, an egress rule on the peer's).
   *
   * When the peer's security group is in another stack than the endpoint (the VPC and endpoint in
   * a network stack, the function in an application stack), both rules are made in the peer's
   * stack, which then depends on the endpoint's stack and not the other way round.
   *
   * @param peer a security group, or anything with `connections` (a function, a cluster, a hosted rotation)
   * @param description the rule's description
   * @default description - 'Secrets Manager API from <peer path>'
   */
  public allowFrom(peer: ec2.IConnectable, description?: string): void {
    const v = new PropsValidator(this);
    validatePeer(v, 'allowFrom', peer);
    const text = description ?? `Secrets Manager API from ${peerName(peer)}`;
    if (description !== undefined && isResolved(description)) {
      v.check(RULE_DESCRIPTION.test(description), 'allowFrom description', description,
        '1 to 255 of a-z A-Z 0-9 . _ - : / ( ) # , @ [ ] + = & ; { } ! $ * and space');
    }
    v.throwIfInvalid();
    allowPeer(this, peer, description === undefined ? ruleDescription(text) : text);
  }

  private validateOnePerVpc(): string[] {
    const stack = Stack.of(this);
    const mine = this.endpoint.node.defaultChild as ec2.CfnVPCEndpoint;
    const vpcId = JSON.stringify(stack.resolve(mine.vpcId));
    const others = this.node.root.node.findAll()
      .filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint && c !== mine)
      .filter((c) => isSecretsManagerWithPrivateDns(c) && sameVpc(c, stack, vpcId, mine.vpcId));
    return others.map((c) =>
      `${c.node.path} is a second Secrets Manager interface endpoint with private DNS in the VPC of ${this.node.path}: it would fail to ` +
      "deploy ('private-dns-enabled cannot be set because there is already a conflicting DNS domain'). Use SecretsManagerEndpoint.of(vpc).");
  }
}

/** The allow statements of the endpoint policy. */
function endpointPolicy(scope: Construct, props: SecretsManagerEndpointProps): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const actions = props.allowedActions ?? WORKLOAD_ACTIONS;
  // Callers of this account, or of this organisation; whether they may do what they ask is then
  // decided by their own and the secret's policies.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
  const conditions = props.principalOrgId !== undefined
    ? { StringEquals: { 'aws:PrincipalOrgID': props.principalOrgId } }
    : { StringEquals: { 'aws:PrincipalAccount': stack.account } };
  const statement = (sid: string, list: string[], resources: string[]) => new iam.PolicyStatement({
    sid,
    principals: [new iam.AnyPrincipal()],
    actions: list,
    resources,
    conditions,
  });
  if (props.secrets === undefined) {
    return [statement('AllowSecretsManagerForThisAccount', [...actions], ['*'])];
  }
  const unscoped = actions.filter((a) => UNSCOPED_ACTIONS.includes(a));
  const scoped = actions.filter((a) => !UNSCOPED_ACTIONS.includes(a));
  const arns = props.secrets.map((s) => s.secretFullArn ?? `${s.secretArn}-??????`);
  return [
    ...(scoped.length > 0 ? [statement('AllowNamedSecretsForThisAccount', scoped, arns)] : []),
    ...(unscoped.length > 0 ? [statement('AllowUnscopedActionsForThisAccount', unscoped, ['*'])] : []),
  ];
}

/**
 * Lets `peer` reach `endpoint` on its default port (443).
 *
 * When a security group of the peer is in another stack than the endpoint's, the rules are made
 * from the peer's side: aws-cdk-lib then places the ingress rule that names the peer's group in
 * the peer's stack (a `CfnSecurityGroupIngress` there), so only the peer's stack references the
 * endpoint's. From the endpoint's side the ingress rule would stay in the endpoint's stack and
 * name the peer's group: with the endpoint in a network stack and the peer in an application stack
 * that depends on it, a dependency cycle. Within one stack the endpoint's side is used, which
 * gives the same rules without aws-cdk-lib's warning for peers that allow all outbound traffic.
 */
function allowPeer(endpoint: ec2.IInterfaceVpcEndpoint, peer: ec2.IConnectable, description: string): void {
  const port = endpoint.connections.defaultPort ?? ec2.Port.tcp(443);
  const stacks = new Set(endpoint.connections.securityGroups.map((g) => Stack.of(g)));
  if (peer.connections.securityGroups.some((g) => !stacks.has(Stack.of(g)))) {
    peer.connections.allowTo(endpoint, port, description);
  } else {
    endpoint.connections.allowFrom(peer, port, description);
  }
}

/**
 * The Secrets Manager endpoints made in the app for `vpc`: the `SecretsManagerEndpoint` made for
 * it, and any other (aws-cdk-lib) Secrets Manager interface endpoint in it.
 */
function findEndpoints(vpc: ec2.IVpc): { own?: SecretsManagerEndpoint; other?: ec2.InterfaceVpcEndpoint } {
  const stack = Stack.of(vpc);
  const vpcId = JSON.stringify(stack.resolve(vpc.vpcId));
  let own: SecretsManagerEndpoint | undefined;
  let other: ec2.InterfaceVpcEndpoint | undefined;
  // The app's tree is the registry: one walk finds ours and any other Secrets Manager endpoint.
  for (const c of vpc.node.root.node.findAll()) {
    if (c instanceof SecretsManagerEndpoint) {
      own = own ?? (c.vpc === vpc ? c : undefined);
    } else if (other === undefined && c instanceof ec2.InterfaceVpcEndpoint && !(c.node.scope instanceof SecretsManagerEndpoint)) {
      const cfn = c.node.defaultChild as ec2.CfnVPCEndpoint;
      other = isSecretsManager(cfn) && sameVpc(cfn, stack, vpcId, vpc.vpcId) ? c : undefined;
    }
  }
  return { own, other };
}

function isSecretsManager(cfn: ec2.CfnVPCEndpoint): boolean {
  return /\.secretsmanager(-fips)?"?$|\.secretsmanager(-fips)?\b/.test(JSON.stringify(Stack.of(cfn).resolve(cfn.serviceName)));
}

function isSecretsManagerWithPrivateDns(cfn: ec2.CfnVPCEndpoint): boolean {
  return isSecretsManager(cfn) && Stack.of(cfn).resolve(cfn.privateDnsEnabled) === true;
}

/** Whether `cfn` is in the VPC whose resolved id (in `stack`) is `vpcId`; literal ids compare across stacks. */
function sameVpc(cfn: ec2.CfnVPCEndpoint, stack: Stack, vpcId: string, rawVpcId: string): boolean {
  const other = Stack.of(cfn);
  if (isResolved(rawVpcId) && isResolved(cfn.vpcId)) {
    return rawVpcId === cfn.vpcId;
  }
  return other === stack && JSON.stringify(other.resolve(cfn.vpcId)) === vpcId;
}
