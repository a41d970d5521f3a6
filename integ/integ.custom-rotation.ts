/**
 * Integration snapshot: custom rotation with RotationFunction. A VPC without internet access and
 * its Secrets Manager endpoint; an API token rotated by the built-in random-value rotator (one
 * JSON field, weekly) and a partner credential rotated by a user rotator bundled from its entry.
 * `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataClassification, HardenedSecret, RotationCode, RotationFunction, SecretRotationPolicy } from '../src';

const app = new App();
const stack = new Stack(app, 'CustomRotationInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  restrictDefaultSecurityGroup: false,
});
const endpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
  service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  open: false,
});

const tokenRotation = new RotationFunction(stack, 'TokenRotation', {
  vpc,
  secretsManagerEndpoint: endpoint,
  code: RotationCode.randomValue({ passwordPolicy: { passwordLength: 48, excludePunctuation: true }, field: 'token' }),
});
new HardenedSecret(stack, 'ApiToken', {
  secretName: 'integ/orders/webhook-token',
  environment: 'integ',
  owner: 'orders-team',
  dataClassification: DataClassification.CONFIDENTIAL,
  generateSecretString: {
    secretStringTemplate: JSON.stringify({ client: 'orders' }),
    generateStringKey: 'token',
    excludePunctuation: true,
    passwordLength: 48,
  },
  rotation: SecretRotationPolicy.custom(tokenRotation, { automaticallyAfter: Duration.days(7), window: Duration.hours(2) }),
});

const partnerRotation = new RotationFunction(stack, 'PartnerRotation', {
  vpc,
  secretsManagerEndpoint: endpoint,
  code: RotationCode.fromEntry(path.join(__dirname, '..', 'examples', 'rotation', 'api-token-rotator.ts')),
  timeout: Duration.minutes(1),
});
new HardenedSecret(stack, 'PartnerCredential', {
  secretName: 'integ/orders/partner-credential',
  environment: 'integ',
  owner: 'orders-team',
  dataClassification: DataClassification.RESTRICTED,
  generateSecretString: {
    secretStringTemplate: JSON.stringify({ account: 'orders' }),
    generateStringKey: 'token',
    excludePunctuation: true,
  },
  rotation: SecretRotationPolicy.custom(partnerRotation),
});

const integ = new IntegTest(app, 'CustomRotationIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
