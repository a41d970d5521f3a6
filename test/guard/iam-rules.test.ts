import { RuleCase, configItem, describeRuleCases, hookInput, template } from './guard-rule-run';
import { GuardTarget } from '../../src/guard/shape';

const T = GuardTarget.TEMPLATE;
const RULE = 'IamNoBroadSecretAccess';
const assume = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const role = (properties: Record<string, unknown>) => ({ Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assume, ...properties } });
const inline = (statement: unknown) => ({ Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statement } }] });
const policyResource = (statement: unknown) => ({ Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'R' }], PolicyDocument: { Statement: statement } } });
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/db-AbCdEf';
const read = (resource: unknown) => ({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: resource });
const joinedManaged = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });

const cases: RuleCase[] = [
  // GIVEN an identity policy WHEN exported rules run THEN no secretsmanager:* and no GetSecretValue on every secret
  { name: 'a read of one secret passes', target: T, rule: RULE, document: template({ R: role(inline([read(SECRET_ARN)])) }), fails: [] },
  { name: 'GetSecretValue on "*" fails', target: T, rule: RULE, document: template({ R: role(inline([read('*')])) }), fails: ['R'] },
  { name: 'GetSecretValue on every secret by Fn::Sub fails', target: T, rule: RULE, document: template({ R: role(inline(read({ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*' }))) }), fails: ['R'] },
  { name: 'secretsmanager:* on one secret fails', target: T, rule: RULE, document: template({ R: role(inline([{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: SECRET_ARN }])) }), fails: ['R'] },
  { name: 'secretsmanager:Get* on "*" fails', target: T, rule: RULE, document: template({ R: role(inline([{ Effect: 'Allow', Action: 'SecretsManager:Get*', Resource: ['*'] }])) }), fails: ['R'] },
  { name: 'a Deny of everything passes', target: T, rule: RULE, document: template({ R: role(inline([{ Effect: 'Deny', Action: '*', Resource: '*' }])) }), fails: [] },
  { name: 'DescribeSecret on "*" passes', target: T, rule: RULE, document: template({ R: role(inline([{ Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: '*' }])) }), fails: [] },
  { name: 'an AWS::IAM::Policy with "*" fails', target: T, rule: RULE, document: template({ R: role({}), P: policyResource({ Effect: 'Allow', Action: '*', Resource: '*' }) }), fails: ['P'] },
  { name: 'SecretsManagerReadWrite attached by Fn::Join fails', target: T, rule: RULE, document: template({ R: role({ ManagedPolicyArns: [joinedManaged('SecretsManagerReadWrite')] }) }), fails: ['R'] },
  { name: 'AWSLambdaBasicExecutionRole attached by Fn::Join passes', target: T, rule: RULE, document: template({ R: role({ ManagedPolicyArns: [joinedManaged('service-role/AWSLambdaBasicExecutionRole')] }) }), fails: [] },
  { name: 'AdministratorAccess by literal ARN fails', target: T, rule: RULE, document: template({ U: { Type: 'AWS::IAM::User', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } } }), fails: ['U'] },

  { name: 'a read of one secret passes', target: GuardTarget.HOOK, rule: RULE, document: hookInput('R', 'AWS::IAM::Role', { AssumeRolePolicyDocument: assume, ...inline([read(SECRET_ARN)]) }), fails: [] },
  { name: 'GetSecretValue on "*" fails', target: GuardTarget.HOOK, rule: RULE, document: hookInput('R', 'AWS::IAM::Role', { AssumeRolePolicyDocument: assume, ...inline([read('*')]) }), fails: ['R'] },
  { name: 'PowerUserAccess fails', target: GuardTarget.HOOK, rule: RULE, document: hookInput('G', 'AWS::IAM::Group', { ManagedPolicyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'] }), fails: ['G'] },
  { name: 'a managed policy with secretsmanager:* fails', target: GuardTarget.HOOK, rule: RULE, document: hookInput('M', 'AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }] } }), fails: ['M'] },

  { name: 'a recorded role with SecretsManagerReadWrite fails', target: GuardTarget.CONFIG, rule: RULE, document: configItem('AWS::IAM::Role', { roleName: 'r', attachedManagedPolicies: [{ policyArn: 'arn:aws:iam::aws:policy/SecretsManagerReadWrite', policyName: 'SecretsManagerReadWrite' }], rolePolicyList: [] }), fails: ['doc'] },
  { name: 'a recorded role with other policies passes', target: GuardTarget.CONFIG, rule: RULE, document: configItem('AWS::IAM::Role', { roleName: 'r', attachedManagedPolicies: [{ policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }], rolePolicyList: [] }), fails: [] },
  { name: 'a recorded user without managed policies passes', target: GuardTarget.CONFIG, rule: RULE, document: configItem('AWS::IAM::User', { userName: 'u', attachedManagedPolicies: [], userPolicyList: [] }), fails: [] },
  { name: 'a proactive role with GetSecretValue on "*" fails', target: GuardTarget.CONFIG, rule: RULE, document: configItem('AWS::IAM::Role', { AssumeRolePolicyDocument: assume, ...inline([read('*')]) }), fails: ['doc'] },
  { name: 'a proactive role reading one secret passes', target: GuardTarget.CONFIG, rule: RULE, document: configItem('AWS::IAM::Role', { AssumeRolePolicyDocument: assume, ...inline([read(SECRET_ARN)]) }), fails: [] },
];

describeRuleCases('IamNoBroadSecretAccess, in the three targets', cases);
