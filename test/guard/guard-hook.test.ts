import * as fs from 'fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildGuardApp, GUARD_STACK_NAME } from '../../examples/guard/guard-hook';
import { GuardHookFailureMode, GuardHookFilteringCriteria, GuardRulesSource, GuardTarget, SecretsGuardHook, SecretsGuardRules } from '../../src';
import { HOOK_CONTROL_TOWER_EXCEPTIONS, logBucketAcknowledgements } from '../../src/guard/acknowledgements';
import { DEFAULT_HOOK_ALIAS, hookTargetNames } from '../../src/guard/guard-hook';
import { hookRuleFile } from '../../src/guard/rule-files';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { AccessModel, PolicyDocument, RequestPrincipal } from '../access/engine';
import { ComplianceCase, zeroFindingsTests } from '../compliance-suite';
import { newStack, TEST_ENV } from '../helpers/stacks';
import { expectRefused } from '../helpers/validation';
import { acknowledgements, controlTowerViolations, nagFindings, withoutAcknowledgements } from '../nag-helpers';

const ACCOUNT = TEST_ENV.account;
const REGION = TEST_ENV.region;

function hookResource(stack: Stack): Record<string, any> {
  const hooks = Template.fromStack(stack).findResources('AWS::CloudFormation::GuardHook');
  expect(Object.keys(hooks)).toHaveLength(1);
  return Object.values(hooks)[0].Properties;
}

/** An access-logs bucket of the account, as a security team's baseline provides it. */
function accessLogs(stack: Stack): s3.IBucket {
  return s3.Bucket.fromBucketName(stack, 'AccessLogs', `access-logs-${ACCOUNT}-${REGION}`);
}

describe('the hook resource', () => {
  test('defaults: WARN, enabled, the documented alias, resource and Cloud Control operations', () => {
    // GIVEN a hook with no props
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: 'Private::HardenedSecrets::Guard',
      FailureMode: 'WARN',
      HookStatus: 'ENABLED',
      TargetOperations: ['RESOURCE', 'CLOUD_CONTROL'],
      ExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardExecutionRole'), 'Arn'] },
      LogBucket: { Ref: Match.stringLikeRegexp('^GuardLogBucket') },
    });
    expect(DEFAULT_HOOK_ALIAS).toBe('Private::HardenedSecrets::Guard');
  });

  test('the target filters match every resource type of the exported hook rules, on CREATE and UPDATE before provisioning', () => {
    const stack = newStack();
    const hook = new SecretsGuardHook(stack, 'Guard');
    const types = [...hookRuleFile().resourceTypes].sort();
    expect(hook.resourceTypes).toEqual(types);
    expect(types).toContain('AWS::SecretsManager::Secret');
    const filters = hookResource(stack).TargetFilters;
    expect(filters.Actions).toEqual(['CREATE', 'UPDATE']);
    expect(filters.InvocationPoints).toEqual(['PRE_PROVISION']);
    expect(filters.Targets).toBeUndefined();
    // Each type the rules look at is matched by a target name (hooks match * and ?); with a rule on
    // every type (a rule of the hook whose template file names no type), the hook runs on every type.
    const names = filters.TargetNames as string[] | undefined;
    const hookIds = new Set(hookRuleFile().ruleIds);
    const everyType = SecretsGuardRules.export(GuardTarget.TEMPLATE)
      .some((f) => f.resourceTypes.length === 0 && f.ruleIds.some((id) => hookIds.has(id)));
    expect(hook.targetNames).toEqual(names);
    if (everyType) {
      expect(names).toBeUndefined();
    } else {
      expect(names!.length).toBeLessThanOrEqual(50);
      const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      expect(types.filter((t) => !names!.some((n) => glob(n).test(t)))).toEqual([]);
    }
  });

  test.each([
    ['up to 50 types: the types themselves', 50, 3, 'exact'],
    ['more than 50 types of up to 50 services: one wildcard per service', 51, 10, 'services'],
    ['more than 50 services: no target names, every type', 120, 60, 'none'],
  ])('target names, %s', (_label, count, services, expected) => {
    const types = Array.from({ length: count }, (_, i) => `AWS::Service${i % services}::Type${i}`).sort();
    const names = hookTargetNames(types);
    if (expected === 'exact') {
      expect(names).toEqual(types);
    } else if (expected === 'services') {
      expect(names).toEqual(Array.from({ length: services }, (_, i) => `AWS::Service${i}::*`).sort());
    } else {
      expect(names).toBeUndefined();
    }
  });

  test('FAIL, disabled, resource operations only, a custom alias and stack filters are rendered as given', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard', {
      failureMode: GuardHookFailureMode.FAIL,
      enabled: false,
      cloudControl: false,
      alias: 'Acme::Secrets::Guard',
      stackFilters: {
        filteringCriteria: GuardHookFilteringCriteria.ANY,
        includeStackNames: ['prod-*'],
        excludeStackRoles: [`arn:aws:iam::${ACCOUNT}:role/sandbox-deployer`],
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: 'Acme::Secrets::Guard',
      FailureMode: 'FAIL',
      HookStatus: 'DISABLED',
      TargetOperations: ['RESOURCE'],
      StackFilters: {
        FilteringCriteria: 'ANY',
        StackNames: { Include: ['prod-*'] },
        StackRoles: { Exclude: [`arn:aws:iam::${ACCOUNT}:role/sandbox-deployer`] },
      },
    });
  });

  test('without stack filters the hook runs on every stack (no StackFilters)', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    expect(hookResource(stack).StackFilters).toBeUndefined();
  });

  test('the hook waits for its role policy: it reads and writes with it from its first invocation', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    Template.fromStack(stack).hasResource('AWS::CloudFormation::GuardHook', {
      DependsOn: [Match.stringLikeRegexp('^GuardExecutionRolePolicy')],
    });
  });
});

describe('the rules', () => {
  test('by default, a file asset holding exactly the exported hook rules, named .guard', () => {
    // GIVEN a hook in an app with an output directory
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: TEST_ENV });
    const hook = new SecretsGuardHook(stack, 'Guard');
    const assembly = app.synth();
    // THEN the rule location is the asset's object, and the asset is the exported file
    const uri = hookResource(stack).RuleLocation.Uri as string;
    expect(uri).toMatch(new RegExp(`^s3://cdk-hnb659fds-assets-${ACCOUNT}-${REGION}/[0-9a-f]{64}\\.guard$`));
    expect(hookResource(stack).RuleLocation.VersionId).toBeUndefined();
    const manifest = JSON.parse(fs.readFileSync(`${assembly.directory}/Stack.assets.json`, 'utf8'));
    const files = Object.values(manifest.files) as Array<{ source: { path: string } }>;
    const staged = files.map((f) => `${assembly.directory}/${f.source.path}`).filter((p) => p.endsWith('.guard'));
    expect(staged).toHaveLength(1);
    expect(fs.readFileSync(staged[0], 'utf8')).toBe(hookRuleFile().content);
    expect(hook.rulesLocation.objectKey).toBe(uri.split('/').pop());
  });

  test('the same rules give the same asset hash in two apps (a redeploy does not re-point the hook)', () => {
    const uri = () => {
      const stack = newStack();
      new SecretsGuardHook(stack, 'Guard');
      return hookResource(stack).RuleLocation.Uri;
    };
    expect(uri()).toBe(uri());
  });

  test('fromBucket: the given object and version, and no asset', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'OrgRules', 'org-guard-rules');
    new SecretsGuardHook(stack, 'Guard', { rules: GuardRulesSource.fromBucket(bucket, 'hook/hardened-secrets.guard', 'v3') });
    expect(hookResource(stack).RuleLocation).toEqual({ Uri: 's3://org-guard-rules/hook/hardened-secrets.guard', VersionId: 'v3' });
    expect(stack.node.findAll().filter((c) => c.node.id === 'Rules')).toEqual([]);
  });

  test('fromBucket with a known key: the role may decrypt with it through S3 in the key\'s region only', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'OrgKey', 'arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'OrgRules', { bucketName: 'org-guard-rules', encryptionKey: key });
    new SecretsGuardHook(stack, 'Guard', { rules: GuardRulesSource.fromBucket(bucket, 'hardened-secrets.guard', 'v1') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'DecryptRules',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: key.keyArn,
          Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        }]),
      },
    });
  });
});

describe('the log bucket', () => {
  test('SSE-KMS with a rotated key of its own, versioned, TLS-only, public access blocked, retained, expiring reports, access logged', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardLogKey'), 'Arn'] } } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^GuardAccessLogsBucket') }, LogFilePrefix: 'guard-hook-log-bucket/' },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^GuardLogBucket') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('logRetention and removalPolicy reach the new bucket and key', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard', { logRetention: Duration.days(90), removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] } }),
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('accessLogsBucket: the access logs go there and no access logs bucket is created', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard', { accessLogsBucket: accessLogs(stack) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: `access-logs-${ACCOUNT}-${REGION}` } });
  });

  test('logBucket: the hook writes there and creates no bucket and no key', () => {
    const stack = newStack();
    const logBucket = s3.Bucket.fromBucketName(stack, 'Reports', 'org-guard-reports');
    const hook = new SecretsGuardHook(stack, 'Guard', { logBucket });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(hookResource(stack).LogBucket).toBe('org-guard-reports');
    expect(hook.logBucket).toBe(logBucket);
  });
});

/** The role's identity policies, resolved, and a request evaluated by the IAM engine on any ARN of `account`. */
async function decide(who: RequestPrincipal, action: string, resource: string, account: string, extra: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: who.arn,
      action,
      resource: { resource, accountId: account },
      contextVariables: { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': who.principalArn, 'aws:PrincipalAccount': who.account, ...extra },
    },
    identityPolicies: who.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') {
    throw new Error(JSON.stringify(result.errors));
  }
  return result.overallResult;
}

describe('the execution role, evaluated by the IAM engine', () => {
  /** A hook reading a rules bucket of the same app, so both policies resolve. */
  function bucketApp() {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: TEST_ENV });
    const rulesBucket = new s3.Bucket(stack, 'RulesBucket', { enforceSSL: true });
    const other = new s3.Bucket(stack, 'OtherBucket');
    const hook = new SecretsGuardHook(stack, 'Guard', { rules: GuardRulesSource.fromBucket(rulesBucket, 'hook/hardened-secrets.guard') });
    const model = AccessModel.of(app);
    const bucketArn = (b: s3.IBucket) => model.resource(b).arn;
    const policyOf = (b: s3.IBucket) => model.resourcesOfType('AWS::S3::BucketPolicy')
      .find((p) => p.properties.Bucket === model.resource(b).ref)?.properties.PolicyDocument as PolicyDocument | undefined;
    return { model, hook, role: model.role(hook.executionRole), rulesBucket, other, bucketArn, policyOf };
  }

  test('reads its rules object, no other object of that bucket', async () => {
    const { model, role, rulesBucket, bucketArn, policyOf } = bucketApp();
    const rules = `${bucketArn(rulesBucket)}/hook/hardened-secrets.guard`;
    expect((await model.request(role, 's3:GetObject', rules, policyOf(rulesBucket))).decision).toBe('Allowed');
    expect((await model.request(role, 's3:GetObjectVersion', rules, policyOf(rulesBucket))).decision).toBe('Allowed');
    expect((await model.request(role, 's3:GetObject', `${bucketArn(rulesBucket)}/hook/other.guard`, policyOf(rulesBucket))).decision).toBe('ImplicitlyDenied');
    expect((await model.request(role, 's3:PutObject', rules, policyOf(rulesBucket))).decision).toBe('ImplicitlyDenied');
  });

  test('writes to its log bucket, to no other bucket, and reads none of its reports', async () => {
    const { model, hook, role, rulesBucket, other, bucketArn, policyOf } = bucketApp();
    const report = `${bucketArn(hook.logBucket)}/any/report.json`;
    expect((await model.request(role, 's3:PutObject', report, policyOf(hook.logBucket))).decision).toBe('Allowed');
    expect((await model.request(role, 's3:GetObject', report, policyOf(hook.logBucket))).decision).toBe('ImplicitlyDenied');
    expect((await model.request(role, 's3:PutObject', `${bucketArn(other)}/report.json`, policyOf(other))).decision).toBe('ImplicitlyDenied');
    expect((await model.request(role, 's3:PutObject', `${bucketArn(rulesBucket)}/hook/hardened-secrets.guard`, policyOf(rulesBucket))).decision).toBe('ImplicitlyDenied');
    // Without TLS, not even its own bucket.
    expect((await model.request(role, 's3:PutObject', report, policyOf(hook.logBucket), { secureTransport: false })).decision).toBe('ExplicitlyDenied');
  });

  test('encrypts reports with the log key through S3 only, and never decrypts them', async () => {
    const { model, role } = bucketApp();
    const key = model.resourcesOfType('AWS::KMS::Key')[0];
    const policy = key.properties.KeyPolicy as PolicyDocument;
    const viaS3 = { extra: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } };
    expect((await model.request(role, 'kms:GenerateDataKey', key.arn, policy, viaS3)).decision).toBe('Allowed');
    expect((await model.request(role, 'kms:GenerateDataKey', key.arn, policy, { extra: { 'kms:ViaService': `lambda.${REGION}.amazonaws.com` } })).decision).toBe('ImplicitlyDenied');
    expect((await model.request(role, 'kms:Decrypt', key.arn, policy, viaS3)).decision).toBe('ImplicitlyDenied');
  });

  test('the default asset: the role reads that one object of the bootstrap bucket, nothing else there', async () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: TEST_ENV });
    const hook = new SecretsGuardHook(stack, 'Guard');
    const model = AccessModel.of(app);
    const role = model.role(hook.executionRole);
    const uri = hookResource(stack).RuleLocation.Uri as string;
    const object = `arn:aws:s3:::${uri.replace('s3://', '')}`;
    const bootstrap = `arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;
    expect(await decide(role, 's3:GetObject', object, ACCOUNT)).toBe('Allowed');
    expect(await decide(role, 's3:GetObject', `${bootstrap}/${'0'.repeat(64)}.zip`, ACCOUNT)).toBe('ImplicitlyDenied');
    expect(await decide(role, 's3:PutObject', object, ACCOUNT)).toBe('ImplicitlyDenied');
  });

  test('only the CloudFormation hooks service, for this account, may assume it', async () => {
    const { model, hook } = bucketApp();
    const role = model.resource(hook.executionRole);
    const trust = role.properties.AssumeRolePolicyDocument as PolicyDocument;
    const assume = async (service: string, sourceAccount: string) =>
      (await model.request(model.service(service), 'sts:AssumeRole', role.arn, trust, { extra: { 'aws:SourceAccount': sourceAccount } })).decision;
    expect(await assume('hooks.cloudformation.amazonaws.com', ACCOUNT)).toBe('Allowed');
    expect(await assume('hooks.cloudformation.amazonaws.com', '222222222222')).toBe('ImplicitlyDenied');
    expect(await assume('lambda.amazonaws.com', ACCOUNT)).toBe('ImplicitlyDenied');
  });

  test('executionRoleName names the role, for a bucket policy in another account', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard', { executionRoleName: 'hardened-secrets-guard-hook-eu-west-1' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'hardened-secrets-guard-hook-eu-west-1' });
  });
});

describe('compliance', () => {
  const cases: ComplianceCase[] = [
    ['the hook with the account\'s access logs bucket', (stack) => {
      new SecretsGuardHook(stack, 'Guard', { accessLogsBucket: accessLogs(stack) });
    }],
    ['the hook in FAIL mode with an organisation rules bucket and its key', (stack) => {
      const key = kms.Key.fromKeyArn(stack, 'OrgKey', 'arn:aws:kms:eu-west-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'OrgRules', { bucketName: 'org-guard-rules', encryptionKey: key });
      new SecretsGuardHook(stack, 'Guard', {
        rules: GuardRulesSource.fromBucket(bucket, 'hardened-secrets.guard', 'v1'),
        failureMode: GuardHookFailureMode.FAIL,
        accessLogsBucket: accessLogs(stack),
      });
    }],
    ['the hook writing to an existing log bucket', (stack) => {
      new SecretsGuardHook(stack, 'Guard', { logBucket: s3.Bucket.fromBucketName(stack, 'Reports', 'org-guard-reports') });
    }],
  ];
  zeroFindingsTests(cases);

  test('the default hook: zero unacknowledged findings in the five cdk-nag packs', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    expect(nagFindings(stack)).toEqual([]);
  });

  test('the default hook violates exactly the documented Control Tower exception (its access logs bucket\'s own access)', () => {
    const stack = newStack();
    const hook = new SecretsGuardHook(stack, 'Guard');
    expect(controlTowerViolations(stack)).toEqual(HOOK_CONTROL_TOWER_EXCEPTIONS.map((e) => ({
      rule: e.rule,
      resources: [stack.getLogicalId(e.path.split('/').reduce<any>((c, id) => c.node.findChild(id), hook))],
    })));
  });

  test('every acknowledgement of the hook, each naming rule, resource and reason', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    const acks = acknowledgements(stack);
    expect(acks.map((a) => [a.path, a.rule])).toEqual([
      ['Stack/Guard/AccessLogsBucket/Resource', 'HIPAA.Security-S3BucketReplicationEnabled'],
      ['Stack/Guard/AccessLogsBucket/Resource', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      ['Stack/Guard/AccessLogsBucket/Resource', 'PCI.DSS.321-S3BucketReplicationEnabled'],
      ['Stack/Guard/ExecutionRole/Policy/Resource', 'AwsSolutions-IAM5[Resource::<GuardLogBucket3F446D59.Arn>/*]'],
      ['Stack/Guard/LogBucket/Resource', 'HIPAA.Security-S3BucketReplicationEnabled'],
      ['Stack/Guard/LogBucket/Resource', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      ['Stack/Guard/LogBucket/Resource', 'PCI.DSS.321-S3BucketReplicationEnabled'],
    ]);
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThan(80);
    }
    expect(logBucketAcknowledgements(false).every((a) => a.path === 'LogBucket/Resource')).toBe(true);
  });

  test('each acknowledgement is needed: without them, exactly those findings appear', () => {
    const stack = newStack();
    new SecretsGuardHook(stack, 'Guard');
    const hidden = withoutAcknowledgements(stack, () => nagFindings(stack));
    const found = new Set(hidden.map((f) => `${f.resource} ${f.rule}`));
    expect([...found].sort()).toEqual(acknowledgements(stack).map((a) => `${a.path} ${a.rule}`).sort());
  });
});

describe('bad input fails at synth naming path, prop, value and what is allowed', () => {
  const build = (props: object) => () => new SecretsGuardHook(newStack(), 'Guard', props);

  test.each([
    ['Private::Hardened::Secrets::Guard'],
    ['Private::G::Hook'],
    ['AWS::Secrets::Guard'],
    ['aws::Secrets::Guard'],
    ['Private-HardenedSecrets-Guard'],
    [`Private::${'a'.repeat(65)}::Guard`],
  ])('alias %j', (alias) => {
    const error = expectRefused(build({ alias }), 'Stack/Guard', 'alias');
    expect(error.message).toContain(`Stack/Guard: invalid \`alias\`: got ${JSON.stringify(alias)}; allowed: Name1::Name2::Name3, each part 2 to 64 letters or digits, not starting with AWS`);
  });

  test.each([
    ['Private::HardenedSecrets::Guard'],
    ['Ab::Cd::Ef'],
    ['Awsome::Secrets::Guard'.replace('Awsome', 'Acme')],
  ])('alias %j is accepted', (alias) => {
    expect(build({ alias })).not.toThrow();
  });

  test('an empty stack filter list', () => {
    const error = expectRefused(build({ stackFilters: { includeStackNames: [] } }), 'Stack/Guard', 'stackFilters.includeStackNames');
    expect(error.message).toContain('invalid `stackFilters.includeStackNames`: got []; allowed: 1 to 50 entries, or omit the list');
  });

  test('stack filters with no list at all', () => {
    expect(build({ stackFilters: { filteringCriteria: GuardHookFilteringCriteria.ANY } })).toThrow(
      /Stack\/Guard: invalid `stackFilters`: got \{"filteringCriteria":"ANY"\}; allowed: at least one of includeStackNames, excludeStackNames, includeStackRoles and excludeStackRoles/,
    );
  });

  test.each([
    [{ excludeStackNames: ['1-starts-with-a-digit'] }, 'stackFilters.excludeStackNames[0]'],
    [{ excludeStackNames: ['has_underscore'] }, 'stackFilters.excludeStackNames[0]'],
    [{ includeStackNames: ['a'.repeat(129)] }, 'stackFilters.includeStackNames[0]'],
    [{ includeStackRoles: ['deployer'] }, 'stackFilters.includeStackRoles[0]'],
    [{ includeStackNames: Array.from({ length: 51 }, (_, i) => `stack-${i}`) }, 'stackFilters.includeStackNames'],
    [{ excludeStackNames: ['a', 'a'] }, 'stackFilters.excludeStackNames'],
  ])('stack filters %j', (stackFilters, prop) => {
    expectRefused(build({ stackFilters }), 'Stack/Guard', prop);
  });

  test.each([
    [Duration.days(0)],
    [Duration.hours(36)],
    [Duration.days(3651)],
  ])('logRetention %s', (logRetention) => {
    expect(build({ logRetention })).toThrow(/invalid `logRetention`: got .*; allowed: whole days from 1 to 3650/);
  });

  test('executionRoleName with a space', () => {
    expect(build({ executionRoleName: 'guard hook' })).toThrow(/Stack\/Guard: invalid `executionRoleName`: got "guard hook"; allowed: 1 to 64 letters, digits or \+=,\.@_-/);
  });

  test.each([
    ['hook/rules.json'],
    ['/hardened-secrets.guard'],
    [''],
  ])('fromBucket with the object key %j', (objectKey) => {
    const stack = newStack();
    const rules = GuardRulesSource.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'org-guard-rules'), objectKey);
    expect(() => new SecretsGuardHook(stack, 'Guard', { rules })).toThrow(
      new RegExp(`Stack/Guard: invalid \`rules \\(GuardRulesSource.fromBucket objectKey\\)\`: got ${JSON.stringify(objectKey).replace(/\//g, '\\/')}; allowed: an object key ending in .guard, .zip or .tar.gz`),
    );
  });

  test('an own log bucket with the props of the new one is a conflict, listed in one error', () => {
    const stack = newStack();
    let error: unknown;
    try {
      new SecretsGuardHook(stack, 'Guard', {
        logBucket: s3.Bucket.fromBucketName(stack, 'Reports', 'org-guard-reports'),
        accessLogsBucket: accessLogs(stack),
        logRetention: Duration.days(30),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HardenedSecretsValidationError);
    expect((error as HardenedSecretsValidationError).problems).toEqual([
      expect.stringMatching(/^conflicting props `logBucket` and `accessLogsBucket`/),
      expect.stringMatching(/^conflicting props `logBucket` and `logRetention`/),
    ]);
  });
});

describe('examples/guard/guard-hook.ts', () => {
  test('the security baseline synthesises the hook and the Config rules, with zero findings in the five packs and Control Tower', () => {
    const { stack } = buildGuardApp();
    expect(stack.stackName).toBe(GUARD_STACK_NAME);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFormation::GuardHook', 1);
    template.hasResourceProperties('AWS::CloudFormation::GuardHook', { FailureMode: 'WARN', StackFilters: { StackNames: { Exclude: ['sandbox-*'] } } });
    expect(Object.keys(template.findResources('AWS::Config::ConfigRule')).length).toBeGreaterThan(5);
    expect(nagFindings(stack)).toEqual([]);
    expect(controlTowerViolations(stack)).toEqual([]);
  });
});
