import * as fs from 'fs';
import * as os from 'os';
import { join } from 'path';
import { App, CfnResource, Stack, Tags, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { packFindings } from './nag/pack-helpers';
import { AcknowledgementRecord, acknowledgements, controlTowerViolations, nagFindings } from './nag-helpers';
import { ACKNOWLEDGEMENTS, buildExampleApp, EXAMPLE_STACK_NAME } from '../examples/app';
import { API_TOKEN_STACK_NAME, buildApiTokenApp } from '../examples/rotation/api-token';
import { buildProductTeamApp, governApp, PRODUCT_STACK_NAME } from '../examples/security-team';
import { GuardrailMode } from '../src';

/** The same order as `acknowledgements()` returns. */
function sorted(records: AcknowledgementRecord[]): AcknowledgementRecord[] {
  return [...records].sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`));
}

describe('examples/app.ts', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    // GIVEN the example app, built once (synthesis is the slow part)
    ({ stack } = buildExampleApp(new App()));
    template = Template.fromStack(stack);
  });

  test('the five cdk-nag packs report no unacknowledged finding', () => {
    // WHEN AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1 and Serverless validate the stack
    const findings = nagFindings(stack);

    // THEN nothing is left, errors or warnings
    expect(findings).toEqual([]);
  });

  test('the Control Tower proactive controls report no violation', () => {
    // WHEN cfn-guard runs the Control Tower rules on the synthesized template
    const violations = controlTowerViolations(stack);

    // THEN there is none (cfn-guard has no acknowledgements: the template itself must comply)
    expect(violations).toEqual([]);
  });

  test('the acknowledgements in the tree are exactly the exported list', () => {
    // WHEN every Validations.of(x).acknowledge record of the stack is collected
    const inTree = acknowledgements(stack);

    // THEN they are ACKNOWLEDGEMENTS: same paths, rule ids and reasons, nothing more
    const expected = sorted(ACKNOWLEDGEMENTS.map(({ path, rule, reason }) => ({ path, rule, reason })));
    expect(inTree).toEqual(expected);
  });

  test('the example places its acknowledgements on L1 resources only, never on the stack', () => {
    // WHEN the acknowledgements that the example or the library place are looked up in the tree
    const targets = ACKNOWLEDGEMENTS.filter((a) => a.placedBy !== 'aws-cdk-lib').map((a) => ({
      path: a.path,
      construct: stack.node.findAll().find((c) => c.node.path === a.path),
    }));

    // THEN each is a CloudFormation resource below the stack
    expect(targets.length).toBeGreaterThan(0);
    for (const { path, construct } of targets) {
      // (path in the expectation, so a failure names the acknowledgement)
      expect({ path, isL1: construct !== undefined && CfnResource.isCfnResource(construct) }).toEqual({ path, isL1: true });
      expect(path.startsWith(`${EXAMPLE_STACK_NAME}/`)).toBe(true);
    }
  });

  test("the function's role may read only the API key secret", () => {
    // GIVEN the execution role of the ApiClient function and the API key secret
    const [fnId] = Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { API_KEY_SECRET_ARN: {} } } },
    }));
    const roleId: string = template.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const [apiKeyId] = Object.keys(template.findResources('AWS::SecretsManager::Secret', {
      Properties: { Name: 'prod/orders/payment-api-key' },
    }));

    // WHEN every statement of every policy attached to that role is collected
    const role = template.toJSON().Resources[roleId];
    const attached = Object.values<any>({
      ...template.findResources('AWS::IAM::Policy'),
      ...template.findResources('AWS::IAM::ManagedPolicy'),
    }).filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId));
    const statements: any[] = [
      ...attached.flatMap((p) => p.Properties.PolicyDocument.Statement),
      ...(role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    ];
    const actionsOf = (s: any): string[] => [s.Action].flat();
    const readsSecrets = statements.filter((s) =>
      s.Effect === 'Allow' && actionsOf(s).some((a) => a === '*' || a === 'secretsmanager:*' || a === 'secretsmanager:GetSecretValue'),
    );

    // THEN the role has no AWS managed policy, and exactly one statement allows GetSecretValue:
    // on the API key's ARN alone, for the AWSCURRENT version only
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(readsSecrets).toEqual([
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: apiKeyId },
        Condition: {
          StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
        },
      },
    ]);
  });
});

describe('examples/security-team.ts', () => {
  afterEach(() => {
    // A failed validation sets process.exitCode = 1 (as `cdk synth` should); the tests that
    // expect the failure must not fail the jest run with it.
    process.exitCode = 0;
  });

  function validationReport(app: App): Array<{ rule: string; path: string; severity: string }> {
    const file = join(app.outdir, 'validation-report.json');
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    return report.pluginReports
      .flatMap((p: any) => p.violations)
      .flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath, severity: v.severity })))
      .sort((a: any, b: any) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
  }

  function newApp(): App {
    return new App({ outdir: fs.mkdtempSync(join(os.tmpdir(), 'security-team-')) });
  }

  test('governApp makes cdk synth fail on the one decision ENFORCE leaves to the product team: rotation', () => {
    // GIVEN the product team's app, governed by the security team
    const { app } = buildProductTeamApp(newApp());
    governApp(app, GuardrailMode.ENFORCE);

    // WHEN it is synthesised THEN validation fails
    expect(() => app.synth()).toThrow(/HardenedSecrets-SecretRotationConfigured/);
    // AND the report names rotation as the only error, per secret, plus the owner tags ENFORCE cannot know
    expect(validationReport(app)).toEqual([
      { rule: 'HardenedSecrets-SecretRotationConfigured', path: `${PRODUCT_STACK_NAME}/Secret/Resource`, severity: 'error' },
      { rule: 'HardenedSecrets-SecretRotationConfigured', path: `${PRODUCT_STACK_NAME}/TemplatedSecret/Resource`, severity: 'error' },
      { rule: 'HardenedSecrets-SecretTags', path: `${PRODUCT_STACK_NAME}/Secret/Resource`, severity: 'warning' },
      { rule: 'HardenedSecrets-SecretTags', path: `${PRODUCT_STACK_NAME}/TemplatedSecret/Resource`, severity: 'warning' },
    ]);
  });

  test('once the product team tags its secrets and acknowledges rotation with a reason, synth passes', () => {
    const { app, stack } = buildProductTeamApp(newApp());
    governApp(app, GuardrailMode.ENFORCE);
    Tags.of(stack).add('owner', 'checkout-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'confidential');
    for (const id of ['Secret', 'TemplatedSecret']) {
      Validations.of(stack.node.findChild(id).node.defaultChild!).acknowledge({
        id: 'HardenedSecrets-SecretRotationConfigured',
        reason: 'Rotated by the vendor integration job every 7 days (RUNBOOK-12)',
      });
    }
    // WHEN synthesised THEN validation passes and the stack is in the cloud assembly
    expect(app.synth().stacks.map(s => s.stackName)).toEqual([PRODUCT_STACK_NAME]);
  });

  test('in AUDIT mode the same app fails on every missing control', () => {
    // (that AUDIT leaves the template byte-identical is tested in test/guardrails)
    const { app } = buildProductTeamApp(newApp());
    governApp(app, GuardrailMode.AUDIT);
    expect(() => app.synth()).toThrow(/HardenedSecrets-SecretCustomerManagedKey/);
    const errors = validationReport(app).filter(f => f.severity === 'error').map(f => f.rule);
    expect(new Set(errors)).toEqual(new Set([
      'HardenedSecrets-SecretCustomerManagedKey',
      'HardenedSecrets-SecretRotationConfigured',
      'HardenedSecrets-SecretBlockPublicPolicy',
      'HardenedSecrets-SecretPolicyDenyDelete',
      'HardenedSecrets-SecretRetained',
    ]));
  });
});

describe('examples/rotation/api-token.ts', () => {
  let built: ReturnType<typeof buildApiTokenApp>;
  let template: Template;

  beforeAll(() => {
    // GIVEN the example, built once
    built = buildApiTokenApp(new App());
    template = Template.fromStack(built.stack);
  });

  test('the five cdk-nag packs and the Control Tower controls report nothing', () => {
    expect(nagFindings(built.stack)).toEqual([]);
    expect(controlTowerViolations(built.stack)).toEqual([]);
  });

  test('SecretsManagerChecks reports nothing once the monitoring is declared', () => {
    // (the secret's tags come from its owner / environment / dataClassification props)
    expect(packFindings(built.stack, { externalMonitor: 'Organisation trail with Secrets Manager alarms' })).toEqual([]);
  });

  test('the only acknowledgements are those RotationFunction places, each on its exact resource', () => {
    const fn = `${API_TOKEN_STACK_NAME}/TokenRotation/Function/Resource`;
    const policy = `${API_TOKEN_STACK_NAME}/TokenRotation/Role/UnscopedPolicy/Resource`;
    expect(acknowledgements(built.stack).map(({ path, rule }) => [path, rule])).toEqual([
      [fn, 'AwsSolutions-L1'],
      [fn, 'HIPAA.Security-LambdaDLQ'],
      [fn, 'NIST.800.53.R5-LambdaDLQ'],
      [fn, 'Serverless-LambdaDLQ'],
      [fn, 'Serverless-LambdaLatestVersion'],
      [policy, 'AwsSolutions-IAM5[Resource::*]'],
      [policy, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111111111111:network-interface/*]'],
    ]);
  });

  test('the token rotates weekly with the built-in rotator, configured for its token field', () => {
    const stack = built.stack;
    const fnId = stack.getLogicalId(built.rotation.function.node.defaultChild as CfnResource);
    const secretId = stack.getLogicalId(built.secret.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secretId },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: { ROTATION_PASSWORD_LENGTH: '48', ROTATION_EXCLUDE_PUNCTUATION: 'true', ROTATION_FIELD: 'token' } },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: '111111111111',
      SourceArn: { Ref: secretId },
    });
  });
});
