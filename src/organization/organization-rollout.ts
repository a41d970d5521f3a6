import { Annotations, CfnOutput, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DeploymentType, RegionConcurrencyType, StackSet, StackSetStack, StackSetTarget, StackSetTemplate } from 'cdk-stacksets';
import { Construct } from 'constructs';
import { hookRoleArnPattern, MEMBER_PARAMETERS, MemberRules, populateMemberStack } from './member-stack';
import { SecretsOrganizationRolloutProps, StackSetCallAs } from './organization-rollout-props';
import {
  DEFAULT_FAILURE_TOLERANCE_PERCENTAGE, DEFAULT_MAX_CONCURRENT_PERCENTAGE, RULES_OBJECT_KEY, validateRolloutProps,
} from './props-validation';
import { createRulesBucket } from './rules-bucket';
import { GuardHookFailureMode } from '../guard/guard-hook';
import { DEFAULTS } from '../private/defaults';
import { futurePath } from '../private/validation';

/**
 * The catalogue enforced in every account and region of organisational units: a Guard Hook
 * (`SecretsGuardHook`) at deploy time, AWS Config rules (`SecretsConfigRules`) on what exists and,
 * optionally, a `SecretAccessMonitor`, deployed by one service-managed CloudFormation stack set
 * with automatic deployment to the accounts that join the units.
 *
 * Deploy it in a delegated administrator account of CloudFormation StackSets or in the
 * organisation's management account (`callAs`). The member template is a stack of its own
 * (`memberStack`) without any asset: the CDK CLI publishes it with the app's other assets, and
 * it learns the rules bucket's name and key from stack set parameters, never by a cross-stack
 * reference. Service-managed stack sets never deploy to the management account itself.
 *
 * **How the rules reach the hooks.** One bucket of the deploying account (`rulesBucket`) holds
 * the Guard rules for the whole organisation: versioned, Object Lock-enabled, KMS-encrypted,
 * TLS-only, its access logged; readable (object and key) only by roles named like the hook
 * execution roles the member stack creates (`aws:PrincipalArn`) in the organisation's accounts
 * (`aws:PrincipalOrgID`); changed only by principals of the deploying account. The rules object
 * is published once per rules version, with the CLI, not by the stack:
 *
 * ```sh
 * npx cdk-hardened-secrets export-guard-rules --target hook --out rules
 * aws s3api put-object --bucket <RulesBucketName output> --key guard-hook/hardened-secrets.guard \
 *   --body rules/hardened-secrets.guard --query VersionId --output text
 * ```
 *
 * and the version id it prints becomes `rulesVersionId`, which every hook pins (`VersionId` of
 * its rule location). Why not the stack: CloudFormation has no resource that writes an S3 object,
 * so the stack could only copy it with a Lambda-backed custom resource (`BucketDeployment`), a
 * function outside a VPC that Control Tower's CT.LAMBDA.PR.3 refuses; and a CDK file asset cannot
 * be sent to this bucket either: the CLI publishes a stack's assets before it deploys the stack
 * that creates the bucket, with a publishing role that may only write the bootstrap bucket. The
 * upload also makes a rules change a reviewed change: a new rules version reaches the accounts
 * only when `rulesVersionId` changes, through a stack set operation and its failure tolerance.
 * Until `rulesVersionId` is given, the stack set deploys the other controls and synthesis warns.
 *
 * The hooks of every region read the one bucket; a hook in another region than the bucket
 * reads across regions.
 *
 * @example
 * new SecretsOrganizationRollout(this, 'Rollout', {
 *   organizationId: 'o-a1b2c3d4e5',
 *   organizationalUnits: ['ou-a1b2-c3d4e5f6'],
 *   regions: ['eu-west-1', 'us-east-1'],
 *   rulesVersionId: 'Lf7cQ0m1o.J2Xz_3kq8Hw9vD4yT5uR6s',
 * });
 */
export class SecretsOrganizationRollout extends Construct {
  /** The stack every target account and region receives. */
  public readonly memberStack: Stack;

  /** The stack set. */
  public readonly stackSet: cloudformation.CfnStackSet;

  /** The bucket of the Guard rules, when the rollout deploys the Guard Hook. */
  public readonly rulesBucket?: s3.IBucket;

  /** The key of the rules bucket, when the rollout deploys the Guard Hook. */
  public readonly rulesKey?: kms.IKey;

  /** The S3 key of the Guard rules object in `rulesBucket`. */
  public readonly rulesObjectKey: string = RULES_OBJECT_KEY;

  constructor(scope: Construct, id: string, props: SecretsOrganizationRolloutProps) {
    validateRolloutProps(futurePath(scope, id), props);
    super(scope, id);
    const guardHook = props.guardHook ?? true;
    const autoDeployment = props.autoDeployment ?? true;

    let hook: MemberRules | undefined;
    let rulesBucketPolicy: s3.BucketPolicy | undefined;
    let parameters: Record<string, string> | undefined;
    if (guardHook) {
      const rules = createRulesBucket(this, {
        organizationId: props.organizationId,
        objectKey: RULES_OBJECT_KEY,
        readerRoleArnPattern: hookRoleArnPattern(Stack.of(this).partition),
        removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
        accessLogsBucket: props.accessLogsBucket,
      });
      this.rulesBucket = rules.bucket;
      this.rulesKey = rules.key;
      rulesBucketPolicy = rules.bucket.policy;
      new CfnOutput(this, 'RulesBucketName', {
        description: 'The bucket to put the Guard Hook rules object in (aws s3api put-object)',
        value: rules.bucket.bucketName,
      });
      new CfnOutput(this, 'RulesObjectKey', {
        description: 'The S3 key of the Guard Hook rules object',
        value: RULES_OBJECT_KEY,
      });
      if (props.rulesVersionId === undefined) {
        Annotations.of(this).addWarningV2('hardened-secrets:organization-rollout-no-rules-version',
          `No Guard Hook is deployed until the rules are published: put the hook rules at s3://<RulesBucketName>/${RULES_OBJECT_KEY} ` +
          'and give the version id as rulesVersionId');
      } else {
        hook = { objectKey: RULES_OBJECT_KEY, versionId: props.rulesVersionId, failureMode: props.failureMode ?? GuardHookFailureMode.WARN };
        parameters = {
          [MEMBER_PARAMETERS.rulesBucketName]: rules.bucket.bucketName,
          [MEMBER_PARAMETERS.rulesKeyArn]: rules.key.keyArn,
        };
      }
    }

    const member = new StackSetStack(this, 'MemberStack');
    this.memberStack = member;
    populateMemberStack(member, {
      hook,
      configRules: props.configRules ?? true,
      monitor: props.monitor,
    });

    const stackSet = new StackSet(this, 'StackSet', {
      template: StackSetTemplate.fromStackSetStack(member),
      stackSetName: props.stackSetName,
      parameters,
      description: 'hardened-secrets: the Secrets Manager rule catalogue as a Guard Hook, AWS Config rules and monitoring',
      deploymentType: DeploymentType.serviceManaged({
        delegatedAdmin: (props.callAs ?? StackSetCallAs.DELEGATED_ADMIN) === StackSetCallAs.DELEGATED_ADMIN,
        autoDeployEnabled: autoDeployment,
        autoDeployRetainStacks: autoDeployment ? (props.retainStacksOnAccountRemoval ?? true) : undefined,
      }),
      target: StackSetTarget.fromOrganizationalUnits({
        organizationalUnits: props.organizationalUnits,
        regions: props.regions,
      }),
      operationPreferences: {
        failureTolerancePercentage: props.failureTolerancePercentage ?? DEFAULT_FAILURE_TOLERANCE_PERCENTAGE,
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? DEFAULT_MAX_CONCURRENT_PERCENTAGE,
        regionConcurrencyType: RegionConcurrencyType.PARALLEL,
      },
    });
    if (rulesBucketPolicy) {
      // The hooks read the rules from their first invocation: the bucket policy that lets them
      // exists before the first stack instance (the parameters already order the bucket and key).
      stackSet.node.addDependency(rulesBucketPolicy);
    }
    this.stackSet = stackSet.node.defaultChild as cloudformation.CfnStackSet;
    // Read when the template is written: resources added to memberStack later count too.
    this.stackSet.capabilities = Lazy.list({ produce: () => capabilitiesOf(member) });
  }
}

/**
 * The capabilities the member template needs: `CAPABILITY_NAMED_IAM` when it holds IAM resources
 * (the hook execution role has a fixed name per region), none otherwise.
 */
function capabilitiesOf(member: Stack): string[] | undefined {
  const iam = member.node.findAll().some((c) => CfnResource.isCfnResource(c) && c.cfnResourceType.startsWith('AWS::IAM::'));
  return iam ? ['CAPABILITY_NAMED_IAM'] : undefined;
}
