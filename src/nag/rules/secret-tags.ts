import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asArray, isObject } from '../../analysis/template-index';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret carries the required tags. */
export const SecretTags: SecretsRule = {
  name: 'SecretTags',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The secret has a non-empty value for every required tag (default: owner, environment, data-classification).',
  controls: 'SOC 2 CC6.1, CC3.2; PCI DSS 4.0 12.5.1; NIST 800-53 CM-8, RA-2',
  fix: 'CloudFormation: add Tags with a non-empty Value for each required key (owner, environment, data-classification) to the AWS::SecretsManager::Secret. CDK: owner, environment and dataClassification on HardenedSecret, or Tags.of(secret).add(key, value).',
  check(node: CfnResource, context: RuleContext) {
    const tags = asArray(context.index(node).view(node).properties.Tags).filter(isObject);
    const missing = context.options.requiredTags.filter(key => !tags.some(t => t.Key === key && t.Value !== undefined && t.Value !== ''));
    return missing.length === 0
      ? []
      : [finding(`the secret has no ${missing.join(', ')} tag${missing.length > 1 ? 's' : ''}, so nobody can tell who owns it or how sensitive it is.`)];
  },
};
