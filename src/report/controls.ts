import { AppCoverage, CheckStatus, ControlCheck, ControlEntry, EvidenceItem, FindingEntry, SecretEntry } from './model';

/** Rules of the pack that find credentials written into templates: the secret-scanning policy. */
export const CREDENTIAL_RULES = [
  'NoLiteralSecretString',
  'NoCredentialInLambdaEnvironment',
  'NoCredentialInContainerEnvironment',
  'NoCredentialInSsmParameter',
  'NoCredentialInUserData',
  'NoCredentialInBuildEnvironment',
  'NoCredentialInResourceProperty',
  'NoCredentialInHeader',
  'NoCredentialInOutput',
  'NoCredentialInParameterDefault',
  'NoAwsAccessKey',
  'NoPrivateKeyMaterial',
  'NoKnownTokenFormat',
];

const KEY_RULES = ['SecretCustomerManagedKey', 'SecretKeyRotation', 'SecretKeyPolicyScope', 'ReplicaCustomerManagedKey'];
const ROTATION_RULES = ['SecretRotationConfigured', 'SecretRotationInterval', 'RotationPermissionScoped'];
const POLICY_RULES = ['SecretBlockPublicPolicy', 'SecretPolicyNoPublicAllow', 'SecretPolicyDenyDelete', 'SecretRestrictivePolicyComplete'];
const IAM_RULES = ['IamNoBroadSecretAccess', 'IamReadPinnedToCurrent'];
const TLS = 'SecretPolicyRequiresTls';
const MONITORING = ['SecretAccessMonitored'];

interface ControlDefinition {
  readonly framework: ControlEntry['framework'];
  readonly control: string;
  readonly title: string;
  readonly checks: string[];
}

/**
 * The control mapping: which rules of the pack give evidence for which control. Every check is
 * a rule, so every control result is traceable to the findings of the report (a failing or
 * warning control lists the rules whose findings made it so; a passing one, rules that ran and
 * found nothing). A control passes when none of its rules has an unacknowledged finding.
 *
 * Sources: AICPA Trust Services Criteria (2017, revised points of focus 2022); PCI DSS v4.0.1
 * (June 2024; its requirement numbers are those of v4.0, hence the framework name `PCI DSS 4.0`)
 * requirements 3, 8 and 10; NIST SP 800-53 Rev. 5; HIPAA Security Rule 45 CFR 164.312.
 *
 * PCI DSS: the rules' `controls` and this mapping cite v4.0 alone. v3.2.1 was retired on
 * 31 March 2024, and the requirements the credential and rotation rules give evidence for
 * (8.6.2, no hard-coded passwords of system accounts; 8.6.3, their periodic change) exist only
 * in v4.0, mandatory since 31 March 2025. The rules' former v3.2.1 citations were carried over
 * with the PCI SSC's "PCI DSS v3.2.1 to v4.0 Summary of Changes" (e.g. 8.2.1 → 8.3.2,
 * 8.2.4 → 8.3.9 and 8.6.3, 3.5/3.6 → 3.6/3.7, 7.1 → 7.2, 10.6 → 10.4). cdk-nag's
 * `PCIDSS321Checks` pack keeps its own v3.2.1 name; it is not this mapping. A rule listed under
 * a PCI DSS requirement cites a sub-requirement of it in its `controls` (a test holds both).
 */
export const CONTROLS: readonly ControlDefinition[] = [
  {
    framework: 'SOC 2',
    control: 'CC6.1',
    title: 'Logical access security: access to information assets is restricted and protected, including encryption',
    checks: [...KEY_RULES, ...POLICY_RULES, ...IAM_RULES, 'SecretRotationConfigured', 'SecretTags', 'NoLiteralSecretString'],
  },
  {
    framework: 'SOC 2',
    control: 'CC6.6',
    title: 'Security measures against threats from outside the system boundary',
    checks: ['SecretBlockPublicPolicy', 'SecretPolicyNoPublicAllow', TLS, 'SecretsEndpointInVpc'],
  },
  { framework: 'SOC 2', control: 'CC7.2', title: 'System components are monitored for anomalies that indicate malicious acts', checks: MONITORING },
  { framework: 'SOC 2', control: 'CC7.3', title: 'Security events are evaluated to determine whether they are incidents', checks: ['SecretAccessMonitored'] },
  {
    framework: 'PCI DSS 4.0',
    control: '3',
    title: 'Protect stored account data: strong cryptography and key management (3.5, 3.6, 3.7)',
    checks: [...KEY_RULES, 'SecretKeyRetained', 'SecretRetained', 'NoLiteralSecretString'],
  },
  {
    framework: 'PCI DSS 4.0',
    control: '8',
    title: 'Identify users and authenticate access: authentication factors unreadable in storage (8.3.2), no hard-coded system passwords (8.6.2), periodic change (8.3.9, 8.6.3)',
    checks: ['SecretRotationConfigured', 'SecretRotationInterval', ...CREDENTIAL_RULES],
  },
  { framework: 'PCI DSS 4.0', control: '10', title: 'Log and monitor all access to system components and cardholder data', checks: MONITORING },
  { framework: 'NIST 800-53 R5', control: 'AC-3', title: 'Access enforcement', checks: [...POLICY_RULES, 'SecretKeyPolicyScope'] },
  { framework: 'NIST 800-53 R5', control: 'AC-6', title: 'Least privilege', checks: [...IAM_RULES, 'SecretKeyPolicyScope', 'SecretPolicyNoPublicAllow'] },
  { framework: 'NIST 800-53 R5', control: 'IA-5(1)', title: 'Authenticator management: password-based authentication', checks: [...ROTATION_RULES, ...CREDENTIAL_RULES] },
  { framework: 'NIST 800-53 R5', control: 'SC-12', title: 'Cryptographic key establishment and management', checks: [...KEY_RULES, 'SecretKeyRetained'] },
  { framework: 'NIST 800-53 R5', control: 'SC-13', title: 'Cryptographic protection', checks: ['SecretCustomerManagedKey', 'SecretKeyRotation', TLS] },
  { framework: 'NIST 800-53 R5', control: 'SC-28', title: 'Protection of information at rest', checks: ['SecretCustomerManagedKey', 'ReplicaCustomerManagedKey', 'NoLiteralSecretString'] },
  { framework: 'NIST 800-53 R5', control: 'AU-12', title: 'Audit record generation', checks: ['SecretAccessMonitored'] },
  { framework: 'NIST 800-53 R5', control: 'AU-6', title: 'Audit record review, analysis and reporting', checks: ['SecretAccessMonitored'] },
  { framework: 'NIST 800-53 R5', control: 'SI-4', title: 'System monitoring', checks: MONITORING },
  { framework: 'HIPAA', control: '164.312(a)(1)', title: 'Access control', checks: [...POLICY_RULES, ...IAM_RULES] },
  { framework: 'HIPAA', control: '164.312(a)(2)(iv)', title: 'Encryption and decryption', checks: KEY_RULES },
  { framework: 'HIPAA', control: '164.312(b)', title: 'Audit controls', checks: MONITORING },
  { framework: 'HIPAA', control: '164.312(d)', title: 'Person or entity authentication', checks: [...ROTATION_RULES, ...CREDENTIAL_RULES] },
  { framework: 'HIPAA', control: '164.312(e)(1)', title: 'Transmission security', checks: [TLS, 'SecretsEndpointInVpc'] },
];

/**
 * Each control with the status of its checks: the rules that ran (`ran`, by name) and mapped to
 * it. A rule that did not run (left out of `warnings`, or off in the audit's baseline profile)
 * proves nothing, so it is not listed; a control none of whose rules ran is left out.
 */
export function controlEntries(findings: FindingEntry[], ran: ReadonlySet<string>): ControlEntry[] {
  const checks = new Map<string, ControlCheck>();
  const check = (name: string): ControlCheck => {
    let c = checks.get(name);
    if (!c) {
      c = evaluate(name, findings);
      checks.set(name, c);
    }
    return c;
  };
  return CONTROLS.flatMap(def => {
    const evaluated = def.checks.filter(name => ran.has(name)).map(check);
    if (evaluated.length === 0) {
      return [];
    }
    return [{ framework: def.framework, control: def.control, title: def.title, status: worst(evaluated.map(c => c.status)), checks: evaluated }];
  });
}

function evaluate(name: string, findings: FindingEntry[]): ControlCheck {
  const own = findings.filter(f => f.ruleName === name);
  const open = own.filter(f => !f.acknowledged);
  const status: CheckStatus = open.some(f => f.level === 'error') ? 'fail' : open.length > 0 ? 'warn' : 'pass';
  return { check: name, source: 'pack', status, findings: open.length, acknowledged: own.length - open.length };
}

const ORDER: CheckStatus[] = ['not-applicable', 'pass', 'warn', 'fail'];

function worst(statuses: CheckStatus[]): CheckStatus {
  const applicable = statuses.filter(s => s !== 'not-applicable');
  if (applicable.length === 0) {
    return 'not-applicable';
  }
  return applicable.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'pass');
}

/** The six evidence items an auditor asks for, as a checklist. */
export function evidenceItems(secrets: SecretEntry[], findings: FindingEntry[], coverage: AppCoverage, _controls: ControlEntry[]): EvidenceItem[] {
  const rotating = secrets.filter(s => s.rotation.kind !== 'none').length;
  const waived = secrets.filter(s => s.rotation.kind === 'none' && s.rotation.waiver !== null).length;
  const unrotated = secrets.length - rotating - waived;
  const readers = secrets.reduce((n, s) => n + s.readers.length, 0);
  const trails = coverage.trails.filter(t => t.managementEvents);
  const credentialFindings = findings.filter(f => CREDENTIAL_RULES.includes(f.ruleName));
  const openCredentials = credentialFindings.filter(f => !f.acknowledged);
  return [
    {
      id: 'secrets-inventory',
      title: 'Secrets inventory with rotation status',
      status: 'provided',
      detail: `${secrets.length} secret(s): ${rotating} rotating, ${waived} with a documented rotation waiver, ${unrotated} without rotation.`,
      pointer: '/secrets',
    },
    {
      id: 'rotation-configuration',
      title: 'Rotation configuration',
      status: secrets.length === 0 || unrotated === 0 ? 'provided' : 'partial',
      detail: unrotated === 0
        ? 'Every secret rotates on a schedule (kind, interval, window, worst-case gap) or has a documented waiver.'
        : `${unrotated} secret(s) have neither a rotation schedule nor a documented waiver.`,
      pointer: '/secrets/*/rotation',
    },
    {
      id: 'read-access',
      title: 'IAM policies that can read each secret',
      status: 'provided',
      detail: `${readers} grant(s) of GetSecretValue found in identity policies anywhere in the app and in resource policies, with their conditions.`,
      pointer: '/secrets/*/readers',
    },
    {
      id: 'cloudtrail-coverage',
      title: 'CloudTrail coverage',
      status: trails.length > 0 ? 'provided' : coverage.externalMonitor !== null || coverage.monitors.length > 0 ? 'partial' : 'missing',
      detail: trails.length > 0
        ? `${trails.length} trail(s) in the app log management events (Secrets Manager API calls); ${coverage.monitors.length} metric filter(s) or rule(s) watch them.`
        : coverage.externalMonitor !== null
          ? `No trail in the app; declared external monitor: ${coverage.externalMonitor}. Attach that trail's configuration as evidence.`
          : coverage.monitors.length > 0
            ? `No trail in the app, but ${coverage.monitors.length} metric filter(s) or rule(s) watch Secrets Manager API calls that a trail outside the app (e.g. the organisation trail) delivers. Attach that trail's configuration as evidence.`
            : 'No trail in the app logs management events and no external monitor is declared.',
      pointer: '/coverage/trails',
    },
    {
      id: 'secret-scanning',
      title: 'Secret-scanning configuration',
      status: 'partial',
      detail: `Every template of the app was scanned for written-in credentials by ${CREDENTIAL_RULES.length} rules (${CREDENTIAL_RULES.join(', ')}). ` +
        'Scanning of the source repository (e.g. push protection) is outside the cloud assembly: attach its configuration.',
      pointer: '/findings',
    },
    {
      id: 'no-hardcoded-credentials-policy',
      title: 'A policy that forbids hard-coded credentials',
      status: openCredentials.length === 0 ? 'provided' : 'partial',
      detail: openCredentials.length === 0
        ? `The credential rules are errors of SecretsManagerChecks and report no open finding (${credentialFindings.length} acknowledged).`
        : `${openCredentials.length} open finding(s) of the credential rules.`,
      pointer: '/controls',
    },
  ];
}
