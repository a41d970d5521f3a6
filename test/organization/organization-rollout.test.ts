import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GuardHookFailureMode, SecretsOrganizationRollout, SecretsOrganizationRolloutProps, StackSetCallAs } from '../../src';
import { HOOK_CONTROL_TOWER_EXCEPTIONS, logBucketAcknowledgements, logWriteAcknowledgement } from '../../src/guard/acknowledgements';
import { ROLLOUT_CONTROL_TOWER_EXCEPTIONS, rulesBucketAcknowledgements } from '../../src/organization/acknowledgements';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { AccessModel, Decision, PolicyDocument } from '../access/engine';
import { EXTERNAL_MONITOR } from '../compliance-suite';
import { GuardViolation } from '../helpers/control-tower';
import { TEST_ENV } from '../helpers/stacks';
import { packFindings } from '../nag/pack-helpers';
import { acknowledgements, controlTowerViolations, nagFindings, newStack, withoutAcknowledgements } from '../nag-helpers';

const ORG = 'o-a1b2c3d4e5';
const OU = 'ou-a1b2-c3d4e5f6';
const ROOT = 'r-a1b2';
const VERSION = 'Lf7cQ0m1o.J2Xz_3kq8Hw9vD4yT5uR6s';
const REGIONS = ['eu-west-1', 'us-east-1'];

type Props = Partial<SecretsOrganizationRolloutProps>;

/** A rollout in a fresh stack of the test account, with published rules unless told otherwise. */
function build(props: Props = {}): { stack: Stack; rollout: SecretsOrganizationRollout } {
  const stack = newStack();
  const rollout = new SecretsOrganizationRollout(stack, 'Rollout', {
    organizationId: ORG,
    organizationalUnits: [OU],
    regions: REGIONS,
    rulesVersionId: VERSION,
    ...props,
  });
  return { stack, rollout };
}

/** The member template as CloudFormation receives it: the file cdk-stacksets writes into the assembly. */
function memberTemplate(rollout: SecretsOrganizationRollout): { json: any; file: string } {
  const assembly = (rollout.node.root as App).synth({ force: true, validateOnSynthesis: false });
  const file = path.join(assembly.directory, (rollout.memberStack as unknown as { templateFile: string }).templateFile);
  return { json: JSON.parse(fs.readFileSync(file, 'utf8')), file };
}

/** The Control Tower proactive controls on one template file (the member template is no stack artifact). */
function controlTowerOnTemplate(file: string, root: App): GuardViolation[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  try {
    const copy = path.join(dir, 'member.template.json');
    fs.copyFileSync(file, copy);
    const report = new CfnGuardValidator().validate({ templatePaths: [copy], appConstruct: root });
    return report.violations.map((v) => ({ rule: v.ruleName, resources: v.violatingResources.map((r) => r.resourceLogicalId) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every object key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(keysOf);
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

function logicalIdOf(stack: Stack, constructPath: string, from: SecretsOrganizationRollout | Stack): string {
  const construct = constructPath.split('/').reduce<any>((c, id) => c.node.findChild(id), from);
  return stack.getLogicalId(construct);
}

describe('SecretsOrganizationRollout: the stack set', () => {
  test('GIVEN the defaults WHEN synthesised THEN one service-managed stack set deploys to the OUs and regions, auto-deployed, stacks retained', () => {
    const { stack, rollout } = build();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      ManagedExecution: { Active: true },
      StackInstancesGroup: [{
        DeploymentTargets: { AccountFilterType: 'NONE', OrganizationalUnitIds: [OU] },
        Regions: REGIONS,
      }],
      OperationPreferences: { FailureTolerancePercentage: 10, MaxConcurrentPercentage: 25, RegionConcurrencyType: 'PARALLEL' },
      // The hook's execution role has a fixed name (one per region).
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      // The member template learns the rules bucket and its key from the deploying stack.
      Parameters: [
        { ParameterKey: 'RulesBucketName', ParameterValue: { Ref: stack.getLogicalId(rollout.rulesBucket!.node.defaultChild as s3.CfnBucket) } },
        { ParameterKey: 'RulesKeyArn', ParameterValue: { 'Fn::GetAtt': [logicalIdOf(stack, 'RulesKey/Resource', rollout), 'Arn'] } },
      ],
      TemplateURL: Match.anyValue(),
    });
    // The bucket policy that lets the hooks read exists before any stack instance.
    const dependsOn = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0].DependsOn as string[];
    expect(dependsOn).toEqual([logicalIdOf(stack, 'RulesBucket/Policy/Resource', rollout)]);
  });

  test('GIVEN the root, the management account, counts and a name WHEN synthesised THEN the stack set says so', () => {
    const { stack } = build({
      organizationalUnits: [ROOT, OU],
      callAs: StackSetCallAs.SELF,
      failureTolerancePercentage: 0,
      maxConcurrentPercentage: 100,
      retainStacksOnAccountRemoval: false,
      stackSetName: 'hardened-secrets-guard',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'SELF',
      StackSetName: 'hardened-secrets-guard',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [ROOT, OU] }, Regions: REGIONS }],
      OperationPreferences: { FailureTolerancePercentage: 0, MaxConcurrentPercentage: 100 },
    });
  });

  test('GIVEN autoDeployment off WHEN synthesised THEN accounts joining later get nothing and no retention is set', () => {
    const { stack } = build({ autoDeployment: false });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      AutoDeployment: { Enabled: false, RetainStacksOnAccountRemoval: Match.absent() },
    });
  });

  test('GIVEN the defaults WHEN the app is synthesised THEN the member stack is no deployable stack of its own and nothing runs code', () => {
    const { stack, rollout } = build();
    const assembly = (stack.node.root as App).synth({ force: true, validateOnSynthesis: false });
    expect(assembly.stacks.map((s) => s.stackName)).toEqual(['Stack']);
    // No BucketDeployment, no custom resource: Control Tower's CT.LAMBDA.PR.3 has nothing to judge.
    const types = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types.filter((t) => t.startsWith('AWS::Lambda::') || t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([]);
    const member = memberTemplate(rollout).json;
    expect(Object.values(member.Resources as Record<string, { Type: string }>).map((r) => r.Type).filter((t) => t.startsWith('AWS::Lambda::'))).toEqual([]);
    // No file asset: nothing in the member template points at a CDK asset bucket.
    expect(JSON.stringify(member)).not.toMatch(/cdk-hnb659fds|AssetParameters/);
    // Member accounts need no CDK bootstrap: no bootstrap version parameter or rule.
    expect(Object.keys(member.Parameters ?? {})).toEqual(['RulesBucketName', 'RulesKeyArn']);
    expect(member.Rules).toBeUndefined();
  });
});

describe('SecretsOrganizationRollout: the member template', () => {
  test('GIVEN published rules WHEN synthesised THEN the Guard Hook reads the pinned version from the organisation bucket, in WARN', () => {
    const { rollout } = build();
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.templateMatches({ Parameters: { RulesBucketName: { Type: 'String' }, RulesKeyArn: { Type: 'String' } } });
    member.resourceCountIs('AWS::CloudFormation::GuardHook', 1);
    member.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      FailureMode: 'WARN',
      RuleLocation: {
        Uri: { 'Fn::Join': ['', ['s3://', { Ref: 'RulesBucketName' }, '/guard-hook/hardened-secrets.guard']] },
        VersionId: VERSION,
      },
    });
    // The name the rules bucket policy admits, one per region (IAM names are global to an account).
    member.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['hardened-secrets-guard-hook-', { Ref: 'AWS::Region' }]] },
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'hooks.cloudformation.amazonaws.com' } })] },
    });
    // The hook role decrypts the rules through S3 with the organisation key the parameter names.
    member.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DecryptRules', Action: 'kms:Decrypt', Resource: { Ref: 'RulesKeyArn' } })]) },
    });
  });

  test('GIVEN FAIL WHEN synthesised THEN the hooks stop the operations their rules fail', () => {
    const { rollout } = build({ failureMode: GuardHookFailureMode.FAIL });
    Template.fromJSON(memberTemplate(rollout).json).hasResourceProperties('AWS::CloudFormation::GuardHook', { FailureMode: 'FAIL' });
  });

  test('GIVEN the defaults WHEN synthesised THEN the member template holds the Config rules: managed and Guard custom policy', () => {
    const { rollout } = build();
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.hasResourceProperties('AWS::Config::ConfigRule', { Source: { Owner: 'AWS', SourceIdentifier: 'SECRETSMANAGER_ROTATION_ENABLED_CHECK' } });
    member.hasResourceProperties('AWS::Config::ConfigRule', { Source: { Owner: 'CUSTOM_POLICY', CustomPolicyDetails: Match.objectLike({ PolicyRuntime: 'guard-2.x.x' }) } });
  });

  test('GIVEN the defaults WHEN synthesised THEN the member template names nothing of the deploying stack but its parameters', () => {
    const { rollout } = build({ monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' } });
    const json = memberTemplate(rollout).json;
    const own = new Set([...Object.keys(json.Resources), ...Object.keys(json.Parameters ?? {})]);
    const refs = [...JSON.stringify(json).matchAll(/"Ref":"([^"]+)"/g)].map((m) => m[1]);
    const getAtts = [...JSON.stringify(json).matchAll(/"Fn::GetAtt":\["([^"]+)"/g)].map((m) => m[1]);
    expect([...refs, ...getAtts].filter((id) => !own.has(id) && !id.startsWith('AWS::'))).toEqual([]);
    expect(keysOf(json).filter((k) => k === 'Fn::ImportValue')).toEqual([]);
  });

  test('GIVEN a monitor WHEN synthesised THEN each account watches its own trail log group, creating no trail', () => {
    const { rollout } = build({ monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' } });
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.hasResourceProperties('AWS::Logs::MetricFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs' });
    member.resourceCountIs('AWS::CloudTrail::Trail', 0);
  });

  test('GIVEN a monitor and an alarm topic name WHEN synthesised THEN the alarms notify that topic of each account and region, and no topic or key is made', () => {
    const { rollout } = build({ monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs', alarmTopicName: 'aws-controltower-SecurityNotifications' } });
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':aws-controltower-SecurityNotifications']],
      }],
    });
    member.resourceCountIs('AWS::SNS::Topic', 0);
    // The only key left is the hook's log key.
    member.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('GIVEN no monitor WHEN synthesised THEN the member template has no metric filter', () => {
    const { rollout } = build();
    Template.fromJSON(memberTemplate(rollout).json).resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  test('GIVEN only the Config rules WHEN synthesised THEN no rules bucket, no hook, no parameter, no IAM capability', () => {
    const { stack, rollout } = build({ guardHook: false, rulesVersionId: undefined });
    expect(rollout.rulesBucket).toBeUndefined();
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::S3::Bucket', 0);
    parent.hasResourceProperties('AWS::CloudFormation::StackSet', { Parameters: Match.absent(), Capabilities: Match.absent() });
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.resourceCountIs('AWS::CloudFormation::GuardHook', 0);
    expect(Object.keys(member.findResources('AWS::Config::ConfigRule')).length).toBeGreaterThan(0);
  });

  test('GIVEN configRules off WHEN synthesised THEN the member template has the hook and no Config rule', () => {
    const { rollout } = build({ configRules: false });
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.resourceCountIs('AWS::Config::ConfigRule', 0);
    member.resourceCountIs('AWS::CloudFormation::GuardHook', 1);
  });
});

describe('SecretsOrganizationRollout: before the rules are published', () => {
  test('GIVEN no rulesVersionId WHEN synthesised THEN the bucket and its outputs exist, no hook is deployed, and synthesis warns how to publish', () => {
    const { stack, rollout } = build({ rulesVersionId: undefined });
    const parent = Template.fromStack(stack);
    parent.hasOutput('*', { Value: { Ref: stack.getLogicalId(rollout.rulesBucket!.node.defaultChild as s3.CfnBucket) } });
    parent.hasOutput('*', { Value: 'guard-hook/hardened-secrets.guard' });
    parent.hasResourceProperties('AWS::CloudFormation::StackSet', { Parameters: Match.absent() });
    Annotations.fromStack(stack).hasWarning('/Stack/Rollout', Match.stringLikeRegexp('No Guard Hook is deployed until the rules are published.*rulesVersionId'));
    const member = Template.fromJSON(memberTemplate(rollout).json);
    member.resourceCountIs('AWS::CloudFormation::GuardHook', 0);
    expect(Object.keys(member.findResources('AWS::Config::ConfigRule')).length).toBeGreaterThan(0);
  });

  test('GIVEN a rulesVersionId WHEN synthesised THEN there is no warning', () => {
    const { stack } = build();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No Guard Hook'))).toEqual([]);
  });
});

describe('SecretsOrganizationRollout: the rules bucket', () => {
  test('GIVEN the defaults WHEN synthesised THEN the rules bucket is versioned, Object Lock-enabled, KMS-encrypted, private, logged and retained', () => {
    const { stack, rollout } = build();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(stack, 'RulesAccessLogsBucket/Resource', rollout) }, LogFilePrefix: 'guard-rules-bucket/' },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('GIVEN an access logs bucket WHEN synthesised THEN the rules bucket logs there and no second bucket is made', () => {
    const stack = newStack();
    const logs = s3.Bucket.fromBucketName(stack, 'OrgAccessLogs', 'org-access-logs-111111111111-eu-west-1');
    const rollout = new SecretsOrganizationRollout(stack, 'Rollout', {
      organizationId: ORG, organizationalUnits: [OU], regions: REGIONS, rulesVersionId: VERSION, accessLogsBucket: logs,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: 'org-access-logs-111111111111-eu-west-1' } });
    expect(rollout.node.tryFindChild('RulesAccessLogsBucket')).toBeUndefined();
  });

  describe('who can read and change the rules, evaluated by the IAM engine', () => {
    const MEMBER = '222222222222';
    const STRANGER = '333333333333';
    const HOOK_ROLE = (account: string, region = 'us-east-1') => `arn:aws:iam::${account}:role/hardened-secrets-guard-hook-${region}`;
    const S3_ALL: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    const KMS_ALL: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

    let model: AccessModel;
    let bucketArn: string;
    let bucketPolicy: PolicyDocument;
    let keyArn: string;
    let keyPolicy: PolicyDocument;
    beforeAll(() => {
      const { stack, rollout } = build();
      model = AccessModel.of(stack.node.root as App);
      const bucket = model.resource(rollout.rulesBucket!);
      bucketArn = bucket.arn;
      bucketPolicy = model.resourcesOfType('AWS::S3::BucketPolicy').find((p) => p.properties.Bucket === bucket.ref)!.properties.PolicyDocument as PolicyDocument;
      const key = model.resource(rollout.rulesKey!);
      keyArn = key.arn;
      keyPolicy = key.properties.KeyPolicy as PolicyDocument;
    });

    const RULES = 'guard-hook/hardened-secrets.guard';
    const object = (key = RULES) => `${bucketArn}/${key}`;

    /** Claim, principal, action, object key, context, decision. */
    type S3Row = [string, () => { role: string; policies: PolicyDocument[] }, string, string, { org?: string; tls?: boolean }, Decision];
    const s3Rows: S3Row[] = [
      ['a hook role of the organisation reads the rules', () => ({ role: HOOK_ROLE(MEMBER), policies: [S3_ALL] }), 's3:GetObject', RULES, { org: ORG }, 'Allowed'],
      ['a hook role of the organisation reads a pinned version', () => ({ role: HOOK_ROLE(MEMBER, 'eu-west-1'), policies: [S3_ALL] }), 's3:GetObjectVersion', RULES, { org: ORG }, 'Allowed'],
      ['a role named like the hook outside the organisation cannot', () => ({ role: HOOK_ROLE(STRANGER), policies: [S3_ALL] }), 's3:GetObject', RULES, { org: 'o-zz9zz9zz9z' }, 'ImplicitlyDenied'],
      ['a role named like the hook of no organisation cannot', () => ({ role: HOOK_ROLE(STRANGER), policies: [S3_ALL] }), 's3:GetObject', RULES, {}, 'ImplicitlyDenied'],
      ['another role of the organisation cannot', () => ({ role: `arn:aws:iam::${MEMBER}:role/app`, policies: [S3_ALL] }), 's3:GetObject', RULES, { org: ORG }, 'ImplicitlyDenied'],
      ['a hook role reads no other object of the bucket', () => ({ role: HOOK_ROLE(MEMBER), policies: [S3_ALL] }), 's3:GetObject', 'other/notes.txt', { org: ORG }, 'ImplicitlyDenied'],
      ['a hook role reads nothing without TLS', () => ({ role: HOOK_ROLE(MEMBER), policies: [S3_ALL] }), 's3:GetObject', RULES, { org: ORG, tls: false }, 'ExplicitlyDenied'],
      ['a hook role of the organisation cannot overwrite the rules', () => ({ role: HOOK_ROLE(MEMBER), policies: [S3_ALL] }), 's3:PutObject', RULES, { org: ORG }, 'ExplicitlyDenied'],
      ['an administrator of a member account cannot delete a rules version', () => ({ role: `arn:aws:iam::${MEMBER}:role/admin`, policies: [S3_ALL] }), 's3:DeleteObjectVersion', RULES, { org: ORG }, 'ExplicitlyDenied'],
      ['a role of the deploying account allowed to publish puts the rules', () => ({ role: `arn:aws:iam::${TEST_ENV.account}:role/rules-publisher`, policies: [S3_ALL] }), 's3:PutObject', RULES, { org: ORG }, 'Allowed'],
      ['a role of the deploying account without a grant cannot', () => ({ role: `arn:aws:iam::${TEST_ENV.account}:role/app`, policies: [] }), 's3:PutObject', RULES, { org: ORG }, 'ImplicitlyDenied'],
    ];
    test.each(s3Rows)('%s', async (_claim, who, action, key, ctx, expected) => {
      const { role, policies } = who();
      const principal = model.external(role, policies, role);
      const result = await model.request(principal, action, object(key), bucketPolicy, {
        principalOrgId: ctx.org, secureTransport: ctx.tls ?? true,
      });
      expect(result.decision).toBe(expected);
    });

    test('the execution role the member template names, in any account of the organisation and any region, reads the rules', async () => {
      // The role name as the member template writes it, resolved for a member account and region:
      // the name the bucket and key policies admit is the one the stack set creates.
      const { rollout } = build();
      const role = Template.fromJSON(memberTemplate(rollout).json).findResources('AWS::IAM::Role');
      const [roleName] = Object.values<any>(role).map((r) => r.Properties.RoleName);
      for (const region of ['us-east-1', 'ap-southeast-2']) {
        const name = (roleName['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : region)).join('');
        const principal = model.external(`arn:aws:iam::${MEMBER}:role/${name}`, [S3_ALL, KMS_ALL], name);
        const read = await model.request(principal, 's3:GetObjectVersion', object(), bucketPolicy, { principalOrgId: ORG });
        const decrypt = await model.request(principal, 'kms:Decrypt', keyArn, keyPolicy, {
          principalOrgId: ORG, viaAwsService: true, extra: { 'kms:ViaService': `s3.${TEST_ENV.region}.amazonaws.com` },
        });
        expect([read.decision, decrypt.decision]).toEqual(['Allowed', 'Allowed']);
      }
    });

    type KmsRow = [string, string, string | undefined, string, Decision];
    const kmsRows: KmsRow[] = [
      ['a hook role of the organisation decrypts the rules through S3', HOOK_ROLE(MEMBER), ORG, `s3.${TEST_ENV.region}.amazonaws.com`, 'Allowed'],
      ['a hook role decrypts nothing outside S3', HOOK_ROLE(MEMBER), ORG, `secretsmanager.${TEST_ENV.region}.amazonaws.com`, 'ImplicitlyDenied'],
      ['a role named like the hook outside the organisation decrypts nothing', HOOK_ROLE(STRANGER), 'o-zz9zz9zz9z', `s3.${TEST_ENV.region}.amazonaws.com`, 'ImplicitlyDenied'],
      ['another role of the organisation decrypts nothing', `arn:aws:iam::${MEMBER}:role/app`, ORG, `s3.${TEST_ENV.region}.amazonaws.com`, 'ImplicitlyDenied'],
    ];
    test.each(kmsRows)('%s', async (_claim, role, org, viaService, expected) => {
      const principal = model.external(role, [KMS_ALL], role);
      const result = await model.request(principal, 'kms:Decrypt', keyArn, keyPolicy, {
        principalOrgId: org,
        viaAwsService: true,
        extra: { 'kms:ViaService': viaService },
      });
      expect(result.decision).toBe(expected);
    });
  });
});

describe('SecretsOrganizationRollout: bad props fail at synth, naming path, prop, value and what is allowed', () => {
  const cases: Array<[string, Props, RegExp]> = [
    ['an OU id that is not ou-', { organizationalUnits: ['a1b2-c3d4e5f6'] }, /Stack\/Rollout: invalid `organizationalUnits\[0\]`: got "a1b2-c3d4e5f6"; allowed: an organisational unit id \('ou-'/],
    ['an OU id with capitals', { organizationalUnits: [OU, 'ou-A1B2-C3D4E5F6'] }, /invalid `organizationalUnits\[1\]`: got "ou-A1B2-C3D4E5F6"/],
    ['an OU id with a short unit part', { organizationalUnits: ['ou-a1b2-c3d4'] }, /invalid `organizationalUnits\[0\]`: got "ou-a1b2-c3d4"/],
    ['a duplicate OU', { organizationalUnits: [OU, OU] }, /invalid `organizationalUnits\[1\]`: got "ou-a1b2-c3d4e5f6"; allowed: each element once/],
    ['no OU', { organizationalUnits: [] }, /invalid `organizationalUnits`: got \[\]; allowed: one or more elements, each an organisational unit id/],
    ['no region', { regions: [] }, /invalid `regions`: got \[\]; allowed: one or more elements, each a region aws-cdk-lib knows/],
    ['an unknown region', { regions: ['eu-west-1', 'eu-west-9'] }, /invalid `regions\[1\]`: got "eu-west-9"; allowed: a region aws-cdk-lib knows/],
    ['a region name in capitals', { regions: ['EU-WEST-1'] }, /invalid `regions\[0\]`: got "EU-WEST-1"/],
    ['a duplicate region', { regions: ['eu-west-1', 'eu-west-1'] }, /invalid `regions\[1\]`: got "eu-west-1"; allowed: each element once/],
    ['regions of two partitions', { regions: ['eu-west-1', 'cn-north-1'] }, /invalid `regions`: got \["eu-west-1","cn-north-1"\]; allowed: regions of one partition \(got aws, aws-cn\)/],
    ['an organisation id that is not o-', { organizationId: 'a1b2c3d4e5' }, /invalid `organizationId`: got "a1b2c3d4e5"; allowed: an organisation id: 'o-' \+ 10 to 32/],
    ['a short organisation id', { organizationId: 'o-a1b2' }, /invalid `organizationId`: got "o-a1b2"/],
    ['a negative failure tolerance', { failureTolerancePercentage: -1 }, /invalid `failureTolerancePercentage`: got -1; allowed: a whole number from 0 to 100/],
    ['a failure tolerance over 100', { failureTolerancePercentage: 101 }, /invalid `failureTolerancePercentage`: got 101/],
    ['a fractional failure tolerance', { failureTolerancePercentage: 12.5 }, /invalid `failureTolerancePercentage`: got 12.5/],
    ['no concurrency', { maxConcurrentPercentage: 0 }, /invalid `maxConcurrentPercentage`: got 0; allowed: a whole number from 1 to 100/],
    ['a concurrency over 100', { maxConcurrentPercentage: 150 }, /invalid `maxConcurrentPercentage`: got 150/],
    ['a stack set name with a space', { stackSetName: 'guard rules' }, /invalid `stackSetName`: got "guard rules"; allowed: a letter, then letters, digits and hyphens/],
    ['a stack set name starting with a digit', { stackSetName: '1guard' }, /invalid `stackSetName`: got "1guard"/],
    ['an empty version id', { rulesVersionId: '' }, /invalid `rulesVersionId`: got ""; allowed: the S3 version id/],
    ['the version id of an unversioned object', { rulesVersionId: 'null' }, /invalid `rulesVersionId`: got "null"/],
    ['a version id with a space', { rulesVersionId: 'abc def' }, /invalid `rulesVersionId`: got "abc def"/],
    ['a bad log group name', { monitor: { cloudTrailLogGroupName: 'trail logs' } }, /invalid `monitor.cloudTrailLogGroupName`: got "trail logs"/],
    ['a topic ARN for a topic name', { monitor: { cloudTrailLogGroupName: 'trail', alarmTopicName: 'arn:aws:sns:eu-west-1:111111111111:alerts' } }, /invalid `monitor.alarmTopicName`: got "arn:aws:sns:eu-west-1:111111111111:alerts"; allowed: a topic name/],
    ['retention without automatic deployment', { autoDeployment: false, retainStacksOnAccountRemoval: true }, /conflicting props `retainStacksOnAccountRemoval` and `autoDeployment`/],
    ['a rules version without the hook', { guardHook: false }, /conflicting props `rulesVersionId` and `guardHook`/],
    ['a failure mode without the hook', { guardHook: false, rulesVersionId: undefined, failureMode: GuardHookFailureMode.FAIL }, /conflicting props `failureMode` and `guardHook`/],
    ['nothing to deploy before the rules are published', { rulesVersionId: undefined, configRules: false }, /conflicting props `rulesVersionId` and `configRules` and `monitor`: the stack set would deploy nothing until the rules are published/],
    ['nothing to deploy', { guardHook: false, rulesVersionId: undefined, configRules: false }, /conflicting props `guardHook` and `configRules` and `monitor`: the stack set would deploy nothing/],
  ];

  test.each(cases)('%s', (_label, props, message) => {
    expect(() => build(props)).toThrow(HardenedSecretsValidationError);
    expect(() => build(props)).toThrow(message);
  });

  test('GIVEN several bad props WHEN constructed THEN one error lists every problem', () => {
    expect(() => build({ organizationalUnits: ['ou-x'], regions: ['mars-1'], organizationId: 'o-1' }))
      .toThrow(/Stack\/Rollout: 3 invalid props:\n {2}- invalid `organizationId`.*\n {2}- invalid `organizationalUnits\[0\]`.*\n {2}- invalid `regions\[0\]`/);
  });

  test.each([
    ['the root', [ROOT]],
    ['the longest unit ids', [`ou-${'a'.repeat(32)}-${'b'.repeat(32)}`]],
    ['the shortest unit ids', ['ou-a1b2-c3d4e5f6']],
  ])('GIVEN %s WHEN constructed THEN it is accepted', (_label, organizationalUnits) => {
    expect(() => build({ organizationalUnits })).not.toThrow();
  });

  test('GIVEN every region aws-cdk-lib knows in the aws partition WHEN constructed THEN it is accepted', () => {
    const regions = ['af-south-1', 'ap-east-1', 'ap-southeast-5', 'ca-west-1', 'eu-central-2', 'il-central-1', 'me-central-1', 'mx-central-1', 'sa-east-1', 'us-west-2'];
    expect(() => build({ regions })).not.toThrow();
  });
});

describe('SecretsOrganizationRollout compliance', () => {
  const variants: Array<[string, Props]> = [
    ['the defaults', {}],
    ['before the rules are published', { rulesVersionId: undefined }],
    ['with a monitor, in FAIL', { monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' }, failureMode: GuardHookFailureMode.FAIL }],
    ['with a monitor notifying an existing topic', { monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs', alarmTopicName: 'aws-controltower-SecurityNotifications' } }],
    ['Config rules only', { guardHook: false, rulesVersionId: undefined }],
  ];

  test.each(variants)('%s: zero unacknowledged findings in the five cdk-nag packs, deploying and member stack alike', (_label, props) => {
    const { stack } = build(props);
    // The member stack is in the deploying stack's construct tree: the packs read both.
    expect(nagFindings(stack)).toEqual([]);
  });

  test.each(variants)('%s: zero SecretsManagerChecks findings once the owner tags are given', (_label, props) => {
    const { stack } = build(props);
    Tags.of(stack).add('owner', 'security-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'internal');
    expect(packFindings(stack, { externalMonitor: EXTERNAL_MONITOR })).toEqual([]);
  });

  test('the deploying stack violates exactly the documented Control Tower exception: the access logs bucket is not itself logged', () => {
    const { stack, rollout } = build();
    expect(controlTowerViolations(stack)).toEqual(ROLLOUT_CONTROL_TOWER_EXCEPTIONS.map((e) => ({
      rule: e.rule,
      resources: [logicalIdOf(stack, e.path, rollout)],
    })));
  });

  test('GIVEN an access logs bucket THEN the deploying stack passes every Control Tower control', () => {
    const stack = newStack();
    new SecretsOrganizationRollout(stack, 'Rollout', {
      organizationId: ORG,
      organizationalUnits: [OU],
      regions: REGIONS,
      rulesVersionId: VERSION,
      accessLogsBucket: s3.Bucket.fromBucketName(stack, 'OrgAccessLogs', 'org-access-logs-111111111111-eu-west-1'),
    });
    expect(controlTowerViolations(stack)).toEqual([]);
  });

  test('the member template violates exactly the Guard Hook\'s documented Control Tower exception', () => {
    const { rollout } = build({ monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' } });
    const { file } = memberTemplate(rollout);
    const member = rollout.memberStack;
    expect(controlTowerOnTemplate(file, rollout.node.root as App)).toEqual(HOOK_CONTROL_TOWER_EXCEPTIONS.map((e) => ({
      rule: e.rule,
      resources: [logicalIdOf(member, `GuardHook/${e.path}`, member)],
    })));
  });

  test('GIVEN Config rules only THEN the member template passes every Control Tower control', () => {
    const { rollout } = build({ guardHook: false, rulesVersionId: undefined });
    expect(controlTowerOnTemplate(memberTemplate(rollout).file, rollout.node.root as App)).toEqual([]);
  });

  test('every acknowledgement of the deploying stack, with its exact resource and reason', () => {
    const { stack } = build();
    const own = acknowledgements(stack).filter((a) => !a.path.startsWith('Stack/Rollout/MemberStack/'));
    expect(own).toEqual(rulesBucketAcknowledgements(true)
      .map((a) => ({ path: `Stack/Rollout/${a.path}`, rule: a.rule, reason: a.reason }))
      .sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`)));
    expect(own.map((a) => `${a.path} ${a.rule}`)).toEqual([
      'Stack/Rollout/RulesAccessLogsBucket/Resource HIPAA.Security-S3BucketReplicationEnabled',
      'Stack/Rollout/RulesAccessLogsBucket/Resource NIST.800.53.R5-S3BucketReplicationEnabled',
      'Stack/Rollout/RulesAccessLogsBucket/Resource PCI.DSS.321-S3BucketReplicationEnabled',
      'Stack/Rollout/RulesBucket/Resource HIPAA.Security-S3BucketReplicationEnabled',
      'Stack/Rollout/RulesBucket/Resource NIST.800.53.R5-S3BucketReplicationEnabled',
      'Stack/Rollout/RulesBucket/Resource PCI.DSS.321-S3BucketReplicationEnabled',
    ]);
    for (const a of own) {
      expect(a.reason.length).toBeGreaterThan(80);
    }
  });

  test('the member stack carries exactly the Guard Hook\'s acknowledgements: the Config rules and the monitor need none', () => {
    const { stack, rollout } = build({ monitor: { cloudTrailLogGroupName: 'aws-controltower/CloudTrailLogs' } });
    const prefix = 'Stack/Rollout/MemberStack/GuardHook/';
    const member = acknowledgements(stack).filter((a) => a.path.startsWith('Stack/Rollout/MemberStack/'));
    const logBucket = rollout.memberStack.getLogicalId(rollout.memberStack.node.findChild('GuardHook').node.findChild('LogBucket').node.defaultChild as s3.CfnBucket);
    const expected = [...logBucketAcknowledgements(true), logWriteAcknowledgement(`AwsSolutions-IAM5[Resource::<${logBucket}.Arn>/*]`)]
      .map((a) => ({ path: `${prefix}${a.path}`, rule: a.rule, reason: a.reason }))
      .sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`));
    expect(member).toEqual(expected);
  });

  test('each acknowledgement, of the deploying stack and of the member stack, is needed: without them, each is a finding', () => {
    // The packs read the member stack too: its acknowledgements are findings without them.
    const { stack } = build();
    const all = acknowledgements(stack);
    expect(all.some((a) => a.path.startsWith('Stack/Rollout/MemberStack/'))).toBe(true);
    const findings = withoutAcknowledgements(stack, () => nagFindings(stack));
    for (const a of all) {
      expect(findings).toContainEqual(expect.objectContaining({ rule: a.rule, resource: a.path }));
    }
  });
});
