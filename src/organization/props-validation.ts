/**
 * The defaults of `SecretsOrganizationRolloutProps`, and their validation before the rollout is
 * created.
 */
import { SecretsOrganizationRolloutProps } from './organization-rollout-props';
import {
  checkRegions, checkTargetList, ORGANIZATION_ID, ORGANIZATIONAL_UNIT_ID, ORGANIZATIONAL_UNIT_ID_ALLOWED, STACK_SET_NAME,
} from './targets';
import { isResolved, PropsValidator } from '../private/validation';

/** `failureTolerancePercentage` unless given. */
export const DEFAULT_FAILURE_TOLERANCE_PERCENTAGE = 10;
/** `maxConcurrentPercentage` unless given. */
export const DEFAULT_MAX_CONCURRENT_PERCENTAGE = 25;

/**
 * The S3 key of the Guard rules object in the rules bucket. Guard Hooks read rules only from
 * objects named `.guard`, `.zip` or `.tar.gz`.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudformation-guardhook-s3location.html
 */
export const RULES_OBJECT_KEY = 'guard-hook/hardened-secrets.guard';

/**
 * An S3 version id: printable ASCII without spaces, at most 1,024 characters; `null` is the
 * version id of an object written before versioning, which the versioned rules bucket never holds.
 */
function validVersionId(value: string): boolean {
  return /^[\x21-\x7E]{1,1024}$/.test(value) && value !== 'null';
}

/**
 * Throws one `HardenedSecretsValidationError` naming every invalid or conflicting prop of the
 * rollout at `path`.
 */
export function validateRolloutProps(path: string, props: SecretsOrganizationRolloutProps): void {
  const v = new PropsValidator(path);
  if (props.organizationId === undefined || isResolved(props.organizationId)) {
    v.check(
      typeof props.organizationId === 'string' && ORGANIZATION_ID.test(props.organizationId),
      'organizationId',
      props.organizationId,
      "an organisation id: 'o-' + 10 to 32 lowercase letters or digits",
    );
  }
  checkTargetList(v, 'organizationalUnits', props.organizationalUnits, (id) => ORGANIZATIONAL_UNIT_ID.test(id), ORGANIZATIONAL_UNIT_ID_ALLOWED);
  checkRegions(v, props.regions);
  const percentages: Array<[string, number | undefined, number]> = [
    ['failureTolerancePercentage', props.failureTolerancePercentage, 0],
    ['maxConcurrentPercentage', props.maxConcurrentPercentage, 1],
  ];
  for (const [prop, value, min] of percentages) {
    if (value !== undefined && isResolved(value)) {
      v.check(Number.isInteger(value) && value >= min && value <= 100, prop, value, `a whole number from ${min} to 100`);
    }
  }
  if (props.stackSetName !== undefined && isResolved(props.stackSetName)) {
    v.check(STACK_SET_NAME.test(props.stackSetName), 'stackSetName', props.stackSetName,
      'a letter, then letters, digits and hyphens, at most 128 characters');
  }
  if (props.rulesVersionId !== undefined && isResolved(props.rulesVersionId)) {
    v.check(validVersionId(props.rulesVersionId), 'rulesVersionId', props.rulesVersionId,
      "the S3 version id put-object printed for the rules object (1 to 1,024 printable characters, no spaces, not 'null')");
  }
  if (props.monitor !== undefined && isResolved(props.monitor.cloudTrailLogGroupName)) {
    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
    v.check(
      typeof props.monitor.cloudTrailLogGroupName === 'string' && /^[\w\-/.#]{1,512}$/.test(props.monitor.cloudTrailLogGroupName),
      'monitor.cloudTrailLogGroupName',
      props.monitor.cloudTrailLogGroupName,
      "a log group name: 1 to 512 letters, digits, '_', '-', '/', '.' or '#'",
    );
  }
  const topicName = props.monitor?.alarmTopicName;
  if (topicName !== undefined && isResolved(topicName)) {
    // https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
    v.check(/^[A-Za-z0-9_-]{1,256}$/.test(topicName), 'monitor.alarmTopicName', topicName,
      "a topic name: 1 to 256 letters, digits, '_' or '-' (a standard topic)");
  }
  if (props.autoDeployment === false && props.retainStacksOnAccountRemoval !== undefined) {
    v.conflict(['retainStacksOnAccountRemoval', 'autoDeployment'],
      'retainStacksOnAccountRemoval applies only to automatic deployments: leave it unset or set autoDeployment to true');
  }
  const guardHook = props.guardHook ?? true;
  if (!guardHook && props.rulesVersionId !== undefined) {
    v.conflict(['rulesVersionId', 'guardHook'], 'rulesVersionId names the rules of the Guard Hook: set guardHook to true or leave rulesVersionId unset');
  }
  if (!guardHook && props.accessLogsBucket !== undefined) {
    v.conflict(['accessLogsBucket', 'guardHook'], 'accessLogsBucket receives the access logs of the Guard rules bucket, which only the Guard Hook needs');
  }
  if (!guardHook && props.failureMode !== undefined) {
    v.conflict(['failureMode', 'guardHook'], 'failureMode is the failure mode of the Guard Hook: set guardHook to true or leave failureMode unset');
  }
  if (!guardHook && props.configRules === false && props.monitor === undefined) {
    v.conflict(['guardHook', 'configRules', 'monitor'], 'the stack set would deploy nothing: keep the Guard Hook or the Config rules, or add a monitor');
  }
  if (guardHook && props.rulesVersionId === undefined && props.configRules === false && props.monitor === undefined) {
    v.conflict(['rulesVersionId', 'configRules', 'monitor'],
      'the stack set would deploy nothing until the rules are published: give rulesVersionId, keep the Config rules or add a monitor');
  }
  v.throwIfInvalid();
}
