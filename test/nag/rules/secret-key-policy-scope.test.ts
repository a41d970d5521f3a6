import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecretWithKey, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretKeyPolicyScope';

const ROOT = { AWS: 'arn:aws:iam::111111111111:root' };
const ADMIN = { Sid: 'Admin', Effect: 'Allow', Principal: ROOT, Action: 'kms:*', Resource: '*' };

const single = singleFinding(RULE);

/** An L1 key with the given statements, encrypting an L1 secret. */
function keyForSecret(stack: Stack, statement: unknown): kms.CfnKey {
  const key = new kms.CfnKey(stack, 'Key', {
    enableKeyRotation: true,
    keyPolicy: { Version: '2012-10-17', Statement: statement },
  });
  cfnSecretWithKey(stack, key.attrArn);
  return key;
}

describe('SecretKeyPolicyScope', () => {
  describe('L1 key policies', () => {
    test('Compliance: a key policy that names its principals', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [ADMIN]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: Principal "*" conditioned on kms:CallerAccount and kms:ViaService', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [ADMIN, {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': '111111111111', 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
        },
      }]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a Deny to Principal "*" without a condition', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [ADMIN, { Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' }]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a public key policy on a key that encrypts no secret is not this rule\'s concern', () => {
      // GIVEN
      const stack = newStack();
      new kms.CfnKey(stack, 'Unrelated', {
        keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] },
      });
      // WHEN
      keyForSecret(stack, [ADMIN]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: Allow to { AWS: "*" } without a condition', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [ADMIN, { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(
        /statement 2 in KeyPolicy allows Principal "\*" without a condition on who: anyone who can call KMS can use the key that protects the secret/i,
      );
    });

    test('Noncompliance 2: Allow to the string "*", named by its Sid', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(/statement 'Open' in KeyPolicy allows Principal "\*"/i);
    });

    test('Noncompliance 3: "*" among other principals', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::111111111111:root', '*'] }, Action: 'kms:*', Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(/statement 1 in KeyPolicy allows Principal "\*"/i);
    });

    test('Noncompliance 4: an empty Condition block is no condition', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [ADMIN, { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: {} }]);
      // THEN
      single(stack, 'Stack/Key');
    });

    test('Noncompliance 5: a single Statement object rather than a list', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' });
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(/statement 1 in KeyPolicy/i);
    });

    test('Noncompliance 6: every public statement is named in the one finding', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyForSecret(stack, [
        { Sid: 'OpenDecrypt', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        ADMIN,
        { Sid: 'OpenEncrypt', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*' },
      ]);
      // THEN
      const { description } = single(stack, 'Stack/Key');
      expect(description).toMatch(/statement 'OpenDecrypt' in KeyPolicy/i);
      expect(description).toMatch(/statement 'OpenEncrypt' in KeyPolicy/i);
      expect(description).not.toMatch(/'Admin'/);
    });

    test('Noncompliance 7: a principal that is a CfnParameter whose default is "*"', () => {
      // GIVEN
      const stack = newStack();
      const principal = new CfnParameter(stack, 'KeyUser', { type: 'String', default: '*' });
      // WHEN
      keyForSecret(stack, [ADMIN, { Effect: 'Allow', Principal: { AWS: principal.valueAsString }, Action: 'kms:Decrypt', Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(/statement 2 in KeyPolicy allows Principal "\*"/i);
    });

    test('Noncompliance 8: a public key reached through a Ref to a CfnAlias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', {
        enableKeyRotation: true,
        keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] },
      });
      const alias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.ref });
      // WHEN
      cfnSecretWithKey(stack, alias.ref);
      // THEN
      single(stack, 'Stack/Key');
    });
  });

  describe('L2 keys', () => {
    test('Compliance: the default L2 key policy (account root)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: AnyPrincipal added to the key policy with a condition', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:CallerAccount': '111111111111' } },
      }));
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
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

    test('Noncompliance 1: AnyPrincipal added to the key policy without a condition', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(single(stack, 'Stack/Key/Resource').description).toMatch(/statement 2 in KeyPolicy allows Principal "\*" without a condition/i);
    });

    test('Noncompliance 2: a public L2 key behind an L2 kms.Alias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:*'], resources: ['*'] }));
      const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKey: key });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: alias });
      // THEN
      single(stack, 'Stack/Key/Resource');
    });
  });
});
