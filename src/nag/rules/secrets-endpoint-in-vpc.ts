import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { broadSecretsManagedPolicy, grants, statements } from '../../analysis/policy';
import { heldDocuments } from '../../analysis/resources';
import { ResourceView, TemplateIndex, asArray, isObject } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A function in a VPC that reads secrets has a Secrets Manager interface endpoint in that VPC. */
export const SecretsEndpointInVpc: SecretsRule = {
  name: 'SecretsEndpointInVpc',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::Lambda::Function'],
  requirement: 'A Lambda function in a VPC whose role may read secrets has a Secrets Manager interface VPC endpoint in the same VPC.',
  controls: 'SOC 2 CC6.6; PCI DSS 4.0 1.4, 4.2.1; NIST 800-53 SC-7, AC-4',
  fix: 'CloudFormation: add an AWS::EC2::VPCEndpoint with ServiceName com.amazonaws.<region>.secretsmanager, VpcEndpointType Interface and PrivateDnsEnabled: true in the function\'s VPC. CDK: SecretsManagerEndpoint, or vpc.addInterfaceEndpoint with InterfaceVpcEndpointAwsService.SECRETS_MANAGER.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const fn = index.view(node);
    const vpcConfig = fn.properties.VpcConfig;
    if (!isObject(vpcConfig) || asArray(vpcConfig.SubnetIds).length === 0) {
      return [];
    }
    const role = index.target(fn.properties.Role);
    if (!role || !readsSecrets(role, index)) {
      return [];
    }
    const endpoints = index
      .ofType('AWS::EC2::VPCEndpoint')
      .filter(e => /secretsmanager/.test(flatten(e.properties.ServiceName, index).text));
    const vpc = vpcOf(asArray(vpcConfig.SubnetIds), index);
    const found = vpc === undefined
      ? endpoints.length > 0
      : endpoints.some(e => { const id = index.targetId(e.properties.VpcId); return id === undefined || id === vpc; });
    if (found) {
      return [];
    }
    return [finding(`the function runs in ${vpc ? `VPC ${vpc}` : 'a VPC'} and its role reads secrets, but no Secrets Manager interface endpoint is in that VPC, so secret values leave it through a NAT or fail.`)];
  },
};

function readsSecrets(role: ResourceView, index: TemplateIndex): boolean {
  const managed = asArray(role.properties.ManagedPolicyArns).map(arn => flatten(arn, index).text);
  if (managed.some(arn => broadSecretsManagedPolicy(arn) !== undefined)) {
    return true;
  }
  const docs = [...heldDocuments(role), ...index.policiesOf(role.logicalId).flatMap(heldDocuments)];
  return docs.some(d => statements(d.document, index).some(s => s.effect === 'Allow' && grants(s, 'secretsmanager:GetSecretValue')));
}

function vpcOf(subnets: unknown[], index: TemplateIndex): string | undefined {
  for (const s of subnets) {
    const subnet = index.target(s);
    const vpc = subnet ? index.targetId(subnet.properties.VpcId) : undefined;
    if (vpc) {
      return vpc;
    }
  }
  return undefined;
}
