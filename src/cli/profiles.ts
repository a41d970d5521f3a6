import { NagMessageLevel } from 'cdk-nag';
import { baseRuleId, UNSUPPRESSIBLE_RULES } from './suppressions';
import { PACK_NAME, SecretsRule } from '../nag/rule';
import { RULES } from '../nag/rules';
import { SecretsManagerChecksProps } from '../nag/secrets-manager-checks';

/**
 * The audit's profiles, as data over the rule catalogue.
 *
 * - `strict` (the default): every rule at its catalogue level, the bar `SecretsManagerChecks`
 *   holds a CDK app to at synth, so a template that passes the audit passes the pack. Tags,
 *   naming, customer-managed keys, resource policies, rotation and its interval, monitoring.
 * - `baseline`: what every team must fix on day one, whatever its organisation's conventions:
 *   credentials written into templates, secrets or keys open to anyone, grants of every
 *   secret, policies that do not do what they say, and secrets or keys CloudFormation deletes
 *   with the stack. Rules that encode an organisation's bar are off; a few real but
 *   less urgent weaknesses are reported as warnings.
 *
 * The default is `strict` so that the command and the pack judge a template alike, and so that
 * an existing CI gate is never loosened silently; `--profile baseline` is the opt-in first step.
 */
export type ProfileName = 'baseline' | 'strict';

/** The profiles, in the order `--help` and the docs list them. */
export const PROFILE_NAMES: readonly ProfileName[] = ['baseline', 'strict'];

export const DEFAULT_PROFILE: ProfileName = 'strict';

/** What a rule reports in a profile. */
export type ProfileLevel = 'error' | 'warning' | 'off';

/** How the audit treats one rule. */
export interface RuleProfile {
  /** Its level in the baseline profile: never above its catalogue level. */
  readonly baseline: ProfileLevel;
  /**
   * GitHub code scanning's `security-severity` (0.0-10.0: critical from 9.0, high from 7.0,
   * medium from 4.0, low below): how bad an open finding is, whichever profile reports it.
   */
  readonly securitySeverity: number;
  /** Why the rule has this place, in a few words (the docs' table shows it). */
  readonly reason: string;
}

const CREDENTIAL = 'a credential written into a template is exposed in every copy of it';

/**
 * Every rule of the catalogue, by name. A rule missing here (a new one) runs at its catalogue
 * level in both profiles, with a severity from its kind (9.0 for a credential rule) or level,
 * and a test fails until it is placed.
 */
/** Every rule that finds a credential written into a template: an error in every profile, critical. */
const CREDENTIAL_RULE: RuleProfile = { baseline: 'error', securitySeverity: 9.0, reason: CREDENTIAL };

export const RULE_PROFILES: Readonly<Record<string, RuleProfile>> = {
  // Credentials written into templates: critical, in every profile.
  NoLiteralSecretString: CREDENTIAL_RULE,
  NoCredentialInLambdaEnvironment: CREDENTIAL_RULE,
  NoCredentialInContainerEnvironment: CREDENTIAL_RULE,
  NoCredentialInSsmParameter: CREDENTIAL_RULE,
  NoCredentialInUserData: CREDENTIAL_RULE,
  NoCredentialInBuildEnvironment: CREDENTIAL_RULE,
  NoCredentialInResourceProperty: CREDENTIAL_RULE,
  NoCredentialInHeader: CREDENTIAL_RULE,
  NoCredentialInOutput: CREDENTIAL_RULE,
  NoCredentialInParameterDefault: CREDENTIAL_RULE,
  NoKnownTokenFormat: CREDENTIAL_RULE,
  NoPrivateKeyMaterial: CREDENTIAL_RULE,
  NoAwsAccessKey: { baseline: 'error', securitySeverity: 9.5, reason: `${CREDENTIAL}; an access key reaches the whole AWS account` },
  // Secrets and keys open to anyone, or every secret open to one principal.
  SecretPolicyNoPublicAllow: { baseline: 'error', securitySeverity: 9.0, reason: 'the secret can be read by any AWS principal' },
  SecretKeyPolicyScope: { baseline: 'error', securitySeverity: 7.5, reason: 'the key that encrypts the secret can be used by any AWS principal' },
  IamNoBroadSecretAccess: { baseline: 'error', securitySeverity: 8.0, reason: 'one principal can read every secret of the account' },
  RotationPermissionScoped: { baseline: 'error', securitySeverity: 7.0, reason: 'another account\'s secret can invoke the rotation function (confused deputy)' },
  // Policies that do not do what they say.
  IamPolicyValid: { baseline: 'error', securitySeverity: 7.0, reason: 'a statement on an action or key that does not exist never applies' },
  IamPolicySetOperator: { baseline: 'warning', securitySeverity: 5.0, reason: 'a set operator on a single-valued key can make the condition always true' },
  SecretRestrictivePolicyComplete: { baseline: 'error', securitySeverity: 6.0, reason: 'a principal the app grants is locked out' },
  // Deletion protection: CloudFormation deletes what has no DeletionPolicy: Retain.
  SecretRetained: { baseline: 'error', securitySeverity: 6.5, reason: 'deleting the stack deletes the secret' },
  SecretKeyRetained: { baseline: 'error', securitySeverity: 7.0, reason: 'deleting the stack deletes the key, and every secret it encrypts is lost' },
  SecretRetainedOnReplace: { baseline: 'warning', securitySeverity: 5.0, reason: 'a replacement deletes the old secret or key' },
  // Real weaknesses that an existing secret may have for a while: warnings on day one.
  SecretRotationConfigured: { baseline: 'warning', securitySeverity: 5.5, reason: 'a leaked value stays valid until someone changes it' },
  SecretKeyRotation: { baseline: 'warning', securitySeverity: 4.0, reason: 'key material is never rotated' },
  // The organisation's bar: strict only.
  SecretRotationInterval: { baseline: 'off', securitySeverity: 4.0, reason: 'the organisation\'s maximum rotation interval' },
  SecretCustomerManagedKey: { baseline: 'off', securitySeverity: 4.5, reason: 'organisational policy: who controls the key, separate audit trail' },
  ReplicaCustomerManagedKey: { baseline: 'off', securitySeverity: 4.5, reason: 'organisational policy: customer-managed keys in every region' },
  SecretBlockPublicPolicy: { baseline: 'off', securitySeverity: 5.0, reason: 'organisational policy: a resource policy that refuses future public statements' },
  SecretPolicyDenyDelete: { baseline: 'off', securitySeverity: 5.0, reason: 'organisational policy: a resource policy that denies deletion' },
  SecretPolicyRequiresTls: { baseline: 'off', securitySeverity: 3.0, reason: 'defence in depth: Secrets Manager endpoints accept TLS only' },
  IamReadPinnedToCurrent: { baseline: 'off', securitySeverity: 3.0, reason: 'organisational policy: reads pinned to AWSCURRENT' },
  SecretsEndpointInVpc: { baseline: 'off', securitySeverity: 3.0, reason: 'network design: a VPC endpoint instead of a NAT path' },
  SecretAccessMonitored: { baseline: 'off', securitySeverity: 3.5, reason: 'often monitored by the organisation outside the templates' },
  SecretTags: { baseline: 'off', securitySeverity: 2.0, reason: 'organisational policy: owner and classification tags' },
  SecretNameConvention: { baseline: 'off', securitySeverity: 2.0, reason: 'organisational policy: naming convention' },
};

/** A rule's catalogue level. */
export function catalogueLevel(rule: SecretsRule): 'error' | 'warning' {
  return rule.level === NagMessageLevel.ERROR ? 'error' : 'warning';
}

/** What `rule` reports in `profile`. */
export function profileLevel(profile: ProfileName, rule: SecretsRule): ProfileLevel {
  const own = catalogueLevel(rule);
  if (profile === 'strict') {
    return own;
  }
  const baseline = RULE_PROFILES[rule.name]?.baseline ?? own;
  // A profile lowers a rule or turns it off; it never raises one.
  return own === 'warning' && baseline === 'error' ? 'warning' : baseline;
}

/** The pack options that run the catalogue as `profile` says. */
export function profileChecks(profile: ProfileName): Pick<SecretsManagerChecksProps, 'warnings' | 'errorsAsWarnings'> {
  if (profile === 'strict') {
    return {};
  }
  return {
    errorsAsWarnings: RULES.filter(r => catalogueLevel(r) === 'error' && profileLevel(profile, r) !== 'error').map(r => r.name),
    warnings: RULES.filter(r => profileLevel(profile, r) === 'warning').map(r => r.name),
  };
}

/**
 * GitHub's `security-severity` of a rule id (with or without its `[...]` suffix): the
 * catalogue's for this pack's rules (9.0 for a credential rule not placed yet); for a cdk-nag
 * pack's rules, 5.0 (medium) for an error and 3.0 (low) for a warning, as those packs do not
 * rate their rules.
 */
export function securitySeverity(ruleId: string, level: 'error' | 'warning'): string {
  const base = baseRuleId(ruleId);
  const name = base.startsWith(`${PACK_NAME}-`) ? base.slice(PACK_NAME.length + 1) : undefined;
  const own = name === undefined ? undefined : RULE_PROFILES[name]?.securitySeverity ?? (UNSUPPRESSIBLE_RULES.has(base) ? 9.0 : undefined);
  return (own ?? (level === 'error' ? 5.0 : 3.0)).toFixed(1);
}
