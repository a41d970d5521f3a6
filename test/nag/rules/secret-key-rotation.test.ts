import { CfnParameter } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecretWithKey, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretKeyRotation';

const single = singleFinding(RULE);

describe('SecretKeyRotation', () => {
  describe('L1 keys', () => {
    test('Compliance: an L1 key with EnableKeyRotation true that encrypts a secret', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: an explicit SYMMETRIC_DEFAULT KeySpec with rotation', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { keySpec: 'SYMMETRIC_DEFAULT', enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: EnableKeyRotation written as the string "true" (as YAML templates often do)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key');
      key.addPropertyOverride('EnableKeyRotation', 'true');
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a key without rotation that encrypts no secret is not this rule\'s concern', () => {
      // GIVEN
      const stack = newStack();
      new kms.CfnKey(stack, 'Unrelated', { enableKeyRotation: false });
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L1 key without EnableKeyRotation that encrypts a secret (Fn::GetAtt Arn)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key');
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(
        /the key encrypts a secret but EnableKeyRotation is not true, so its key material never rotates/i,
      );
    });

    test('Noncompliance 2: EnableKeyRotation false, key referenced with Ref', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: false });
      // WHEN
      cfnSecretWithKey(stack, key.ref);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(/EnableKeyRotation is not true/);
    });

    test.each(['RSA_2048', 'ECC_NIST_P256', 'HMAC_256'])('Noncompliance 3: an asymmetric or HMAC KeySpec %s', (keySpec) => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { keySpec, enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(
        new RegExp(`its KeySpec is ${keySpec}; Secrets Manager needs a symmetric encryption key`),
      );
    });

    test('Noncompliance 4: a key that encrypts only a replica of a secret', () => {
      // GIVEN
      const stack = newStack();
      const primary = new kms.CfnKey(stack, 'Primary', { enableKeyRotation: true });
      const replica = new kms.CfnKey(stack, 'ReplicaKey');
      // WHEN
      new secretsmanager.CfnSecret(stack, 'Secret', {
        kmsKeyId: primary.attrArn,
        generateSecretString: {},
        replicaRegions: [{ region: 'eu-central-1', kmsKeyId: replica.attrArn }],
      });
      // THEN
      single(stack, 'Stack/ReplicaKey');
    });
  });

  describe('L2 keys', () => {
    test('Compliance: an L2 key with enableKeyRotation', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
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

    test('Noncompliance 1: an L2 key with the default (no rotation)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(single(stack, 'Stack/Key/Resource').description).toMatch(/EnableKeyRotation is not true/);
    });

    test('Noncompliance 2: an L2 asymmetric key', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(single(stack, 'Stack/Key/Resource').description).toMatch(/KeySpec is RSA_2048/);
    });
  });

  describe('keys reached through aliases and intrinsics', () => {
    test('Compliance: a rotating key behind an L2 kms.Alias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKey: key });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: alias });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: a key behind an L2 kms.Alias (the alias ARN is an Fn::Join)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKey: key });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: alias });
      // THEN
      single(stack, 'Stack/Key/Resource');
    });

    test('Noncompliance 2: a key behind a Ref to an L1 CfnAlias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key');
      const alias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.ref });
      // WHEN
      cfnSecretWithKey(stack, alias.ref);
      // THEN
      single(stack, 'Stack/Key');
    });

    test.each([
      ['the alias name', 'alias/orders-secrets'],
      ['the alias ARN', 'arn:aws:kms:eu-west-1:111111111111:alias/orders-secrets'],
    ])('Noncompliance 3: a key whose alias of the stack is named literally, %s', (_label, kmsKeyId) => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key');
      new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.attrArn });
      // WHEN
      cfnSecretWithKey(stack, kmsKeyId);
      // THEN
      single(stack, 'Stack/Key');
    });

    test('Noncompliance 4: a key whose alias is the default of a CfnParameter', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key');
      new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.attrArn });
      const param = new CfnParameter(stack, 'KeyAlias', { type: 'String', default: 'alias/orders-secrets' });
      // WHEN
      cfnSecretWithKey(stack, param.valueAsString);
      // THEN
      single(stack, 'Stack/Key');
    });

    test('Noncompliance 5: only the key that encrypts a secret is reported among several', () => {
      // GIVEN
      const stack = newStack();
      new kms.CfnKey(stack, 'Other');
      const key = new kms.CfnKey(stack, 'Key');
      // WHEN
      cfnSecretWithKey(stack, key.attrArn, 'A');
      cfnSecretWithKey(stack, key.ref, 'B');
      // THEN
      single(stack, 'Stack/Key');
    });
  });
});
