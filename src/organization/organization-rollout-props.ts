/**
 * The public types of `SecretsOrganizationRollout`: its props, the monitor options and who calls
 * the stack set API.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GuardHookFailureMode } from '../guard/guard-hook';

/**
 * Which account manages the stack set: the organisation's management account, or an account
 * registered as a delegated administrator for CloudFormation StackSets.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
 */
export enum StackSetCallAs {
  /** The stack is deployed in a delegated administrator account of CloudFormation StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
  /** The stack is deployed in the organisation's management account. */
  SELF = 'SELF',
}

/**
 * A `SecretAccessMonitor` in every account and region of the rollout, on the CloudTrail log
 * group that already receives the account's events there.
 *
 * The member monitor watches no secret: it knows no reader or writer of the account's secrets, so
 * its `UNEXPECTED_READ` and `WRITE_OUTSIDE_ROTATION` alarms count every read and every write of
 * a secret value in the account. Its other detectors (deletion, policy, replication and key
 * changes, failed rotations, refused calls) need no list. Watch the secrets with their readers
 * where the workloads define them.
 */
export interface OrganizationMonitorOptions {
  /**
   * The name of the CloudWatch Logs log group, in each target account and region, that the
   * account's (organisation) trail delivers to, e.g. `aws-controltower/CloudTrailLogs`. The
   * monitor creates its metric filters there; it never creates a trail (a multi-Region trail per
   * account and region would record every event once per region).
   */
  readonly cloudTrailLogGroupName: string;

  /**
   * The name of an SNS topic, in each target account and region, that the alarms notify, e.g.
   * `aws-controltower-SecurityNotifications`. Its policy (and its key's) must let the account's
   * CloudWatch alarms publish.
   *
   * @default - a new topic in each account and region, encrypted with a new customer-managed key
   */
  readonly alarmTopicName?: string;
}

/**
 * Properties of a `SecretsOrganizationRollout`.
 */
export interface SecretsOrganizationRolloutProps {
  /**
   * The id of the organisation (`o-...`). Only its accounts' hook execution roles may read the
   * Guard rules (`aws:PrincipalOrgID`).
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
   */
  readonly organizationId: string;

  /**
   * The organisational units (`ou-...`) or the root (`r-...`) to deploy to. Every account in them
   * and in their child units gets a stack in each of `regions`, except the management account,
   * which service-managed stack sets never deploy to.
   */
  readonly organizationalUnits: string[];

  /**
   * The regions to deploy to in each account. The regions must be enabled in the accounts.
   */
  readonly regions: string[];

  /**
   * The S3 version id of the Guard rules object in `rulesBucket` (at `rulesObjectKey`), which
   * every hook pins: the hooks read exactly that version, and a new version reaches the accounts
   * only when this prop changes. Publish the rules from this account with
   * `cdk-hardened-secrets export-guard-rules --target hook` and `aws s3api put-object`, which
   * prints the version id.
   *
   * @default - no Guard Hook yet: the stack set deploys the other controls, and synthesis warns
   *   until the rules are published and their version given here
   */
  readonly rulesVersionId?: string;

  /**
   * Deploy the Guard Hook (`SecretsGuardHook`) in every account and region, with the rules bucket
   * it reads in this stack. The hook's execution role is named
   * `hardened-secrets-guard-hook-<region>` in every account: the name the bucket policy admits.
   *
   * @default true
   */
  readonly guardHook?: boolean;

  /**
   * What the Guard Hooks do with a resource their rules fail. Roll out with `WARN`, read the
   * hooks' reports, then switch to `FAIL`.
   *
   * @default GuardHookFailureMode.WARN
   */
  readonly failureMode?: GuardHookFailureMode;

  /**
   * Deploy the catalogue as AWS Config rules (`SecretsConfigRules`) in every account and region.
   * AWS Config must be recording in the accounts.
   *
   * @default true
   */
  readonly configRules?: boolean;

  /**
   * Deploy a `SecretAccessMonitor` in every account and region.
   *
   * @default - no monitor
   */
  readonly monitor?: OrganizationMonitorOptions;

  /**
   * The percentage of accounts, per region, in which a stack set operation may fail before
   * CloudFormation stops it in that region (0 to 100).
   *
   * @default 10
   */
  readonly failureTolerancePercentage?: number;

  /**
   * The largest percentage of accounts a stack set operation acts on at once (1 to 100).
   *
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Deploy the stack to accounts that join the organisational units later, and remove it from
   * accounts that leave them (or keep it, see `retainStacksOnAccountRemoval`).
   *
   * @default true
   */
  readonly autoDeployment?: boolean;

  /**
   * Keep the stack (and with it the hook and the rules) in an account that leaves the
   * organisational units. Only with `autoDeployment`.
   *
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * Which account this stack is deployed in: a delegated administrator of CloudFormation
   * StackSets (AWS recommends keeping work out of the management account) or the management
   * account itself.
   *
   * @default StackSetCallAs.DELEGATED_ADMIN
   */
  readonly callAs?: StackSetCallAs;

  /**
   * The name of the stack set (a letter, then letters, digits and hyphens; at most 128).
   *
   * @default - a name CloudFormation derives from the construct path
   */
  readonly stackSetName?: string;

  /**
   * The bucket, in this account and region, that receives the server access logs of the rules
   * bucket (under `guard-rules-bucket/`). Its policy must let `logging.s3.amazonaws.com` write
   * there.
   *
   * @default - a new bucket, hardened like the rules bucket
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * What happens to the rules bucket, its access-logs bucket and their key when they leave the
   * stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
