import { App, Aws, CfnParameter, CliCredentialsStackSynthesizer, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataClassification, HardenedSecret, HardenedSecretProps, SecretKey, SecretRotationPolicy } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { newStack } from '../helpers/stacks';

const NO_ROTATION = SecretRotationPolicy.none('Test secret without a rotation function');
const EXEC_ROLE = {
  'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
};

function policyStatements(template: Template): Array<Record<string, any>> {
  const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy'));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.ResourcePolicy.Statement;
}

function statement(template: Template, sid: string): Record<string, any> {
  const found = policyStatements(template).find((s) => s.Sid === sid);
  expect(found).toBeDefined();
  return found!;
}

function make(props: Partial<HardenedSecretProps> = {}): { stack: Stack; secret: HardenedSecret; template: () => Template } {
  const stack = newStack();
  const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, ...props });
  return { stack, secret, template: () => Template.fromStack(stack) };
}

describe('HardenedSecret', () => {
  describe('encryption and retention defaults', () => {
    const { template } = make();
    const t = template();

    test('is encrypted with its own customer-managed key, never aws/secretsmanager', () => {
      t.hasResourceProperties('AWS::SecretsManager::Secret', {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretKey'), 'Arn'] },
      });
      t.resourceCountIs('AWS::KMS::Key', 1);
    });

    test('secret, key and the resource policy that protects the secret are retained on delete and on replace', () => {
      // Without it CloudFormation deletes the policy, and with it every deny, from the retained secret.
      for (const type of ['AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::SecretsManager::ResourcePolicy', 'AWS::KMS::Alias']) {
        t.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    });

    test('the value is generated, never written into the template', () => {
      t.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.anyValue(),
        SecretString: Match.absent(),
      });
    });
  });

  test('a shared key is used as given and no key is created', () => {
    const stack = newStack();
    const key = new SecretKey(stack, 'Shared');
    const a = new HardenedSecret(stack, 'A', { rotation: NO_ROTATION, encryptionKey: key });
    new HardenedSecret(stack, 'B', { rotation: NO_ROTATION, encryptionKey: key });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.allResourcesProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Shared'), 'Arn'] },
    });
    expect(a.secretKey).toBe(key);
    expect(a.encryptionKey).toBe(key);
  });

  test('DESTROY applies to the secret and its own key', () => {
    const { template } = make({ removalPolicy: RemovalPolicy.DESTROY });
    const t = template();
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::SecretsManager::ResourcePolicy', { DeletionPolicy: 'Delete' });
  });

  describe('resource policy', () => {
    test('blocks public policies, in one ResourcePolicy', () => {
      const { template } = make();
      template().hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
        BlockPublicPolicy: true,
        SecretId: { Ref: Match.stringLikeRegexp('^Secret') },
      });
    });

    test('without break-glass roles, deletion and replication changes are denied to everyone', () => {
      const { template } = make();
      expect(statement(template(), 'DenyDeletionExceptBreakGlass')).toEqual({
        Sid: 'DenyDeletionExceptBreakGlass',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: [
          'secretsmanager:DeleteSecret',
          'secretsmanager:RemoveRegionsFromReplication',
          'secretsmanager:StopReplicationToReplica',
        ],
        Resource: '*',
      });
    });

    test('break-glass roles are the only exception to the deletion deny', () => {
      const stack = newStack();
      const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');
      new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, breakGlassRoles: [breakGlass] });
      const t = Template.fromStack(stack);
      expect(statement(t, 'DenyDeletionExceptBreakGlass').Condition).toEqual({
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/break-glass'] },
      });
      expect(statement(t, 'DenyPolicyChangesExceptDeployment').Condition).toEqual({
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/break-glass', EXEC_ROLE] },
      });
    });

    test('policy changes and new replicas are denied to all but the CloudFormation execution role', () => {
      const { template } = make();
      const deny = statement(template(), 'DenyPolicyChangesExceptDeployment');
      expect(deny.Effect).toBe('Deny');
      expect(deny.Action).toEqual(['secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy', 'secretsmanager:ReplicateSecretToRegions']);
      expect(deny.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE] } });
    });

    test('given deployment roles replace the synthesizer role', () => {
      const stack = newStack();
      const deployer = iam.Role.fromRoleArn(stack, 'Deployer', 'arn:aws:iam::111111111111:role/deployer');
      new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, deploymentRoles: [deployer] });
      expect(statement(Template.fromStack(stack), 'DenyPolicyChangesExceptDeployment').Condition).toEqual({
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/deployer'] },
      });
    });

    test('with DESTROY the deployment role may also delete the secret', () => {
      const { template } = make({ removalPolicy: RemovalPolicy.DESTROY });
      expect(statement(template(), 'DenyDeletionExceptBreakGlass').Condition).toEqual({
        ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE] },
      });
    });

    test.each([
      ['hosted', () => SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser())],
      ['lambda', (stack: Stack) => SecretRotationPolicy.lambda(new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      }))],
    ])('a %s-rotated secret has no account-root DeleteSecret deny, which would bind break glass too', (_kind, rotation) => {
      // GIVEN a rotating secret (aws-cdk-lib's rotation schedule calls denyAccountRootDelete)
      const stack = newStack();
      new HardenedSecret(stack, 'Secret', { rotation: rotation(stack) });
      // THEN the only DeleteSecret deny is the one that excepts break glass
      const denies = policyStatements(Template.fromStack(stack))
        .filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Action).includes('secretsmanager:DeleteSecret'));
      expect(denies.map((d) => d.Sid)).toEqual(['DenyDeletionExceptBreakGlass']);
    });

    test('addRotationSchedule is refused and points to the rotation prop', () => {
      const { secret } = make();
      expect(() => secret.addRotationSchedule('Extra', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() })).toThrow(
        /Stack\/Secret: invalid `addRotationSchedule\('Extra'\)`: got "a second rotation schedule \(hosted rotation\)"; allowed: none: set the `rotation` prop/,
      );
    });

    test('an UpdateSecret that names another key is denied to all but break glass and deployment', () => {
      const { template } = make();
      expect(statement(template(), 'DenyKeyChangeExceptBreakGlass')).toEqual({
        Sid: 'DenyKeyChangeExceptBreakGlass',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'secretsmanager:UpdateSecret',
        Resource: '*',
        Condition: {
          ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE] },
          Null: { 'secretsmanager:KmsKeyArn': 'false' },
          StringNotEquals: { 'secretsmanager:KmsKeyArn': { 'Fn::GetAtt': [expect.stringMatching(/^SecretKey/), 'Arn'] } },
        },
      });
    });

    test.each([
      [10, false],
      [40, true],
    ])('%d roles of other accounts: a resource policy over 20,480 characters fails synth (%s), naming count, size and limit', (count, fails) => {
      // GIVEN a secret granted to roles of other accounts, each with a long name
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION });
      for (let i = 0; i < count; i++) {
        const account = String(200000000000 + i);
        secret.grantRead(iam.Role.fromRoleArn(stack, `Partner${i}`, `arn:aws:iam::${account}:role/partner-${'x'.repeat(40)}-${i}`));
      }
      // WHEN synthesised
      const synth = () => Template.fromStack(stack);
      // THEN past the limit the error names the path, the count, the size and the limit
      if (fails) {
        expect(synth).toThrow(/Stack\/Secret: invalid `resource policy \(grants to principals of other accounts\)`: got "\d+ principals in \d+ statements, up to \d+ characters once deployed"; allowed: at most 20480 characters/);
      } else {
        expect(synth).not.toThrow();
      }
    });

    test('requests without TLS are denied', () => {
      const { template } = make();
      expect(statement(template(), 'DenyInsecureTransport')).toMatchObject({
        Effect: 'Deny',
        Action: 'secretsmanager:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    });

    test('never allows Principal "*"', () => {
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION });
      secret.grantRead(new iam.AccountPrincipal('222222222222'));
      for (const s of policyStatements(Template.fromStack(stack))) {
        if (s.Effect === 'Allow') {
          expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"/);
        }
      }
    });

    test('a stack without the default synthesizer must name its deployment roles', () => {
      const app = new App();
      const stack = new Stack(app, 'Stack', { synthesizer: new CliCredentialsStackSynthesizer() });
      expect(() => new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION })).toThrow(
        /Stack\/Secret: invalid `deploymentRoles`: got undefined; allowed: the roles CloudFormation deploys as/,
      );
    });
  });

  describe('grantRead', () => {
    function granted(versionStages?: string[]) {
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION });
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      secret.grantRead(role, versionStages);
      return Template.fromStack(stack);
    }

    test('pins GetSecretValue to AWSCURRENT with an operator for a single-valued key, and no version-id condition (the caching clients read by VersionId)', () => {
      granted().hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: { Ref: Match.stringLikeRegexp('^Secret') },
              Condition: {
                StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
              },
            },
          ]),
        },
      });
    });

    test('DescribeSecret is granted on this secret only, without a stage condition it does not support', () => {
      granted().hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: { Ref: Match.stringLikeRegexp('^Secret') } },
          ]),
        },
      });
    });

    test('kms:Decrypt only through Secrets Manager, on this key only', () => {
      granted().hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretKey'), 'Arn'] },
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ]),
        },
      });
    });

    test("grantRead(r, ['AWSCURRENT']) gives exactly the pin of grantRead(r)", () => {
      const statementsOf = (t: Template) => Object.values(t.findResources('AWS::IAM::Policy'))
        .map((p) => p.Properties.PolicyDocument.Statement);
      expect(statementsOf(granted(['AWSCURRENT']))).toEqual(statementsOf(granted()));
    });

    test('rotation code can be given other stages', () => {
      granted(['AWSCURRENT', 'AWSPENDING']).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: Match.anyValue(),
              Condition: { StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT', 'AWSPENDING'] } },
            },
          ]),
        },
      });
    });

    test('an empty stage list is refused', () => {
      expect(() => granted([])).toThrow(/Stack\/Secret: invalid `grantRead versionStages`: got "\[\]"/);
    });

    test('the readers prop grants the same', () => {
      const stack = newStack();
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, readers: [role] });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: 'secretsmanager:GetSecretValue' })]),
        },
      });
    });

    test('a grantee in another account is added to the resource policy and to the key policy', () => {
      // GIVEN
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION });
      // WHEN
      secret.grantRead(new iam.AccountPrincipal('222222222222'));
      // THEN
      const t = Template.fromStack(stack);
      const crossAccount = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } };
      expect(policyStatements(t)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Principal: crossAccount,
            Condition: expect.objectContaining({
              StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] },
            }),
          }),
        ]),
      );
      t.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: crossAccount,
              Action: 'kms:Decrypt',
              Resource: '*',
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ]),
        },
      });
    });

    test('an imported key still gets a real decrypt statement on the grantee (aws-cdk#10160)', () => {
      const stack = newStack();
      const keyArn = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
      const secret = new HardenedSecret(stack, 'Secret', {
        rotation: NO_ROTATION,
        encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', keyArn),
      });
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      secret.grantRead(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: keyArn,
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            },
          ]),
        },
      });
    });
  });

  test('grantWrite gives PutSecretValue and stage moves, not UpdateSecret, and key use through Secrets Manager', () => {
    const stack = newStack();
    const secret = new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION });
    const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    secret.grantWrite(role);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: Match.stringLikeRegexp('^Secret') },
          },
          {
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: Match.anyValue(),
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ],
      },
    });
  });

  test('works where aws-cdk-lib wants an ISecret', () => {
    const { stack, secret } = make();
    const ref = stack.resolve(secret.secretValueFromJson('password'));
    expect(JSON.stringify(ref)).toContain('{{resolve:secretsmanager:');
    const asISecret: secretsmanager.ISecret = secret;
    expect(asISecret.encryptionKey).toBe(secret.secretKey);
  });

  describe('tags', () => {
    test('owner, environment, data classification and rotation are written on the secret and its key', () => {
      const { template } = make({
        owner: 'payments-team',
        environment: 'prod',
        dataClassification: DataClassification.RESTRICTED,
      });
      const expected = Match.arrayWith([
        { Key: 'data-classification', Value: 'restricted' },
        { Key: 'environment', Value: 'prod' },
        { Key: 'owner', Value: 'payments-team' },
        { Key: 'rotation', Value: 'none' },
      ]);
      template().hasResourceProperties('AWS::SecretsManager::Secret', { Tags: expected });
      template().hasResourceProperties('AWS::KMS::Key', { Tags: expected });
    });

    test('only the rotation tag is written when nothing else is given', () => {
      make().template().hasResourceProperties('AWS::SecretsManager::Secret', { Tags: [{ Key: 'rotation', Value: 'none' }] });
    });
  });

  describe('secret values', () => {
    test('a literal value is refused, and the message never shows it', () => {
      const attempt = () => make({ secretStringValue: SecretValue.unsafePlainText('hunter2-very-secret') });
      expect(attempt).toThrow(/invalid `secretStringValue`: got "<a literal value, not shown>"; allowed: a reference/);
      expect(attempt).toThrow(HardenedSecretsValidationError);
      expect(attempt).not.toThrow(/hunter2/);
    });

    test('a literal field of an object value is refused by name', () => {
      expect(() =>
        make({
          secretObjectValue: {
            username: SecretValue.unsafePlainText('admin'),
            password: SecretValue.secretsManager('prod/shared/db-password'),
          },
        }),
      ).toThrow(/invalid `secretObjectValue.username`: got "<a literal value, not shown>"/);
    });

    test('references are accepted and written as references', () => {
      const { template } = make({ secretStringValue: SecretValue.secretsManager('prod/vendor/api-key') });
      template().hasResourceProperties('AWS::SecretsManager::Secret', {
        SecretString: '{{resolve:secretsmanager:prod/vendor/api-key:SecretString:::}}',
        GenerateSecretString: Match.absent(),
      });
    });

    test('a NoEcho parameter is accepted', () => {
      const stack = newStack();
      const param = new CfnParameter(stack, 'ApiKey', { noEcho: true });
      new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, secretStringValue: SecretValue.cfnParameter(param) });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: { Ref: 'ApiKey' } });
    });

    test('an ssm-secure reference is refused: CloudFormation does not resolve it in a secret', () => {
      expect(() => make({ secretStringValue: SecretValue.ssmSecure('/prod/api/key') })).toThrow(
        /invalid `secretStringValue`: got "an ssm-secure reference"; allowed: a reference CloudFormation resolves in a secret/,
      );
    });

    test('plaintextJustification with a justification accepts a literal', () => {
      const { template } = make({
        secretStringValue: SecretValue.unsafePlainText('not-a-secret-placeholder'),
        plaintextJustification: 'Placeholder overwritten by the bootstrap job before first use',
      });
      template().hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: 'not-a-secret-placeholder' });
    });

    test('more than one way to set the value is refused', () => {
      expect(() =>
        make({ generateSecretString: {}, secretStringValue: SecretValue.secretsManager('prod/x/y') }),
      ).toThrow(/conflicting props `generateSecretString` and `secretStringValue`/);
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<HardenedSecretProps>, RegExp]>([
      ['name without environment/application', { secretName: 'database' }, /invalid `secretName`: got "database"; allowed: a name matching/],
      ['name with upper-case environment', { secretName: 'Prod/orders/db' }, /invalid `secretName`: got "Prod\/orders\/db"/],
      ['name with a forbidden character', { secretName: 'prod/orders/db#1' }, /invalid `secretName`: got "prod\/orders\/db#1"; allowed: 1 to 512 of/],
      ['name ending like an ARN suffix', { secretName: 'prod/orders/db-abcdef' }, /allowed: a name not ending in '-' followed by six characters/],
      ['name of another environment', { secretName: 'dev/orders/db', environment: 'prod' }, /allowed: a name whose first segment is the environment 'prod'/],
      ['invalid name pattern', { namePattern: '([' }, /invalid `namePattern`: got "\(\["; allowed: a valid JavaScript regular expression/],
      ['owner with a forbidden character', { owner: 'team#1' }, /invalid `owner`: got "team#1"; allowed: 1 to 256 letters/],
      ['empty environment', { environment: '' }, /invalid `environment`: got ""/],
      ['unknown classification', { dataClassification: 'secret' as DataClassification }, /invalid `dataClassification`: got "secret"; allowed: public, internal, confidential, restricted/],
      ['short plaintext justification', { plaintextJustification: 'ok' }, /invalid `plaintextJustification`: got "ok"; allowed: a justification of at least 10 characters/],
      ['empty break-glass list', { breakGlassRoles: [] }, /invalid `breakGlassRoles`: got "\[\]"/],
      ['a generator template without a key', { generateSecretString: { secretStringTemplate: '{"u":"a"}' } }, /conflicting props `generateSecretString.secretStringTemplate` and `generateSecretString.generateStringKey`: give both/],
      ['a generator template that is not a JSON object', { generateSecretString: { secretStringTemplate: '[1]', generateStringKey: 'p' } }, /invalid `generateSecretString.secretStringTemplate`: got "\[1\]"; allowed: a JSON object/],
      ['a password longer than 4096', { generateSecretString: { passwordLength: 5000 } }, /invalid `generateSecretString.passwordLength`: got 5000; allowed: a whole number from 1 to 4096/],
      ['SNAPSHOT removal', { removalPolicy: RemovalPolicy.SNAPSHOT }, /invalid `removalPolicy`: got "snapshot"; allowed: retain, retain-on-update-or-delete, destroy/],
      ['empty deployment role list', { deploymentRoles: [] }, /invalid `deploymentRoles`: got "\[\]"/],
      ['no rotation', { rotation: undefined as unknown as SecretRotationPolicy }, /invalid `rotation`: got undefined; allowed: SecretRotationPolicy.hosted/],
    ])('%s', (_label, props, message) => {
      expect(() => make(props)).toThrow(message);
      expect(() => make(props)).toThrow(/^Stack\/Secret: /);
    });

    test('a custom name pattern replaces the default', () => {
      const { template } = make({ secretName: 'orders_db', namePattern: '^[a-z_]+$' });
      template().hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'orders_db' });
    });

    test('names that are tokens are not judged', () => {
      const stack = newStack();
      new HardenedSecret(stack, 'Secret', { rotation: NO_ROTATION, secretName: `${Aws.ACCOUNT_ID}/x` });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '/x']] },
      });
    });

    test('every problem of one secret is in one error', () => {
      expect(() => make({ secretName: 'x', owner: 'a#b', breakGlassRoles: [] })).toThrow(
        /Stack\/Secret: 3 invalid props:\n {2}- invalid `secretName`.*\n {2}- invalid `owner`.*\n {2}- invalid `breakGlassRoles`/,
      );
    });
  });

  test('logical ids of the secret and its key are frozen (a change would replace them)', () => {
    // Changing these ids makes CloudFormation create a new secret and key and orphan the old
    // ones. If this test fails, the change is breaking: do not update the ids.
    const stack = newStack();
    new HardenedSecret(stack, 'Database', { rotation: NO_ROTATION });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::SecretsManager::Secret'))).toEqual(['DatabaseB269D8BB']);
    expect(Object.keys(t.findResources('AWS::KMS::Key'))).toEqual(['DatabaseKey5E5D9547']);
    expect(Object.keys(t.findResources('AWS::KMS::Alias'))).toEqual(['DatabaseKeyAlias027C0402']);
    expect(Object.keys(t.findResources('AWS::SecretsManager::ResourcePolicy'))).toEqual(['DatabasePolicy35D2CDEF']);
  });
});
