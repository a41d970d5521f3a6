import { NagMessageLevel } from 'cdk-nag';
import { isCredentialName, isLiteralCredential } from '../../analysis/credentials';
import { SecretsRule } from '../rule';
import { parametersReadByResources } from './token-scan';

/**
 * No credential-named parameter has a Default. A Default is written in the template, whoever
 * reads it (anyone with cloudformation:GetTemplate), and NoEcho does not hide it there.
 *
 * A parameter a resource reads is left to the rule of the place it reaches (a Lambda environment
 * variable, a master password): the finding is where the credential is deployed, and one
 * credential is one finding. Shapes (access keys, tokens, private keys) in any default are the
 * shape rules' findings.
 */
export const NoCredentialInParameterDefault: SecretsRule = {
  name: 'NoCredentialInParameterDefault',
  level: NagMessageLevel.ERROR,
  resourceTypes: [],
  sections: ['Parameters'],
  requirement: 'No parameter whose name looks like a credential has a literal Default (NoEcho hides the value passed at deploy time, not a Default written in the template).',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: remove the Default and pass the value at deploy time to a NoEcho parameter, or better, use a {{resolve:secretsmanager:...}} dynamic reference; rotate the exposed value. CDK: a HardenedSecret and secret.secretValueFromJson(key).',
  check: () => [],
  checkElement: (element, context) => {
    const index = context.index(element.node);
    const { body, logicalId } = element;
    // AWS-specific types (AWS::SSM::Parameter::Value<String>, AWS::EC2::KeyPair::KeyName) take names and paths, not values.
    if (body.Default === undefined || String(body.Type ?? '').startsWith('AWS::') || !isCredentialName(logicalId)) {
      return [];
    }
    if (parametersReadByResources(index).has(logicalId) || !isLiteralCredential(body.Default, index)) {
      return [];
    }
    const noEcho = body.NoEcho === true || body.NoEcho === 'true';
    return [{
      message: `Default is a literal value of a parameter whose name says it holds a credential${noEcho ? ' (NoEcho hides values passed at deploy time, not a Default written in the template)' : ''}.`,
      suffix: 'Default',
    }];
  },
};
