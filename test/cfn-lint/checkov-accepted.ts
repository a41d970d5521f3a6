/**
 * Every Checkov check that fails on a template of test/cfn-lint/checkov.test.ts, with the reason it
 * stays. The test fails on a failure no entry matches, and on an entry no failure matches any more.
 *
 * Two kinds of entries:
 * - `ours: true`: a resource the library generates. Each says why the check does not apply, which
 *   is always something the check does not read (a condition, the function's purpose).
 * - `ours: false`: a resource an example or a proof writes on purpose (a consumer function of an
 *   example app, a principal an access proof needs, the finding an example acknowledges).
 */

/** One accepted Checkov failure, or a family of them. */
export interface AcceptedCheckovFailure {
  /** The check, e.g. `CKV_AWS_33`. */
  readonly check: string;
  /** The templates: matched against `<source> <stack>`, as in accepted-warnings.ts. */
  readonly template: RegExp;
  /** The resource: matched against `<type> <logical id>`. */
  readonly resource: RegExp;
  /** Whether the library generates the resource (rather than the example or the proof around it). */
  readonly ours: boolean;
  readonly reason: string;
}

/** Every template. */
const ANY = /./;

/** The rotation functions the library's RotationFunction makes in the examples, integ apps and proofs. */
const ROTATION_FUNCTIONS = /^AWS::Lambda::Function (PasswordRotationFunction|TokenRotationFunction|PartnerRotationFunction|RotatorFunction|RotationFunction)[0-9A-F]{8}$/;

/** Functions the examples and proofs write as the application around a secret, not made by the library. */
const APPLICATION_FUNCTIONS = /^AWS::Lambda::Function (ApiClient|LabelPrinter|Reader|OrdersFunction|ReplayFixture|ServiceRotation|Rotator)[0-9A-F]{8}$/;

export const ACCEPTED_CHECKOV_FAILURES: readonly AcceptedCheckovFailure[] = [
  {
    check: 'CKV_AWS_33',
    template: ANY,
    resource: /^AWS::KMS::Key HardenedSecretsGuardrail(Restrictive)?Key[0-9A-F]{8}$/,
    ours: true,
    reason: 'Checkov fails any key-policy Allow whose principal is `*` without reading its Condition. This one is ' +
      'limited by `kms:CallerAccount` (the key\'s own account) and `kms:ViaService` (Secrets Manager of the key\'s ' +
      'region), the scope of the `aws/secretsmanager` key it replaces: every reader of a plain secret keeps reading ' +
      'after ENFORCE swaps its key, since a reader granted GetSecretValue on the secret holds no KMS grant. The ' +
      'restrictive key adds a Deny to every principal but the secrets\' users (docs/access-modes.md). The IAM engine ' +
      'proves both (test/access).',
  },
  {
    check: 'CKV_AWS_33',
    template: /ReplicaKeys[A-Za-z0-9]+$/,
    resource: /^AWS::KMS::Key [A-Za-z0-9]+$/,
    ours: true,
    reason: 'Checkov fails any key-policy Allow whose principal is `*` without reading its Condition. The replica ' +
      'key\'s statement AllowReplicationOfNewVersionsThroughSecretsManager allows kms:Encrypt and ' +
      'kms:GenerateDataKey only, only with `kms:CallerAccount` (the key\'s own account) and `kms:ViaService` ' +
      '(Secrets Manager of the replica\'s region): whoever writes the primary secret (its rotation function, an ' +
      'operator) has Secrets Manager encrypt the replicated version, and nobody can decrypt through it.',
  },
  {
    check: 'CKV_AWS_116',
    template: ANY,
    resource: ROTATION_FUNCTIONS,
    ours: true,
    reason: 'A dead-letter queue keeps the events of failed asynchronous invocations for replay. A rotation step has ' +
      'nothing to replay: Secrets Manager records a failed rotation (RotationFailed, in CloudTrail and EventBridge) ' +
      'and starts the next one from the secret\'s state, and SecretAccessMonitor alarms on the function\'s errors. ' +
      'A queue would only hold secret ARNs and client request tokens.',
  },
  {
    check: 'CKV_AWS_173',
    template: ANY,
    resource: /^AWS::Lambda::Function (TokenRotationFunction|PartnerRotationFunction)[0-9A-F]{8}$/,
    ours: true,
    reason: 'The variables are the password policy of the rotation (ROTATION_PASSWORD_LENGTH, ' +
      'ROTATION_EXCLUDE_PUNCTUATION, ROTATION_FIELD): no credential. Lambda encrypts them at rest; a customer-managed ' +
      'key would be one more key policy to get right for nothing secret. The pack\'s NoCredentialInLambdaEnvironment ' +
      'rule holds that no credential ever goes there.',
  },
  {
    check: 'CKV_AWS_18',
    template: ANY,
    resource: /^AWS::S3::Bucket MonitorAccessLogsBucket[0-9A-F]{8}$/,
    ours: true,
    reason: 'This bucket is the target of the trail bucket\'s server access logs. Logging it into itself would log ' +
      'every log delivery in a loop, and into another bucket would need a third bucket with the same question; AWS ' +
      'advises against both. It blocks public access, enforces TLS, is versioned, encrypted with the monitor\'s key, and retained unless the monitor\'s removalPolicy says otherwise.',
  },
  {
    check: 'CKV_AWS_115',
    template: ANY,
    resource: APPLICATION_FUNCTIONS,
    ours: false,
    reason: 'A function of the application around the secret (a reader, a consumer, a bring-your-own rotation ' +
      'function), written in the examples or the proofs to show grants; its concurrency is the application\'s choice.',
  },
  {
    check: 'CKV_AWS_116',
    template: ANY,
    resource: APPLICATION_FUNCTIONS,
    ours: false,
    reason: 'A function of the application around the secret, written in the examples or the proofs to show grants; ' +
      'how it handles failed asynchronous invocations is the application\'s choice.',
  },
  {
    check: 'CKV_AWS_117',
    template: ANY,
    resource: APPLICATION_FUNCTIONS,
    ours: false,
    reason: 'A function of the application around the secret, written in the examples or the proofs to show grants; ' +
      'examples/network/private-secrets.ts shows functions in a VPC with the Secrets Manager endpoint.',
  },
  {
    check: 'CKV_AWS_173',
    template: ANY,
    resource: APPLICATION_FUNCTIONS,
    ours: false,
    reason: 'A function of the application around the secret; its variables hold the secret\'s ARN or name (never its ' +
      'value: the pack\'s NoCredentialInLambdaEnvironment rule holds that).',
  },
  {
    check: 'CKV_AWS_149',
    template: /^examples\/compliance\/acknowledge-finding\.ts /,
    resource: /^AWS::SecretsManager::Secret VendorApiKey[0-9A-F]{8}$/,
    ours: false,
    reason: 'The example shows how a team acknowledges a finding: a vendor-managed secret on the AWS-managed key, ' +
      'acknowledged with its reason (docs/security-teams.md). Checkov reports the same finding the pack does.',
  },
  {
    check: 'CKV_AWS_108',
    template: /^access: /,
    resource: /^AWS::IAM::Policy (Auditor|Bystander)DefaultPolicy[0-9A-F]{8}$/,
    ours: false,
    reason: 'A principal of an access proof, given broad rights on purpose: the proof shows that the resource and key ' +
      'policies deny it anyway.',
  },
  {
    check: 'CKV_AWS_111',
    template: /^access: /,
    resource: /^AWS::IAM::Policy (Auditor|Bystander)DefaultPolicy[0-9A-F]{8}$/,
    ours: false,
    reason: 'A principal of an access proof, given broad rights on purpose: the proof shows that the resource and key ' +
      'policies deny it anyway.',
  },
  {
    check: 'CKV_SECRET_2',
    template: /^examples\/rotation\/api-token\.ts ApiTokenRotationExample$/,
    resource: /^AWS::EC2::SecurityGroup VpcSecretsManagerEndpointSecurityGroup[0-9A-F]{8}$/,
    ours: true,
    reason: 'A false positive of the AWS key detector on the resource\'s `aws:cdk:path` metadata line ' +
      '("ApiTokenRotationExample/Vpc/SecretsManagerEndpoint/SecurityGroup/Resource": the words aws and Token next to ' +
      'a long path of letters). The template holds no key; the pack\'s NoAwsAccessKey rule, which reads values, finds none.',
  },
  {
    check: 'CKV_SECRET_6',
    template: /^examples\/compliance\/acknowledge-finding\.ts VendorIntegration$/,
    resource: /^AWS::Lambda::Function ReplayFixture[0-9A-F]{8}$/,
    ours: false,
    reason: 'The example shows a team acknowledging a finding: a revoked token kept as a replay fixture in a test ' +
      'function\'s environment, which the pack reports too and the example acknowledges with its reason.',
  },
  {
    check: 'CKV_AWS_18',
    template: ANY,
    resource: /^AWS::S3::Bucket [A-Za-z0-9]*RulesAccessLogsBucket[0-9A-F]{8}$/,
    ours: true,
    reason: 'This bucket is the target of the SecretsOrganizationRollout rules bucket\'s server access logs. Logging ' +
      'it into itself would log every log delivery in a loop, and into another bucket would need a third bucket with ' +
      'the same question. It blocks public access, enforces TLS, is versioned and KMS-encrypted; give ' +
      'accessLogsBucket to log to an existing bucket instead.',
  },
  {
    check: 'CKV_AWS_18',
    template: /^(integ\/integ\.organization-rollout\.ts .*\.stackset|integ\/integ\.guard-hook\.ts SecretsGuardHookInteg)$/,
    resource: /^AWS::S3::Bucket (GuardHook|Guard)AccessLogsBucket[0-9A-F]{8}$/,
    ours: true,
    reason: 'A SecretsGuardHook (alone, or in the rollout\'s member stack in each account and Region): this bucket is the target ' +
      'of the hook log bucket\'s server access logs. Logging it into itself would loop, and into another bucket would ' +
      'need a third bucket with the same question. It blocks public access, enforces TLS, is versioned and KMS-encrypted.',
  },
  {
    check: 'CKV_AWS_33',
    template: ANY,
    resource: /^AWS::KMS::Key [A-Za-z0-9]*RulesKey[0-9A-F]{8}$/,
    ours: true,
    reason: 'Checkov fails any key-policy Allow whose principal is `*` without reading its Condition. The ' +
      'SecretsOrganizationRollout rules key allows kms:Decrypt only with `aws:PrincipalOrgID` (the organisation), ' +
      '`aws:PrincipalArn` (the Guard Hook execution roles the member stack names) and `kms:ViaService` (S3 of the ' +
      'bucket\'s region): the hooks of the organisation read the rules object, nobody else decrypts. The IAM engine ' +
      'proves it (test/organization/organization-rollout.test.ts).',
  },
];
