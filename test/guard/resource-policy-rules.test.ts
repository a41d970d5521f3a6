import { RuleCase, configItem, describeRuleCases, hookInput, template } from './guard-rule-run';
import { GuardTarget } from '../../src/guard/shape';

const SECRET = 'AWS::SecretsManager::Secret';
const POLICY = 'AWS::SecretsManager::ResourcePolicy';
const T = GuardTarget.TEMPLATE;
const secret = { Type: SECRET, Properties: {} };
const policy = (statements: unknown, extra: Record<string, unknown> = {}) => ({
  Type: POLICY,
  Properties: { SecretId: { Ref: 'S' }, ResourcePolicy: { Version: '2012-10-17', Statement: statements }, ...extra },
});
const denyDelete = (condition?: Record<string, unknown>) => ({
  Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*', ...(condition ? { Condition: condition } : {}),
});
const reader = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/app' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' };
const publicRead = { Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' };

const cases: RuleCase[] = [
  // GIVEN a secret WHEN the template rules run THEN a resource policy with BlockPublicPolicy protects it
  { name: 'BlockPublicPolicy true passes', target: T, rule: 'SecretBlockPublicPolicy', document: template({ S: secret, P: policy([reader], { BlockPublicPolicy: true }) }), fails: [] },
  { name: 'BlockPublicPolicy "true" passes', target: T, rule: 'SecretBlockPublicPolicy', document: template({ S: secret, P: policy([reader], { BlockPublicPolicy: 'true' }) }), fails: [] },
  { name: 'a policy without BlockPublicPolicy fails its secret', target: T, rule: 'SecretBlockPublicPolicy', document: template({ S: secret, P: policy([reader]) }), fails: ['S'] },
  { name: 'no policy fails every secret', target: T, rule: 'SecretBlockPublicPolicy', document: template({ S: secret, U: secret }), fails: ['S', 'U'] },
  { name: 'only the unprotected secret fails', target: T, rule: 'SecretBlockPublicPolicy', document: template({ S: secret, U: secret, P: policy([reader], { BlockPublicPolicy: true }) }), fails: ['U'] },

  // GIVEN the resource policy THEN it denies DeleteSecret to "*", exceptions by principal only
  { name: 'a deny of DeleteSecret passes', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy([reader, denyDelete()]) }), fails: [] },
  { name: 'secretsmanager:Delete* with a break-glass exception passes', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy([{ ...denyDelete({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/break-glass' } }), Action: ['secretsmanager:Delete*'] }]) }), fails: [] },
  { name: 'no deny fails', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy([reader]) }), fails: ['S'] },
  { name: 'a deny conditioned on aws:SecureTransport fails', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy([denyDelete({ Bool: { 'aws:SecureTransport': 'false' } })]) }), fails: ['S'] },
  { name: 'a deny of GetSecretValue only fails', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy([{ ...denyDelete(), Action: 'secretsmanager:GetSecretValue' }]) }), fails: ['S'] },
  { name: 'no policy fails', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret }), fails: ['S'] },
  { name: 'a deny written as one statement object passes', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy(denyDelete()) }), fails: [] },
  { name: 'an allow written as one statement object fails', target: T, rule: 'SecretPolicyDenyDelete', document: template({ S: secret, P: policy(reader) }), fails: ['S'] },
  {
    name: 'a policy tied by Fn::GetAtt passes, the secret without one fails',
    target: T,
    rule: 'SecretPolicyDenyDelete',
    document: template({ S: secret, U: secret, P: { ...policy([denyDelete()]), Properties: { SecretId: { 'Fn::GetAtt': ['S', 'Id'] }, ResourcePolicy: { Statement: [denyDelete()] } } } }),
    fails: ['U'],
  },
  {
    name: 'two secrets, one by Ref with a list, one by Fn::GetAtt with an object: both pass',
    target: T,
    rule: 'SecretPolicyDenyDelete',
    document: template({
      S: secret,
      U: secret,
      P: policy([denyDelete()]),
      Q: { Type: POLICY, Properties: { SecretId: { 'Fn::GetAtt': ['U', 'Id'] }, ResourcePolicy: { Statement: denyDelete() } } },
    }),
    fails: [],
  },

  // GIVEN the resource policy THEN no unconditioned Allow to "*"
  { name: 'a named reader passes', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy([reader, denyDelete()]) }), fails: [] },
  { name: '"*" limited by aws:PrincipalOrgID passes', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy([{ ...publicRead, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }]) }), fails: [] },
  { name: 'an Allow to "*" fails', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy([reader, publicRead]) }), fails: ['P'] },
  { name: 'a single statement object Allow to { AWS: ["*"] } fails', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy({ ...publicRead, Principal: { AWS: ['*'] } }) }), fails: ['P'] },
  { name: 'NotPrincipal counts as everyone', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy([{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/x' }, Action: '*', Resource: '*' }]) }), fails: ['P'] },
  { name: 'an Allow to "*" conditioned on TLS only fails', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy([{ ...publicRead, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]) }), fails: ['P'] },
  { name: 'a Deny to "*" passes', target: T, rule: 'SecretPolicyNoPublicAllow', document: template({ S: secret, P: policy([denyDelete()]) }), fails: [] },
  { name: 'a named reader passes', target: GuardTarget.HOOK, rule: 'SecretPolicyNoPublicAllow', document: hookInput('P', POLICY, { SecretId: 'arn', ResourcePolicy: { Statement: [reader] } }), fails: [] },
  { name: 'an Allow to "*" fails', target: GuardTarget.HOOK, rule: 'SecretPolicyNoPublicAllow', document: hookInput('P', POLICY, { SecretId: 'arn', ResourcePolicy: { Statement: [publicRead] } }), fails: ['P'] },
  { name: 'a proactive Allow to "*" fails', target: GuardTarget.CONFIG, rule: 'SecretPolicyNoPublicAllow', document: configItem(POLICY, { SecretId: 'arn', ResourcePolicy: { Statement: publicRead } }), fails: ['doc'] },
  { name: 'a proactive named reader passes', target: GuardTarget.CONFIG, rule: 'SecretPolicyNoPublicAllow', document: configItem(POLICY, { SecretId: 'arn', ResourcePolicy: { Statement: [reader] } }), fails: [] },
];

describeRuleCases('resource policy rules, in the targets each is exported to', cases);
