import { App, CliCredentialsStackSynthesizer, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecretKey, SecretKeyProps } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../helpers/stacks';

function keyPolicyStatements(template: Template): Array<Record<string, unknown>> {
  const keys = template.findResources('AWS::KMS::Key');
  const [key] = Object.values(keys);
  return (key.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>);
}

function statement(template: Template, sid: string): Record<string, any> {
  const found = keyPolicyStatements(template).find((s) => s.Sid === sid);
  if (!found) {
    throw new Error(`no key policy statement ${sid}`);
  }
  return found;
}

describe('SecretKey', () => {
  describe('defaults', () => {
    // GIVEN a stack WHEN a SecretKey is created with no props
    const stack = newStack();
    new SecretKey(stack, 'Key');
    const template = Template.fromStack(stack);

    test('rotates its key material', () => {
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    test('is retained on delete and on replace, with a 30-day deletion window', () => {
      template.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ PendingWindowInDays: 30 }),
      });
    });

    test('has an alias', () => {
      template.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: Match.stringLikeRegexp('^alias/secrets/'),
        TargetKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      });
    });

    test('lets the account use the key only through Secrets Manager in its region and account', () => {
      const use = statement(template, 'UseThroughSecretsManagerOnly');
      expect(use.Effect).toBe('Allow');
      expect(use.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
          'kms:CallerAccount': '111111111111',
        },
      });
      expect(use.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    });

    test('gives administrators no cryptographic action in the key policy', () => {
      const admin = statement(template, 'KeyAdministration');
      const actions = admin.Action as string[];
      for (const crypto of ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:*']) {
        expect(actions).not.toContain(crypto);
      }
      expect(actions.some((a) => a.endsWith('*'))).toBe(false);
    });

    test('denies grants that are not for AWS resources (CT.KMS.PR.3)', () => {
      expect(statement(template, 'DenyGrantsNotForAwsResources')).toEqual({
        Sid: 'DenyGrantsNotForAwsResources',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      });
    });

    test('never allows Principal "*"', () => {
      for (const s of keyPolicyStatements(template)) {
        if (s.Effect === 'Allow') {
          expect(JSON.stringify(s.Principal)).not.toContain('"*"');
        }
      }
    });
  });

  test('named admins replace the account root and keep the deployment role', () => {
    // GIVEN
    const stack = newStack();
    const admin = iam.Role.fromRoleArn(stack, 'Admin', 'arn:aws:iam::111111111111:role/key-admin');
    // WHEN
    new SecretKey(stack, 'Key', { admins: [admin] });
    // THEN
    const principal = statement(Template.fromStack(stack), 'KeyAdministration').Principal;
    expect(principal.AWS).toEqual([
      'arn:aws:iam::111111111111:role/key-admin',
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1' },
    ]);
  });

  test('with named admins the account can still read the key metadata AWS Config needs (KMS.4), and nothing else', () => {
    // GIVEN
    const stack = newStack();
    const admin = iam.Role.fromRoleArn(stack, 'Admin', 'arn:aws:iam::111111111111:role/key-admin');
    // WHEN
    new SecretKey(stack, 'Key', { admins: [admin] });
    // THEN
    expect(statement(Template.fromStack(stack), 'KeyMetadataReadableByAccount')).toEqual({
      Sid: 'KeyMetadataReadableByAccount',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      Resource: '*',
    });
  });

  test('without named admins there is no separate metadata statement (the account administers the key)', () => {
    const stack = newStack();
    new SecretKey(stack, 'Key');
    expect(keyPolicyStatements(Template.fromStack(stack)).map((s) => s.Sid)).not.toContain('KeyMetadataReadableByAccount');
  });

  test('a key policy over 32,768 characters fails synth, naming count, size and limit', () => {
    // GIVEN a key granted to many principals of other accounts
    const stack = newStack();
    const key = new SecretKey(stack, 'Key');
    for (let i = 0; i < 120; i++) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(`arn:aws:iam::${200000000000 + i}:role/partner-${'x'.repeat(60)}`)],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
      }));
    }
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /Stack\/Key: invalid `key policy \(admins and grants to principals of other accounts\)`: got "\d+ principals in \d+ statements, up to \d+ characters once deployed"; allowed: at most 32768 characters/,
    );
  });

  test('named admins on a stack without the default synthesizer need deployment roles', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { synthesizer: new CliCredentialsStackSynthesizer() });
    const admin = iam.Role.fromRoleArn(stack, 'Admin', 'arn:aws:iam::111111111111:role/key-admin');
    expect(() => new SecretKey(stack, 'Key', { admins: [admin] })).toThrow(
      /Stack\/Key: invalid `deploymentRoles`: got undefined; allowed: the roles CloudFormation deploys as, required with `admins`/,
    );
  });

  test('removal policy and pending window can be overridden', () => {
    const stack = newStack();
    new SecretKey(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) });
    Template.fromStack(stack).hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ PendingWindowInDays: 7 }),
    });
  });

  describe('validation', () => {
    test.each<[string, SecretKeyProps, RegExp]>([
      ['pendingWindow 6 days', { pendingWindow: Duration.days(6) }, /invalid `pendingWindow`: got 6 days; allowed: whole days from 7 to 30/],
      ['pendingWindow 31 days', { pendingWindow: Duration.days(31) }, /invalid `pendingWindow`: got 31 days; allowed: whole days from 7 to 30/],
      ['pendingWindow 200 hours', { pendingWindow: Duration.hours(200) }, /invalid `pendingWindow`: got 8 days 8 hours; allowed: whole days/],
      ['alias without prefix', { aliasName: 'secrets/no-prefix' }, /invalid `aliasName`: got "secrets\/no-prefix"; allowed: 'alias\/'/],
      ['reserved alias', { aliasName: 'alias/aws/reserved' }, /invalid `aliasName`: got "alias\/aws\/reserved"/],
      ['alias with a space', { aliasName: 'alias/has space' }, /invalid `aliasName`/],
      ['SNAPSHOT removal', { removalPolicy: RemovalPolicy.SNAPSHOT }, /invalid `removalPolicy`: got "snapshot"; allowed: retain, retain-on-update-or-delete, destroy/],
      ['no admins', { admins: [] }, /invalid `admins`: got "\[\]"/],
    ])('%s is refused with the prop, value and range', (_label, props, message) => {
      const stack = newStack();
      expect(() => new SecretKey(stack, 'Key', props)).toThrow(message);
      expect(() => new SecretKey(stack, 'Key2', props)).toThrow(HardenedSecretsValidationError);
      expect(() => new SecretKey(stack, 'Key3', props)).toThrow(/^Stack\/Key3: /);
    });

    test.each([7, 30])('a pending window of %d days is accepted', (days) => {
      const stack = newStack();
      new SecretKey(stack, 'Key', { pendingWindow: Duration.days(days) });
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: days });
    });

    test('all problems are reported in one error', () => {
      const stack = newStack();
      expect(() => new SecretKey(stack, 'Key', { pendingWindow: Duration.days(1), aliasName: 'x' })).toThrow(
        /Stack\/Key: 2 invalid props:\n {2}- invalid `pendingWindow`.*\n {2}- invalid `aliasName`/,
      );
    });
  });
});
