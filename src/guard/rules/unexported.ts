/**
 * Why a catalogue rule has no Guard rule at all, by rule name. Rules that are exported to some
 * targets give the reasons for the others in their own `gaps`.
 */
export const UNEXPORTED: Readonly<Record<string, string>> = {
  SecretRestrictivePolicyComplete: 'It evaluates every role and user of the template, and their IAM policies, against the secret\'s deny-all-but-a-list statement (ARN patterns, aws:PrincipalArn conditions): an access evaluation across resources that Guard cannot compute, and a hook or AWS Config sees one resource at a time.',
  IamPolicyValid: 'It validates every action and condition key against the Service Authorization Reference (thousands of actions, their condition keys and resource types): data Guard rules cannot carry. Use IAM Access Analyzer policy validation (ValidatePolicy) where the template is deployed.',
  SecretAccessMonitored: 'It asks whether a monitor exists in the app (a metric filter or an EventBridge rule on Secrets Manager calls, anywhere in the app) or outside it (the pack\'s externalMonitor): not a property of a resource. It is also a warning. SecretAccessMonitor and an organisation trail cover it.',
  SecretRetainedOnReplace: 'A warning of the pack (the export holds only error rules). UpdateReplacePolicy is also not part of a Guard Hook\'s or a configuration item\'s input.',
  SecretPolicyRequiresTls: 'A warning of the pack (the export holds only error rules): Secrets Manager\'s endpoints accept only TLS, so the deny is defence in depth.',
  IamReadPinnedToCurrent: 'A warning of the pack (the export holds only error rules); it also exempts the roles of the template\'s rotation functions, which only a template shows.',
  IamPolicySetOperator: 'A warning of the pack (the export holds only error rules); it needs the Service Authorization Reference to know which condition keys are single-valued.',
  SecretTags: 'A warning of the pack (the export holds only error rules): tagging is enforced by tag policies and aws:RequestTag conditions across an organisation.',
  SecretNameConvention: 'A warning of the pack (the export holds only error rules), and its pattern is an option of the pack.',
  SecretsEndpointInVpc: 'A warning of the pack (the export holds only error rules); it follows the function\'s role, its policies, its subnets and the VPC endpoints of the template: several resources.',
};
