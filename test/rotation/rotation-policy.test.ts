import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, RotationFunction, RotationKind, RotationOptions, SecretRotationPolicy } from '../../src';
import { acknowledgements, newStack } from '../nag-helpers';

function rotationFunction(stack: ReturnType<typeof newStack>): lambda.Function {
  return new lambda.Function(stack, 'Rotator', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

describe('SecretRotationPolicy', () => {
  describe('hosted', () => {
    test('creates a hosted rotation with the secret key, every 30 days by default', () => {
      // GIVEN / WHEN
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
      });
      // THEN
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: Match.stringLikeRegexp('^Secret') },
        HostedRotationLambda: Match.objectLike({
          RotationType: 'PostgreSQLSingleUser',
          KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretKey'), 'Arn'] },
        }),
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
      });
      t.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: [{ Key: 'rotation', Value: 'hosted-30d' }] });
      expect(secret.rotationKind).toBe(RotationKind.HOSTED);
      expect(secret.rotationLabel).toBe('hosted-30d');
    });

    test.each<[string, () => secretsmanager.HostedRotation, string]>([
      ['MySQL single user', () => secretsmanager.HostedRotation.mysqlSingleUser(), 'MySQLSingleUser'],
      ['PostgreSQL single user', () => secretsmanager.HostedRotation.postgreSqlSingleUser(), 'PostgreSQLSingleUser'],
      ['MariaDB single user', () => secretsmanager.HostedRotation.mariaDbSingleUser(), 'MariaDBSingleUser'],
      ['Oracle single user', () => secretsmanager.HostedRotation.oracleSingleUser(), 'OracleSingleUser'],
      ['SQL Server single user', () => secretsmanager.HostedRotation.sqlServerSingleUser(), 'SQLServerSingleUser'],
      ['Redshift single user', () => secretsmanager.HostedRotation.redshiftSingleUser(), 'RedshiftSingleUser'],
      ['MongoDB single user', () => secretsmanager.HostedRotation.mongoDbSingleUser(), 'MongoDBSingleUser'],
    ])('%s is passed through', (_label, factory, type) => {
      const stack = newStack();
      new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.hosted(factory()) });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        HostedRotationLambda: Match.objectLike({ RotationType: type }),
      });
    });

    test('alternating users with a master secret, in a VPC, are passed through', () => {
      // GIVEN
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const master = new HardenedSecret(stack, 'Master', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
      });
      const sg = new ec2.SecurityGroup(stack, 'RotationSg', { vpc });
      // WHEN
      new HardenedSecret(stack, 'App', {
        rotation: SecretRotationPolicy.hosted(
          secretsmanager.HostedRotation.postgreSqlMultiUser({ masterSecret: master, vpc, securityGroups: [sg] }),
        ),
      });
      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: Match.stringLikeRegexp('^App') },
        HostedRotationLambda: Match.objectLike({
          RotationType: 'PostgreSQLMultiUser',
          MasterSecretArn: { Ref: Match.stringLikeRegexp('^Master') },
          MasterSecretKmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MasterKey'), 'Arn'] },
          VpcSecurityGroupIds: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSg'), 'GroupId'] },
          VpcSubnetIds: Match.anyValue(),
        }),
      });
    });

    test('keeps one resource policy when aws-cdk-lib adds its own statement for rotation', () => {
      const stack = newStack();
      new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser()),
      });
      Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::ResourcePolicy', 1);
    });
  });

  describe('lambda', () => {
    test('wires the function and pins the invoking account on its permission', () => {
      // GIVEN
      const stack = newStack();
      const fn = rotationFunction(stack);
      // WHEN
      const secret = new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.lambda(fn, { automaticallyAfter: Duration.days(7) }),
      });
      // THEN
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Rotator'), 'Arn'] },
        RotationRules: { ScheduleExpression: 'rate(7 days)' },
      });
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: '111111111111',
      });
      expect(secret.rotationLabel).toBe('lambda-7d');
    });
  });

  describe('schedule', () => {
    function rules(options: RotationOptions): Record<string, unknown> {
      const stack = newStack();
      new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser(), options),
      });
      const [schedule] = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::RotationSchedule'));
      return schedule.Properties;
    }

    test.each<[string, RotationOptions, Record<string, unknown>]>([
      ['4 hours', { automaticallyAfter: Duration.hours(4) }, { ScheduleExpression: 'rate(4 hours)' }],
      ['1 day', { automaticallyAfter: Duration.days(1) }, { ScheduleExpression: 'rate(1 day)' }],
      ['365 days', { automaticallyAfter: Duration.days(365) }, { ScheduleExpression: 'rate(365 days)' }],
      ['a rate expression', { scheduleExpression: 'rate(10 days)' }, { ScheduleExpression: 'rate(10 days)' }],
      ['a cron expression with a window', { scheduleExpression: 'cron(0 4 ? * SUN *)', window: Duration.hours(3) }, { ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '3h' }],
      ['a window of 24 hours on a weekly rate', { automaticallyAfter: Duration.days(7), window: Duration.hours(24) }, { ScheduleExpression: 'rate(7 days)', Duration: '24h' }],
    ])('%s', (_label, options, expected) => {
      expect(rules(options).RotationRules).toEqual(expected);
    });

    test('rotateImmediatelyOnUpdate is passed through', () => {
      expect(rules({ rotateImmediatelyOnUpdate: false }).RotateImmediatelyOnUpdate).toBe(false);
    });

    test.each<[string, RotationOptions, RegExp]>([
      ['shorter than 4 hours', { automaticallyAfter: Duration.hours(3) }, /invalid `rotation.automaticallyAfter`: got 3 hours; allowed: whole hours from 4 hours to 365 days/],
      ['longer than 365 days', { automaticallyAfter: Duration.days(366) }, /invalid `rotation.automaticallyAfter`: got 366 days; allowed: whole hours from 4 hours to 365 days/],
      ['not whole hours', { automaticallyAfter: Duration.minutes(330) }, /invalid `rotation.automaticallyAfter`: got 5 hours 30 minutes/],
      ['a rate under 4 hours', { scheduleExpression: 'rate(3 hours)' }, /invalid `rotation.scheduleExpression`: got "rate\(3 hours\)"; allowed: a rate from 4 hours to 365 days/],
      ['a rate over 365 days', { scheduleExpression: 'rate(400 days)' }, /invalid `rotation.scheduleExpression`: got "rate\(400 days\)"/],
      ['neither rate nor cron', { scheduleExpression: 'every day' }, /invalid `rotation.scheduleExpression`: got "every day"; allowed: 'rate\(N hours\|days\)' or 'cron\(/],
      ['a cron with five fields', { scheduleExpression: 'cron(0 4 * * ?)' }, /invalid `rotation.scheduleExpression`: got "cron\(0 4 \* \* \?\)"/],
      // The pack's grammar, at synth: February 31st never comes.
      ['a cron that never fires', { scheduleExpression: 'cron(0 0 31 2 ? *)' }, /invalid `rotation.scheduleExpression`: got "cron\(0 0 31 2 \? \*\)"; allowed: a cron schedule that keeps firing \(cron\(0 0 31 2 \? \*\) stops firing: it fires 0 time/],
      ['a cron that stops after a year', { scheduleExpression: 'cron(0 0 1 * ? 2027)' }, /a cron schedule that keeps firing \(cron\(0 0 1 \* \? 2027\) stops firing after 2027\)/],
      ['a cron with both day fields', { scheduleExpression: 'cron(0 0 1 * MON *)' }, /invalid `rotation.scheduleExpression`.*one of day-of-month and day-of-week must be '\?'/],
      ['a cron with an hour out of range', { scheduleExpression: 'cron(0 25 * * ? *)' }, /invalid `rotation.scheduleExpression`.*field '25' is outside 0-23/],
      ['both interval and expression', { automaticallyAfter: Duration.days(7), scheduleExpression: 'rate(7 days)' }, /conflicting props `rotation.automaticallyAfter` and `rotation.scheduleExpression`: give one of them, not both/],
      ['a window under an hour', { window: Duration.minutes(30) }, /invalid `rotation.window`: got 30 minutes; allowed: whole hours from 1 to 24/],
      ['a window over 24 hours', { window: Duration.hours(25) }, /invalid `rotation.window`: got 1 day 1 hour; allowed: whole hours from 1 to 24/],
      ['a window as long as the interval', { automaticallyAfter: Duration.hours(6), window: Duration.hours(6) }, /invalid `rotation.window`: got 6 hours; allowed: shorter than the rotation interval \(6 hours\)/],
    ])('%s is refused', (_label, options, message) => {
      expect(() => rules(options)).toThrow(message);
      expect(() => rules(options)).toThrow(/^Stack\/Secret: /);
    });
  });

  describe('none', () => {
    test('creates no rotation and records the justification on the secret resource', () => {
      // GIVEN / WHEN
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', {
        rotation: SecretRotationPolicy.none('Vendor API key; the vendor has no rotation API (SEC-42)'),
      });
      // THEN
      Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
      expect(secret.rotationKind).toBe(RotationKind.NONE);
      const reason = 'Rotation waived: Vendor API key; the vendor has no rotation API (SEC-42)';
      expect(acknowledgements(stack)).toEqual([
        { path: 'Stack/Secret/Resource', rule: 'AwsSolutions-SMG4', reason },
        { path: 'Stack/Secret/Resource', rule: 'HardenedSecrets-SecretRotationConfigured', reason },
        { path: 'Stack/Secret/Resource', rule: 'HIPAA.Security-SecretsManagerRotationEnabled', reason },
        { path: 'Stack/Secret/Resource', rule: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
      ]);
    });

    test.each(['', 'because', '         x'])('a justification of %j is refused', (justification) => {
      const stack = newStack();
      expect(() => new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none(justification) })).toThrow(
        /Stack\/Secret: invalid `rotation \(SecretRotationPolicy.none justification\)`.*allowed: a reason of at least 10 characters/,
      );
    });
  });

  describe('rotationFunction (what the secret tells a monitor to alarm on)', () => {
    test('the Lambda function of a RotationFunction, the function given to lambda, nothing for hosted or none', () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const custom = new RotationFunction(stack, 'TokenRotation', { vpc });
      const fn = rotationFunction(stack);
      const secretWith = (id: string, rotation: SecretRotationPolicy) => new HardenedSecret(stack, id, { rotation });
      expect(secretWith('Custom', SecretRotationPolicy.custom(custom)).rotationFunction).toBe(custom.function);
      expect(secretWith('Custom2', SecretRotationPolicy.custom(custom)).rotationFunction!.role).toBe(custom.role);
      expect(secretWith('Lambda', SecretRotationPolicy.lambda(fn)).rotationFunction).toBe(fn);
      expect(secretWith('Hosted', SecretRotationPolicy.hosted(secretsmanager.HostedRotation.mysqlSingleUser())).rotationFunction).toBeUndefined();
      expect(secretWith('None', SecretRotationPolicy.none('Vendor API key without a rotation API')).rotationFunction).toBeUndefined();
    });
  });
});
