import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { literalCredentialKeys } from '../../analysis/credentials';
import { TemplateIndex, isObject } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule, finding, unproven } from '../rule';

/** A secret's value is not written into the template. */
export const NoLiteralSecretString: SecretsRule = {
  name: 'NoLiteralSecretString',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'SecretString is not a literal: the value is generated (GenerateSecretString), a dynamic reference, or a reference to a NoEcho parameter without a default; '
    + 'GenerateSecretString.SecretStringTemplate writes no credential field literally.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2, 3.5.1; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: replace SecretString with GenerateSecretString, or with a Ref to a NoEcho parameter without a Default, or a dynamic reference ({{resolve:...}}); then rotate the exposed value. CDK: let HardenedSecret generate the value, or pass a SecretValue of a NoEcho CfnParameter.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const properties = index.view(node).properties;
    const value = properties.SecretString;
    if (value === undefined) {
      return templateFindings(properties.GenerateSecretString, index);
    }
    const flat = flatten(value, index);
    if (flat.fullyLiteral) {
      return [finding('SecretString holds literal text, so the secret value is in the template, the cloud assembly and every copy of them.', 'SecretString')];
    }
    if (flat.kind === 'unknown' && !flat.fromNoEchoParameters) {
      // A NoEcho parameter is the way to pass a value in; anything else the template does not
      // show (an import, a parameter that is echoed) cannot be proven safe.
      return [unproven(`SecretString cannot be proven free of a plain-text value: ${flat.unknownBecause}; pass it as a NoEcho parameter or generate it.`)];
    }
    // Partly references: literal credential fields in a JSON value still leak.
    const keys = literalCredentialKeys(flat.text);
    if (keys.length > 0) {
      return [finding(`SecretString writes ${keys.map(k => `'${k}'`).join(', ')} as literal text, so that value is in the template and every copy of it.`, 'SecretString')];
    }
    return [];
  },
};

/**
 * A credential field written into `GenerateSecretString.SecretStringTemplate`
 * (`{"username":"admin","password":"hunter2"}`): the template's fields are stored as written,
 * so that value is in the template however strong the generated one is.
 */
function templateFindings(generate: unknown, index: TemplateIndex): RuleFinding[] {
  if (!isObject(generate) || generate.SecretStringTemplate === undefined) {
    return [];
  }
  const keys = literalCredentialKeys(flatten(generate.SecretStringTemplate, index).text);
  return keys.length === 0 ? [] : [finding(
    `GenerateSecretString.SecretStringTemplate writes ${keys.map(k => `'${k}'`).join(', ')} as literal text, so that value is in the template and every copy of it.`,
    'GenerateSecretString.SecretStringTemplate',
  )];
}
