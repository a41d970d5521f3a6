import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { Statement, grants, isPublicPrincipal, statements } from '../../analysis/policy';
import { RuleContext, SecretsRule, finding } from '../rule';

/** A secret's resource policy denies `DeleteSecret` to everyone but named principals. */
export const SecretPolicyDenyDelete: SecretsRule = {
  name: 'SecretPolicyDenyDelete',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::Secret'],
  requirement: 'The secret resource policy has a Deny of secretsmanager:DeleteSecret to Principal "*" (named break-glass principals may be excepted by condition).',
  controls: 'SOC 2 A1.2, CC6.1; PCI DSS 4.0 7.2.1; NIST 800-53 AC-3, CP-9',
  fix: 'CloudFormation: in the AWS::SecretsManager::ResourcePolicy, add a statement with Effect Deny, Principal "*", Action secretsmanager:DeleteSecret and Resource "*", excepting break-glass roles with Condition ArnNotLike aws:PrincipalArn. CDK: HardenedSecret and SecretGuardrails ENFORCE do.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const policies = index.attachedToSecret(index.view(node), 'AWS::SecretsManager::ResourcePolicy');
    const denies = policies.some(p =>
      statements(p.properties.ResourcePolicy, index).some(
        s => s.effect === 'Deny' && isPublicPrincipal(s) && grants(s, 'secretsmanager:DeleteSecret') && onlyExceptsPrincipals(s),
      ),
    );
    if (denies) {
      return [];
    }
    return [finding(policies.length === 0
      ? 'no resource policy targets this secret, so any principal with secretsmanager:DeleteSecret in an identity policy can delete it.'
      : 'the resource policy does not deny secretsmanager:DeleteSecret to "*", so any principal with it in an identity policy can delete the secret.')];
  },
};

/**
 * A deny that names exceptions by principal (`aws:PrincipalArn`, `aws:PrincipalAccount`, ...)
 * still denies deletion to everyone else; one conditioned on anything else (e.g.
 * `aws:SecureTransport`) denies it only sometimes.
 */
function onlyExceptsPrincipals(statement: Statement): boolean {
  return Object.values(statement.condition).every(block =>
    typeof block === 'object' && block !== null && Object.keys(block).every(key => /^aws:(principal|userid$|username$)/i.test(key)),
  );
}
