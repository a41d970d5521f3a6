import { CfnDeletionPolicy, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecretWithKey, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretKeyRetained';

const single = singleFinding(RULE);

describe('SecretKeyRetained', () => {
  describe('L1 keys', () => {
    test('Compliance: an L1 key with cfnOptions.deletionPolicy RETAIN', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      key.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
      key.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a key that encrypts no secret is not this rule\'s concern', () => {
      // GIVEN
      const stack = newStack();
      new kms.CfnKey(stack, 'Unrelated', { enableKeyRotation: true });
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      key.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // WHEN
      cfnSecretWithKey(stack, key.ref);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L1 key without a DeletionPolicy that encrypts a secret', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(
        /the key encrypts a secret but DeletionPolicy is absent \(Delete\): deleting the stack schedules the key for deletion, after which the secret cannot be decrypted/i,
      );
    });

    test('Noncompliance 2: an L1 key with cfnOptions.deletionPolicy DELETE, referenced with Ref', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      key.cfnOptions.deletionPolicy = CfnDeletionPolicy.DELETE;
      // WHEN
      cfnSecretWithKey(stack, key.ref);
      // THEN
      expect(single(stack, 'Stack/Key').description).toMatch(/DeletionPolicy is Delete:/);
    });

    test('Noncompliance 3: a key reached through a Ref to a CfnAlias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      const alias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.ref });
      // WHEN
      cfnSecretWithKey(stack, alias.ref);
      // THEN
      single(stack, 'Stack/Key');
    });

    test('Noncompliance 4: a key whose alias is named literally', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.attrArn });
      // WHEN
      cfnSecretWithKey(stack, 'alias/orders-secrets');
      // THEN
      single(stack, 'Stack/Key');
    });

    test('Noncompliance 5: a key that encrypts a replica of a secret', () => {
      // GIVEN
      const stack = newStack();
      const primary = new kms.CfnKey(stack, 'Primary', { enableKeyRotation: true });
      primary.applyRemovalPolicy(RemovalPolicy.RETAIN);
      const replica = new kms.CfnKey(stack, 'ReplicaKey', { enableKeyRotation: true });
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
    test('Compliance: an L2 key with the aws-cdk-lib default (RETAIN)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: an L2 key with DESTROY that encrypts no secret', () => {
      // GIVEN
      const stack = newStack();
      new kms.Key(stack, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY });
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

    test('Noncompliance 1: an L2 key with removalPolicy DESTROY', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(single(stack, 'Stack/Key/Resource').description).toMatch(/DeletionPolicy is Delete: deleting the stack schedules the key for deletion/);
    });

    test('Noncompliance 2: an L2 key with DESTROY behind an L2 kms.Alias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
      const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKey: key });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: alias });
      // THEN
      single(stack, 'Stack/Key/Resource');
    });

    test('Noncompliance 3: the own key of a HardenedSecret with removalPolicy DESTROY', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      hostedRotationSecret(stack, 'Db', { removalPolicy: RemovalPolicy.DESTROY });
      // THEN
      expect(single(stack, 'Stack/Db/Key/Resource').description).toMatch(/DeletionPolicy is Delete/);
    });
  });
});
