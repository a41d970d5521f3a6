/**
 * The shape of `secrets-compliance.json` (schema version {@link SCHEMA_VERSION}).
 *
 * These types are the TypeScript side of `schema/secrets-compliance.schema.json`; a test
 * validates reports against the schema, so the two cannot drift apart. Every field is always
 * present (`null` when the template cannot show the value), so consumers never guess whether a
 * field was left out or is unknown.
 */

/** The version of the report format. Bumped on any change that breaks a consumer. */
export const SCHEMA_VERSION = '1.0.0';

/** The `$id` of the JSON Schema. */
export const SCHEMA_ID = 'https://github.com/cdk-hardened-secrets/cdk-hardened-secrets/schema/secrets-compliance.schema.json';

/** The file names the report writes into the cloud assembly. */
export const REPORT_JSON_FILE = 'secrets-compliance.json';
export const REPORT_MARKDOWN_FILE = 'secrets-compliance.md';

export type Level = 'error' | 'warning';
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'not-applicable';
export type EvidenceStatus = 'provided' | 'partial' | 'missing';

export interface ComplianceReport {
  readonly $schema: string;
  readonly schemaVersion: string;
  readonly generator: { readonly name: string; readonly version: string };
  /** What was audited: a cloud assembly at synth, or templates brought in by the CLI. */
  readonly source: ReportSource;
  /** The options the checks ran with. */
  readonly options: ReportOptions;
  readonly summary: ReportSummary;
  readonly secrets: SecretEntry[];
  readonly coverage: AppCoverage;
  /** Every SecretsManagerChecks finding of the app, acknowledged or not. */
  readonly findings: FindingEntry[];
  readonly controls: ControlEntry[];
  readonly evidence: EvidenceItem[];
}

export interface ReportSource {
  readonly kind: 'cloud-assembly' | 'templates';
  readonly stacks: Array<{ readonly stack: string; readonly template: string | null }>;
}

export interface ReportOptions {
  readonly maxRotationIntervalHours: number;
  readonly requiredTags: string[];
  readonly externalMonitor: string | null;
}

export interface ReportSummary {
  readonly stacks: number;
  readonly secrets: number;
  readonly secretsWithCustomerManagedKey: number;
  readonly secretsRotating: number;
  readonly secretsRotationWaived: number;
  readonly secretsWithResourcePolicy: number;
  readonly findings: { readonly error: number; readonly warning: number; readonly acknowledged: number };
  readonly controls: { readonly pass: number; readonly fail: number; readonly warn: number; readonly notApplicable: number };
  readonly evidence: { readonly provided: number; readonly partial: number; readonly missing: number };
}

/** A principal as the template names it. */
export interface PrincipalRef {
  /** How it reads in the template: `Stack/LogicalId` for a resource of the app, else the ARN or service. */
  readonly principal: string;
  readonly type: 'role' | 'user' | 'group' | 'account' | 'service' | 'arn' | 'any' | 'unknown';
  /** `Stack/LogicalId` of the IAM resource when it is in the app. */
  readonly resource: string | null;
  readonly constructPath: string | null;
}

export interface SecretEntry {
  /** `Stack/LogicalId`. */
  readonly id: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly constructPath: string;
  /** The `Name`, or null when CloudFormation generates one or it is computed. */
  readonly name: string | null;
  /** Tag values; null for a value computed at deploy time. */
  readonly tags: { [key: string]: string | null };
  readonly deletionPolicy: string | null;
  readonly key: KeyEntry;
  readonly rotation: RotationEntry;
  readonly replicas: ReplicaEntry[];
  readonly resourcePolicy: ResourcePolicyEntry;
  readonly readers: ReaderEntry[];
  readonly coverage: SecretCoverage;
  /** Findings on the secret and the resources that make it up (policy, schedule, key, grants). */
  readonly findings: FindingEntry[];
}

export interface KeyEntry {
  /** `customer-managed`, `aws-managed` (alias/aws/...), `default` (no KmsKeyId: aws/secretsmanager) or `unknown`. */
  readonly kind: 'customer-managed' | 'aws-managed' | 'default' | 'unknown';
  /** How the template names the key. */
  readonly reference: string;
  /** `Stack/LogicalId` of the key when it is in the app. */
  readonly resource: string | null;
  /** EnableKeyRotation; null when the key is not in the app. */
  readonly rotationEnabled: boolean | null;
  readonly rotationPeriodDays: number | null;
  readonly deletionPolicy: string | null;
  /** Principals the key policy allows to administer the key (PutKeyPolicy, ScheduleKeyDeletion, kms:*). */
  readonly admins: PrincipalRef[];
}

export interface RotationEntry {
  readonly kind: 'hosted' | 'lambda' | 'none';
  /** `Stack/LogicalId` of the rotation schedule. */
  readonly schedule: string | null;
  /** The hosted rotation type (`PostgreSQLSingleUser`) or the function (`Stack/LogicalId` or ARN). */
  readonly rotator: string | null;
  readonly automaticallyAfterDays: number | null;
  readonly scheduleExpression: string | null;
  /** RotationRules.Duration, the rotation window (e.g. `2h`). */
  readonly window: string | null;
  /** The longest time between two rotations; null when it cannot be computed. */
  readonly worstCaseGapHours: number | null;
  readonly explanation: string;
  readonly withinMaximum: boolean | null;
  /** The reason rotation is waived (an acknowledgement of SecretRotationConfigured), if any. */
  readonly waiver: string | null;
}

export interface ReplicaEntry {
  readonly region: string;
  readonly key: { readonly kind: KeyEntry['kind']; readonly reference: string };
}

export interface ResourcePolicyEntry {
  /** `Stack/LogicalId` of each AWS::SecretsManager::ResourcePolicy on the secret. */
  readonly policies: string[];
  readonly blockPublicPolicy: boolean;
  /** An Allow to `*` (or NotPrincipal) without a condition on who. */
  readonly publicAllow: boolean;
  readonly denyDelete: boolean;
  /** Who the DeleteSecret deny excepts (aws:PrincipalArn and similar condition values). */
  readonly denyDeleteExceptions: string[];
  /** A Deny on aws:SecureTransport = false. */
  readonly tlsRequired: boolean;
}

export interface ReaderEntry extends PrincipalRef {
  /** Where the permission comes from. */
  readonly source: 'identity-policy' | 'aws-managed-policy' | 'resource-policy';
  /** `Stack/LogicalId` of the policy (or role) that grants it; the ARN of an AWS managed policy. */
  readonly policy: string;
  /** Sid, or `#n` for the nth statement. */
  readonly statement: string;
  /** The statement's actions that allow reading the value. */
  readonly actions: string[];
  /** How the statement's resource designates the secret. */
  readonly match: 'reference' | 'import' | 'arn-pattern' | 'wildcard' | 'resource-policy';
  /** The statement's Condition block, as written. */
  readonly conditions: { [operator: string]: unknown };
  /** Conditioned on secretsmanager:VersionStage. */
  readonly pinnedToVersionStage: boolean;
  /** Services that assume the role, and functions or tasks of the app that run with it. */
  readonly usedBy: string[];
}

export interface SecretCoverage {
  /** Metric filters or EventBridge rules on Secrets Manager events, or the declared external monitor. */
  readonly monitoredBy: string[];
  /** Trails of the app that log management events (Secrets Manager API calls are management events). */
  readonly trails: string[];
  /** Functions in a VPC that read the secret, and the Secrets Manager endpoint of their VPC. */
  readonly networkPaths: Array<{ readonly reader: string; readonly vpc: string; readonly endpoint: string | null }>;
}

export interface AppCoverage {
  readonly trails: TrailEntry[];
  readonly monitors: Array<{ readonly resource: string; readonly type: string; readonly constructPath: string }>;
  readonly endpoints: Array<{ readonly resource: string; readonly vpc: string; readonly privateDns: boolean; readonly policy: boolean }>;
  readonly externalMonitor: string | null;
}

export interface TrailEntry {
  readonly resource: string;
  readonly isLogging: boolean;
  readonly multiRegion: boolean;
  readonly managementEvents: boolean;
  readonly logFileValidation: boolean;
  readonly encrypted: boolean;
  readonly cloudWatchLogs: boolean;
}

export interface FindingEntry {
  /** The full rule id, with its suffix: `HardenedSecrets-NoCredentialInLambdaEnvironment[Environment.Variables.DB_PASSWORD]`. */
  readonly rule: string;
  /** The rule name without pack prefix or suffix. */
  readonly ruleName: string;
  readonly level: Level;
  /** `Stack/LogicalId`. */
  readonly resource: string;
  readonly resourceType: string;
  readonly constructPath: string;
  readonly message: string;
  readonly acknowledged: boolean;
  readonly reason: string | null;
  /** Secrets (`Stack/LogicalId`) the finding concerns. */
  readonly secrets: string[];
}

export interface ControlCheck {
  readonly check: string;
  /** `pack`: a SecretsManagerChecks rule; `report`: evaluated by the report from the same indexes. */
  readonly source: 'pack' | 'report';
  readonly status: CheckStatus;
  readonly findings: number;
  readonly acknowledged: number;
}

export interface ControlEntry {
  readonly framework: 'SOC 2' | 'PCI DSS 4.0' | 'NIST 800-53 R5' | 'HIPAA';
  readonly control: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly checks: ControlCheck[];
}

export interface EvidenceItem {
  readonly id: string;
  readonly title: string;
  readonly status: EvidenceStatus;
  readonly detail: string;
  /** JSON Pointer into this report where the evidence is. */
  readonly pointer: string;
}
