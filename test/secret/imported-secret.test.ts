import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { buildImportedSecretsApp } from '../../examples/consumers/imported-secrets';
import { HardenedSecret, RotationKind, SecretRotationPolicy } from '../../src';
import { ALIAS_KEY_REASON, UNKNOWN_KEY_REASON } from '../../src/secret/grants';
import { packFindings } from '../nag/pack-helpers';
import { acknowledgements, nagFindings } from '../nag-helpers';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const COMPLETE = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbC123';
const PARTIAL = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db';
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function stackWithReader(): { stack: Stack; reader: iam.Role } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  return { stack, reader: new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }) };
}

/** The statements of the reader's policy, resolved. */
function readerStatements(stack: Stack): unknown[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('HardenedSecret imports', () => {
  test('every import is an IHardenedSecret; a plain aws-cdk-lib import is not', () => {
    const { stack } = stackWithReader();
    expect(HardenedSecret.isHardenedSecret(HardenedSecret.fromSecretCompleteArn(stack, 'A', COMPLETE))).toBe(true);
    expect(HardenedSecret.isHardenedSecret(HardenedSecret.fromSecretPartialArn(stack, 'B', PARTIAL))).toBe(true);
    expect(HardenedSecret.isHardenedSecret(HardenedSecret.fromSecretNameV2(stack, 'C', 'prod/app/db'))).toBe(true);
    expect(HardenedSecret.isHardenedSecret(HardenedSecret.fromSecretAttributes(stack, 'D', { secretCompleteArn: COMPLETE }))).toBe(true);
    expect(HardenedSecret.isHardenedSecret(new HardenedSecret(stack, 'E', { rotation: SecretRotationPolicy.none('Vendor token, no rotation API') }))).toBe(true);
    expect(HardenedSecret.isHardenedSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'F', COMPLETE))).toBe(false);
    expect(HardenedSecret.isHardenedSecret(undefined)).toBe(false);
  });

  test('a partial ARN is granted with the suffix wildcard, and kms:Decrypt on the given key through Secrets Manager (aws-cdk 10160, 12411)', () => {
    const { stack, reader } = stackWithReader();
    const secret = HardenedSecret.fromHardenedSecretAttributes(stack, 'Db', { secretPartialArn: PARTIAL, secretKey: kms.Key.fromKeyArn(stack, 'Key', KEY) });
    secret.grantRead(reader);
    expect(readerStatements(stack)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: `${PARTIAL}-??????`, Condition: expect.anything() }),
      expect.objectContaining({ Action: 'secretsmanager:DescribeSecret', Resource: `${PARTIAL}-??????` }),
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
    ]));
    expect(secret.secretArn).toBe(PARTIAL);
    expect(secret.secretFullArn).toBeUndefined();
    expect(secret.grantedReaders).toEqual([reader]);
  });

  test('replicas: the replica ARN and its key are granted in the replica region (aws-cdk 17382)', () => {
    const { stack, reader } = stackWithReader();
    const replicaKey = 'arn:aws:kms:us-east-1:111111111111:key/0987dcba-09ba-87dc-65fe-0987654321ba';
    const secret = HardenedSecret.fromHardenedSecretAttributes(stack, 'Db', {
      secretCompleteArn: COMPLETE,
      secretKey: kms.Key.fromKeyArn(stack, 'Key', KEY),
      replicaRegions: [{ region: 'us-east-1', encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', replicaKey) }],
    });
    secret.grantRead(reader);
    const replicaArn = COMPLETE.replace(':eu-west-1:', ':us-east-1:');
    expect(secret.replicaRegionNames).toEqual(['us-east-1']);
    expect(secret.replicaSecretArns).toEqual([replicaArn]);
    expect(readerStatements(stack)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: [COMPLETE, replicaArn] }),
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: replicaKey, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } },
    ]));
  });

  test('without a key: every key of the account and region through Secrets Manager, acknowledged with the reason', () => {
    const { stack, reader } = stackWithReader();
    HardenedSecret.fromSecretNameV2(stack, 'Db', 'prod/app/db').grantRead(reader);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 'kms:Decrypt',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:111111111111:key/*']] },
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
        }]),
      },
    });
    const policy = reader.node.findChild('DefaultPolicy').node.defaultChild!;
    const acknowledged = policy.node.metadata.flatMap((m) => Object.keys((m.data ?? {}) as object));
    expect(acknowledged).toEqual(expect.arrayContaining([expect.stringContaining('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:eu-west-1:111111111111:key/*]')]));
  });

  test('an import creates no resource and cannot be given a rotation schedule or a resource policy', () => {
    const { stack } = stackWithReader();
    const secret = HardenedSecret.fromSecretCompleteArn(stack, 'Db', COMPLETE);
    expect(HardenedSecret.isHardenedSecret(secret) && secret.rotationKind).toBe(RotationKind.UNKNOWN);
    expect(secret.addToResourcePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] })).statementAdded).toBe(false);
    expect(() => secret.addRotationSchedule('Rotation', { automaticallyAfter: undefined }))
      .toThrow(/Stack\/Db: invalid `addRotationSchedule\('Rotation'\)`: got "a rotation schedule for an imported secret"; allowed: none: set the rotation where the secret is defined/);
    // Only the reader role of the fixture: the import added nothing to the template.
    expect(Object.values(Template.fromStack(stack).toJSON().Resources ?? {}).map((r: any) => r.Type)).toEqual(['AWS::IAM::Role']);
  });

  test('a grantee of another account is warned that the secret must allow it where it is defined', () => {
    const { stack } = stackWithReader();
    const partner = iam.Role.fromRoleArn(stack, 'Partner', 'arn:aws:iam::222222222222:role/Consumer');
    HardenedSecret.fromSecretCompleteArn(stack, 'Db', COMPLETE).grantRead(partner);
    Annotations.fromStack(stack).hasWarning('/Stack/Db', Match.stringLikeRegexp('is in account 222222222222, the secret in 111111111111'));
  });

  test('a key given as an alias is granted by its target key, or by kms:ResourceAliases when imported by name (an alias ARN grants nothing)', () => {
    const { stack, reader } = stackWithReader();
    const key = new kms.Key(stack, 'Key');
    const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/app/secrets', targetKey: key });
    new HardenedSecret(stack, 'Own', { rotation: SecretRotationPolicy.none('Vendor token, no rotation API'), encryptionKey: alias }).grantRead(reader);
    HardenedSecret.fromHardenedSecretAttributes(stack, 'Imported', { secretName: 'prod/app/db', secretKey: kms.Alias.fromAliasName(stack, 'ByName', 'alias/prod/app') })
      .grantRead(reader);
    const statements = readerStatements(stack) as any[];
    const decrypts = statements.filter((s) => s.Action === 'kms:Decrypt');
    expect(decrypts).toEqual([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: stack.resolve(key.keyArn), Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
      {
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:111111111111:key/*']] },
        Condition: {
          'StringEquals': { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/prod/app'] },
        },
      },
    ]);
  });

  test.each([
    ['no ARN or name', {}, /conflicting props `secretCompleteArn` and `secretPartialArn` and `secretName`: give exactly one of them/],
    ['two of them', { secretCompleteArn: COMPLETE, secretName: 'prod/app/db' }, /conflicting props `secretCompleteArn` and `secretName`: give exactly one of them/],
    ['a complete ARN without the suffix', { secretCompleteArn: PARTIAL }, /invalid `secretCompleteArn`: got ".*secret:prod\/app\/db"; allowed: a secret ARN ending in '-' and the six characters/],
    ['a partial ARN with a suffix', { secretPartialArn: COMPLETE }, /invalid `secretPartialArn`: got ".*db-AbC123"; allowed: a partial ARN not ending in '-' and six characters/],
    ['an ARN of another service', { secretPartialArn: KEY }, /invalid `secretPartialArn`: got "arn:aws:kms:.*"; allowed: arn:<partition>:secretsmanager:<region>:<account>:secret:<name>/],
    ['a name with a space', { secretName: 'prod/app db' }, /invalid `secretName`: got "prod\/app db"; allowed: 1 to 512 of/],
    ['a replica region twice', { secretCompleteArn: COMPLETE, replicaRegions: [{ region: 'us-east-1' }, { region: 'us-east-1' }] }, /invalid `replicaRegions\[1\].region`: got "us-east-1"; allowed: a region name known at synth/],
  ])('refuses %s, naming the prop and the allowed values', (_name, attrs, message) => {
    const { stack } = stackWithReader();
    expect(() => HardenedSecret.fromHardenedSecretAttributes(stack, 'Db', attrs)).toThrow(message);
  });
});

describe('examples/consumers/imported-secrets.ts', () => {
  const built = buildImportedSecretsApp();

  test('the five cdk-nag packs and SecretsManagerChecks report nothing unacknowledged', () => {
    expect(nagFindings(built.stack)).toEqual([]);
    expect(packFindings(built.stack, { externalMonitor: 'Organisation trail with Secrets Manager alarms in the security account' })).toEqual([]);
  });

  test('the key wildcards are acknowledged on the workload policy, each with its reason, and nothing else is', () => {
    // eu-west-1 holds two statements: the key by alias (payments) and the unknown key (legacy).
    const wildcard = (region: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${region}:111111111111:key/*]`;
    expect(acknowledgements(built.stack).map(({ path, rule, reason }) => [path, rule, reason])).toEqual(expect.arrayContaining([
      ['ImportedSecrets/Workload/Policy/Resource', wildcard('eu-central-1'), ALIAS_KEY_REASON],
      ['ImportedSecrets/Workload/Policy/Resource', wildcard('eu-west-1'), ALIAS_KEY_REASON],
      ['ImportedSecrets/Workload/Policy/Resource', wildcard('eu-west-1'), UNKNOWN_KEY_REASON],
    ]));
    expect(acknowledgements(built.stack)).toHaveLength(3);
  });
});
