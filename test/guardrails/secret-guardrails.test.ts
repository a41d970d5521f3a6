import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { GuardrailMode, HardenedSecret, SecretGuardrails, SecretRotationPolicy } from '../../src';
import { packFindings } from '../nag/pack-helpers';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const EXTERNAL_MONITOR = 'Organisation trail with Secrets Manager alarms in the security account';

/** A template written outside CDK, brought in with CfnInclude: one bare secret. */
function includedTemplate(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')), 'legacy.json');
  fs.writeFileSync(file, JSON.stringify({
    Resources: {
      LegacySecret: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } },
      LegacyPolicy: {
        Type: 'AWS::SecretsManager::ResourcePolicy',
        Properties: {
          SecretId: { Ref: 'LegacySecret' },
          ResourcePolicy: {
            Version: '2012-10-17',
            Statement: [{ Sid: 'ReadByApp', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/app' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
          },
        },
      },
    },
  }));
  return file;
}

/**
 * An app of plain aws-cdk-lib secrets, made the way the aws-cdk README shows, plus a raw
 * CfnSecret and a secret of an included template.
 */
function plainApp(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Plain', { env: ENV });
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const templated = new secretsmanager.Secret(stack, 'TemplatedSecret', {
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'postgres' }),
      generateStringKey: 'password',
      excludeCharacters: '/@"',
    },
  });
  const role = new iam.Role(stack, 'SomeRole', { assumedBy: new iam.AccountRootPrincipal() });
  secret.grantRead(role);
  templated.grantRead(role);
  new secretsmanager.CfnSecret(stack, 'RawSecret', { generateSecretString: {} });
  new cfninc.CfnInclude(stack, 'Legacy', { templateFile: includedTemplate() });
  return { app, stack };
}

const SECRETS = ['Plain/Secret/Resource', 'Plain/TemplatedSecret/Resource', 'Plain/RawSecret', 'Plain/Legacy/LegacySecret'].sort();

describe('SecretGuardrails', () => {
  describe('registration', () => {
    test.each([
      [GuardrailMode.ENFORCE, AspectPriority.MUTATING],
      [GuardrailMode.AUDIT, AspectPriority.READONLY],
    ])('%s registers with priority %d', (mode, priority) => {
      const app = new App();
      const guardrails = SecretGuardrails.apply(app, { mode });
      expect(guardrails.priority).toBe(priority);
      expect(Aspects.of(app).applied.find(a => a.aspect === guardrails)?.priority).toBe(priority);
    });

    test('the default mode is AUDIT', () => {
      expect(new SecretGuardrails().mode).toBe(GuardrailMode.AUDIT);
    });
  });

  describe('AUDIT', () => {
    test('adds one error per unhardened secret, naming what is missing', () => {
      // GIVEN
      const { app, stack } = plainApp();
      // WHEN
      SecretGuardrails.apply(app, { mode: GuardrailMode.AUDIT });
      // THEN
      const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('SecretGuardrails'));
      expect(errors.map(e => e.id.replace(/^\//, '')).sort()).toEqual(SECRETS);
      const message = String(errors.find(e => e.id === '/Plain/Secret/Resource')?.entry.data);
      for (const missing of ['SecretCustomerManagedKey', 'SecretRetained', 'SecretBlockPublicPolicy', 'SecretPolicyDenyDelete', 'SecretRotationConfigured']) {
        expect(message).toContain(missing);
      }
    });

    test('the included secret has a resource policy, so only its missing parts are named', () => {
      const { app, stack } = plainApp();
      SecretGuardrails.apply(app);
      const [error] = Annotations.fromStack(stack).findError('/Plain/Legacy/LegacySecret', Match.anyValue());
      expect(String(error.entry.data)).toContain('SecretBlockPublicPolicy: resource policy LegacyPolicy does not set BlockPublicPolicy');
    });

    test('changes no resource: the template is byte-identical', () => {
      const without = JSON.stringify(Template.fromStack(plainApp().stack).toJSON());
      const { app, stack } = plainApp();
      SecretGuardrails.apply(app, { mode: GuardrailMode.AUDIT });
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).toEqual(without);
    });

    test('leaves HardenedSecret alone', () => {
      const app = new App();
      const stack = new Stack(app, 'Hardened', { env: ENV });
      new HardenedSecret(stack, 'Db', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') });
      SecretGuardrails.apply(app);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('ENFORCE', () => {
    test('turns the failing plain app into one whose only errors are rotation', () => {
      // GIVEN the plain app fails the pack on every secret
      const before = plainApp();
      const failing = packFindings(before.app, { externalMonitor: EXTERNAL_MONITOR }).filter(f => f.severity === 'error');
      expect(new Set(failing.map(f => f.rule))).toEqual(new Set([
        'HardenedSecrets-SecretCustomerManagedKey',
        'HardenedSecrets-SecretRotationConfigured',
        'HardenedSecrets-SecretBlockPublicPolicy',
        'HardenedSecrets-SecretPolicyDenyDelete',
        'HardenedSecrets-SecretRetained',
      ]));

      // WHEN
      const { app } = plainApp();
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });

      // THEN rotation is the only error left, on each secret; the warnings left are the ones
      // ENFORCE must not decide: who owns a secret, and rewriting other code's IAM grants
      const findings = packFindings(app, { externalMonitor: EXTERNAL_MONITOR });
      expect(findings.map(f => [f.rule, f.path])).toEqual([
        ['HardenedSecrets-IamReadPinnedToCurrent', 'Plain/SomeRole/DefaultPolicy/Resource'],
        ...SECRETS.map(p => ['HardenedSecrets-SecretRotationConfigured', p]),
        ...SECRETS.map(p => ['HardenedSecrets-SecretTags', p]),
      ]);
      expect(findings.filter(f => f.severity === 'error').map(f => f.rule)).toEqual(SECRETS.map(() => 'HardenedSecrets-SecretRotationConfigured'));
    });

    test('encrypts unencrypted secrets with one shared SecretKey per stack that existing readers can use', () => {
      const { app, stack } = plainApp();
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 1);
      const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
      expect(keyId).toMatch(/^HardenedSecretsGuardrailKey/);
      template.allResourcesProperties('AWS::SecretsManager::Secret', {
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'UseThroughSecretsManagerOnly',
            Principal: { AWS: '*' },
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111111111111' } },
          })]),
        },
      });
    });

    test('retains every secret on deletion and replacement', () => {
      const { app, stack } = plainApp();
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });
      const secrets = Template.fromStack(stack).findResources('AWS::SecretsManager::Secret');
      expect(Object.values(secrets).map(s => [s.DeletionPolicy, s.UpdateReplacePolicy])).toEqual(SECRETS.map(() => ['Retain', 'Retain']));
    });

    test('gives each secret a resource policy that blocks public policies and denies deletion except to break-glass roles', () => {
      const { app, stack } = plainApp();
      const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass] });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 4);
      template.allResourcesProperties('AWS::SecretsManager::ResourcePolicy', {
        BlockPublicPolicy: true,
        ResourcePolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'DenyDeletionExceptBreakGlass',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: Match.arrayWith(['secretsmanager:DeleteSecret']),
            Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/break-glass'] } },
          })]),
        },
      });
    });

    test('keeps the statements of an existing resource policy, adds its own, and retains the policy with the secret', () => {
      const { app, stack } = plainApp();
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });
      Template.fromStack(stack).hasResource('AWS::SecretsManager::ResourcePolicy', {
        // A retained secret whose policy CloudFormation deletes loses every deny.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          SecretId: { Ref: 'LegacySecret' },
          BlockPublicPolicy: true,
          ResourcePolicy: {
            Statement: [
              Match.objectLike({ Sid: 'ReadByApp' }),
              Match.objectLike({ Sid: 'DenyDeletionExceptBreakGlass' }),
              Match.objectLike({ Sid: 'DenyPolicyChangesExceptDeployment' }),
              // The aspect supplied the key, so it knows the ARN another key would differ from.
              Match.objectLike({ Sid: 'DenyKeyChangeExceptBreakGlass' }),
              Match.objectLike({ Sid: 'DenyInsecureTransport' }),
            ],
          },
        },
      });
    });

    test('never invents rotation: a secret without it keeps an error annotation', () => {
      const { app, stack } = plainApp();
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });
      const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('SecretGuardrails'));
      expect(errors.map(e => e.id.replace(/^\//, '')).sort()).toEqual(SECRETS);
      for (const e of errors) {
        expect(String(e.entry.data)).toMatch(/cannot decide for it:\n {2}- SecretRotationConfigured: no AWS::SecretsManager::RotationSchedule/);
      }
      Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    });

    test('is idempotent: applied twice, the template is the same as applied once', () => {
      const once = plainApp();
      SecretGuardrails.apply(once.app, { mode: GuardrailMode.ENFORCE });
      const twice = plainApp();
      SecretGuardrails.apply(twice.app, { mode: GuardrailMode.ENFORCE });
      SecretGuardrails.apply(twice.app, { mode: GuardrailMode.ENFORCE });
      expect(Template.fromStack(twice.stack).toJSON()).toEqual(Template.fromStack(once.stack).toJSON());
    });

    test('leaves HardenedSecret alone: its template does not change', () => {
      const build = () => {
        const app = new App();
        const stack = new Stack(app, 'Hardened', { env: ENV });
        new HardenedSecret(stack, 'Db', { rotation: SecretRotationPolicy.none('Vendor API key without a rotation API') });
        return { app, stack };
      };
      const without = Template.fromStack(build().stack).toJSON();
      const { app, stack } = build();
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });
      expect(Template.fromStack(stack).toJSON()).toEqual(without);
    });

    test('an already encrypted secret keeps its key', () => {
      const app = new App();
      const stack = new Stack(app, 'Keyed', { env: ENV });
      new secretsmanager.CfnSecret(stack, 'Keyed', { kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
      SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 0);
      template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    });
  });
});
