import { RuleCase, configItem, describeRuleCases, hookInput, template } from './guard-rule-run';
import { GuardTarget } from '../../src/guard/shape';

const SECRET = 'AWS::SecretsManager::Secret';
const SCHEDULE = 'AWS::SecretsManager::RotationSchedule';
const PERMISSION = 'AWS::Lambda::Permission';
const T = GuardTarget.TEMPLATE;
const secret = { Type: SECRET, Properties: {} };
const schedule = (properties: Record<string, unknown>) => ({ Type: SCHEDULE, Properties: properties });
const hosted = { HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' }, RotationRules: { AutomaticallyAfterDays: 30 } };
const rules = (r: Record<string, unknown>) => ({ SecretId: { Ref: 'S' }, RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate', RotationRules: r });

const cases: RuleCase[] = [
  // GIVEN a secret WHEN the template rules run THEN a schedule with a function and rules targets it
  { name: 'a hosted schedule passes', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, R: schedule({ SecretId: { Ref: 'S' }, ...hosted }) }), fails: [] },
  { name: 'no schedule in the template fails every secret', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, U: secret }), fails: ['S', 'U'] },
  { name: 'a secret no schedule targets fails, the other passes', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, U: secret, R: schedule({ SecretId: { Ref: 'S' }, ...hosted }) }), fails: ['U'] },
  { name: 'a schedule without RotationRules fails its secret', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, R: schedule({ SecretId: { Ref: 'S' }, HostedRotationLambda: { RotationType: 'MySQLSingleUser' } }) }), fails: ['S'] },
  { name: 'a schedule tied by Fn::GetAtt passes', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, U: secret, R: schedule({ SecretId: { 'Fn::GetAtt': ['S', 'Id'] }, ...hosted }) }), fails: ['U'] },
  { name: 'an incomplete schedule tied by Fn::GetAtt fails its secret', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, R: schedule({ SecretId: { 'Fn::GetAtt': ['S', 'Id'] }, HostedRotationLambda: {} }) }), fails: ['S'] },
  { name: 'a schedule without a function fails its secret', target: T, rule: 'SecretRotationConfigured', document: template({ S: secret, R: schedule({ SecretId: { Ref: 'S' }, RotationRules: { AutomaticallyAfterDays: 30 } }) }), fails: ['S'] },
  { name: 'a recorded secret with rotation passes', target: GuardTarget.CONFIG, rule: 'SecretRotationConfigured', document: configItem(SECRET, { RotationEnabled: true, RotationRules: { AutomaticallyAfterDays: 30 } }), fails: [] },
  { name: 'a recorded secret without rotation fails', target: GuardTarget.CONFIG, rule: 'SecretRotationConfigured', document: configItem(SECRET, { RotationEnabled: false }), fails: ['doc'] },
  { name: 'a proactive evaluation (no rotation in the properties) is skipped', target: GuardTarget.CONFIG, rule: 'SecretRotationConfigured', document: configItem(SECRET, { KmsKeyId: 'k' }), fails: [] },

  // GIVEN a schedule's RotationRules THEN the longest gap is at most 30 days
  ...([
    [{ AutomaticallyAfterDays: 30 }, []],
    [{ AutomaticallyAfterDays: 31 }, ['R']],
    [{ AutomaticallyAfterDays: { Ref: 'Days' } }, []],
    [{ AutomaticallyAfterDays: '30' }, []],
    [{ AutomaticallyAfterDays: '90' }, ['R']],
    [{ ScheduleExpression: 'rate(30 days)' }, []],
    [{ ScheduleExpression: 'rate(31 days)' }, ['R']],
    [{ ScheduleExpression: 'rate(720 hours)' }, []],
    [{ ScheduleExpression: 'rate(721 hours)' }, ['R']],
    [{ ScheduleExpression: 'cron(0 8 ? * MON *)' }, []],
    [{ ScheduleExpression: 'cron(0 3 1,16 * ? *)' }, []],
    [{ ScheduleExpression: 'cron(0 0 1 * ? *)' }, ['R']],
    [{ ScheduleExpression: 'cron(0 0 1 */2 ? *)' }, ['R']],
    [{ ScheduleExpression: 'cron(0 0 ? * MON#1 *)' }, ['R']],
    [{ ScheduleExpression: 'every month' }, ['R']],
    [{ ScheduleExpression: 'rate(10 days)', AutomaticallyAfterDays: 90 }, []],
    [{ Duration: '2h' }, ['R']],
  ] as const).map(([r, fails]): RuleCase => ({
    name: JSON.stringify(r),
    target: T,
    rule: 'SecretRotationInterval',
    document: template({ S: secret, R: schedule(rules(r)) }),
    fails: [...fails],
  })),
  { name: 'a schedule without RotationRules is left to SecretRotationConfigured', target: T, rule: 'SecretRotationInterval', document: template({ S: secret, R: schedule({ SecretId: { Ref: 'S' }, HostedRotationLambda: {} }) }), fails: [] },
  { name: '30 days passes', target: GuardTarget.HOOK, rule: 'SecretRotationInterval', document: hookInput('R', SCHEDULE, rules({ AutomaticallyAfterDays: 30 })), fails: [] },
  { name: 'monthly cron fails', target: GuardTarget.HOOK, rule: 'SecretRotationInterval', document: hookInput('R', SCHEDULE, rules({ ScheduleExpression: 'cron(0 0 1 * ? *)' })), fails: ['R'] },
  { name: 'a proactive 7-day rate passes', target: GuardTarget.CONFIG, rule: 'SecretRotationInterval', document: configItem(SCHEDULE, rules({ ScheduleExpression: 'rate(7 days)' })), fails: [] },
  { name: '"45" days as text fails', target: GuardTarget.HOOK, rule: 'SecretRotationInterval', document: hookInput('R', SCHEDULE, rules({ AutomaticallyAfterDays: '45' })), fails: ['R'] },
  { name: 'a proactive 90 days fails', target: GuardTarget.CONFIG, rule: 'SecretRotationInterval', document: configItem(SCHEDULE, rules({ AutomaticallyAfterDays: 90 })), fails: ['doc'] },

  // GIVEN a Lambda permission for Secrets Manager THEN it names SourceAccount or SourceArn
  { name: 'SourceAccount passes', target: T, rule: 'RotationPermissionScoped', document: template({ P: { Type: PERMISSION, Properties: { Principal: 'secretsmanager.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } } } }), fails: [] },
  { name: 'an unscoped permission fails', target: T, rule: 'RotationPermissionScoped', document: template({ P: { Type: PERMISSION, Properties: { Principal: 'secretsmanager.amazonaws.com', Action: 'lambda:InvokeFunction' } } }), fails: ['P'] },
  { name: 'an unscoped permission by Fn::Sub fails', target: T, rule: 'RotationPermissionScoped', document: template({ P: { Type: PERMISSION, Properties: { Principal: { 'Fn::Sub': 'secretsmanager.${AWS::URLSuffix}' } } } }), fails: ['P'] },
  { name: 'another service is not looked at', target: T, rule: 'RotationPermissionScoped', document: template({ P: { Type: PERMISSION, Properties: { Principal: 'events.amazonaws.com' } } }), fails: [] },
  { name: 'SourceArn passes', target: GuardTarget.HOOK, rule: 'RotationPermissionScoped', document: hookInput('P', PERMISSION, { Principal: 'secretsmanager.amazonaws.com', SourceArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }), fails: [] },
  { name: 'an unscoped permission fails', target: GuardTarget.HOOK, rule: 'RotationPermissionScoped', document: hookInput('P', PERMISSION, { Principal: 'secretsmanager.amazonaws.com' }), fails: ['P'] },
  { name: 'a proactive unscoped permission fails', target: GuardTarget.CONFIG, rule: 'RotationPermissionScoped', document: configItem(PERMISSION, { Principal: 'secretsmanager.amazonaws.com' }), fails: ['doc'] },
  { name: 'a proactive scoped permission passes', target: GuardTarget.CONFIG, rule: 'RotationPermissionScoped', document: configItem(PERMISSION, { Principal: 'secretsmanager.amazonaws.com', SourceAccount: '123456789012' }), fails: [] },
];

describeRuleCases('rotation rules, in the targets each is exported to', cases);
