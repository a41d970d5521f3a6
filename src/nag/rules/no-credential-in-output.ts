import { NagMessageLevel } from 'cdk-nag';
import { isCredentialName, isLiteralCredential, referencedIds } from '../../analysis/credentials';
import { TemplateIndex, isObject } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
import { SecretsRule, TemplateElement, finding } from '../rule';

/** Attributes whose value is the credential itself, by resource type. */
const SECRET_ATTRIBUTES: Record<string, string[]> = {
  'AWS::IAM::AccessKey': ['SecretAccessKey'],
  'AWS::AppSync::ApiKey': ['ApiKey'],
  'AWS::Cognito::UserPoolClient': ['ClientSecret'],
};

/** A dynamic reference to a secret value (not `{{resolve:ssm:...}}`, which reads a plain String parameter). */
const SECRET_DYNAMIC_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

/**
 * No output prints a credential. Outputs are shown by the console, `DescribeStacks` and every
 * stack that imports them, and CloudFormation masks nothing there: NoEcho hides a parameter's value
 * in the console and `DescribeStacks`, not in Outputs, Metadata or resource Metadata
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html),
 * and dynamic references are resolved in resource properties, not to be echoed in outputs
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
 * Shapes (access keys, tokens, private keys) in outputs are the shape rules' findings.
 */
export const NoCredentialInOutput: SecretsRule = {
  name: 'NoCredentialInOutput',
  level: NagMessageLevel.ERROR,
  resourceTypes: [],
  sections: ['Outputs'],
  requirement: 'No stack output exposes a credential: a NoEcho parameter, a secretsmanager or ssm-secure dynamic reference, a secret attribute '
    + '(an IAM access key\'s SecretAccessKey, a Cognito client secret, an AppSync API key), or a literal value under a credential name.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2, 3.5.1; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: output the ARN or name of the secret that holds the credential instead, and let consumers read it with secretsmanager:GetSecretValue; rotate the exposed value. CDK: a CfnOutput of secret.secretArn, and secret.grantRead(consumer).',
  check: () => [],
  checkElement: (element, context) => {
    const reason = exposure(element, context.index(element.node));
    return reason === undefined ? [] : [finding(`Value ${reason}, and outputs are shown in plain text to anyone who can describe the stack.`, 'Value')];
  },
};

/** Why the output's value is a credential, or undefined. */
function exposure(element: TemplateElement, index: TemplateIndex): string | undefined {
  const value = element.body.Value;
  const noEcho = [...referencedIds(value)].filter(id => index.parameter(id)?.noEcho === true);
  if (noEcho.length > 0) {
    return `prints NoEcho parameter ${noEcho.join(', ')} (NoEcho does not mask outputs)`;
  }
  if (SECRET_DYNAMIC_REFERENCE.test(JSON.stringify(value ?? ''))) {
    return 'holds a dynamic reference to a secret value';
  }
  const attribute = secretAttribute(value, index);
  if (attribute !== undefined) {
    return `is the ${attribute}`;
  }
  const named = [element.logicalId, isObject(element.body.Export) ? element.body.Export.Name : undefined];
  if (named.some(n => typeof n === 'string' && isCredentialName(n)) && isLiteralCredential(value, index) && flatten(value, index).fullyLiteral) {
    return 'is a literal written under a credential name';
  }
  return undefined;
}

/** `Fn::GetAtt` of an attribute that holds a credential, anywhere in the value. */
function secretAttribute(value: unknown, index: TemplateIndex): string | undefined {
  if (Array.isArray(value)) {
    return value.map(v => secretAttribute(v, index)).find(a => a !== undefined);
  }
  if (!isObject(value)) {
    return undefined;
  }
  const getAtt = value['Fn::GetAtt'];
  if (getAtt !== undefined) {
    const [id, attribute] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split(/\.(.*)/s) : [];
    const type = typeof id === 'string' ? index.resource(id)?.type : undefined;
    if (type !== undefined && typeof attribute === 'string'
      && ((SECRET_ATTRIBUTES[type] ?? []).includes(attribute) || ((type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') && isCredentialName(attribute)))) {
      return `${attribute} attribute of ${id} (${type})`;
    }
    return undefined;
  }
  return Object.values(value).map(v => secretAttribute(v, index)).find(a => a !== undefined);
}
