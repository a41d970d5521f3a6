/**
 * README example: an API token that rotates itself every 7 days with the built-in rotator.
 *
 * The token is one field of a JSON secret (`{"client":"orders","token":"..."}`); the consumers
 * read it with `grantRead` and accept the previous value until the next rotation.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataClassification, HardenedSecret, RotationCode, RotationFunction, SecretRotationPolicy } from '../../src';

/** The id (and CloudFormation name) of the example stack. */
export const API_TOKEN_STACK_NAME = 'ApiTokenRotationExample';

/** Builds the example stack in `app`. */
export function buildApiTokenApp(app: App = new App()): { app: App; stack: Stack; secret: HardenedSecret; rotation: RotationFunction } {
  const stack = new Stack(app, API_TOKEN_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });

  // The platform team's VPC: private subnets without internet access.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  // Secrets Manager stays reachable from the subnets, and secret values stay in the VPC.
  const endpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    open: false,
  });

  // The built-in rotator: a new 48-character token, letters and digits, in the `token` field.
  const rotation = new RotationFunction(stack, 'TokenRotation', {
    vpc, // required: Control Tower forbids functions outside a VPC
    secretsManagerEndpoint: endpoint, // the function reaches Secrets Manager on 443 only
    code: RotationCode.randomValue({
      passwordPolicy: { passwordLength: 48, excludePunctuation: true },
      field: 'token', // rotate one field of a JSON secret
    }),
  });

  const secret = new HardenedSecret(stack, 'ApiToken', {
    secretName: 'prod/orders/webhook-token',
    environment: 'prod',
    owner: 'orders-team',
    dataClassification: DataClassification.CONFIDENTIAL,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ client: 'orders' }),
      generateStringKey: 'token',
      excludePunctuation: true,
      passwordLength: 48,
    },
    rotation: SecretRotationPolicy.custom(rotation, { automaticallyAfter: Duration.days(7) }),
  });

  return { app, stack, secret, rotation };
}
