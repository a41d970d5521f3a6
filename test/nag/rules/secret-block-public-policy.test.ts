import { CfnParameter, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecret, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretBlockPublicPolicy';

const DENY_DELETE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }],
};

const single = singleFinding(RULE);

/** An L1 resource policy for `secretId`. */
function cfnPolicy(stack: Stack, secretId: string, blockPublicPolicy?: boolean | ReturnType<typeof Token.asAny>, id = 'Policy') {
  return new secretsmanager.CfnResourcePolicy(stack, id, { secretId, blockPublicPolicy, resourcePolicy: DENY_DELETE });
}

describe('SecretBlockPublicPolicy', () => {
  describe('L1 resource policies', () => {
    test('Compliance: a resource policy with BlockPublicPolicy true (SecretId is a Ref)', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      cfnPolicy(stack, secret.ref, true);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: BlockPublicPolicy written as the string "true"', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      cfnPolicy(stack, secret.ref).addPropertyOverride('BlockPublicPolicy', 'true');
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: one of two resource policies blocks public policies', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      cfnPolicy(stack, secret.ref, false, 'Loose');
      cfnPolicy(stack, secret.ref, true, 'Strict');
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test.each([
      ['the secret name', 'prod/orders/db'],
      ['a full ARN', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/orders/db-AbCdEf'],
    ])('Compliance: a policy whose SecretId is %s as a literal', (_label, secretId) => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Secret', 'prod/orders/db');
      // WHEN
      cfnPolicy(stack, secretId, true);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an L1 secret without a resource policy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnSecret(stack);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /no AWS::SecretsManager::ResourcePolicy targets this secret, so nothing stops a later policy change from making it public/i,
      );
    });

    test.each<[string, boolean | undefined]>([
      ['false', false],
      ['absent', undefined],
    ])('Noncompliance 2: BlockPublicPolicy %s', (_label, block) => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      cfnPolicy(stack, secret.ref, block);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(
        /resource policy Policy does not set BlockPublicPolicy: true, so a policy granting public access would be accepted/i,
      );
    });

    test('Noncompliance 3: every non-blocking policy is named', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      cfnPolicy(stack, secret.ref, false, 'First');
      cfnPolicy(stack, secret.ref, undefined, 'Second');
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/resource policy First, Second does not set BlockPublicPolicy: true/i);
    });

    test('Noncompliance 4: a blocking policy of another secret does not count', () => {
      // GIVEN
      const stack = newStack();
      const guarded = cfnSecret(stack, 'Guarded');
      cfnSecret(stack, 'Unguarded');
      // WHEN
      cfnPolicy(stack, guarded.ref, true);
      // THEN
      expect(single(stack, 'Stack/Unguarded').description).toMatch(/no AWS::SecretsManager::ResourcePolicy targets this secret/i);
    });
  });

  describe('L2 resource policies', () => {
    test('Compliance: an L2 ResourcePolicy whose L1 sets BlockPublicPolicy', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      const policy = new secretsmanager.ResourcePolicy(stack, 'Policy', { secret });
      policy.document.addStatements(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['secretsmanager:DeleteSecret'],
        resources: ['*'],
      }));
      (policy.node.defaultChild as secretsmanager.CfnResourcePolicy).blockPublicPolicy = true;
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

    test('Noncompliance 1: an L2 secret without a resource policy', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new secretsmanager.Secret(stack, 'Secret');
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(/no AWS::SecretsManager::ResourcePolicy targets this secret/i);
    });

    test('Noncompliance 2: addToResourcePolicy creates a policy without BlockPublicPolicy', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      secret.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['secretsmanager:DeleteSecret'],
        resources: ['*'],
      }));
      // THEN
      expect(single(stack, 'Stack/Secret/Resource').description).toMatch(
        /resource policy SecretPolicy[0-9A-F]{8} does not set BlockPublicPolicy: true/i,
      );
    });
  });

  describe('intrinsics and tokens', () => {
    test('Noncompliance 1: BlockPublicPolicy from Fn.importValue is not a proven true', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      // WHEN
      cfnPolicy(stack, secret.ref, Token.asAny(Fn.importValue('BlockPublic')));
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/does not set BlockPublicPolicy: true/);
    });

    test('Noncompliance 2: BlockPublicPolicy from a CfnParameter without a default is not a proven true', () => {
      // GIVEN
      const stack = newStack();
      const secret = cfnSecret(stack);
      const param = new CfnParameter(stack, 'BlockPublic', { type: 'String', allowedValues: ['true', 'false'] });
      // WHEN
      cfnPolicy(stack, secret.ref, Token.asAny(param.valueAsString));
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/does not set BlockPublicPolicy: true/);
    });

    test('Noncompliance 3: a policy whose SecretId is an Fn.importValue does not protect this secret', () => {
      // GIVEN
      const stack = newStack();
      cfnSecret(stack, 'Secret', 'prod/orders/db');
      // WHEN
      cfnPolicy(stack, Fn.importValue('OrdersDbSecretArn'), true);
      // THEN
      expect(single(stack, 'Stack/Secret').description).toMatch(/no AWS::SecretsManager::ResourcePolicy targets this secret/i);
    });
  });
});
