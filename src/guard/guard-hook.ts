import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { logBucketAcknowledgements, logWriteAcknowledgement } from './acknowledgements';
import { createLogBucket } from './hook-log-bucket';
import { hookRuleFile, hookRulesCoverEveryType } from './rule-files';
import { acknowledge } from '../private/acknowledgements';
import { DEFAULTS } from '../private/defaults';
import { futurePath, isResolved, PropsValidator } from '../private/validation';

/** How a Guard Hook answers a resource its rules fail. */
export enum GuardHookFailureMode {
  /** Report the failure in the stack events and let the operation continue. */
  WARN = 'WARN',
  /** Stop the operation: CloudFormation fails the resource and rolls the stack back. */
  FAIL = 'FAIL',
}

/** How a hook's stack filters combine. */
export enum GuardHookFilteringCriteria {
  /** A stack must match every filter given. */
  ALL = 'ALL',
  /** A stack must match at least one filter given. */
  ANY = 'ANY',
}

/**
 * The stacks a Guard Hook runs on, by name or by the role CloudFormation deploys them with.
 * Give at least one list; each holds 1 to 50 distinct entries.
 *
 * @see https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/hooks-stack-level-filtering.html
 */
export interface GuardHookStackFilters {
  /**
   * Whether a stack must match every filter or any one.
   *
   * @default GuardHookFilteringCriteria.ALL
   */
  readonly filteringCriteria?: GuardHookFilteringCriteria;
  /**
   * Stack names (or patterns with `*` and `?`) the hook runs on.
   *
   * @default - no include filter on names
   */
  readonly includeStackNames?: string[];
  /**
   * Stack names (or patterns with `*` and `?`) the hook skips.
   *
   * @default - no exclude filter on names
   */
  readonly excludeStackNames?: string[];
  /**
   * ARNs (or patterns) of the roles CloudFormation deploys with, for the stacks the hook runs on.
   *
   * @default - no include filter on roles
   */
  readonly includeStackRoles?: string[];
  /**
   * ARNs (or patterns) of the roles CloudFormation deploys with, for the stacks the hook skips.
   *
   * @default - no exclude filter on roles
   */
  readonly excludeStackRoles?: string[];
}

/** Where a Guard Hook reads its rules: one S3 object. */
export interface GuardRulesLocation {
  /** The bucket that holds the rules. */
  readonly bucket: s3.IBucket;
  /** The object key of the rules (`.guard`, `.zip` or `.tar.gz`). */
  readonly objectKey: string;
  /**
   * The object version the hook reads, in a versioned bucket.
   *
   * @default - the current version at each invocation
   */
  readonly objectVersion?: string;
}

/**
 * The Guard rules a `SecretsGuardHook` enforces: the library's exported rules as an asset of the
 * app, or an object someone else publishes (e.g. an organisation's bucket in its security account).
 */
export abstract class GuardRulesSource {
  /**
   * The catalogue exported for the Guard Hook (`hardened-secrets.guard`), as a file asset of the
   * app: the CDK deployment uploads it to the bootstrap bucket under its content hash, so a
   * deployment with changed rules points the hook at a new object. No custom resource is involved.
   *
   * The bootstrap bucket's default encryption must be S3-managed or the AWS managed key (the
   * bootstrap default); with a customer-managed key give the object with `fromBucket` and a
   * bucket that carries its `encryptionKey`.
   */
  public static fromAsset(): GuardRulesSource {
    return new AssetRules();
  }

  /**
   * An object of an existing bucket: its execution role may read that one key (and version).
   * For a bucket of another account, the bucket policy must let the hook's role read it (for an
   * organisation, an `aws:PrincipalOrgID` condition); a bucket whose `encryptionKey` is known
   * also gets `kms:Decrypt` through S3.
   *
   * @param bucket the bucket, e.g. `s3.Bucket.fromBucketName(this, 'OrgRules', 'org-guard-rules')`
   * @param objectKey the object's key, ending in `.guard`, `.zip` or `.tar.gz`
   * @param objectVersion the object version to read; recommended, or a change of the object changes the rules at once
   */
  public static fromBucket(bucket: s3.IBucket, objectKey: string, objectVersion?: string): GuardRulesSource {
    return new BucketRules({ bucket, objectKey, objectVersion });
  }

  /**
   * The problems the factory found in its arguments; the hook reports them with its own path.
   *
   * @internal
   */
  protected readonly _problems = new PropsValidator('rules');

  /**
   * Reports the factory's problems into the validator of the hook being built.
   *
   * @internal
   */
  public _validate(v: PropsValidator): void {
    v.adopt(this._problems);
  }

  /**
   * The location of the rules for the hook `scope`, creating the asset if there is one.
   *
   * @internal
   */
  public abstract _bind(scope: Construct): GuardRulesLocation;
}

class AssetRules extends GuardRulesSource {
  public _bind(scope: Construct): GuardRulesLocation {
    const file = hookRuleFile();
    const asset = new s3_assets.Asset(scope, 'Rules', { path: writeOnce(file.fileName, file.content) });
    return { bucket: asset.bucket, objectKey: asset.s3ObjectKey };
  }
}

class BucketRules extends GuardRulesSource {
  constructor(private readonly location: GuardRulesLocation) {
    super();
    const { objectKey, objectVersion } = location;
    if (isResolved(objectKey)) {
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudformation-guardhook-s3location.html
      this._problems.check(
        /^[^/].*\.(guard|zip|tar\.gz)$/.test(objectKey),
        'rules (GuardRulesSource.fromBucket objectKey)',
        objectKey,
        'an object key ending in .guard, .zip or .tar.gz, not starting with /',
      );
    }
    if (objectVersion !== undefined && isResolved(objectVersion)) {
      this._problems.check(objectVersion.trim().length > 0, 'rules (GuardRulesSource.fromBucket objectVersion)', objectVersion, 'a version id, or omit it');
    }
  }

  public _bind(): GuardRulesLocation {
    return this.location;
  }
}

/**
 * The rules file written once per content into the temporary directory, for the asset to stage.
 * The path depends only on the content: the same rules give the same path and the same asset hash.
 */
function writeOnce(fileName: string, content: string): string {
  const digest = createHash('sha256').update(content).digest('hex').slice(0, 32);
  const dir = path.join(os.tmpdir(), 'hardened-secrets-guard-rules', digest);
  const file = path.join(dir, fileName);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, content);
  }
  return file;
}

/** Props of `SecretsGuardHook`. */
export interface SecretsGuardHookProps {
  /**
   * The Guard rules the hook enforces.
   *
   * @default GuardRulesSource.fromAsset()
   */
  readonly rules?: GuardRulesSource;

  /**
   * What the hook does with a resource its rules fail: roll out with `WARN`, read the reports,
   * then switch to `FAIL`.
   *
   * @default GuardHookFailureMode.WARN
   */
  readonly failureMode?: GuardHookFailureMode;

  /**
   * The hook's type name alias, unique per account and Region: `Name1::Name2::Name3`, each part 2 to
   * 64 letters or digits, not starting with `AWS`.
   *
   * @default 'Private::HardenedSecrets::Guard'
   */
  readonly alias?: string;

  /**
   * Whether the hook is enabled (`HookStatus`).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Whether the hook also evaluates resources created or updated through the Cloud Control API
   * (`CLOUD_CONTROL`), besides those of CloudFormation stacks (`RESOURCE`). Both hand the hook the
   * same resource input, which the exported rules are written for.
   *
   * @default true
   */
  readonly cloudControl?: boolean;

  /**
   * The stacks the hook runs on.
   *
   * @default - every stack of the account and Region
   */
  readonly stackFilters?: GuardHookStackFilters;

  /**
   * The bucket the hook writes its Guard output reports to. The execution role may put objects
   * there, and use its `encryptionKey` (when known) to encrypt them.
   *
   * @default - a new bucket, encrypted with a new customer-managed key
   */
  readonly logBucket?: s3.IBucket;

  /**
   * The bucket, in the same account and Region, that receives the server access logs of the new
   * log bucket (its policy must let `logging.s3.amazonaws.com` write). Only without `logBucket`.
   *
   * @default - a new access logs bucket, hardened alike
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * How long the new log bucket keeps a report (whole days, 1 to 3,650). Only without `logBucket`.
   *
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;

  /**
   * The name of the execution role, for a bucket policy in another account that lets the
   * hooks' roles read the rules by `aws:PrincipalArn` (1 to 64 of `A-Za-z0-9+=,.@_-`).
   *
   * @default - a name CloudFormation generates
   */
  readonly executionRoleName?: string;

  /**
   * What happens to the new log bucket and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The alias unless given. */
export const DEFAULT_HOOK_ALIAS = 'Private::HardenedSecrets::Guard';
/** `logRetention` unless given. */
const DEFAULT_LOG_RETENTION = Duration.days(365);
/** The most entries a list of `TargetFilters` or `StackFilters` may hold. */
const MAX_FILTER_ENTRIES = 50;
/**
 * The operations the hook evaluates: what creates or changes a resource. A deletion leaves no
 * resource to hold to the catalogue.
 */
const HOOK_ACTIONS = ['CREATE', 'UPDATE'];

/**
 * An `AWS::CloudFormation::GuardHook` that holds every CloudFormation (and Cloud Control)
 * operation of its account and Region to the rule catalogue, at deploy time, on the
 * secret-related resource types the rules look at.
 *
 * The rules are the catalogue exported for the Guard Hook input (`SecretsGuardRules.export(
 * GuardTarget.HOOK)`), a file asset of the app unless `rules` names another object. The hook's
 * execution role can read only that object and write only its log bucket.
 *
 * The hook runs on resource operations (`RESOURCE`, and `CLOUD_CONTROL` unless turned off): each
 * resource is handed to Guard as `Resources.<id>.ResourceType / ResourceProperties`, the input the
 * exported rules are written for. Not on `STACK` operations, whose input is the whole template:
 * the resource rules would not see it in their shape, and the template export is for CI.
 *
 * @example
 * new SecretsGuardHook(this, 'Guard', { failureMode: GuardHookFailureMode.WARN });
 */
export class SecretsGuardHook extends Construct {
  /** The hook resource. */
  public readonly hook: cloudformation.CfnGuardHook;
  /** The role the hook reads its rules and writes its reports with. */
  public readonly executionRole: iam.IRole;
  /** Where the hook writes its Guard output reports. */
  public readonly logBucket: s3.IBucket;
  /** Where the hook reads its rules. */
  public readonly rulesLocation: GuardRulesLocation;
  /** The hook's alias. */
  public readonly alias: string;
  /**
   * The resource types the hook's rules name. Rules that look at every type (credentials in any
   * property) name none: see `targetNames`.
   */
  public readonly resourceTypes: string[];
  /**
   * The hook's `TargetFilters.TargetNames`: the resource types, or their services with a wildcard
   * beyond the 50 names a hook takes; `undefined` when a rule looks at every type, and the hook then
   * runs on every resource.
   */
  public readonly targetNames?: string[];

  constructor(scope: Construct, id: string, props: SecretsGuardHookProps = {}) {
    validateHookProps(futurePath(scope, id), props);
    super(scope, id);
    const stack = Stack.of(this);
    this.alias = props.alias ?? DEFAULT_HOOK_ALIAS;
    const rules = props.rules ?? GuardRulesSource.fromAsset();
    this.rulesLocation = rules._bind(this);
    this.resourceTypes = [...hookRuleFile().resourceTypes].sort();

    const created = props.logBucket === undefined
      ? createLogBucket(this, props.removalPolicy ?? DEFAULTS.removalPolicy, props.logRetention ?? DEFAULT_LOG_RETENTION, props.accessLogsBucket)
      : undefined;
    this.logBucket = props.logBucket ?? created!.bucket;

    // Only CloudFormation's hook service, acting for this account, may assume the role.
    // https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/guard-hooks-prepare-to-create-hook.html
    const role = new iam.Role(this, 'ExecutionRole', {
      roleName: props.executionRoleName,
      description: `Reads the Guard rules of the ${this.alias} hook and writes its reports`,
      assumedBy: new iam.ServicePrincipal('hooks.cloudformation.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // One customer-managed policy: HIPAA, NIST 800-53 R5 and PCI DSS ask for no inline policies.
    const policy = new iam.ManagedPolicy(role, 'Policy', {
      roles: [role],
      description: `What the ${this.alias} Guard Hook may do: read its rules object, write its log bucket`,
      statements: this.statements(this.rulesLocation, this.logBucket),
    });
    this.executionRole = role;

    this.hook = new cloudformation.CfnGuardHook(this, 'Resource', {
      alias: this.alias,
      executionRole: role.roleArn,
      failureMode: props.failureMode ?? GuardHookFailureMode.WARN,
      hookStatus: props.enabled === false ? 'DISABLED' : 'ENABLED',
      logBucket: this.logBucket.bucketName,
      ruleLocation: {
        uri: `s3://${this.rulesLocation.bucket.bucketName}/${this.rulesLocation.objectKey}`,
        versionId: this.rulesLocation.objectVersion,
      },
      targetOperations: props.cloudControl === false ? ['RESOURCE'] : ['RESOURCE', 'CLOUD_CONTROL'],
      stackFilters: renderStackFilters(props.stackFilters),
    });
    // The form with Actions, InvocationPoints and TargetNames, which aws-cdk-lib's L1 does not
    // type (it requires Targets, one entry per type and action, at most 50).
    // https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/hooks-target-filtering.html
    // A rule that looks at every type (an access key in any property) needs the hook on every type.
    const targetNames = hookRulesCoverEveryType() ? undefined : hookTargetNames(this.resourceTypes);
    this.targetNames = targetNames;
    this.hook.addPropertyOverride('TargetFilters', {
      Actions: HOOK_ACTIONS,
      InvocationPoints: ['PRE_PROVISION'],
      ...(targetNames === undefined ? {} : { TargetNames: targetNames }),
    });
    // The hook reads its rules and writes with the role's permissions from its first invocation.
    this.hook.node.addDependency(policy);

    if (created) {
      for (const ack of logBucketAcknowledgements(created.accessLogsBucket !== undefined)) {
        acknowledge(this.find(ack.path), ack.rule, ack.reason);
      }
    }
    const write = logWriteAcknowledgement(logObjectsFinding(this, this.logBucket));
    acknowledge(this.find(write.path), write.rule, write.reason);
  }

  private statements(rules: GuardRulesLocation, logBucket: s3.IBucket): iam.PolicyStatement[] {

    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadRules',
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [rules.bucket.arnForObjects(rules.objectKey)],
      }),
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [logBucket.arnForObjects('*')],
      }),
    ];
    const keyStatement = (sid: string, key: kms.IKey | undefined, action: string) => key === undefined ? [] : [new iam.PolicyStatement({
      sid,
      actions: [action],
      resources: [key.keyArn],
      // Only through S3, which calls KMS in the bucket's (and the key's) region.
      // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
      conditions: { StringEquals: { 'kms:ViaService': `s3.${key.env.region}.amazonaws.com` } },
    })];
    return [
      ...statements,
      ...keyStatement('DecryptRules', rules.bucket.encryptionKey, 'kms:Decrypt'),
      ...keyStatement('EncryptReports', logBucket.encryptionKey, 'kms:GenerateDataKey'),
    ];
  }

  private find(relative: string): IConstruct {
    return relative.split('/').reduce<IConstruct>((c, childId) => c.node.findChild(childId), this);
  }
}

/**
 * The id of the `AwsSolutions-IAM5` finding on `<log bucket>/*`, as cdk-nag names it: the
 * resolved ARN with each reference flattened (`<Logical.Arn>`, `<AWS::Partition>`).
 */
function logObjectsFinding(scope: IConstruct, bucket: s3.IBucket): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') {
      return node;
    }
    const n = node as Record<string, any>;
    if (n['Fn::Join']) {
      const [delimiter, items] = n['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (n['Fn::GetAtt']) {
      return `<${flatten(n['Fn::GetAtt'][0])}.${flatten(n['Fn::GetAtt'][1])}>`;
    }
    if (n.Ref) {
      return `<${flatten(n.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(bucket.arnForObjects('*')))}]`;
}

/**
 * The `TargetNames` of the hook: the resource types themselves when they fit the 50 a hook takes;
 * else one wildcard per service (`AWS::IAM::*`), which hooks match; else none, and the hook runs on
 * every resource type (a rule skips the types it does not look at).
 *
 * @see https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/wildcard-hook-targets.html
 */
export function hookTargetNames(types: string[]): string[] | undefined {
  if (types.length <= MAX_FILTER_ENTRIES) {
    return types;
  }
  const services = [...new Set(types.map((t) => `${t.split('::').slice(0, 2).join('::')}::*`))].sort();
  return services.length <= MAX_FILTER_ENTRIES ? services : undefined;
}

function renderStackFilters(filters: GuardHookStackFilters | undefined): cloudformation.CfnGuardHook.StackFiltersProperty | undefined {
  if (filters === undefined) {
    return undefined;
  }
  const pair = (include: string[] | undefined, exclude: string[] | undefined) =>
    include === undefined && exclude === undefined ? undefined : { include, exclude };
  return {
    filteringCriteria: filters.filteringCriteria ?? GuardHookFilteringCriteria.ALL,
    stackNames: pair(filters.includeStackNames, filters.excludeStackNames),
    stackRoles: pair(filters.includeStackRoles, filters.excludeStackRoles),
  };
}

/** Throws one `HardenedSecretsValidationError` naming every invalid or conflicting prop of the hook at `path`. */
function validateHookProps(constructPath: string, props: SecretsGuardHookProps): void {
  const v = new PropsValidator(constructPath);
  props.rules?._validate(v);
  if (props.alias !== undefined && isResolved(props.alias)) {
    // The pattern of AWS::CloudFormation::GuardHook Alias.
    v.check(
      /^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/.test(props.alias) && !/^aws/i.test(props.alias),
      'alias',
      props.alias,
      'Name1::Name2::Name3, each part 2 to 64 letters or digits, not starting with AWS (e.g. Private::HardenedSecrets::Guard)',
    );
  }
  if (props.executionRoleName !== undefined && isResolved(props.executionRoleName)) {
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
    v.check(/^[\w+=,.@-]{1,64}$/.test(props.executionRoleName), 'executionRoleName', props.executionRoleName, '1 to 64 letters, digits or +=,.@_-');
  }
  if (props.logRetention !== undefined && !props.logRetention.isUnresolved()) {
    const days = props.logRetention.toHours() / 24;
    v.check(Number.isInteger(days) && days >= 1 && days <= 3650, 'logRetention', props.logRetention, 'whole days from 1 to 3650');
  }
  if (props.logBucket !== undefined) {
    if (props.accessLogsBucket !== undefined) {
      v.conflict(['logBucket', 'accessLogsBucket'], 'accessLogsBucket is where the new log bucket logs its access; with your own logBucket, configure its logging where it is defined');
    }
    if (props.logRetention !== undefined) {
      v.conflict(['logBucket', 'logRetention'], 'logRetention is the lifecycle of the new log bucket; set the lifecycle of your own logBucket where it is defined');
    }
    if (props.removalPolicy !== undefined) {
      v.conflict(['logBucket', 'removalPolicy'], 'removalPolicy applies to the new log bucket and its key only');
    }
  }
  if (props.stackFilters !== undefined) {
    validateStackFilters(v, props.stackFilters);
  }
  v.throwIfInvalid();
}

// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudformation-guardhook-stackfilters.html
const STACK_NAME = /^[a-zA-Z*?][-a-zA-Z0-9*?]*$/;
const STACK_ROLE = /^(arn:.+:iam::((?!\*|\?)[0-9]{12}|(?=.*\*)[0-9*?]{1,12}|[0-9?]{12}):role\/.+|\*)$/;

function validateStackFilters(v: PropsValidator, filters: GuardHookStackFilters): void {
  const lists: Array<[string, string[] | undefined, RegExp, number, string]> = [
    ['includeStackNames', filters.includeStackNames, STACK_NAME, 128, 'stack names or patterns of letters, digits, -, * and ?, starting with a letter, * or ?, at most 128 characters'],
    ['excludeStackNames', filters.excludeStackNames, STACK_NAME, 128, 'stack names or patterns of letters, digits, -, * and ?, starting with a letter, * or ?, at most 128 characters'],
    ['includeStackRoles', filters.includeStackRoles, STACK_ROLE, 256, 'IAM role ARNs or ARN patterns (arn:<partition>:iam::<account or pattern>:role/<name>), at most 256 characters'],
    ['excludeStackRoles', filters.excludeStackRoles, STACK_ROLE, 256, 'IAM role ARNs or ARN patterns (arn:<partition>:iam::<account or pattern>:role/<name>), at most 256 characters'],
  ];
  if (lists.every(([, list]) => list === undefined)) {
    v.fail('stackFilters', filters, 'at least one of includeStackNames, excludeStackNames, includeStackRoles and excludeStackRoles, or omit stackFilters');
  }
  for (const [name, list, pattern, maxLength, allowed] of lists) {
    if (list === undefined || Token.isUnresolved(list)) {
      continue;
    }
    const prop = `stackFilters.${name}`;
    v.check(list.length >= 1 && list.length <= MAX_FILTER_ENTRIES, prop, list, `1 to ${MAX_FILTER_ENTRIES} entries, or omit the list`);
    v.check(new Set(list).size === list.length, prop, list, 'distinct entries');
    list.forEach((entry, i) => {
      if (isResolved(entry)) {
        v.check(entry.length <= maxLength && pattern.test(entry), `${prop}[${i}]`, entry, allowed);
      }
    });
  }
}
