import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { looksLikeAwsSecretAccessKey } from '../../analysis/credentials';
import { isObject } from '../../analysis/template-index';
import { flatten, literalText } from '../../analysis/values';
import { RuleContext, SecretsRule, finding } from '../rule';
import { literalCredentialFindings } from './common';

/** No Lambda environment variable holds a literal credential. */
export const NoCredentialInLambdaEnvironment: SecretsRule = {
  name: 'NoCredentialInLambdaEnvironment',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  requirement: 'No Lambda environment variable whose name looks like a credential (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, ...) holds a literal value, '
    + 'none holds a URL with a password, and none, whatever its name, holds a value shaped like an AWS secret access key.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: replace the literal in Environment.Variables with the ARN of an AWS::SecretsManager::Secret and read the value at run time, with secretsmanager:GetSecretValue allowed on that secret to the function\'s role; rotate the exposed value. CDK: pass secret.secretArn and call secret.grantRead(fn).',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const env = index.view(node).properties.Environment;
    const variables = isObject(env) && isObject(env.Variables) ? env.Variables : {};
    const found = literalCredentialFindings(
      Object.entries(variables).map(([name, value]) => ({ name, value, path: `Environment.Variables.${name}` })),
      index,
      'environment variable',
    );
    // A secret access key is a credential whatever the variable is called (S3_KEY2, LEGACY_SAK).
    for (const [name, value] of Object.entries(variables)) {
      const path = `Environment.Variables.${name}`;
      const flat = flatten(value, index);
      if (flat.fullyLiteral && looksLikeAwsSecretAccessKey(literalText(flat)) && !found.some(f => f.suffix === path)) {
        found.push(finding(`environment variable '${name}' (${path}) holds a value shaped like an AWS secret access key, written into the template.`, path));
      }
    }
    return found;
  },
};
