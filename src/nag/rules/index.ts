import { SecretsRule } from '../rule';
import { IamNoBroadSecretAccess } from './iam-no-broad-secret-access';
import { IamPolicySetOperator } from './iam-policy-set-operator';
import { IamPolicyValid } from './iam-policy-valid';
import { IamReadPinnedToCurrent } from './iam-read-pinned-to-current';
import { NoAwsAccessKey } from './no-aws-access-key';
import { NoCredentialInBuildEnvironment } from './no-credential-in-build-environment';
import { NoCredentialInContainerEnvironment } from './no-credential-in-container-environment';
import { NoCredentialInHeader } from './no-credential-in-header';
import { NoCredentialInLambdaEnvironment } from './no-credential-in-lambda-environment';
import { NoCredentialInOutput } from './no-credential-in-output';
import { NoCredentialInParameterDefault } from './no-credential-in-parameter-default';
import { NoCredentialInResourceProperty } from './no-credential-in-resource-property';
import { NoCredentialInSsmParameter } from './no-credential-in-ssm-parameter';
import { NoCredentialInUserData } from './no-credential-in-user-data';
import { NoKnownTokenFormat } from './no-known-token-format';
import { NoLiteralSecretString } from './no-literal-secret-string';
import { NoPrivateKeyMaterial } from './no-private-key-material';
import { ReplicaCustomerManagedKey } from './replica-customer-managed-key';
import { RotationPermissionScoped } from './rotation-permission-scoped';
import { SecretAccessMonitored } from './secret-access-monitored';
import { SecretBlockPublicPolicy } from './secret-block-public-policy';
import { SecretCustomerManagedKey } from './secret-customer-managed-key';
import { SecretKeyPolicyScope } from './secret-key-policy-scope';
import { SecretKeyRetained } from './secret-key-retained';
import { SecretKeyRotation } from './secret-key-rotation';
import { SecretNameConvention } from './secret-name-convention';
import { SecretPolicyDenyDelete } from './secret-policy-deny-delete';
import { SecretPolicyNoPublicAllow } from './secret-policy-no-public-allow';
import { SecretPolicyRequiresTls } from './secret-policy-requires-tls';
import { SecretRestrictivePolicyComplete } from './secret-restrictive-policy-complete';
import { SecretRetained } from './secret-retained';
import { SecretRetainedOnReplace } from './secret-retained-on-replace';
import { SecretRotationConfigured } from './secret-rotation-configured';
import { SecretRotationInterval } from './secret-rotation-interval';
import { SecretTags } from './secret-tags';
import { SecretsEndpointInVpc } from './secrets-endpoint-in-vpc';

/** Every rule of the pack, in catalogue order (RULES.md lists them in this order). */
export const RULES: readonly SecretsRule[] = [
  SecretCustomerManagedKey,
  SecretKeyRotation,
  SecretKeyPolicyScope,
  SecretRotationConfigured,
  SecretRotationInterval,
  SecretBlockPublicPolicy,
  SecretPolicyNoPublicAllow,
  SecretPolicyDenyDelete,
  SecretPolicyRequiresTls,
  SecretRestrictivePolicyComplete,
  SecretRetained,
  SecretKeyRetained,
  SecretRetainedOnReplace,
  IamNoBroadSecretAccess,
  IamReadPinnedToCurrent,
  IamPolicyValid,
  IamPolicySetOperator,
  ReplicaCustomerManagedKey,
  NoLiteralSecretString,
  NoCredentialInLambdaEnvironment,
  NoCredentialInContainerEnvironment,
  NoCredentialInSsmParameter,
  NoCredentialInUserData,
  NoCredentialInBuildEnvironment,
  NoCredentialInResourceProperty,
  NoCredentialInHeader,
  NoCredentialInOutput,
  NoCredentialInParameterDefault,
  NoAwsAccessKey,
  NoPrivateKeyMaterial,
  NoKnownTokenFormat,
  RotationPermissionScoped,
  SecretTags,
  SecretNameConvention,
  SecretsEndpointInVpc,
  SecretAccessMonitored,
];
