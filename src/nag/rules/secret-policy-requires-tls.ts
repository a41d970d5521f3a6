import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { Statement, grants, isPublicPrincipal, statements } from '../../analysis/policy';
import { asArray, isObject } from '../../analysis/template-index';
import { RuleContext, SecretsRule, finding } from '../rule';

/**
 * A secret's resource policy denies reading it without TLS. Secrets Manager's endpoints accept
 * only TLS, so this is defence in depth that an organisation may require (a policy evaluated
 * on every request, whatever endpoint or client), not a defect on its own: a warning.
 */
export const SecretPolicyRequiresTls: SecretsRule = {
  name: 'SecretPolicyRequiresTls',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The secret resource policy denies secretsmanager:GetSecretValue to Principal "*" when aws:SecureTransport is false.',
  controls: 'SOC 2 CC6.6, CC6.7; PCI DSS 4.0 4.2.1; NIST 800-53 SC-8, SC-13',
  fix: 'CloudFormation: in the AWS::SecretsManager::ResourcePolicy of the secret, add a statement with Effect Deny, Principal "*", Action secretsmanager:*, Resource "*" and Condition Bool aws:SecureTransport "false". CDK: HardenedSecret and SecretGuardrails ENFORCE add it.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const policies = index.attachedToSecret(index.view(node), 'AWS::SecretsManager::ResourcePolicy');
    if (policies.some(p => statements(p.properties.ResourcePolicy, index).some(requiresTls))) {
      return [];
    }
    return [finding(policies.length === 0
      ? 'no resource policy targets this secret, so nothing denies reading it over a connection without TLS.'
      : 'the resource policy does not deny secretsmanager:GetSecretValue when aws:SecureTransport is false.')];
  },
};

/**
 * A Deny to `*` of reading the secret, conditioned on `Bool` (or `BoolIfExists`)
 * `aws:SecureTransport` = false. The compliance report reads resource policies with it too.
 */
export function requiresTls(s: Statement): boolean {
  return s.effect === 'Deny' && isPublicPrincipal(s) && grants(s, 'secretsmanager:GetSecretValue')
    && Object.entries(s.condition).some(([op, block]) =>
      /^Bool(IfExists)?$/.test(op) && isObject(block)
      && Object.entries(block).some(([k, v]) => k.toLowerCase() === 'aws:securetransport' && asArray(v).some(x => String(x).toLowerCase() === 'false')));
}
