import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { flatten, literalText } from '../../analysis/values';
import { RuleContext, SecretsRule, finding, unproven } from '../rule';

/** A named secret follows the naming convention. */
export const SecretNameConvention: SecretsRule = {
  name: 'SecretNameConvention',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'A secret Name matches the naming convention (default <environment>/<application>/<name>), which IAM conditions and audits rely on.',
  controls: 'SOC 2 CC6.1; NIST 800-53 CM-8, AC-6',
  fix: 'CloudFormation: set Name to <environment>/<application>/<name> (a new Name replaces the secret: copy the value first), or set secretNamePattern to your convention. CDK: secretName on HardenedSecret.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const name = index.view(node).properties.Name;
    if (name === undefined) {
      return []; // CloudFormation generates a unique name
    }
    const flat = flatten(name, index);
    if (!flat.fullyLiteral) {
      return [unproven(`the Name cannot be checked against the convention: ${flat.unknownBecause ?? 'part of it is a reference resolved at deploy time'}.`)];
    }
    const text = literalText(flat);
    return context.options.namePattern.test(text)
      ? []
      : [finding(`the Name '${text}' does not match ${context.options.namePattern.source}.`)];
  },
};
