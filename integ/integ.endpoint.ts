/**
 * Integration snapshot: the Secrets Manager endpoint of a VPC without internet access, a secret
 * that can only be read through it, and the rotation function that reaches it automatically.
 * `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataClassification, HardenedSecret, RotationCode, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../src';

const app = new App();
const stack = new Stack(app, 'EndpointInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  restrictDefaultSecurityGroup: false,
});

// The application's security group: the one peer, besides the rotation function, allowed in.
const application = new ec2.SecurityGroup(stack, 'Application', {
  vpc,
  description: 'Orders application',
  allowAllOutbound: false,
});

const endpoint = SecretsManagerEndpoint.of(vpc);
endpoint.allowFrom(application, 'Orders application reads its API token');

const rotation = new RotationFunction(stack, 'TokenRotation', {
  vpc,
  code: RotationCode.randomValue({ passwordPolicy: { passwordLength: 48, excludePunctuation: true } }),
});
new HardenedSecret(stack, 'ApiToken', {
  secretName: 'integ/orders/private-token',
  environment: 'integ',
  owner: 'orders-team',
  dataClassification: DataClassification.RESTRICTED,
  rotation: SecretRotationPolicy.custom(rotation, { automaticallyAfter: Duration.days(7) }),
  requireVpcEndpoint: [endpoint],
});

const integ = new IntegTest(app, 'EndpointIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
