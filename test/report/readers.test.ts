import { App, CfnOutput, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Analysed, analyse, envStack, idOf } from './report-fixtures';
import { ReaderEntry } from '../../src/report/model';
import { identityReaders, matchesPattern, principalFromText, resourcePolicyReaders, roleUsage } from '../../src/report/readers';
import { exportsOf } from '../../src/report/references';
import { inlineFunction } from '../nag/rule-fixtures';

/** The identity-policy readers of every secret, by secret id. */
function readersOf(analysed: Analysed): Map<string, ReaderEntry[]> {
  const { stacks, indexes, templates, run, secrets } = analysed;
  return identityReaders(indexes, secrets, exportsOf(stacks, templates, run), roleUsage(indexes));
}

/** `[principal, source, match]` of each reader: who, through what, how the secret was designated. */
function brief(readers: ReaderEntry[] | undefined): Array<[string, string, string]> {
  return (readers ?? []).map(r => [r.principal, r.source, r.match]);
}

function lambdaRole(scope: import('constructs').Construct, id: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

function readStatement(resources: string[], extra: Partial<iam.PolicyStatementProps> = {}): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources, ...extra });
}

describe('identityReaders', () => {
  test('a grant by reference reads that secret only', () => {
    // GIVEN two secrets; a role granted read on one
    const app = new App();
    const stack = envStack(app);
    const db = new secretsmanager.Secret(stack, 'Db');
    const other = new secretsmanager.Secret(stack, 'Other');
    const role = lambdaRole(stack, 'Api');
    db.grantRead(role);
    // WHEN
    const readers = readersOf(analyse(app));
    // THEN
    expect(brief(readers.get(idOf(db)))).toEqual([[idOf(role), 'identity-policy', 'reference']]);
    expect(brief(readers.get(idOf(other)))).toEqual([]);
  });

  test('an ARN pattern reads the named secrets it matches, never a secret whose name is generated', () => {
    // GIVEN secrets named prod/app/db and dev/app/db and one with a generated name; a role reading prod/app/*
    const app = new App();
    const stack = envStack(app);
    const prod = new secretsmanager.Secret(stack, 'Prod', { secretName: 'prod/app/db' });
    const dev = new secretsmanager.Secret(stack, 'Dev', { secretName: 'dev/app/db' });
    const generated = new secretsmanager.Secret(stack, 'Generated');
    const role = lambdaRole(stack, 'Api');
    role.addToPolicy(readStatement(['arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/*']));
    // WHEN
    const readers = readersOf(analyse(app));
    // THEN
    expect(brief(readers.get(idOf(prod)))).toEqual([[idOf(role), 'identity-policy', 'arn-pattern']]);
    expect(brief(readers.get(idOf(dev)))).toEqual([]);
    expect(brief(readers.get(idOf(generated)))).toEqual([]);
  });

  test('Resource "*" and NotResource read every secret, by wildcard', () => {
    const app = new App();
    const stack = envStack(app);
    const a = new secretsmanager.Secret(stack, 'A');
    const b = new secretsmanager.Secret(stack, 'B', { secretName: 'prod/app/b' });
    const star = lambdaRole(stack, 'Star');
    star.addToPolicy(readStatement(['*']));
    const not = lambdaRole(stack, 'Not');
    not.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], notResources: ['arn:aws:s3:::bucket'] }));
    const readers = readersOf(analyse(app));
    for (const secret of [a, b]) {
      expect(brief(readers.get(idOf(secret)))).toEqual([
        [idOf(star), 'identity-policy', 'wildcard'],
        [idOf(not), 'identity-policy', 'wildcard'],
      ]);
    }
  });

  test('an AWS managed policy that reads every secret makes its holder a reader of each', () => {
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db');
    const admin = new iam.Role(stack, 'Admin', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecretsManagerReadWrite')],
    });
    const [reader] = readersOf(analyse(app)).get(idOf(secret))!;
    expect(reader).toMatchObject({ principal: idOf(admin), source: 'aws-managed-policy', statement: 'SecretsManagerReadWrite', match: 'wildcard' });
  });

  test("a policy in another stack reads a secret through an import of the secret's export", () => {
    const app = new App();
    const owner = envStack(app, 'Owner');
    const secret = new secretsmanager.Secret(owner, 'Db');
    new CfnOutput(owner, 'DbArn', { value: secret.secretArn, exportName: 'DbArn' });
    const consumer = envStack(app, 'Consumer');
    const role = lambdaRole(consumer, 'Api');
    role.addToPolicy(readStatement([Fn.importValue('DbArn')]));
    expect(brief(readersOf(analyse(app)).get(idOf(secret)))).toEqual([[idOf(role), 'identity-policy', 'import']]);
  });

  test('a statement that cannot read a value (DescribeSecret, a Deny) makes no reader', () => {
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db');
    const role = lambdaRole(stack, 'Api');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [secret.secretArn] }));
    role.addToPolicy(readStatement([secret.secretArn], { effect: iam.Effect.DENY }));
    expect(readersOf(analyse(app)).get(idOf(secret))).toEqual([]);
  });

  test('a reader says which of its actions read, whether it is pinned to a version stage, and what runs with its role', () => {
    // GIVEN a function whose role reads the secret with a wildcard action, pinned to AWSCURRENT
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db');
    const fn = inlineFunction(stack);
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadDb',
      actions: ['secretsmanager:Get*', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretArn],
      conditions: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } },
    }));
    // WHEN
    const [reader] = readersOf(analyse(app)).get(idOf(secret))!;
    // THEN
    expect(reader).toMatchObject({
      principal: idOf(fn.role!),
      type: 'role',
      statement: 'ReadDb',
      actions: ['secretsmanager:Get*'],
      pinnedToVersionStage: true,
      usedBy: ['assumed by lambda.amazonaws.com', `function ${idOf(fn)}`],
    });
  });
});

describe('resourcePolicyReaders', () => {
  test("Allow statements of the secret's resource policy name their principals as readers; other statements do not", () => {
    // GIVEN a resource policy that lets another account read and denies deletion to everyone
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db');
    secret.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [new iam.AccountPrincipal('222222222222')],
    }));
    secret.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY, actions: ['secretsmanager:DeleteSecret'], resources: ['*'], principals: [new iam.AnyPrincipal()],
    }));
    const analysed = analyse(app);
    const { index, view } = analysed.secret(secret);
    // WHEN
    const readers = resourcePolicyReaders(index, index.attachedToSecret(view, 'AWS::SecretsManager::ResourcePolicy'), new Map());
    // THEN
    expect(readers.map(r => [r.principal, r.type, r.source, r.match, r.statement])).toEqual([
      [expect.stringMatching(/:iam::222222222222:root$/), 'account', 'resource-policy', 'resource-policy', '#1'],
    ]);
  });
});

describe('matchesPattern', () => {
  const secret = { region: 'eu-west-1', account: '111111111111', name: 'prod/app/db' };
  test.each([
    ['the exact ARN without its random suffix, then *', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-*', true],
    ['a ? per character', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/d?-??????', true],
    ['any region and account', 'arn:aws:secretsmanager:*:*:secret:prod/*', true],
    ['another account', 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/*', false],
    ['another name', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/*', false],
    ['another service', 'arn:aws:ssm:eu-west-1:111111111111:parameter/prod/*', false],
    ['a part the template does not show (a token)', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:\u0000/app/*', true],
  ])('%s: %s', (_what, pattern, matches) => {
    expect(matchesPattern(pattern, secret)).toBe(matches);
  });

  test('a secret whose region and account are decided at deploy time matches any', () => {
    expect(matchesPattern('arn:aws:secretsmanager:us-east-1:333333333333:secret:prod/*', { name: 'prod/app/db' })).toBe(true);
  });

  test('a generated name matches no pattern: only a bare * covers it, and coversEverySecret decides that first', () => {
    expect(matchesPattern('arn:aws:secretsmanager:eu-west-1:111111111111:secret:*', { region: 'eu-west-1', account: '111111111111' })).toBe(false);
    expect(matchesPattern('arn:aws:secretsmanager:*:*:secret:a*', {})).toBe(false);
  });
});

describe('principalFromText', () => {
  test.each([
    ['*', 'any'],
    ['lambda.amazonaws.com', 'service'],
    ['111111111111', 'account'],
    ['arn:aws:iam::111111111111:root', 'account'],
    ['arn:aws:iam::111111111111:role/admin', 'role'],
    ['arn:aws:iam::111111111111:user/alice', 'user'],
    ['arn:aws:sts::111111111111:assumed-role/admin/alice', 'arn'],
    ['somebody', 'unknown'],
  ])('%s is %s', (text, type) => {
    expect(principalFromText(text)).toEqual({ principal: text, type, resource: null, constructPath: null });
  });

  test('a part the template does not show reads as *', () => {
    expect(principalFromText('arn:aws:iam::\u0000:role/admin').principal).toBe('arn:aws:iam::*:role/admin');
  });
});
