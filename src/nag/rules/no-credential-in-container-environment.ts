import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asArray, isObject } from '../../analysis/template-index';
import { RuleContext, SecretsRule } from '../rule';
import { NamedValue, literalCredentialFindings } from './common';

/** No ECS or Batch container environment variable holds a literal credential. */
export const NoCredentialInContainerEnvironment: SecretsRule = {
  name: 'NoCredentialInContainerEnvironment',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::ECS::TaskDefinition', 'AWS::Batch::JobDefinition'],
  requirement: 'No container Environment entry whose name looks like a credential holds a literal value (use the container Secrets list instead).',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: move the entry from the container\'s Environment to its Secrets (Name, ValueFrom: the secret\'s ARN), with the execution role allowed secretsmanager:GetSecretValue on it; rotate the exposed value. CDK: ecs.Secret.fromSecretsManager(secret) in the container\'s secrets.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const props = index.view(node).properties;
    const pairs: NamedValue[] = [];
    const containers: [unknown, string][] = node.cfnResourceType === 'AWS::ECS::TaskDefinition'
      ? asArray(props.ContainerDefinitions).map((c, i) => [c, `ContainerDefinitions[${i}]`])
      : [[props.ContainerProperties, 'ContainerProperties']];
    for (const [container, at] of containers) {
      if (!isObject(container)) {
        continue;
      }
      for (const entry of asArray(container.Environment).filter(isObject)) {
        if (typeof entry.Name === 'string') {
          pairs.push({ name: entry.Name, value: entry.Value, path: `${at}.Environment.${entry.Name}` });
        }
      }
    }
    return literalCredentialFindings(pairs, index, 'container environment variable');
  },
};
