import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { packFindings } from './nag/pack-helpers';
import { acknowledgements, controlTowerViolations, nagFindings } from './nag-helpers';
import { buildPrivateSecretsApp, PRIVATE_SECRETS_STACK_NAME, PrivateSecretsExample } from '../examples/network/private-secrets';

describe('examples/network/private-secrets.ts', () => {
  let built: PrivateSecretsExample;
  let template: Template;

  beforeAll(() => {
    // GIVEN the example, built once
    built = buildPrivateSecretsApp(new App());
    template = Template.fromStack(built.stack);
  });

  test('the five cdk-nag packs and the Control Tower controls report nothing', () => {
    expect(nagFindings(built.stack)).toEqual([]);
    expect(controlTowerViolations(built.stack)).toEqual([]);
  });

  test('SecretsManagerChecks reports nothing once the monitoring is declared', () => {
    expect(packFindings(built.stack, { externalMonitor: 'Organisation trail with Secrets Manager alarms' })).toEqual([]);
  });

  test('the only acknowledgements are those of the RotationFunction', () => {
    const fn = `${PRIVATE_SECRETS_STACK_NAME}/PasswordRotation/Function/Resource`;
    const policy = `${PRIVATE_SECRETS_STACK_NAME}/PasswordRotation/Role/UnscopedPolicy/Resource`;
    expect(acknowledgements(built.stack).map(({ path, rule }) => [path, rule])).toEqual([
      [fn, 'AwsSolutions-L1'],
      [fn, 'HIPAA.Security-LambdaDLQ'],
      [fn, 'NIST.800.53.R5-LambdaDLQ'],
      [fn, 'Serverless-LambdaDLQ'],
      [fn, 'Serverless-LambdaLatestVersion'],
      [policy, 'AwsSolutions-IAM5[Resource::*]'],
      [policy, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]'],
    ]);
  });

  test('one endpoint, with private DNS, reached by the application and the rotation function only', () => {
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { PrivateDnsEnabled: true, VpcId: 'vpc-0123456789abcdef0' });
    expect(built.rotation.secretsManagerEndpoint).toBe(built.endpoint);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress.map((r) => [r.SourceSecurityGroupId, r.FromPort, r.Description])).toEqual([
      ['sg-0123456789abcdef0', 443, 'Orders application reads its database password'],
      [{ 'Fn::GetAtt': [expect.stringMatching(/^PasswordRotationSecurityGroup/), 'GroupId'] }, 443, `Secrets Manager API from rotation function ${PRIVATE_SECRETS_STACK_NAME}/PasswordRotation`],
    ]);
  });

  test('the password can be read only through the endpoint', () => {
    const [policy] = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy'));
    const deny = policy.Properties.ResourcePolicy.Statement.find((s: { Sid: string }) => s.Sid === 'DenyReadOutsideVpcEndpoint');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Action: 'secretsmanager:GetSecretValue',
      Condition: { StringNotEquals: { 'aws:SourceVpce': [built.stack.resolve(built.endpoint.vpcEndpointId)] } },
    });
  });

  test('no warnings', () => {
    Annotations.fromStack(built.stack).hasNoWarning('*', Match.anyValue());
  });
});
