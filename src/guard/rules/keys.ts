import { NOT_CONDITIONED_ON_WHO, PUBLIC_PRINCIPAL, noAllowStatement } from './policy-statements';
import { KEY_OF_A_SECRET, SECRET_KEY_REFERENCE_GAP, secretKeyRule } from './template-references';
import { GuardRuleSource, guardRegex, guardRuleName } from '../definition';
import { GuardTarget } from '../shape';

/** `HardenedSecrets-SecretKeyRotation`. */
export const SecretKeyRotationGuard: GuardRuleSource = {
  rule: 'SecretKeyRotation',
  resourceTypes: ['AWS::KMS::Key'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: `${KEY_OF_A_SECRET} The AWS Config managed rule cmk-backing-key-rotation-enabled checks rotation on every customer-managed key.` },
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: `${SECRET_KEY_REFERENCE_GAP} EnableKeyRotation given by an intrinsic function that resolves to true in the template (a parameter default) fails.` },
  ],
  render() {
    return [secretKeyRule(guardRuleName(this.rule), this.rule, [
      {
        when: 'Properties.KeySpec is_string',
        check: 'Properties.KeySpec == \'SYMMETRIC_DEFAULT\'',
        message: 'The key encrypts a secret but its KeySpec is not SYMMETRIC_DEFAULT; Secrets Manager needs a symmetric encryption key.',
      },
      {
        check: `Properties.EnableKeyRotation == true or Properties.EnableKeyRotation == ${guardRegex('^(?i)true$')}`,
        message: 'The key encrypts a secret but EnableKeyRotation is not true, so its key material never rotates.',
      },
    ])];
  },
};

/** `HardenedSecrets-SecretKeyPolicyScope`. */
export const SecretKeyPolicyScopeGuard: GuardRuleSource = {
  rule: 'SecretKeyPolicyScope',
  resourceTypes: ['AWS::KMS::Key'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: `${KEY_OF_A_SECRET} An AWS Config configuration item of a key does not record its key policy either.` },
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: `${SECRET_KEY_REFERENCE_GAP} A KeyPolicy written as a JSON string is not read.` },
  ],
  render() {
    return [secretKeyRule(guardRuleName(this.rule), this.rule, [
      noAllowStatement(this.rule, 'Properties.KeyPolicy.Statement', [PUBLIC_PRINCIPAL, NOT_CONDITIONED_ON_WHO],
        'The key encrypts a secret and its key policy allows Principal "*" without a condition on who: anyone who can call KMS can use the key.'),
    ])];
  },
};
