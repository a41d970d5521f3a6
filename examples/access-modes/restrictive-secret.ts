/**
 * A secret only the principals the app knows can touch: the restrictive access mode.
 *
 * The resource policy denies every Secrets Manager action to every principal but the secret's
 * readers and writers (granted through it, here before and after the policy is written), its
 * rotation role, and its break-glass and deployment roles; the secret's key refuses use to the
 * others alike. An administrator of the account cannot read it. test/examples.test.ts runs the
 * packs on it; test/prowler runs Prowler's secretsmanager_has_restrictive_resource_policy check.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedSecret, RotationFunction, SecretAccessMode, SecretRotationPolicy } from '../../src';
import { ManagedPolicyRole } from '../shared/managed-policy-role';

/** The id (and CloudFormation name) of the example stack. */
export const RESTRICTIVE_STACK_NAME = 'RestrictiveSecretExample';

/** The organisation whose principals alone may use the secret. */
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';

/** Builds the example stack in `app`. */
export function buildRestrictiveSecretApp(app: App = new App()) {
  const stack = new Stack(app, RESTRICTIVE_STACK_NAME, { env: { account: '111111111111', region: 'eu-west-1' } });
  // The platform team's VPC (isolated subnets) and its Secrets Manager endpoint.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
  });
  const endpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, open: false });
  const rotation = new RotationFunction(stack, 'TokenRotation', { vpc, secretsManagerEndpoint: endpoint });
  // The organisation's break-glass role, managed outside the app.
  const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');
  const orders = new ManagedPolicyRole(stack, 'OrdersTask', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

  const token = new HardenedSecret(stack, 'PartnerToken', {
    secretName: 'prod/orders/partner-token',
    environment: 'prod',
    owner: 'orders-team',
    rotation: SecretRotationPolicy.custom(rotation, { automaticallyAfter: Duration.days(7) }),
    breakGlassRoles: [breakGlass],
    readers: [orders],
    accessMode: SecretAccessMode.restrictive({ organizationId: ORGANIZATION_ID }),
  });

  // Granted after the secret was made: the restrictive policy, rendered at synthesis, lists it too.
  const billing = new ManagedPolicyRole(stack, 'BillingTask', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  token.grantRead(billing);

  return { app, stack, token, rotation, orders, billing, breakGlass };
}
