import { Duration, Lazy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { buildGuardApp } from '../../examples/guard/guard-hook';
import { HardenedSecret, SecretAccessMonitor, SecretRotationPolicy, SecretsConfigRules } from '../../src';
import { configRuleFiles } from '../../src/guard/rule-files';
import { ComplianceCase, zeroFindingsTests } from '../compliance-suite';
import { newStack } from '../helpers/stacks';
import { expectRefused } from '../helpers/validation';
import { acknowledgements } from '../nag-helpers';

type Rule = { Properties: Record<string, any> };

function rulesOf(template: Template, owner: 'AWS' | 'CUSTOM_POLICY'): Rule[] {
  return Object.values(template.findResources('AWS::Config::ConfigRule', { Properties: { Source: { Owner: owner } } })) as Rule[];
}

const MANAGED = [
  'SECRETSMANAGER_ROTATION_ENABLED_CHECK',
  'SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK',
  'SECRETSMANAGER_SECRET_PERIODIC_ROTATION',
  'SECRETSMANAGER_SECRET_UNUSED',
  'SECRETSMANAGER_USING_CMK',
];

describe('the custom policy rules', () => {
  test('one Guard custom policy rule per exported Config file: its text, its resource types, on configuration changes', () => {
    // GIVEN the default construct
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules');
    const template = Template.fromStack(stack);
    const files = configRuleFiles();
    expect(files.length).toBeGreaterThan(0);
    // THEN each file is one rule, and nothing else is custom
    expect(rulesOf(template, 'CUSTOM_POLICY')).toHaveLength(files.length);
    for (const file of files) {
      template.hasResourceProperties('AWS::Config::ConfigRule', {
        Source: {
          Owner: 'CUSTOM_POLICY',
          CustomPolicyDetails: { PolicyRuntime: 'guard-2.x.x', PolicyText: file.content },
          SourceDetails: Match.arrayWith([{ EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' }]),
        },
        // A rule on every type (its file names none) has no scope: Config gives it every recorded type.
        Scope: file.resourceTypes.length === 0 ? Match.absent() : { ComplianceResourceTypes: file.resourceTypes },
        Description: Match.stringLikeRegexp(file.ruleIds[0]),
      });
    }
  });

  test('every policy text fits the 10,000 characters Config accepts', () => {
    for (const file of configRuleFiles()) {
      expect(file.content.length).toBeLessThanOrEqual(10000);
    }
  });

  test('customPolicyRules: false leaves only the five managed rules', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules', { customPolicyRules: false });
    const template = Template.fromStack(stack);
    expect(rulesOf(template, 'CUSTOM_POLICY')).toEqual([]);
    expect(rulesOf(template, 'AWS')).toHaveLength(5);
  });
});

describe('the managed rules', () => {
  test('the five rules on secrets, with the default 30 days of rotation and 90 days unused', () => {
    const stack = newStack();
    const construct = new SecretsConfigRules(stack, 'ConfigRules');
    const template = Template.fromStack(stack);
    expect(rulesOf(template, 'AWS').map((r) => r.Properties.Source.SourceIdentifier)).toEqual(MANAGED);
    for (const r of rulesOf(template, 'AWS')) {
      expect(r.Properties.Scope).toEqual({ ComplianceResourceTypes: ['AWS::SecretsManager::Secret'] });
    }
    const params = Object.fromEntries(rulesOf(template, 'AWS').map((r) => [r.Properties.Source.SourceIdentifier, r.Properties.InputParameters]));
    expect(params).toEqual({
      SECRETSMANAGER_ROTATION_ENABLED_CHECK: { maximumAllowedRotationFrequency: 30 },
      SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK: undefined,
      SECRETSMANAGER_SECRET_PERIODIC_ROTATION: { maxDaysSinceRotation: 30 },
      SECRETSMANAGER_SECRET_UNUSED: { unusedForDays: 90 },
      SECRETSMANAGER_USING_CMK: undefined,
    });
    expect(construct.rules).toHaveLength(5 + configRuleFiles().length);
  });

  test('maxRotationDays and unusedForDays reach the parameters', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules', { maxRotationDays: 7, unusedForDays: 365 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maximumAllowedRotationFrequency: 7 } });
    template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maxDaysSinceRotation: 7 } });
    template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { unusedForDays: 365 } });
  });

  test('managedRules: false leaves only the custom policy rules', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules', { managedRules: false });
    const template = Template.fromStack(stack);
    expect(rulesOf(template, 'AWS')).toEqual([]);
    expect(rulesOf(template, 'CUSTOM_POLICY')).toHaveLength(configRuleFiles().length);
  });

  test('a token for maxRotationDays is not judged at synth', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules', { maxRotationDays: Lazy.number({ produce: () => 14 }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maximumAllowedRotationFrequency: 14 } });
  });
});

describe('rule names', () => {
  test('without ruleNamePrefix, CloudFormation names the rules', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules');
    for (const r of [...rulesOf(Template.fromStack(stack), 'AWS'), ...rulesOf(Template.fromStack(stack), 'CUSTOM_POLICY')]) {
      expect(r.Properties.ConfigRuleName).toBeUndefined();
    }
  });

  test('with ruleNamePrefix, each rule is <prefix><rule>, within Config\'s 128 characters', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules', { ruleNamePrefix: 'org-' });
    const template = Template.fromStack(stack);
    const names = [...rulesOf(template, 'AWS'), ...rulesOf(template, 'CUSTOM_POLICY')].map((r) => r.Properties.ConfigRuleName as string);
    expect(names).toEqual(expect.arrayContaining([
      'org-secretsmanager-rotation-enabled-check',
      'org-secretsmanager-secret-unused',
      ...configRuleFiles().map((f) => `org-hardened-secrets-${f.fileName.replace(/\.guard$/, '')}`),
    ]));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(128);
    }
  });
});

describe('SecretAccessMonitor configRules becomes this construct', () => {
  const orgTrail = (stack: ReturnType<typeof newStack>) => logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'aws-controltower/CloudTrailLogs');

  test('the monitor\'s five managed rules keep the logical ids they had before (no replacement, no lost history)', () => {
    // GIVEN a monitor with Config rules, as integ/integ.monitor.ts deployed it before this construct
    const stack = newStack();
    new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), configRules: true });
    const managed = Template.fromStack(stack).findResources('AWS::Config::ConfigRule', { Properties: { Source: { Owner: 'AWS' } } });
    // THEN the ids are those of the committed monitor snapshot
    expect(Object.keys(managed).sort()).toEqual([
      'MonitorPeriodicRotationD0509FDD',
      'MonitorRotationEnabledA1DE302D',
      'MonitorScheduledRotationSuccess689AC9C7',
      'MonitorSecretUnused1FD50A99',
      'MonitorUsingCmk62DE904C',
    ]);
    // AND the construct is below the monitor, under the id left out of logical ids
    expect(stack.node.findAll().filter((c) => c instanceof SecretsConfigRules).map((c) => c.node.path)).toEqual(['Stack/Monitor/Default']);
  });

  test('the monitor passes the longest rotation interval of its watched secrets and its unusedSecretDays, and adds the custom policy rules', () => {
    const stack = newStack();
    const monitor = new SecretAccessMonitor(stack, 'Monitor', { cloudTrailLogGroup: orgTrail(stack), configRules: true, unusedSecretDays: 45 });
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Rotator', { functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:r', sameEnvironment: true });
    monitor.watch(new HardenedSecret(stack, 'Weekly', { rotation: SecretRotationPolicy.lambda(fn, { automaticallyAfter: Duration.days(7) }) }));
    monitor.watch(new HardenedSecret(stack, 'Fortnightly', { rotation: SecretRotationPolicy.lambda(fn, { automaticallyAfter: Duration.days(14) }) }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maximumAllowedRotationFrequency: 14 } });
    template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { unusedForDays: 45 } });
    expect(rulesOf(template, 'CUSTOM_POLICY')).toHaveLength(configRuleFiles().length);
  });
});

describe('compliance', () => {
  const cases: ComplianceCase[] = [
    ['the default Config rules', (stack) => {
      new SecretsConfigRules(stack, 'ConfigRules');
    }],
    ['named managed rules only', (stack) => {
      new SecretsConfigRules(stack, 'ConfigRules', { customPolicyRules: false, ruleNamePrefix: 'org-' });
    }],
  ];
  zeroFindingsTests(cases);

  test('the construct needs no acknowledgement', () => {
    const stack = newStack();
    new SecretsConfigRules(stack, 'ConfigRules');
    expect(acknowledgements(stack)).toEqual([]);
  });
});

describe('bad input fails at synth naming path, prop, value and what is allowed', () => {
  const build = (props: object) => () => new SecretsConfigRules(newStack(), 'ConfigRules', props);

  test.each([
    ['unusedForDays', 0],
    ['unusedForDays', 366],
    ['unusedForDays', 1.5],
    ['maxRotationDays', 0],
    ['maxRotationDays', 366],
  ])('%s %d', (prop, value) => {
    const error = expectRefused(build({ [prop]: value }), 'Stack/ConfigRules', prop);
    expect(error.message).toBe(`Stack/ConfigRules: invalid \`${prop}\`: got ${value}; allowed: a whole number from 1 to 365`);
  });

  test.each([
    ['unusedForDays', 1],
    ['unusedForDays', 365],
    ['maxRotationDays', 1],
    ['maxRotationDays', 365],
  ])('%s %d is accepted', (prop, value) => {
    expect(build({ [prop]: value })).not.toThrow();
  });

  test('no rules at all is a conflict', () => {
    expect(build({ managedRules: false, customPolicyRules: false })).toThrow(
      /Stack\/ConfigRules: conflicting props `managedRules` and `customPolicyRules`: at least one of them on/,
    );
  });

  test('a managed rule parameter without the managed rules is a conflict', () => {
    expect(build({ managedRules: false, unusedForDays: 30 })).toThrow(/conflicting props `unusedForDays` and `managedRules`/);
  });

  test.each([
    ['has space'],
    [''],
    ['x'.repeat(65)],
  ])('ruleNamePrefix %j', (ruleNamePrefix) => {
    const error = expectRefused(build({ ruleNamePrefix }), 'Stack/ConfigRules', 'ruleNamePrefix');
    expect(error.message).toMatch(/allowed: 1 to \d+ letters, digits, '\.', '_' or '-'$/);
  });
});

describe('examples/guard/guard-hook.ts', () => {
  test('the baseline\'s Config rules: named, 90 days of rotation, 180 days unused', () => {
    const { stack } = buildGuardApp();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigRule', { ConfigRuleName: 'baseline-secretsmanager-rotation-enabled-check', InputParameters: { maximumAllowedRotationFrequency: 90 } });
    template.hasResourceProperties('AWS::Config::ConfigRule', { ConfigRuleName: 'baseline-secretsmanager-secret-unused', InputParameters: { unusedForDays: 180 } });
    expect(rulesOf(template, 'CUSTOM_POLICY')).toHaveLength(configRuleFiles().length);
  });
});
