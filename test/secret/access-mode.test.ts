import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretAccessMode, SecretKey, SecretRotationPolicy } from '../../src';
import { newStack } from '../helpers/stacks';

const NONE = SecretRotationPolicy.none('A vendor token without a rotation API');
const role = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

/** The `aws:PrincipalArn` list of the restrictive statement with `sid` of the first policy of `type`. */
function listedArns(stack: Stack, type: string, sid: string): unknown[] {
  const resources = Object.values(Template.fromStack(stack).findResources(type)) as any[];
  const document = type === 'AWS::KMS::Key' ? resources[0].Properties.KeyPolicy : resources[0].Properties.ResourcePolicy;
  const statement = document.Statement.find((s: any) => s.Sid === sid);
  return statement?.Condition.StringNotEquals['aws:PrincipalArn'];
}

describe('SecretAccessMode', () => {
  test('STANDARD, the default, adds no deny-all statement', () => {
    const stack = newStack();
    const secret = new HardenedSecret(stack, 'Db', { rotation: NONE });
    expect(secret.accessMode).toBe(SecretAccessMode.STANDARD);
    expect(listedArns(stack, 'AWS::SecretsManager::ResourcePolicy', 'DenyAllButKnownPrincipals')).toBeUndefined();
  });

  test('RESTRICTIVE renders one list into the resource policy and the key policy, grants made later included', () => {
    const stack = newStack();
    const early = role(stack, 'Early');
    const secret = new HardenedSecret(stack, 'Db', { rotation: NONE, readers: [early], accessMode: SecretAccessMode.RESTRICTIVE });
    const late = role(stack, 'Late');
    secret.grantWrite(late);
    const expected = [
      { 'Fn::Sub': Match.stringLikeRegexp('cdk-hnb659fds-cfn-exec-role') },
      { 'Fn::GetAtt': [stack.getLogicalId(early.node.defaultChild as iam.CfnRole), 'Arn'] },
      { 'Fn::GetAtt': [stack.getLogicalId(late.node.defaultChild as iam.CfnRole), 'Arn'] },
    ];
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: {
        Statement: Match.arrayWith([{
          Sid: 'DenyAllButKnownPrincipals',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'secretsmanager:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': expected } },
        }]),
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyKeyUseButKnownPrincipals',
          Effect: 'Deny',
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Condition: { StringNotEquals: { 'aws:PrincipalArn': expected } },
        })]),
      },
    });
  });

  test('a grant made after the stack was already resolved once (by an aspect, a test) still lands in the list', () => {
    const stack = newStack();
    const secret = new HardenedSecret(stack, 'Db', { rotation: NONE, accessMode: SecretAccessMode.RESTRICTIVE });
    // GIVEN the policy resolved before the grant (as an aspect that indexes the stack does): a cached list would be frozen here
    const policy = secret.node.findChild('Policy').node.defaultChild as secretsmanager.CfnResourcePolicy;
    expect(JSON.stringify(stack.resolve(policy.resourcePolicy))).not.toContain('Late');
    // WHEN
    secret.grantRead(role(stack, 'Late'));
    // THEN both policies list it
    for (const [type, sid] of [['AWS::SecretsManager::ResourcePolicy', 'DenyAllButKnownPrincipals'], ['AWS::KMS::Key', 'DenyKeyUseButKnownPrincipals']]) {
      expect(JSON.stringify(listedArns(stack, type, sid))).toContain('Late');
    }
  });

  test('an organisation id adds the second deny; a shared key given by the caller is left alone', () => {
    const stack = newStack();
    const key = new SecretKey(stack, 'Shared');
    new HardenedSecret(stack, 'Db', { rotation: NONE, encryptionKey: key, accessMode: SecretAccessMode.restrictive({ organizationId: 'o-abcdefghij' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyOutsideOrganization', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } })]) },
    });
    expect(listedArns(stack, 'AWS::KMS::Key', 'DenyKeyUseButKnownPrincipals')).toBeUndefined();
  });

  test('each principal is listed once, however often it is granted', () => {
    const stack = newStack();
    const reader = role(stack, 'Reader');
    const secret = new HardenedSecret(stack, 'Db', { rotation: NONE, readers: [reader], accessMode: SecretAccessMode.RESTRICTIVE });
    secret.grantRead(reader);
    secret.grantWrite(reader);
    expect(listedArns(stack, 'AWS::SecretsManager::ResourcePolicy', 'DenyAllButKnownPrincipals')).toHaveLength(2);
  });

  describe('refused at synth', () => {
    const restrictive = (stack: Stack) => new HardenedSecret(stack, 'Db', { rotation: NONE, accessMode: SecretAccessMode.RESTRICTIVE });

    test('a grant to a role of another account, explaining why and how to share instead', () => {
      const stack = newStack();
      const partner = iam.Role.fromRoleArn(stack, 'Partner', 'arn:aws:iam::222222222222:role/Consumer');
      expect(() => restrictive(stack).grantRead(partner)).toThrow(
        /Stack\/Db: invalid `grantRead grantee \(accessMode RESTRICTIVE\)`: got ".*of account 222222222222"; allowed: a role or user of this account: .*Prowler.*cross-account.*replicating/,
      );
    });

    test('a grant to the account or to a service', () => {
      const stack = newStack();
      expect(() => restrictive(stack).grantRead(new iam.AccountRootPrincipal())).toThrow(/invalid `grantRead grantee \(accessMode RESTRICTIVE\)`: got "AccountRootPrincipal\(\)"; allowed: an IAM role or user/);
      expect(() => restrictive(newStack()).grantWrite(new iam.ServicePrincipal('lambda.amazonaws.com'))).toThrow(/invalid `grantWrite grantee \(accessMode RESTRICTIVE\)`/);
    });

    test('an organisation id that is not o-…', () => {
      const stack = newStack();
      expect(() => new HardenedSecret(stack, 'Db', { rotation: NONE, accessMode: SecretAccessMode.restrictive({ organizationId: 'org-123' }) }))
        .toThrow(/Stack\/Db: invalid `accessMode.organizationId`: got "org-123"; allowed: an AWS Organizations id: 'o-' and 10 to 32 lowercase letters or digits/);
    });

    test('hosted rotation without its deployed role, naming the ways in', () => {
      const stack = newStack();
      expect(() => new HardenedSecret(stack, 'Db', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
        accessMode: SecretAccessMode.RESTRICTIVE,
      })).toThrow(/invalid `accessMode`: got "RESTRICTIVE with hosted rotation"; allowed: hosted rotation with its role as accessMode rotationRole/);
      const hostedRole = iam.Role.fromRoleArn(stack, 'Hosted', 'arn:aws:iam::111111111111:role/SecretsManagerRDSPostgreSQLRotationSingleUserRole');
      // Another additional principal is not taken for the rotation role: it must be named as such.
      expect(() => new HardenedSecret(stack, 'Other', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
        accessMode: SecretAccessMode.restrictive({ additionalPrincipals: [hostedRole] }),
      })).toThrow(/hosted rotation with its role as accessMode rotationRole/);
      const listed = new HardenedSecret(stack, 'Listed', {
        rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
        accessMode: SecretAccessMode.restrictive({ rotationRole: hostedRole }),
      });
      const policy = listed.node.findChild('Policy').node.defaultChild as secretsmanager.CfnResourcePolicy;
      expect(JSON.stringify(stack.resolve(policy.resourcePolicy))).toContain('role/SecretsManagerRDSPostgreSQLRotationSingleUserRole');
    });
  });

  test('imports report the standard mode (their policy is defined elsewhere)', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const imported = HardenedSecret.fromHardenedSecretAttributes(stack, 'I', { secretName: 'prod/app/db', secretKey: kms.Alias.fromAliasName(stack, 'K', 'alias/k') });
    expect(imported.accessMode).toBe(SecretAccessMode.STANDARD);
  });
});
