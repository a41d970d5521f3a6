import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { ruleFindings } from '../pack-helpers';
import { cfnSecret, hostedRotationSecret, singleFinding } from '../rule-fixtures';

const RULE = 'SecretPolicyNoPublicAllow';

const READ = 'secretsmanager:GetSecretValue';

const single = singleFinding(RULE);

/** An L1 secret with an L1 resource policy `Policy` holding `statement`. */
function cfnPolicy(stack: Stack, statement: unknown): secretsmanager.CfnResourcePolicy {
  const secret = cfnSecret(stack);
  return new secretsmanager.CfnResourcePolicy(stack, 'Policy', {
    secretId: secret.ref,
    blockPublicPolicy: true,
    resourcePolicy: { Version: '2012-10-17', Statement: statement },
  });
}

describe('SecretPolicyNoPublicAllow', () => {
  describe('L1 resource policies', () => {
    test('Compliance: an Allow to a named account principal', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/reader' }, Action: READ, Resource: '*' }]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: an Allow to Principal "*" conditioned on aws:PrincipalOrgID', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{
        Effect: 'Allow',
        Principal: '*',
        Action: READ,
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      }]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a Deny to Principal "*" without a condition', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a principal from a CfnParameter whose default is a named role', () => {
      // GIVEN
      const stack = newStack();
      const reader = new CfnParameter(stack, 'Reader', { type: 'String', default: 'arn:aws:iam::222222222222:role/reader' });
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: { AWS: reader.valueAsString }, Action: READ, Resource: '*' }]);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: an Allow to { AWS: "*" } without a condition', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: READ, Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Policy').description).toMatch(
        /statement 1 in ResourcePolicy allows Principal "\*" without a condition on who: any AWS principal could call secretsmanager:getsecretvalue on the secret/i,
      );
    });

    test('Noncompliance 2: an Allow to the string "*", named by its Sid', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: [READ, 'secretsmanager:DescribeSecret'], Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Policy').description).toMatch(
        /statement 'PublicRead' in ResourcePolicy allows Principal "\*" .*could call secretsmanager:getsecretvalue, secretsmanager:describesecret/i,
      );
    });

    test('Noncompliance 3: "*" among named principals', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:root', '*'] }, Action: READ, Resource: '*' }]);
      // THEN
      single(stack, 'Stack/Policy');
    });

    test('Noncompliance 4: an empty Condition block is no condition', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: READ, Resource: '*', Condition: {} }]);
      // THEN
      single(stack, 'Stack/Policy');
    });

    test('Noncompliance 5: a public NotAction statement names "the listed actions"', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: '*', NotAction: 'secretsmanager:DeleteSecret', Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Policy').description).toMatch(/could call the listed actions on the secret/);
    });

    test('Noncompliance 6: every public statement is named in the one finding', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, [
        { Sid: 'Named', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: READ, Resource: '*' },
        { Sid: 'OpenRead', Effect: 'Allow', Principal: '*', Action: READ, Resource: '*' },
        { Sid: 'OpenDescribe', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'secretsmanager:DescribeSecret', Resource: '*' },
      ]);
      // THEN
      const { description } = single(stack, 'Stack/Policy');
      expect(description).toMatch(/statement 'OpenRead' in ResourcePolicy/i);
      expect(description).toMatch(/statement 'OpenDescribe' in ResourcePolicy/i);
      expect(description).not.toMatch(/'Named'/);
    });

    test('Noncompliance 7: a principal from a CfnParameter whose default is "*"', () => {
      // GIVEN
      const stack = newStack();
      const reader = new CfnParameter(stack, 'Reader', { type: 'String', default: '*' });
      // WHEN
      cfnPolicy(stack, [{ Effect: 'Allow', Principal: { AWS: reader.valueAsString }, Action: READ, Resource: '*' }]);
      // THEN
      expect(single(stack, 'Stack/Policy').description).toMatch(/statement 1 in ResourcePolicy allows Principal "\*"/i);
    });

    test('Noncompliance 8: a single Statement object rather than a list', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      cfnPolicy(stack, { Effect: 'Allow', Principal: '*', Action: READ, Resource: '*' });
      // THEN
      single(stack, 'Stack/Policy');
    });
  });

  describe('L2 resource policies', () => {
    test('Compliance: grantRead to another account', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
      // WHEN
      secret.grantRead(new iam.AccountPrincipal('222222222222'));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: AnyPrincipal with an aws:PrincipalAccount condition', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      secret.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: [READ],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } },
      }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance: a HardenedSecret with hosted rotation, read by another account', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      const secret = hostedRotationSecret(stack);
      secret.grantRead(new iam.AccountPrincipal('222222222222'));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 1: addToResourcePolicy with AnyPrincipal and no condition', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      secret.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: [READ], resources: ['*'] }));
      // THEN
      expect(single(stack, 'Stack/Secret/Policy/Resource').description).toMatch(
        /statement 1 in ResourcePolicy allows Principal "\*" without a condition/i,
      );
    });

    test('Noncompliance 2: grantRead to AnyPrincipal', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
      // WHEN
      secret.grantRead(new iam.AnyPrincipal());
      // THEN
      expect(single(stack, 'Stack/Secret/Policy/Resource').description).toMatch(/allows Principal "\*" without a condition/);
    });
  });

  test('Noncompliance: a condition that does not limit who (aws:SecureTransport only) leaves "*" open', () => {
    const stack = newStack();
    cfnPolicy(stack, [{
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: READ,
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    }]);
    expect(single(stack, 'Stack/Policy').description).toMatch(/without a condition on who/);
  });

  test('Compliance: a condition on the organisation limits who', () => {
    const stack = newStack();
    cfnPolicy(stack, [{
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: READ,
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    }]);
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });
});
