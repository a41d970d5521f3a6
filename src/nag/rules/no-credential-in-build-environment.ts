import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asArray, isObject } from '../../analysis/template-index';
import { RuleContext, SecretsRule } from '../rule';
import { literalCredentialFindings } from './common';

/** No CodeBuild plaintext environment variable holds a literal credential. */
export const NoCredentialInBuildEnvironment: SecretsRule = {
  name: 'NoCredentialInBuildEnvironment',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::CodeBuild::Project'],
  requirement: 'No PLAINTEXT CodeBuild environment variable whose name looks like a credential holds a literal value.',
  controls: 'SOC 2 CC6.1, CC8.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: set the variable\'s Type to SECRETS_MANAGER and its Value to the secret\'s name or ARN, with the service role allowed secretsmanager:GetSecretValue on it; rotate the exposed value. CDK: BuildEnvironmentVariableType.SECRETS_MANAGER.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const env = index.view(node).properties.Environment;
    const vars = isObject(env) ? asArray(env.EnvironmentVariables).filter(isObject) : [];
    return literalCredentialFindings(
      vars
        .filter(v => typeof v.Name === 'string' && (v.Type === undefined || v.Type === 'PLAINTEXT'))
        .map(v => ({ name: v.Name as string, value: v.Value, path: `Environment.EnvironmentVariables.${v.Name}` })),
      index,
      'build environment variable',
    );
  },
};
