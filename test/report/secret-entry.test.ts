import { App, CfnParameter, Duration, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { analyse, envStack, idOf } from './report-fixtures';
import { appCoverage } from '../../src/report/coverage';
import { findingEntries, findingsBySecret, relatedSecrets } from '../../src/report/findings';
import { SecretEntry } from '../../src/report/model';
import { identityReaders, roleUsage } from '../../src/report/readers';
import { RecordingChecks } from '../../src/report/recording-checks';
import { exportsOf } from '../../src/report/references';
import { secretEntry } from '../../src/report/secret-entry';
import { inlineFunction } from '../nag/rule-fixtures';

/** The report's entry of `secret`, from the app's indexes and the pack's findings. */
function entryOf(app: App, secret: IConstruct): SecretEntry {
  const analysed = analyse(app);
  const { stacks, indexes, templates, run, secrets } = analysed;
  const roleUse = roleUsage(indexes);
  const readers = identityReaders(indexes, secrets, exportsOf(stacks, templates, run), roleUse);
  const recorded = new RecordingChecks({ warnings: [] }).record(undefined, app);
  const bySecret = findingsBySecret(findingEntries(recorded, run, relatedSecrets(secrets, readers)));
  const ref = analysed.secret(secret);
  return secretEntry(ref, {
    indexes: run,
    coverage: appCoverage(app, indexes, run, null),
    roleUse,
    identityReaders: readers.get(ref.id)!,
    findings: bySecret.get(ref.id) ?? [],
  });
}


describe('secretEntry', () => {
  describe('key', () => {
    test('no KmsKeyId is the default key; an alias/aws/ key is AWS managed; neither has a resource in the app', () => {
      const app = new App();
      const stack = envStack(app);
      const none = new secretsmanager.CfnSecret(stack, 'None', { generateSecretString: {} });
      const managed = new secretsmanager.CfnSecret(stack, 'Managed', { kmsKeyId: 'alias/aws/secretsmanager', generateSecretString: {} });
      const absent = { resource: null, rotationEnabled: null, rotationPeriodDays: null, deletionPolicy: null, admins: [] };
      expect(entryOf(app, none).key).toEqual({ kind: 'default', reference: 'aws/secretsmanager (no KmsKeyId)', ...absent });
      expect(entryOf(app, managed).key).toEqual({ kind: 'aws-managed', reference: 'alias/aws/secretsmanager', ...absent });
    });

    test('a key of the app: its rotation period, deletion policy and the principals its key policy lets administer it', () => {
      // GIVEN a key rotating every 90 days whose policy also lets a break-glass role schedule its deletion
      const app = new App();
      const stack = envStack(app);
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, rotationPeriod: Duration.days(90) });
      key.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['kms:ScheduleKeyDeletion'], resources: ['*'], principals: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/break-glass')],
      }));
      key.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/reader')],
      }));
      const secret = new secretsmanager.Secret(stack, 'Db', { encryptionKey: key });
      // WHEN / THEN
      expect(entryOf(app, secret).key).toEqual({
        kind: 'customer-managed',
        reference: idOf(key),
        resource: idOf(key),
        rotationEnabled: true,
        rotationPeriodDays: 90,
        deletionPolicy: 'Retain',
        admins: [
          { principal: expect.stringMatching(/:iam::111111111111:root$/), type: 'account', resource: null, constructPath: null },
          { principal: 'arn:aws:iam::111111111111:role/break-glass', type: 'role', resource: null, constructPath: null },
        ],
      });
    });

    test('a rotating key without a period rotates every 365 days', () => {
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
      expect(entryOf(app, secret).key).toMatchObject({ rotationEnabled: true, rotationPeriodDays: 365 });
    });
  });

  describe('rotation', () => {
    test('no schedule: never rotates, not within the maximum; an acknowledged SecretRotationConfigured is the waiver', () => {
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db');
      Validations.of(secret).acknowledge({ id: 'HardenedSecrets-SecretRotationConfigured', reason: 'the vendor offers no rotation API' });
      expect(entryOf(app, secret).rotation).toEqual({
        kind: 'none',
        schedule: null,
        rotator: null,
        automaticallyAfterDays: null,
        scheduleExpression: null,
        window: null,
        worstCaseGapHours: null,
        explanation: 'no rotation schedule: the value never changes',
        withinMaximum: false,
        waiver: 'the vendor offers no rotation API',
      });
    });

    test('a hosted rotation on a cron: the worst gap of the cron, the rotation window, within the maximum', () => {
      // GIVEN a schedule at 03:00 on the 1st and 15th of each month, in a 4-hour window
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db');
      const schedule = secret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
      const cfn = schedule.node.defaultChild as secretsmanager.CfnRotationSchedule;
      cfn.rotationRules = { scheduleExpression: 'cron(0 3 1,15 * ? *)', duration: '4h' };
      // WHEN
      const rotation = entryOf(app, secret).rotation;
      // THEN the longest gap is from the 15th of a 31-day month to the 1st: 17 days
      expect(rotation).toMatchObject({
        kind: 'hosted',
        schedule: idOf(schedule),
        rotator: 'MySQLSingleUser',
        automaticallyAfterDays: null,
        scheduleExpression: 'cron(0 3 1,15 * ? *)',
        window: '4h',
        worstCaseGapHours: 17 * 24,
        withinMaximum: true,
        waiver: null,
      });
    });

    test('a Lambda rotation every 45 days: the function as rotator; the pack finds the gap too long, so it is not within the maximum', () => {
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db');
      const fn = inlineFunction(stack, 'Rotator');
      const schedule = secret.addRotationSchedule('Rotation', { rotationLambda: fn, automaticallyAfter: Duration.days(1) });
      (schedule.node.defaultChild as secretsmanager.CfnRotationSchedule).rotationRules = { automaticallyAfterDays: 45 };
      expect(entryOf(app, secret).rotation).toMatchObject({
        kind: 'lambda',
        rotator: idOf(fn),
        automaticallyAfterDays: 45,
        scheduleExpression: null,
        worstCaseGapHours: 45 * 24,
        explanation: 'AutomaticallyAfterDays 45 rotates every 45 days',
        withinMaximum: false,
      });
    });

    test('a schedule the template does not show has no gap, and says why', () => {
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db');
      const days = new CfnParameter(stack, 'RotationDays', { type: 'Number' });
      const schedule = secret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
      (schedule.node.defaultChild as secretsmanager.CfnRotationSchedule).rotationRules = { automaticallyAfterDays: days.valueAsNumber };
      expect(entryOf(app, secret).rotation).toMatchObject({
        automaticallyAfterDays: null,
        worstCaseGapHours: null,
        explanation: 'AutomaticallyAfterDays is not written in the template',
      });
    });
  });

  describe('resource policy', () => {
    test('deletion denied to all but a named role, TLS required, public access blocked', () => {
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db');
      secret.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['secretsmanager:DeleteSecret'],
        resources: ['*'],
        principals: [new iam.AnyPrincipal()],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/break-glass' } },
      }));
      secret.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['secretsmanager:*'],
        resources: ['*'],
        principals: [new iam.AnyPrincipal()],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
      (secret.node.findChild('Policy').node.defaultChild as secretsmanager.CfnResourcePolicy).blockPublicPolicy = true;
      expect(entryOf(app, secret).resourcePolicy).toEqual({
        policies: [idOf(secret.node.findChild('Policy'))],
        blockPublicPolicy: true,
        publicAllow: false,
        denyDelete: true,
        denyDeleteExceptions: ['aws:PrincipalArn arn:aws:iam::111111111111:role/break-glass'],
        tlsRequired: true,
      });
    });

    test("an unconditioned Allow to everyone is public and makes everyone a reader, after the secret's identity-policy readers", () => {
      const app = new App();
      const stack = envStack(app);
      const secret = new secretsmanager.Secret(stack, 'Db');
      const role = new iam.Role(stack, 'Api', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      secret.grantRead(role);
      secret.addToResourcePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [new iam.AnyPrincipal()] }));
      const entry = entryOf(app, secret);
      expect(entry.resourcePolicy).toMatchObject({ publicAllow: true, denyDelete: false, tlsRequired: false, blockPublicPolicy: false });
      expect(entry.readers.map(r => [r.principal, r.source])).toEqual([[idOf(role), 'identity-policy'], ['*', 'resource-policy']]);
    });
  });

  test('name, tags (null when computed at deploy time), deletion policy and replicas with their keys', () => {
    const app = new App();
    const stack = envStack(app);
    const owner = new CfnParameter(stack, 'Owner');
    const secret = new secretsmanager.CfnSecret(stack, 'Db', {
      name: 'prod/app/db',
      generateSecretString: {},
      replicaRegions: [{ region: 'eu-central-1', kmsKeyId: 'alias/aws/secretsmanager' }, { region: 'us-east-1' }],
    });
    Tags.of(secret).add('environment', 'prod');
    Tags.of(secret).add('owner', owner.valueAsString);
    const entry = entryOf(app, secret);
    expect(entry).toMatchObject({
      id: idOf(secret),
      stack: 'Stack',
      logicalId: 'Db',
      constructPath: 'Stack/Db',
      name: 'prod/app/db',
      tags: { environment: 'prod', owner: null },
      deletionPolicy: null,
      replicas: [
        { region: 'eu-central-1', key: { kind: 'aws-managed', reference: 'alias/aws/secretsmanager' } },
        { region: 'us-east-1', key: { kind: 'default', reference: 'aws/secretsmanager (no KmsKeyId)' } },
      ],
    });
  });

  test("the secret's findings are those of its resources, acknowledged ones included", () => {
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: false }) });
    Validations.of(secret).acknowledge({ id: 'HardenedSecrets-SecretRotationConfigured', reason: 'the vendor offers no rotation API' });
    const findings = entryOf(app, secret).findings.map(f => [f.ruleName, f.acknowledged]);
    expect(findings).toEqual(expect.arrayContaining([['SecretKeyRotation', false], ['SecretRotationConfigured', true]]));
  });
});
