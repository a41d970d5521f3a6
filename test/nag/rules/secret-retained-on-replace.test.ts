import { CfnDeletionPolicy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { cfnSecret, cfnSecretWithKey, hostedRotationSecret } from '../rule-fixtures';

const RULE = 'SecretRetainedOnReplace';
const ID = `HardenedSecrets-${RULE}`;

/** Both policies RETAIN on an L1 resource, through cfnOptions. */
function retain(resource: kms.CfnKey | secretsmanager.CfnSecret): void {
  resource.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
  resource.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
}

/** A retained L1 key with rotation, and an L1 secret it encrypts. */
function keyAndSecret(stack: Stack): { key: kms.CfnKey; secret: secretsmanager.CfnSecret } {
  const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
  const secret = cfnSecretWithKey(stack, key.attrArn);
  return { key, secret };
}

describe('SecretRetainedOnReplace', () => {
  describe('L1 resources', () => {
    test('Compliance: a secret and its key with UpdateReplacePolicy RETAIN', () => {
      // GIVEN
      const stack = newStack();
      const { key, secret } = keyAndSecret(stack);
      // WHEN
      retain(key);
      retain(secret);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a key that encrypts no secret is not this rule\'s concern', () => {
      // GIVEN
      const stack = newStack();
      const { key, secret } = keyAndSecret(stack);
      retain(key);
      retain(secret);
      // WHEN
      new kms.CfnKey(stack, 'Unrelated', { enableKeyRotation: true });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: a secret and its key without UpdateReplacePolicy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      keyAndSecret(stack);
      // THEN
      const found = ruleFindings(stack, RULE);
      expect(pairs(found)).toEqual([[ID, 'Stack/Key'], [ID, 'Stack/Secret']]);
      for (const f of found) {
        expect(f.description).toMatch(/UpdateReplacePolicy is absent \(Delete\), so an update that replaces the resource .* deletes the old one/);
      }
    });

    test('Noncompliance 2: the rule is a warning', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(ruleFindings(stack, RULE).map(f => [f.rule, f.path, f.severity])).toEqual([[ID, 'Stack/Secret', 'warning']]);
    });

    test('Noncompliance 3: DeletionPolicy RETAIN alone does not cover replacement', () => {
      // GIVEN
      const stack = newStack();
      const { key, secret } = keyAndSecret(stack);
      retain(key);
      // WHEN
      secret.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
      secret.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.DELETE;
      // THEN
      const found = ruleFindings(stack, RULE);
      expect(pairs(found)).toEqual([[ID, 'Stack/Secret']]);
      expect(found[0].description).toMatch(/UpdateReplacePolicy is Delete, so an update that replaces the resource/);
    });

    test('Noncompliance 4: only the key is reported when the secret is retained', () => {
      // GIVEN
      const stack = newStack();
      const { secret } = keyAndSecret(stack);
      // WHEN
      retain(secret);
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Key']]);
    });

    test('Noncompliance 5: a key reached through a Ref to a CfnAlias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      const alias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.ref });
      // WHEN
      const secret = cfnSecretWithKey(stack, alias.ref);
      retain(secret);
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Key']]);
    });
  });

  describe('the warnings option', () => {
    test('Compliance: the rule does not run when it is left out of warnings', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(ruleFindings(stack, RULE, { warnings: ['SecretTags'] })).toEqual([]);
    });

    test('Noncompliance 1: the rule runs when it is named in warnings', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(pairs(ruleFindings(stack, RULE, { warnings: [RULE] }))).toEqual([[ID, 'Stack/Secret']]);
    });
  });

  describe('L2 resources', () => {
    test('Compliance: an L2 secret with RETAIN and an L2 key (RETAIN by default)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
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

    test('Compliance: a HardenedSecret with RETAIN_ON_UPDATE_OR_DELETE', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      hostedRotationSecret(stack, 'Db', { removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L2 secret with the aws-cdk-lib default (DESTROY)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.Secret(stack, 'Secret');
      // THEN
      const found = ruleFindings(stack, RULE);
      expect(pairs(found)).toEqual([[ID, 'Stack/Secret/Resource']]);
      expect(found[0].description).toMatch(/UpdateReplacePolicy is Delete/);
    });

    test('Noncompliance 2: an L2 key with DESTROY that encrypts a retained L2 secret', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Key/Resource']]);
    });

    test('Noncompliance 3: a HardenedSecret with removalPolicy DESTROY, secret and own key', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      hostedRotationSecret(stack, 'Db', { removalPolicy: RemovalPolicy.DESTROY });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Db/Key/Resource'], [ID, 'Stack/Db/Resource']]);
    });
  });
});
