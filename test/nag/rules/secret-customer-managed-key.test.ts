import { CfnCondition, CfnParameter, Fn, Lazy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { cfnSecret, cfnSecretWithKey, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretCustomerManagedKey';
const ID = `HardenedSecrets-${RULE}`;

const single = singleFinding(RULE);

describe('SecretCustomerManagedKey', () => {
  describe('L1 and L2 inputs', () => {
    test('Compliance: an L1 secret encrypted with an L1 key of the stack (Fn::GetAtt Arn)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.attrArn);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: an L1 secret encrypted with an L1 key of the stack (Ref)', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, key.ref);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: an L2 secret with an L2 encryption key', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a literal customer key ARN', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
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

    test('Noncompliance 1: an L1 secret without KmsKeyId', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /KmsKeyId is not set, so the secret is encrypted with the AWS managed key aws\/secretsmanager/,
      );
    });

    test('Noncompliance 2: an L2 secret without an encryption key', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.Secret(stack, 'Secret');
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(/KmsKeyId is not set/);
    });

    test('Noncompliance 3: only the secret without a customer key is reported', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      new secretsmanager.Secret(stack, 'Good', { encryptionKey: key });
      new secretsmanager.Secret(stack, 'Bad');
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Bad/Resource']]);
    });
  });

  describe('aliases', () => {
    test('Compliance: an L2 kms.Alias of a key of the stack', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKey: key });
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: alias });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a Ref to an L1 CfnAlias', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      const alias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/orders-secrets', targetKeyId: key.ref });
      // WHEN
      cfnSecretWithKey(stack, alias.ref);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test.each([
      ['an alias name', 'alias/orders-secrets'],
      ['an alias ARN', 'arn:aws:kms:eu-west-1:111111111111:alias/orders-secrets'],
      ['an alias whose name merely contains aws', 'alias/team/aws-secrets'],
    ])('Compliance: a literal customer alias, %s', (_label, kmsKeyId) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, kmsKeyId);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test.each([
      ['the alias name', 'alias/aws/secretsmanager'],
      ['the alias ARN', 'arn:aws:kms:eu-west-1:111111111111:alias/aws/secretsmanager'],
      ['another AWS managed alias', 'alias/aws/ssm'],
    ])('Noncompliance 1: the AWS managed key as a literal, %s', (_label, kmsKeyId) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, kmsKeyId);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /KmsKeyId is the AWS managed key .*alias\/aws\/\w+, whose key policy nobody can restrict/,
      );
    });

    test.each([
      ['aws/secretsmanager'],
      ['aws/ssm'],
    ])('Noncompliance 1b: the AWS managed key written without alias/ (%s)', (kmsKeyId) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, kmsKeyId);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toContain(`KmsKeyId is the AWS managed key ${kmsKeyId}, whose key policy nobody can restrict`);
    });

    test('Compliance: a customer key alias whose name starts with aws is not the AWS managed key', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, 'alias/aws-team/secrets');
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 2: an L2 secret with kms.Alias.fromAliasName(alias/aws/secretsmanager)', () => {
      // GIVEN
      const stack = newStack();
      const awsManaged = kms.Alias.fromAliasName(stack, 'AwsManaged', 'alias/aws/secretsmanager');
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: awsManaged });
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(
        /KmsKeyId is the AWS managed key arn:.*:kms:eu-west-1:111111111111:alias\/aws\/secretsmanager/,
      );
    });
  });

  describe('intrinsics and tokens', () => {
    test('Compliance: a CfnParameter whose default is a customer alias', () => {
      // GIVEN
      const stack = newStack();
      const param = new CfnParameter(stack, 'KeyArn', { type: 'String', default: 'alias/orders-secrets' });
      // WHEN
      cfnSecretWithKey(stack, param.valueAsString);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a lazy token that produces a customer key ARN', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
      // WHEN
      cfnSecretWithKey(stack, Lazy.string({ produce: () => key.attrArn }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: Fn.importValue cannot be proven to be a customer key', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, Fn.importValue('SharedSecretKeyArn'));
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /KmsKeyId cannot be proven to be a customer-managed key: it is an Fn::ImportValue from another stack\./,
      );
    });

    test('Noncompliance 2: an L2 secret with a key imported by Fn.importValue', () => {
      // GIVEN
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'Imported', Fn.importValue('SharedSecretKeyArn'));
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(/cannot be proven.*Fn::ImportValue/);
    });

    test('Noncompliance 3: a CfnParameter without a default cannot be proven', () => {
      // GIVEN
      const stack = newStack();
      const param = new CfnParameter(stack, 'KeyArn', { type: 'String' });
      // WHEN
      cfnSecretWithKey(stack, param.valueAsString);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /KmsKeyId cannot be proven to be a customer-managed key: it is parameter KeyArn, which has no default\./,
      );
    });

    test('Noncompliance 4: a CfnParameter whose default is the AWS managed key', () => {
      // GIVEN
      const stack = newStack();
      const param = new CfnParameter(stack, 'KeyArn', { type: 'String', default: 'alias/aws/secretsmanager' });
      // WHEN
      cfnSecretWithKey(stack, param.valueAsString);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/KmsKeyId is the AWS managed key alias\/aws\/secretsmanager/);
    });

    test('Noncompliance 5: Fn.join of literal pieces that spell the AWS managed alias', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, Fn.join('', ['alias/aws/', 'secretsmanager']));
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/AWS managed key alias\/aws\/secretsmanager/);
    });

    test('Noncompliance 6: Fn.sub of the AWS managed alias ARN with pseudo parameters', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/secretsmanager'));
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/AWS managed key .*alias\/aws\/secretsmanager/);
    });

    test('Noncompliance 7: a lazy token that produces the AWS managed alias', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecretWithKey(stack, Lazy.string({ produce: () => 'alias/aws/secretsmanager' }));
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/AWS managed key alias\/aws\/secretsmanager/);
    });

    test('Noncompliance 8: a key chosen by Fn::If cannot be proven', () => {
      // GIVEN
      const stack = newStack();
      const shared = new CfnParameter(stack, 'Shared', { type: 'String', default: 'yes' });
      const condition = new CfnCondition(stack, 'UseSharedKey', { expression: Fn.conditionEquals(shared.valueAsString, 'yes') });
      // WHEN
      cfnSecretWithKey(stack, Fn.conditionIf(condition.logicalId, 'alias/orders-secrets', 'alias/aws/secretsmanager').toString());
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/cannot be proven to be a customer-managed key: it is computed with Fn::If/);
    });
  });
});
