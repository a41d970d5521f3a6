import { Aws, CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'IamNoBroadSecretAccess';
const ID = `HardenedSecrets-${RULE}`;

/** A role whose default policy (Stack/Role/DefaultPolicy/Resource) holds `statement`. */
function roleWith(stack: Stack, statement: iam.PolicyStatement, id = 'Role'): iam.Role {
  const role = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(statement);
  return role;
}

/** An inline L1 policy document with one Allow statement. */
function document(statement: Record<string, unknown>) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] };
}

describe('IamNoBroadSecretAccess', () => {
  describe('compliance', () => {
    test('Compliance 1: secretsmanager.Secret.grantRead grants read on the one secret', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      // WHEN
      secret.grantRead(role);
      secret.grantWrite(role);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 2: HardenedSecret.grantRead', () => {
      // GIVEN
      const stack = newStack();
      const secret = new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Test secret without rotation') });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      // WHEN
      secret.grantRead(role);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 3: secretsmanager:GetRandomPassword on "*" reads no secret', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 4: secretsmanager:ListSecrets and DescribeSecret on "*" read no value', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:ListSecrets', 'secretsmanager:DescribeSecret'], resources: ['*'] }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 5: a Deny of secretsmanager:* on "*" grants nothing', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['secretsmanager:*'], resources: ['*'] }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 6: GetSecretValue on an ARN prefix of one application (prod/app/*)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [`arn:aws:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:prod/app/*`],
      }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 7: NotAction that excludes every Secrets Manager action', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ notActions: ['secretsmanager:*'], resources: ['*'] }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 8: a resource the template cannot show (Fn.importValue) is not assumed to be every secret', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [Fn.importValue('SharedSecretArn')] }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 9: managed policies that are not broad (a name that only starts with SecretsManagerReadWrite included)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
          iam.ManagedPolicy.fromAwsManagedPolicyName('SecretsManagerReadWriteSomethingElse'),
        ],
      });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });

  describe('admin roles', () => {
    test('Compliance 10: secretsmanager:* on "*" for a role listed in adminRoles', () => {
      // GIVEN
      const stack = newStack();
      const admin = roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }), 'Admin');
      admin.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('SecretsManagerReadWrite'));
      // THEN
      expect(ruleFindings(stack, RULE, { adminRoles: [admin] })).toEqual([]);
    });

    test('Compliance 11: an admin role imported by ARN matches a role of the template by name', () => {
      // GIVEN
      const stack = newStack();
      const role = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'break-glass' });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }));
      const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/ops/break-glass');
      // THEN
      expect(ruleFindings(stack, RULE, { adminRoles: [imported] })).toEqual([]);
    });

    test('Compliance 12: a customer managed policy attached to the admin role through its roles prop', () => {
      // GIVEN
      const stack = newStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      // WHEN
      new iam.ManagedPolicy(stack, 'Broad', {
        roles: [admin],
        statements: [new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] })],
      });
      // THEN
      expect(ruleFindings(stack, RULE, { adminRoles: [admin] })).toEqual([]);
    });

    // Suspected rule bug: holders() (and TemplateIndex attachments) only read the Roles/Users/Groups of
    // the policy, not the ManagedPolicyArns of the role; role.addManagedPolicy(mp) attaches the same
    // policy that way, the policy has no holder and the admin exemption does not apply.
    test('Compliance 13: the same policy attached with admin.addManagedPolicy (ManagedPolicyArns)', () => {
      // GIVEN
      const stack = newStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      // WHEN
      admin.addManagedPolicy(new iam.ManagedPolicy(stack, 'Broad', {
        statements: [new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] })],
      }));
      // THEN
      expect(ruleFindings(stack, RULE, { adminRoles: [admin] })).toEqual([]);
    });

    test('Noncompliance 1: the exemption covers only the admin role, not the others', () => {
      // GIVEN
      const stack = newStack();
      const admin = roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }), 'Admin');
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }), 'App');
      // THEN
      expect(pairs(ruleFindings(stack, RULE, { adminRoles: [admin] }))).toEqual([[ID, 'Stack/App/DefaultPolicy/Resource']]);
    });

    test('Noncompliance 2: a policy shared by an admin role and another role is not exempt', () => {
      // GIVEN
      const stack = newStack();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const app = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      // WHEN
      new iam.Policy(stack, 'Shared', {
        roles: [admin, app],
        statements: [new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] })],
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE, { adminRoles: [admin] }))).toEqual([[ID, 'Stack/Shared/Resource']]);
    });

    test('Noncompliance 3: an imported admin role whose name differs from the role is not a match', () => {
      // GIVEN
      const stack = newStack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'break-glass-2' });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }));
      const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/break-glass');
      // THEN
      expect(pairs(ruleFindings(stack, RULE, { adminRoles: [imported] }))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });
  });

  describe('actions and resources', () => {
    test('Noncompliance 4: secretsmanager:* on "*" (L2 PolicyStatement)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
      expect(findings[0].severity).toBe('error');
      expect(findings[0].description).toMatch(/Statement 1 in PolicyDocument grants every Secrets Manager action on every secret/);
    });

    test('Noncompliance 5: the statement is named by its Sid', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ sid: 'Everything', actions: ['secretsmanager:*'], resources: ['*'] }));
      // THEN
      expect(ruleFindings(stack, RULE)[0].description).toMatch(/Statement 'Everything' in PolicyDocument/);
    });

    test('Noncompliance 6: "*" as the action', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });

    test('Noncompliance 7: NotAction that leaves Secrets Manager allowed', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ notActions: ['iam:*', 'organizations:*'], resources: ['*'] }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
      expect(findings[0].description).toMatch(/grants every Secrets Manager action on every secret/);
    });

    test('Noncompliance 8: secretsmanager:Get* on "*" grants GetSecretValue on every secret', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:Get*'], resources: ['*'] }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
      expect(findings[0].description).toMatch(/grants secretsmanager:GetSecretValue on every secret/);
    });

    test.each([
      ['secretsmanager:GetSecretValue'],
      ['SecretsManager:getsecretvalue'],
      ['secretsmanager:GetSecret?alue'],
      ['secretsmanager:*Value'],
    ])('Noncompliance 9: action %s on "*" (case-insensitive, with wildcards)', (action) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.CfnManagedPolicy(stack, 'Managed', { policyDocument: document({ Action: [action], Resource: ['*'] }) });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Managed']]);
    });

    test.each([
      ['arn:aws:secretsmanager:*:*:secret:*'],
      ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:*'],
      ['arn:aws:secretsmanager:eu-west-1:111111111111:*'],
    ])('Noncompliance 10: GetSecretValue on %s covers every secret', (resource) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });

    test('Noncompliance 11: secretsmanager:* on one secret still grants DeleteSecret and PutResourcePolicy', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: [secret.secretArn] }));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
      expect(findings[0].description).toMatch(/grants every Secrets Manager action \(including DeleteSecret and PutResourcePolicy\)/);
    });

    test('Noncompliance 12: NotResource applies to every secret', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.Secret(stack, 'Secret');
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], notResources: [secret.secretArn] }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });
  });

  describe('managed policies', () => {
    test.each([
      ['SecretsManagerReadWrite'],
      ['AdministratorAccess'],
      ['PowerUserAccess'],
    ])('Noncompliance 13: AWS managed policy %s attached to a role', (name) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(name)],
      });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Role/Resource']]);
      expect(findings[0].description).toContain(`ManagedPolicyArns attaches ${name}`);
    });

    test('Noncompliance 14: SecretsManagerReadWrite as a literal ARN on an L1 user and group', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.CfnUser(stack, 'User', { managedPolicyArns: ['arn:aws:iam::aws:policy/SecretsManagerReadWrite'] });
      new iam.CfnGroup(stack, 'Group', { managedPolicyArns: ['arn:aws-us-gov:iam::aws:policy/SecretsManagerReadWrite'] });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([
        [ID, 'Stack/Group'],
        [ID, 'Stack/User'],
      ]);
    });

    test('Noncompliance 15: a customer managed policy (L2 iam.ManagedPolicy) with secretsmanager:*', () => {
      // GIVEN
      const stack = newStack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      // WHEN
      new iam.ManagedPolicy(stack, 'Broad', {
        roles: [role],
        statements: [new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] })],
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Broad/Resource']]);
    });
  });

  describe('L1 resources', () => {
    test('Noncompliance 16: inline policy of an L1 role, named by position and policy name', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        policies: [
          { policyName: 'Logs', policyDocument: document({ Action: 'logs:*', Resource: '*' }) },
          { policyName: 'Secrets', policyDocument: document({ Action: 'secretsmanager:*', Resource: '*' }) },
        ],
      });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Role']]);
      expect(findings[0].description).toMatch(/Statement 1 in Policies\[1\] \(Secrets\) grants every Secrets Manager action on every secret/);
    });

    test('Noncompliance 17: L1 CfnPolicy, CfnManagedPolicy and CfnRolePolicy with a single-string Action', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.CfnPolicy(stack, 'Policy', { policyName: 'p', roles: ['some-role'], policyDocument: document({ Action: 'secretsmanager:GetSecretValue', Resource: '*' }) });
      new iam.CfnManagedPolicy(stack, 'Managed', { policyDocument: document({ Action: 'secretsmanager:*', Resource: '*' }) });
      new iam.CfnRolePolicy(stack, 'RolePolicy', { roleName: 'some-role', policyName: 'p', policyDocument: document({ Action: '*', Resource: '*' }) });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([
        [ID, 'Stack/Managed'],
        [ID, 'Stack/Policy'],
        [ID, 'Stack/RolePolicy'],
      ]);
    });

    test('Noncompliance 18: one finding per broad statement, all in one description', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new iam.CfnManagedPolicy(stack, 'Managed', {
        policyDocument: {
          Statement: [
            { Sid: 'A', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
            { Sid: 'B', Effect: 'Allow', Action: 'secretsmanager:*', Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/x' },
          ],
        },
      });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[ID, 'Stack/Managed']]);
      expect(findings[0].description).toMatch(/Statement 'A' .* Statement 'B'/);
    });
  });

  describe('intrinsics and tokens', () => {
    test('Noncompliance 19: Fn.sub ARN with pseudo parameters ending in secret:*', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [Fn.sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*')],
      }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });

    test('Noncompliance 20: Fn.join ARN ending in secret:*', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [Fn.join('', ['arn:', Aws.PARTITION, ':secretsmanager:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':secret:*'])],
      }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });

    test('Noncompliance 21: a CfnParameter resource whose default is "*"', () => {
      // GIVEN
      const stack = newStack();
      const resource = new CfnParameter(stack, 'SecretResource', { default: '*' });
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource.valueAsString] }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });

    test('Compliance 14: a CfnParameter resource without a default is not assumed to be every secret', () => {
      // GIVEN
      const stack = newStack();
      const resource = new CfnParameter(stack, 'SecretResource');
      // WHEN
      roleWith(stack, new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource.valueAsString] }));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 22: a CfnParameter action whose default is secretsmanager:*', () => {
      // GIVEN
      const stack = newStack();
      const action = new CfnParameter(stack, 'Action', { default: 'secretsmanager:*' });
      // WHEN
      new iam.CfnManagedPolicy(stack, 'Managed', { policyDocument: document({ Action: action.valueAsString, Resource: '*' }) });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Managed']]);
    });

    test('Noncompliance 23: a lazy token that resolves to "*"', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      roleWith(stack, new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [Lazy.string({ produce: () => '*' })],
      }));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Role/DefaultPolicy/Resource']]);
    });
  });
});
