/**
 * README example: secrets that can only be read from inside the VPC.
 *
 * The VPC's Secrets Manager endpoint lets the application's security group in on port 443, and
 * only principals of this account through. The database password can only be read through that
 * endpoint: credentials copied out of the VPC are refused. Its rotation function reaches Secrets
 * Manager through the same endpoint, found automatically. (The application's role is granted
 * read access where it is defined, with `secret.grantRead(role)`.)
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataClassification, HardenedSecret, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';

/** The id (and CloudFormation name) of the example stack. */
export const PRIVATE_SECRETS_STACK_NAME = 'PrivateSecretsExample';

/** What the example builds. */
export interface PrivateSecretsExample {
  readonly app: App;
  readonly stack: Stack;
  readonly endpoint: SecretsManagerEndpoint;
  readonly secret: HardenedSecret;
  readonly rotation: RotationFunction;
  readonly appSecurityGroup: ec2.ISecurityGroup;
}

/** Builds the example stack in `app`. */
export function buildPrivateSecretsApp(app: App = new App()): PrivateSecretsExample {
  const stack = new Stack(app, PRIVATE_SECRETS_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });

  // The platform team's VPC: isolated subnets, no route to the internet.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  const appSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'AppSecurityGroup', 'sg-0123456789abcdef0');

  // The one Secrets Manager endpoint of the VPC: private DNS, HTTPS from the application only.
  const endpoint = SecretsManagerEndpoint.of(vpc);
  endpoint.allowFrom(appSecurityGroup, 'Orders application reads its database password');

  // Rotates the password; reaches Secrets Manager through the endpoint above without being told.
  const rotation = new RotationFunction(stack, 'PasswordRotation', { vpc });

  const secret = new HardenedSecret(stack, 'DatabasePassword', {
    secretName: 'prod/orders/db-password',
    environment: 'prod',
    owner: 'orders-team',
    dataClassification: DataClassification.RESTRICTED,
    rotation: SecretRotationPolicy.custom(rotation),
    // Reads that do not come through this endpoint are denied, whoever asks.
    requireVpcEndpoint: [endpoint],
  });

  return { app, stack, endpoint, secret, rotation, appSecurityGroup };
}
