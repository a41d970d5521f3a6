import { createHash } from 'crypto';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** The id of the VPC `importedVpc` imports unless told another. */
export const VPC_ID = 'vpc-0123456789abcdef0';

/** The two isolated subnets of the VPC `VPC_ID`. */
export const ISOLATED_SUBNET_IDS: readonly string[] = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];

/**
 * The isolated subnets of the imported VPC `vpcId`: `ISOLATED_SUBNET_IDS` for `VPC_ID`, and for any
 * other VPC two subnet ids of EC2's format derived from its id, so that two VPCs never share a subnet.
 */
export function isolatedSubnetIds(vpcId: string = VPC_ID): string[] {
  if (vpcId === VPC_ID) {
    return [...ISOLATED_SUBNET_IDS];
  }
  const hex = (suffix: string) => createHash('sha256').update(`${vpcId}/${suffix}`).digest('hex').slice(0, 17);
  return [`subnet-${hex('a')}`, `subnet-${hex('b')}`];
}

/**
 * An existing VPC imported by id (`Vpc.fromVpcAttributes`) with two isolated subnets in eu-west-1a
 * and eu-west-1b, their route tables and the CIDR range 10.0.0.0/16. It adds no resource to the
 * template: a VPC made by the test would bring findings of its own into the compliance tests.
 *
 * @param scope the stack (or construct) to import it into
 * @param id the construct id, unique in `scope`
 * @param vpcId the VPC id; a second VPC of the same stack needs another id
 */
export function importedVpc(scope: Construct, id = 'Vpc', vpcId: string = VPC_ID): ec2.IVpc {
  const subnets = isolatedSubnetIds(vpcId);
  return ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId,
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: subnets,
    isolatedSubnetRouteTableIds: subnets.map((s) => s.replace(/^subnet-/, 'rtb-')),
  });
}

/**
 * A plain Secrets Manager interface endpoint in `vpc` (`vpc.addInterfaceEndpoint`, not opened to the
 * VPC's CIDR range), the one a `RotationFunction` is given as `secretsManagerEndpoint`.
 */
export function secretsManagerInterfaceEndpoint(vpc: ec2.IVpc, id = 'SecretsManagerEndpoint'): ec2.InterfaceVpcEndpoint {
  return vpc.addInterfaceEndpoint(id, { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, open: false });
}
