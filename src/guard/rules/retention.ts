import { SECRET_KEY_REFERENCE_GAP, secretKeyRule } from './template-references';
import { GuardRuleSource, forEachResource, guardRuleName } from '../definition';
import { GuardTarget } from '../shape';

/** `Retain`, or `RetainExceptOnCreate`, which deletes only a resource whose creation failed (the pack's `isRetained`). */
const RETAINED = 'DeletionPolicy IN [\'Retain\', \'RetainExceptOnCreate\']';

const NO_DELETION_POLICY = 'DeletionPolicy is a template attribute: a Guard Hook\'s input holds only the resource\'s type and properties, and an AWS Config configuration item holds none of it.';

/** `HardenedSecrets-SecretRetained`. */
export const SecretRetainedGuard: GuardRuleSource = {
  rule: 'SecretRetained',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [{ targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: NO_DELETION_POLICY }],
  render(shape) {
    return [forEachResource(shape, {
      rule: this.rule,
      type: 'AWS::SecretsManager::Secret',
      clauses: [{ check: RETAINED, message: 'The secret\'s DeletionPolicy is not Retain, so deleting the stack deletes the secret.' }],
    })];
  },
};

/** `HardenedSecrets-SecretKeyRetained`. */
export const SecretKeyRetainedGuard: GuardRuleSource = {
  rule: 'SecretKeyRetained',
  resourceTypes: ['AWS::KMS::Key'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: `${NO_DELETION_POLICY} Whether a key encrypts a secret is also known only from the secret that refers to it.` },
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: SECRET_KEY_REFERENCE_GAP },
  ],
  render() {
    return [secretKeyRule(guardRuleName(this.rule), this.rule, [
      { check: RETAINED, message: 'The key encrypts a secret but its DeletionPolicy is not Retain: deleting the stack schedules the key for deletion.' },
    ])];
  },
};
