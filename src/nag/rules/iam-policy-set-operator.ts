import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { VALIDATED_POLICY_TYPES, policyProblems } from '../../analysis/policy-validation';
import { RuleContext, SecretsRule, finding } from '../rule';

/**
 * No policy uses a multi-valued set operator (`ForAllValues:`, `ForAnyValue:`) on a
 * single-valued condition key. IAM Access Analyzer reports this as a security warning: with
 * `ForAllValues:` the condition is also true when the request has no value for the key, so
 * `ForAllValues:StringEquals secretsmanager:VersionStage` does not require a stage at all.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
export const IamPolicySetOperator: SecretsRule = {
  name: 'IamPolicySetOperator',
  level: NagMessageLevel.WARN,
  resourceTypes: VALIDATED_POLICY_TYPES,
  requirement: 'No statement of an IAM, resource, key or endpoint policy applies ForAllValues: or ForAnyValue: to a single-valued condition key.',
  controls: 'SOC 2 CC6.1; NIST 800-53 AC-3, AC-6',
  fix: 'CloudFormation: in the statement\'s Condition, use the plain operator (StringEquals), or its ...IfExists form where requests without the key are to match; keep ForAllValues: and ForAnyValue: for multi-valued keys (aws:TagKeys, kms:ResourceAliases). CDK: the same in the conditions of the iam.PolicyStatement.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    return policyProblems(index.view(node), index)
      .filter(p => p.kind === 'set-operator-single-valued')
      .map(p => finding(p.message, p.suffix));
  },
};
