import { Duration, Fn } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecret, hostedRotationSecret, inlineFunction, singleFinding } from '../rule-fixtures';

const RULE = 'SecretRotationConfigured';

const HOSTED = { rotationType: 'PostgreSQLSingleUser' };
const WEEKLY = { scheduleExpression: 'rate(7 days)' };
const ROTATION_FN_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:rotate-db';

const single = singleFinding(RULE);

describe('SecretRotationConfigured', () => {
  describe('L1 rotation schedules', () => {
    test('Compliance: a hosted rotation schedule with RotationRules (SecretId is a Ref)', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId: secret.ref, hostedRotationLambda: HOSTED, rotationRules: WEEKLY });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a RotationLambdaARN with AutomaticallyAfterDays', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', {
        secretId: secret.ref,
        rotationLambdaArn: ROTATION_FN_ARN,
        rotationRules: { automaticallyAfterDays: 30 },
      });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test.each([
      ['the secret name', 'prod/orders/db'],
      ['a partial ARN', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/orders/db'],
      ['a full ARN', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/orders/db-AbCdEf'],
    ])('Compliance: a schedule whose SecretId is %s as a literal', (_label, secretId) => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Secret', 'prod/orders/db');
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId, hostedRotationLambda: HOSTED, rotationRules: WEEKLY });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L1 secret without a rotation schedule', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /no AWS::SecretsManager::RotationSchedule targets this secret, so its value never changes/i,
      );
    });

    test('Noncompliance 2: a schedule with neither RotationLambdaARN nor HostedRotationLambda', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId: secret.ref, rotationRules: WEEKLY });
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /rotation schedule Rot names neither RotationLambdaARN nor HostedRotationLambda, so nothing can rotate the secret/i,
      );
    });

    test('Noncompliance 3: a schedule without RotationRules', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId: secret.ref, hostedRotationLambda: HOSTED });
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /rotation schedule Rot has no RotationRules, so the secret is never rotated on a schedule/i,
      );
    });

    test('Noncompliance 4: a schedule missing both the function and the rules names both problems', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId: secret.ref });
      // THEN
      const { description } = single(stack, 'Stack/Secret');
      expect(description).toMatch(/names neither RotationLambdaARN nor HostedRotationLambda/);
      expect(description).toMatch(/has no RotationRules/);
    });

    test('Noncompliance 5: a schedule of another secret does not count', () => {
      // GIVEN
      const stack = newStack();
      const rotated = cfnSecret(stack, 'Rotated');
      cfnSecret(stack, 'Unrotated');
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId: rotated.ref, hostedRotationLambda: HOSTED, rotationRules: WEEKLY });
      // THEN
      single(stack, 'Stack/Unrotated');
    });

    test('Noncompliance 6: a schedule whose SecretId is an Fn.importValue does not prove this secret rotates', () => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Secret', 'prod/orders/db');
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', {
        secretId: Fn.importValue('OrdersDbSecretArn'),
        hostedRotationLambda: HOSTED,
        rotationRules: WEEKLY,
      });
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/no AWS::SecretsManager::RotationSchedule targets this secret/i);
    });

    test('Noncompliance 7: a literal SecretId naming a different secret does not count', () => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Secret', 'prod/orders/db');
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', { secretId: 'prod/billing/db', hostedRotationLambda: HOSTED, rotationRules: WEEKLY });
      // THEN
      single(stack, 'Stack/Secret');
    });

    // BUG (src/analysis/template-index.ts, TemplateIndex.secretFor): a literal ARN is matched with
    // `secretId.includes(':secret:' + name)`, so the ARN of `prod/orders/db-replica` also
    // matches the secret named `prod/orders/db`. The schedule is credited to the wrong secret.
    test('Noncompliance 8: a schedule for a secret whose name extends this one\'s is not credited to this one', () => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Primary', 'prod/orders/db');
      cfnSecret(stack, 'Replica', 'prod/orders/db-replica');
      // WHEN
      new secretsmanager.CfnRotationSchedule(stack, 'Rot', {
        secretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/orders/db-replica-AbCdEf',
        hostedRotationLambda: HOSTED,
        rotationRules: WEEKLY,
      });
      // THEN
      single(stack, 'Stack/Primary');
    });
  });

  describe('L2 rotation schedules', () => {
    test('Compliance: addRotationSchedule with a hosted rotation', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      secret.addRotationSchedule('Rot', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: addRotationSchedule with a rotation Lambda function', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      secret.addRotationSchedule('Rot', { rotationLambda: inlineFunction(stack, 'RotateFn'), automaticallyAfter: Duration.days(14) });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a HardenedSecret with hosted rotation', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      hostedRotationSecret(stack);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a HardenedSecret with SecretRotationPolicy.none acknowledges the finding with its justification', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new HardenedSecret(stack, 'Db', { rotation: SecretRotationPolicy.none('Vendor API key; the vendor has no rotation API (TICKET-1)') });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L2 secret without a rotation schedule', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.Secret(stack, 'Secret');
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(/no AWS::SecretsManager::RotationSchedule targets this secret/i);
    });

    test('Noncompliance 2: automaticallyAfter of zero days leaves the schedule without RotationRules', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      secret.addRotationSchedule('Rot', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(), automaticallyAfter: Duration.days(0) });
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(/rotation schedule SecretRot[0-9A-F]{8} has no RotationRules/i);
    });
  });
});
