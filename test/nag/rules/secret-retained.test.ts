import { CfnDeletionPolicy, RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecret, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretRetained';

const single = singleFinding(RULE);

describe('SecretRetained', () => {
  describe('L1 secrets', () => {
    test('Compliance: cfnOptions.deletionPolicy RETAIN', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      const secret = cfnSecret(stack);
      secret.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
      secret.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: applyRemovalPolicy(RETAIN) on the L1', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack).applyRemovalPolicy(RemovalPolicy.RETAIN);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a raw DeletionPolicy override (as CfnInclude templates carry it)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      const secret = cfnSecret(stack);
      secret.addOverride('DeletionPolicy', 'Retain');
      secret.addOverride('UpdateReplacePolicy', 'Retain');
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L1 secret without a DeletionPolicy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /DeletionPolicy is absent \(Delete\), so deleting the stack deletes the secret and everything that authenticates with it breaks/,
      );
    });

    test('Noncompliance 2: cfnOptions.deletionPolicy DELETE', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack).cfnOptions.deletionPolicy = CfnDeletionPolicy.DELETE;
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/DeletionPolicy is Delete, so deleting the stack deletes the secret/);
    });

    test('Noncompliance 3: a raw DeletionPolicy override of Delete wins over RETAIN', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      secret.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // WHEN
      secret.addOverride('DeletionPolicy', 'Delete');
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/DeletionPolicy is Delete/);
    });

    test('Noncompliance 4: only the secret that is not retained is reported', () => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Kept').applyRemovalPolicy(RemovalPolicy.RETAIN);
      // WHEN
      cfnSecret(stack, 'Lost');
      // THEN
      single(stack, 'Stack/Lost');
    });
  });

  describe('L2 secrets', () => {
    test('Compliance: an L2 secret with removalPolicy RETAIN', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.Secret(stack, 'Secret', { removalPolicy: RemovalPolicy.RETAIN });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a HardenedSecret with hosted rotation (RETAIN by default)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      hostedRotationSecret(stack);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L2 secret with the aws-cdk-lib default (DESTROY)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.Secret(stack, 'Secret');
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(/DeletionPolicy is Delete, so deleting the stack deletes the secret/);
    });

    test('Noncompliance 2: an L2 secret with applyRemovalPolicy(DESTROY) after RETAIN', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret', { removalPolicy: RemovalPolicy.RETAIN });
      // WHEN
      secret.applyRemovalPolicy(RemovalPolicy.DESTROY);
      // THEN
      single(stack, 'Stack/Secret/Resource');
    });

    test('Noncompliance 3: a HardenedSecret with removalPolicy DESTROY', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      hostedRotationSecret(stack, 'Db', { removalPolicy: RemovalPolicy.DESTROY });
      // THEN
      expect(single(stack, 'Stack/Db/Resource').description).toMatch(/DeletionPolicy is Delete/);
    });
  });
});
