import { RuleCase, describeRuleCases, template } from './guard-rule-run';
import { GuardTarget } from '../../src/guard/shape';

const SECRET = 'AWS::SecretsManager::Secret';
const T = GuardTarget.TEMPLATE;
const secretOn = (keyRef: unknown, extra: Record<string, unknown> = {}) => ({ Type: SECRET, DeletionPolicy: 'Retain', Properties: { KmsKeyId: keyRef }, ...extra });
const key = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain', Properties: properties, ...extra });
const rotating = { EnableKeyRotation: true };
const openPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] };

const cases: RuleCase[] = [
  // GIVEN a key that encrypts a secret WHEN the template rules run THEN it must rotate
  { name: 'a rotating key of a secret passes', target: T, rule: 'SecretKeyRotation', document: template({ K: key(rotating), S: secretOn({ Ref: 'K' }) }), fails: [] },
  { name: 'EnableKeyRotation "true" as a string passes', target: T, rule: 'SecretKeyRotation', document: template({ K: key({ EnableKeyRotation: 'true' }), S: secretOn({ Ref: 'K' }) }), fails: [] },
  { name: 'a key of a secret without rotation fails, another key is not looked at', target: T, rule: 'SecretKeyRotation', document: template({ K: key({}), Other: key({}), S: secretOn({ Ref: 'K' }) }), fails: ['K'] },
  { name: 'a key reached by Fn::GetAtt fails', target: T, rule: 'SecretKeyRotation', document: template({ K: key({ EnableKeyRotation: false }), S: secretOn({ 'Fn::GetAtt': ['K', 'Arn'] }) }), fails: ['K'] },
  { name: 'a key reached by YAML\'s !GetAtt K.Arn (the string form) fails', target: T, rule: 'SecretKeyRotation', document: template({ K: key({}), S: secretOn({ 'Fn::GetAtt': 'K.Arn' }) }), fails: ['K'] },
  { name: 'a key reached by the string form and one by the list form both fail', target: T, rule: 'SecretKeyRotation', document: template({ K: key({}), L: key({}), S: secretOn({ 'Fn::GetAtt': 'K.Arn' }), U: secretOn({ 'Fn::GetAtt': ['L', 'Arn'] }) }), fails: ['K', 'L'] },
  { name: 'a key reached through an alias fails', target: T, rule: 'SecretKeyRotation', document: template({ K: key({}), A: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/db', TargetKeyId: { Ref: 'K' } } }, S: secretOn({ Ref: 'A' }) }), fails: ['K'] },
  { name: 'a replica\'s key fails', target: T, rule: 'SecretKeyRotation', document: template({ K: key(rotating), R: key({}), S: secretOn({ Ref: 'K' }, { Properties: { KmsKeyId: { Ref: 'K' }, ReplicaRegions: [{ Region: 'eu-west-1', KmsKeyId: { 'Fn::GetAtt': ['R', 'Arn'] } }] } }) }), fails: ['R'] },
  { name: 'an asymmetric key of a secret fails', target: T, rule: 'SecretKeyRotation', document: template({ K: key({ KeySpec: 'RSA_2048', EnableKeyRotation: true }), S: secretOn({ Ref: 'K' }) }), fails: ['K'] },
  { name: 'no secret: no key is looked at', target: T, rule: 'SecretKeyRotation', document: template({ K: key({}) }), fails: [] },

  // GIVEN the key policy of a secret's key THEN no unconditioned Allow to "*"
  { name: 'named principals pass', target: T, rule: 'SecretKeyPolicyScope', document: template({ K: key({ ...rotating, KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] } }), S: secretOn({ Ref: 'K' }) }), fails: [] },
  {
    name: '"*" with kms:CallerAccount passes',
    target: T,
    rule: 'SecretKeyPolicyScope',
    document: template({ K: key({ ...rotating, KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '123456789012', 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } }] } }), S: secretOn({ Ref: 'K' }) }),
    fails: [],
  },
  { name: '{ AWS: "*" } without a condition fails', target: T, rule: 'SecretKeyPolicyScope', document: template({ K: key({ ...rotating, KeyPolicy: openPolicy }), S: secretOn({ Ref: 'K' }) }), fails: ['K'] },
  {
    name: '"*" conditioned on kms:ViaService alone fails',
    target: T,
    rule: 'SecretKeyPolicyScope',
    document: template({ K: key({ ...rotating, KeyPolicy: { Statement: { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } } } }), S: secretOn({ Ref: 'K' }) }),
    fails: ['K'],
  },
  { name: 'an open policy on a key of no secret is not looked at', target: T, rule: 'SecretKeyPolicyScope', document: template({ K: key({ KeyPolicy: openPolicy }) }), fails: [] },

  // GIVEN DeletionPolicy THEN secrets and their keys are retained
  { name: 'Retain passes', target: T, rule: 'SecretRetained', document: template({ S: { Type: SECRET, DeletionPolicy: 'Retain', Properties: {} } }), fails: [] },
  { name: 'RetainExceptOnCreate passes', target: T, rule: 'SecretRetained', document: template({ S: { Type: SECRET, DeletionPolicy: 'RetainExceptOnCreate', Properties: {} } }), fails: [] },
  { name: 'Delete and no policy fail', target: T, rule: 'SecretRetained', document: template({ S: { Type: SECRET, DeletionPolicy: 'Delete', Properties: {} }, U: { Type: SECRET, Properties: {} } }), fails: ['S', 'U'] },
  { name: 'a retained key of a secret passes', target: T, rule: 'SecretKeyRetained', document: template({ K: key(rotating), S: secretOn({ Ref: 'K' }) }), fails: [] },
  { name: 'a deleted key of a secret fails, another key is not looked at', target: T, rule: 'SecretKeyRetained', document: template({ K: key(rotating, { DeletionPolicy: 'Delete' }), Other: key({}, { DeletionPolicy: 'Delete' }), S: secretOn({ Ref: 'K' }) }), fails: ['K'] },
];

describeRuleCases('rules on the keys of secrets and on retention, in a template', cases);
