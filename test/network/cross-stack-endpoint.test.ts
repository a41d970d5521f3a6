import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, RotationFunction, SecretRotationPolicy, SecretsManagerEndpoint } from '../../src';
import { newStack } from '../helpers/stacks';

/**
 * A layout that must not make a dependency cycle: the VPC and its endpoint in a network stack, the
 * secrets, the hosted rotation and the RotationFunction in an application stack that uses them.
 */
function networkAndApplication() {
  const app = new App();
  const network = newStack('Net', { app });
  const vpc = new ec2.Vpc(network, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const endpoint = SecretsManagerEndpoint.of(vpc);

  const application = newStack('Db', { app });
  const hosted = new HardenedSecret(application, 'Hosted', {
    rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc })),
  });
  const fn = new RotationFunction(application, 'Rotation', { vpc });
  const custom = new HardenedSecret(application, 'Custom', { rotation: SecretRotationPolicy.custom(fn) });
  return { app, network, application, vpc, endpoint, hosted, fn, custom };
}

describe('an endpoint in a network stack, rotations in an application stack', () => {
  test('the app synthesises: no dependency cycle', () => {
    const { app, network, application } = networkAndApplication();
    expect(() => app.synth()).not.toThrow();
    // The application depends on the network, never the other way round.
    expect(application.dependencies).toEqual([network]);
    expect(network.dependencies).toEqual([]);
  });

  test('the ingress rules naming the rotation groups are in the application stack; the network stack names none of them', () => {
    const { network, application, endpoint, fn, fn: { connections } } = networkAndApplication();
    expect(fn.secretsManagerEndpoint).toBe(endpoint);
    const net = Template.fromStack(network);
    const db = Template.fromStack(application);
    // THEN the network stack has the endpoint and no rule for the application's groups
    net.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    net.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    expect(JSON.stringify(net.toJSON())).not.toContain('Fn::ImportValue');
    // and the application stack lets its two rotation groups into the endpoint's group, on 443
    const endpointGroup = { 'Fn::ImportValue': Match.stringLikeRegexp('^Net:ExportsOutputFnGetAttVpcSecretsManagerEndpointSecurityGroup') };
    db.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    db.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: endpointGroup,
      SourceSecurityGroupId: application.resolve(connections.securityGroups[0].securityGroupId),
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      Description: 'Secrets Manager API from rotation function Db/Rotation',
    });
    db.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: endpointGroup,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HostedRotationSecurityGroup'), 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
      Description: 'Secrets Manager API from the hosted rotation of Db/Hosted',
    });
    // and the function's own group sends HTTPS only to the endpoint
    db.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: application.resolve(connections.securityGroups[0].securityGroupId),
      DestinationSecurityGroupId: endpointGroup,
      FromPort: 443,
      ToPort: 443,
    });
    Annotations.fromStack(application).hasNoWarning('*', Match.stringLikeRegexp('endpoint'));
  });

  test('SecretsManagerEndpoint.allowFrom with a peer of another stack also puts the rule in the peer\'s stack', () => {
    const { app, network, application, vpc, endpoint } = networkAndApplication();
    const worker = new ec2.SecurityGroup(application, 'Worker', { vpc, allowAllOutbound: false });
    endpoint.allowFrom(worker, 'Worker reads its secrets');
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(application).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: application.resolve(worker.securityGroupId),
      Description: 'Worker reads its secrets',
    });
    Template.fromStack(network).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});
