import { Annotations, Token, TokenComparison } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { SecretsManagerEndpoint } from './secrets-manager-endpoint';
import { PropsValidator } from '../private/validation';

/** How a rotation function calls Secrets Manager (internal): what the endpoint checks need to know. */
export interface RotationNetwork {
  /** The rotation function, as messages name it. */
  readonly name: string;
  /** Whether it runs in a VPC; `undefined` when that cannot be known (an imported function). */
  readonly inVpc?: boolean;
  /** The Secrets Manager endpoint its calls go through, when known. */
  readonly endpoint?: ec2.IInterfaceVpcEndpoint;
  /**
   * True when it runs in a VPC where the library found no Secrets Manager endpoint to let it into
   * (none given, none made for the VPC in the app before it): it calls through the VPC's routes.
   */
  readonly withoutEndpoint?: boolean;
}

/** The prop of `HardenedSecret` these checks are about. */
const PROP = 'requireVpcEndpoint';

/**
 * Checks that rotation can still read the secret once reads are denied outside `endpoints`:
 * the rotation function must call through one of them.
 *
 * - hosted rotation outside a VPC calls from Secrets Manager's own network: an error;
 * - a `RotationFunction` or hosted rotation whose endpoint is known to be another one: an error;
 * - one that has no endpoint (none given, none made for its VPC before it): an error when every
 *   listed endpoint is made in the app (it is not let into them), else a warning;
 * - a function that cannot be inspected (imported): a warning.
 *
 * @param secret the secret, for messages and warnings
 * @param endpoints the value of `requireVpcEndpoint`
 * @param network how the rotation reaches Secrets Manager; undefined without rotation
 */
export function checkRotationThroughEndpoints(secret: IConstruct, endpoints: ec2.IVpcEndpoint[], network?: RotationNetwork): void {
  if (network === undefined) {
    return;
  }
  const v = new PropsValidator(secret);
  if (network.inVpc === false) {
    v.fail(PROP, describe(endpoints),
      `endpoints that ${network.name} can call through: it does not run in a VPC, so every read it makes would be denied ` +
      '(give the hosted rotation or function a vpc, whose Secrets Manager endpoint it then uses)');
  } else if (network.withoutEndpoint === true) {
    if (endpoints.every((e) => cfnOf(e) !== undefined)) {
      v.fail(PROP, describe(endpoints),
        `endpoints that ${network.name} can call through, but it has no Secrets Manager endpoint (none given, none made for its VPC ` +
        'before it), so it is let into none of them and every read it makes would be denied (make the endpoint of its VPC with ' +
        'SecretsManagerEndpoint.of(vpc) before the rotation; a RotationFunction may instead be given secretsManagerEndpoint)');
    } else {
      Annotations.of(secret).addWarningV2('cdk-hardened-secrets:require-vpc-endpoint-rotation',
        `${network.name} has no Secrets Manager endpoint made in this app: make sure its security groups may reach one of the ` +
        'requireVpcEndpoint endpoints, with private DNS in its VPC, or rotation fails.');
    }
  } else if (network.endpoint !== undefined) {
    const known = endpoints.map((e) => sameEndpoint(e, network.endpoint!));
    if (known.every((k) => k === false)) {
      v.fail(PROP, describe(endpoints),
        `a list that includes the endpoint ${network.name} calls through (${network.endpoint.node.path}), or its reads would be denied`);
    } else if (!known.includes(true)) {
      Annotations.of(secret).addWarningV2('cdk-hardened-secrets:require-vpc-endpoint-rotation',
        `${network.name} calls Secrets Manager through ${network.endpoint.node.path}, which cannot be matched with requireVpcEndpoint ` +
        'at synth time: if it is not one of them, rotation fails.');
    }
  } else if (network.inVpc === undefined) {
    Annotations.of(secret).addWarningV2('cdk-hardened-secrets:require-vpc-endpoint-rotation',
      `requireVpcEndpoint denies reading the secret outside the listed endpoints: make sure ${network.name} runs in a VPC ` +
      'where one of them has private DNS, or rotation fails.');
  }
  v.throwIfInvalid();
}

/**
 * Fails when reads are limited to VPC endpoints and the secret is replicated.
 *
 * Secrets Manager replicates the secret's resource policy to every replica; VPC endpoints are
 * regional, so a read of a replica goes through an endpoint of the replica's region and never
 * carries the `aws:SourceVpce` of one of the listed endpoints: every replica read would be denied.
 *
 * @param v the validator of the secret
 * @param endpoints the value of `requireVpcEndpoint`
 * @param replicaRegions the regions the secret is (or is about to be) replicated to
 * @param replicaProp the prop or method that replicates: `replicaRegions` or `addReplicaRegion`
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
 */
export function validateNoReplicas(
  v: PropsValidator,
  endpoints: ec2.IVpcEndpoint[] | undefined,
  replicaRegions: string[],
  replicaProp: string,
): void {
  if (endpoints === undefined || replicaRegions.length === 0) {
    return;
  }
  v.fail(`${PROP} with ${replicaProp}`, `${describe(endpoints)} with [${replicaRegions.join(', ')}]`,
    'one of the two: Secrets Manager replicates the resource policy to every replica, and VPC endpoints are regional, so a read of ' +
    'a replica never carries the aws:SourceVpce of an endpoint of this region and every replica read would be denied ' +
    '(https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html). Keep requireVpcEndpoint on an ' +
    'unreplicated secret, or replicate without it');
}

/** Validates the value of `requireVpcEndpoint` into `v`. */
export function validateRequiredEndpoints(v: PropsValidator, endpoints: ec2.IVpcEndpoint[] | undefined): void {
  if (endpoints === undefined) {
    return;
  }
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    v.fail(PROP, Array.isArray(endpoints) ? '[]' : endpoints, 'one or more VPC endpoints (e.g. SecretsManagerEndpoint.of(vpc)), or omit the prop');
    return;
  }
  endpoints.forEach((e, i) => {
    if (e === undefined || e === null || typeof e.vpcEndpointId !== 'string') {
      v.fail(`${PROP}[${i}]`, e === undefined ? undefined : 'not a VPC endpoint', 'a VPC endpoint');
    }
  });
}

/**
 * Whether two endpoints are the same: `true`, `false` (certainly different), or `undefined`
 * (tokens that cannot be compared at synth time).
 */
function sameEndpoint(a: ec2.IVpcEndpoint, b: ec2.IVpcEndpoint): boolean | undefined {
  if (a === b) {
    return true;
  }
  const cfnA = cfnOf(a);
  const cfnB = cfnOf(b);
  if (cfnA !== undefined && cfnB !== undefined) {
    return cfnA === cfnB;
  }
  const comparison = Token.compareStrings(a.vpcEndpointId, b.vpcEndpointId);
  if (comparison === TokenComparison.SAME) {
    return true;
  }
  return comparison === TokenComparison.DIFFERENT ? false : undefined;
}

/** The endpoint resource behind an endpoint made in the app. */
function cfnOf(endpoint: ec2.IVpcEndpoint): ec2.CfnVPCEndpoint | undefined {
  const owner = endpoint instanceof SecretsManagerEndpoint ? endpoint.endpoint : endpoint;
  const child = owner.node.defaultChild;
  return child instanceof ec2.CfnVPCEndpoint ? child : undefined;
}

function describe(endpoints: ec2.IVpcEndpoint[]): string {
  return `[${endpoints.map((e) => e.node.path).join(', ')}]`;
}
