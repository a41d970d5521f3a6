import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { literalCredentialFindings } from './common';
import { flatten, literalText } from '../../analysis/values';
import { RuleContext, SecretsRule } from '../rule';

/** No plaintext SSM parameter holds a literal credential. */
export const NoCredentialInSsmParameter: SecretsRule = {
  name: 'NoCredentialInSsmParameter',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SSM::Parameter'],
  requirement: 'No String or StringList SSM parameter whose name looks like a credential holds a literal value.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2, 3.5.1; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: store the credential in an AWS::SecretsManager::Secret and put only its ARN in the AWS::SSM::Parameter; rotate the exposed value. CDK: a HardenedSecret, with its secretArn in the parameter.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const view = index.view(node);
    // Without a Name, judge the construct's name: the logical id without CDK's hash and a
    // trailing "Parameter" (`DbPasswordParameter1A2B3C4D` is about a DB password).
    const name = view.properties.Name === undefined
      ? view.logicalId.replace(/[0-9A-F]{8}$/, '').replace(/(Parameter|Param)$/, '')
      : literalText(flatten(view.properties.Name, index));
    return literalCredentialFindings([{ name, value: view.properties.Value, path: 'Value' }], index, 'SSM parameter');
  },
};
