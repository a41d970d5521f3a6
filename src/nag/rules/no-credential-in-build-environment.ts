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
  controls: 'SOC 2 CC6.1, CC8.1; PCI DSS 3.2.1 8.2.1; NIST 800-53 IA-5(7), SC-28',
  fix: 'Use Type SECRETS_MANAGER with the secret name or ARN (BuildEnvironmentVariableType.SECRETS_MANAGER); rotate the exposed value.',
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
