import { App, CfnOutput, Fn, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { analyse, envStack, idOf } from './report-fixtures';
import { AnalysisRun } from '../../src/analysis/analysis-run';
import { appTarget, display, exportsOf, secretRefs, stacksOf } from '../../src/report/references';

describe('stacksOf', () => {
  test('lists the stacks of nested stages too, in tree order', () => {
    const app = new App();
    new Stack(app, 'First');
    const stage = new Stage(app, 'Prod');
    new Stack(stage, 'Inner');
    new Stack(app, 'Last');
    expect(stacksOf(app).map(s => s.node.path)).toEqual(['First', 'Prod/Inner', 'Last']);
  });
});

describe('display', () => {
  test.each([
    ['a literal', 'prod/app/db', 'prod/app/db'],
    ['a Ref', { Ref: 'Vpc8378EB38' }, '${Vpc8378EB38}'],
    ['a GetAtt as a list', { 'Fn::GetAtt': ['Fn9270CBC0', 'Arn'] }, '${Fn9270CBC0.Arn}'],
    ['a GetAtt as a string', { 'Fn::GetAtt': 'Fn9270CBC0.Arn' }, '${Fn9270CBC0.Arn}'],
    ['a Join, its parts rendered', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] }, 'arn:${AWS::Partition}:iam::111111111111:root'],
    ['a Sub, as its template', { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${Bucket}', { Bucket: 'b' }] }, 'arn:${AWS::Partition}:s3:::${Bucket}'],
    ['an import, by export name', { 'Fn::ImportValue': 'DbArn' }, '${ImportValue:DbArn}'],
    ['a list, comma-separated', ['a', { Ref: 'B' }], 'a, ${B}'],
    ['another intrinsic, as JSON', { 'Fn::Select': [0, ['a']] }, '{"Fn::Select":[0,["a"]]}'],
  ])('%s', (_what, value, shown) => {
    expect(display(value)).toBe(shown);
  });
});

describe('exportsOf and appTarget', () => {
  /** Stack `Owner` exports its secret's ARN as `DbArn`; stack `Reader` imports it into a policy. */
  function crossStackApp() {
    const app = new App();
    const owner = envStack(app, 'Owner');
    const secret = new secretsmanager.Secret(owner, 'Db');
    new CfnOutput(owner, 'DbArnOutput', { value: secret.secretArn, exportName: 'DbArn' });
    const reader = envStack(app, 'Reader');
    const role = new iam.Role(reader, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return { app, owner, reader, secret, role };
  }

  test.each([
    ['read from the synthesised templates (synth)', true],
    ['read from the CfnOutput constructs (no templates: the CLI)', false],
  ])('an import of an export reaches the exported secret in its own stack, %s', (_how, withTemplates) => {
    // GIVEN a secret exported by one stack
    const { app, secret } = crossStackApp();
    const analysed = analyse(app);
    const run = withTemplates ? analysed.run : new AnalysisRun();
    const templates = withTemplates ? analysed.templates : new Map();
    // WHEN the exports are gathered and an import is followed from the other stack
    const exports = exportsOf(analysed.stacks, templates, run);
    const readerIndex = run.index(analysed.stacks[1]);
    const target = appTarget({ 'Fn::ImportValue': 'DbArn' }, readerIndex, exports);
    // THEN it lands on the secret, in the owner's index
    expect([...exports.keys()]).toEqual(['DbArn']);
    expect(target && { id: `${target.index.stack.node.path}/${target.view.logicalId}`, via: target.via }).toEqual({ id: idOf(secret), via: 'import' });
  });

  test('a Ref lands in its own stack; an import nobody exports and a literal ARN land nowhere', () => {
    const { app, role } = crossStackApp();
    const analysed = analyse(app);
    const exports = exportsOf(analysed.stacks, analysed.templates, analysed.run);
    const readerIndex = analysed.indexes[1];
    const roleId = Stack.of(role).resolve((role.node.defaultChild as iam.CfnRole).logicalId);
    expect(appTarget({ Ref: roleId }, readerIndex, exports)?.via).toBe('reference');
    expect(appTarget({ 'Fn::ImportValue': 'Nobody' }, readerIndex, exports)).toBeUndefined();
    expect(appTarget('arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf', readerIndex, exports)).toBeUndefined();
  });
});

describe('secretRefs', () => {
  test('a secret in a stack with an environment has the region, account and literal name its ARN will hold', () => {
    const app = new App();
    const stack = envStack(app);
    const named = new secretsmanager.Secret(stack, 'Named', { secretName: 'prod/app/db' });
    const generated = new secretsmanager.Secret(stack, 'Generated');
    const { secret } = analyse(app);
    expect(secret(named)).toMatchObject({ id: idOf(named), region: 'eu-west-1', account: '111111111111', name: 'prod/app/db' });
    expect(secret(generated)).toMatchObject({ id: idOf(generated), region: 'eu-west-1', account: '111111111111', name: undefined });
  });

  test('an environment-agnostic stack and a name computed at deploy time leave those parts open', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    new secretsmanager.Secret(stack, 'Computed', { secretName: Fn.join('/', ['prod', Fn.ref('AWS::StackName')]) });
    const [ref] = secretRefs(analyse(app).indexes);
    expect(ref).toMatchObject({ region: undefined, account: undefined, name: undefined });
  });
});
