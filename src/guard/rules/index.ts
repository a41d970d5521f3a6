import { CREDENTIAL_GUARD_RULES } from './credentials';
import { ReplicaCustomerManagedKeyGuard, SecretCustomerManagedKeyGuard } from './encryption';
import { IamNoBroadSecretAccessGuard } from './iam';
import { SecretKeyPolicyScopeGuard, SecretKeyRotationGuard } from './keys';
import { SecretBlockPublicPolicyGuard, SecretPolicyDenyDeleteGuard, SecretPolicyNoPublicAllowGuard } from './resource-policy';
import { SecretKeyRetainedGuard, SecretRetainedGuard } from './retention';
import { RotationPermissionScopedGuard, SecretRotationConfiguredGuard, SecretRotationIntervalGuard } from './rotation';
import { GuardRuleSource } from '../definition';

/** Every catalogue rule written as Guard rules (the export orders them as the catalogue does). */
export const GUARD_RULES: readonly GuardRuleSource[] = [
  SecretCustomerManagedKeyGuard,
  SecretKeyRotationGuard,
  SecretKeyPolicyScopeGuard,
  SecretRotationConfiguredGuard,
  SecretRotationIntervalGuard,
  SecretBlockPublicPolicyGuard,
  SecretPolicyNoPublicAllowGuard,
  SecretPolicyDenyDeleteGuard,
  SecretRetainedGuard,
  SecretKeyRetainedGuard,
  IamNoBroadSecretAccessGuard,
  ReplicaCustomerManagedKeyGuard,
  RotationPermissionScopedGuard,
  ...CREDENTIAL_GUARD_RULES,
];
