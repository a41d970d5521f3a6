import { RuleCase, configItem, describeRuleCases, hookInput, template } from './guard-rule-run';
import { GuardTarget } from '../../src/guard/shape';

const SECRET = 'AWS::SecretsManager::Secret';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const secret = (properties: Record<string, unknown>) => ({ Type: SECRET, Properties: properties });
const key = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };

const cases: RuleCase[] = [
  // GIVEN a secret's KmsKeyId WHEN exported rules run THEN only the AWS managed key (or none) fails
  { name: 'a Ref to a key of the template passes', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ Key: key, S: secret({ KmsKeyId: { Ref: 'Key' } }) }), fails: [] },
  { name: 'a Fn::GetAtt to a key passes', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ Key: key, S: secret({ KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } }) }), fails: [] },
  { name: 'a key ARN passes', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: secret({ KmsKeyId: KEY_ARN }) }), fails: [] },
  { name: 'an imported key cannot be proven either way: it passes', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: secret({ KmsKeyId: { 'Fn::ImportValue': 'shared-key' } }) }), fails: [] },
  { name: 'no KmsKeyId fails', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: secret({}), T: secret({ KmsKeyId: KEY_ARN }) }), fails: ['S'] },
  { name: 'a secret without Properties fails', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: { Type: SECRET } }), fails: ['S'] },
  { name: 'alias/aws/secretsmanager fails', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: secret({ KmsKeyId: 'alias/aws/secretsmanager' }) }), fails: ['S'] },
  { name: 'aws/secretsmanager without alias/ fails', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: secret({ KmsKeyId: 'aws/secretsmanager' }) }), fails: ['S'] },
  { name: 'an empty KmsKeyId fails', target: GuardTarget.TEMPLATE, rule: 'SecretCustomerManagedKey', document: template({ S: secret({ KmsKeyId: '' }) }), fails: ['S'] },
  {
    name: 'the AWS managed key by Fn::Sub ARN fails',
    target: GuardTarget.TEMPLATE,
    rule: 'SecretCustomerManagedKey',
    document: template({ S: secret({ KmsKeyId: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/secretsmanager' } }) }),
    fails: ['S'],
  },
  {
    name: 'the AWS managed key by Fn::Join ARN fails, a key ARN by Fn::Join passes',
    target: GuardTarget.TEMPLATE,
    rule: 'SecretCustomerManagedKey',
    document: template({
      S: secret({ KmsKeyId: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alias/aws/secretsmanager']] } }),
      T: secret({ KmsKeyId: { 'Fn::Join': ['', ['arn:aws:kms:us-east-1:', { Ref: 'AWS::AccountId' }, ':key/1234abcd-12ab-34cd-56ef-1234567890ab']] } }),
    }),
    fails: ['S'],
  },
  {
    name: 'a Ref to a parameter whose default is the AWS managed key fails',
    target: GuardTarget.TEMPLATE,
    rule: 'SecretCustomerManagedKey',
    document: template(
      { S: secret({ KmsKeyId: { Ref: 'KeyParam' } }), T: secret({ KmsKeyId: { Ref: 'OwnKey' } }) },
      { Parameters: { KeyParam: { Type: 'String', Default: 'alias/aws/secretsmanager' }, OwnKey: { Type: 'String', Default: KEY_ARN } } },
    ),
    fails: ['S'],
  },
  {
    name: 'a Ref to a parameter without default passes',
    target: GuardTarget.TEMPLATE,
    rule: 'SecretCustomerManagedKey',
    document: template({ S: secret({ KmsKeyId: { Ref: 'KeyParam' } }) }, { Parameters: { KeyParam: { Type: 'String' } } }),
    fails: [],
  },

  { name: 'a resolved key ARN passes', target: GuardTarget.HOOK, rule: 'SecretCustomerManagedKey', document: hookInput('S', SECRET, { KmsKeyId: KEY_ARN }), fails: [] },
  { name: 'no KmsKeyId fails', target: GuardTarget.HOOK, rule: 'SecretCustomerManagedKey', document: hookInput('S', SECRET, { Name: 'prod/app/db' }), fails: ['S'] },
  { name: 'the AWS managed key ARN fails', target: GuardTarget.HOOK, rule: 'SecretCustomerManagedKey', document: hookInput('S', SECRET, { KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager' }), fails: ['S'] },

  { name: 'a recorded secret with a key passes', target: GuardTarget.CONFIG, rule: 'SecretCustomerManagedKey', document: configItem(SECRET, { Name: 'db', KMSKeyId: KEY_ARN, RotationEnabled: true }), fails: [] },
  { name: 'a recorded secret without a key fails', target: GuardTarget.CONFIG, rule: 'SecretCustomerManagedKey', document: configItem(SECRET, { Name: 'db', RotationEnabled: true }), fails: ['doc'] },
  { name: 'a recorded secret on the AWS managed key fails', target: GuardTarget.CONFIG, rule: 'SecretCustomerManagedKey', document: configItem(SECRET, { KMSKeyId: 'alias/aws/secretsmanager' }), fails: ['doc'] },
  { name: 'a proactive evaluation with KmsKeyId passes', target: GuardTarget.CONFIG, rule: 'SecretCustomerManagedKey', document: configItem(SECRET, { KmsKeyId: KEY_ARN }), fails: [] },
  { name: 'a proactive evaluation on the AWS managed key fails', target: GuardTarget.CONFIG, rule: 'SecretCustomerManagedKey', document: configItem(SECRET, { KmsKeyId: 'alias/aws/secretsmanager' }), fails: ['doc'] },
  { name: 'another resource type is not looked at', target: GuardTarget.CONFIG, rule: 'SecretCustomerManagedKey', document: configItem('AWS::KMS::Key', { keyId: 'k' }), fails: [] },

  // GIVEN replica regions WHEN exported rules run THEN each replica needs its customer-managed key
  { name: 'replicas with keys pass', target: GuardTarget.TEMPLATE, rule: 'ReplicaCustomerManagedKey', document: template({ Key: key, S: secret({ KmsKeyId: { Ref: 'Key' }, ReplicaRegions: [{ Region: 'eu-west-1', KmsKeyId: KEY_ARN }, { Region: 'eu-west-2', KmsKeyId: { Ref: 'ReplicaKeyArn' } }] }) }), fails: [] },
  { name: 'a replica without a key fails', target: GuardTarget.TEMPLATE, rule: 'ReplicaCustomerManagedKey', document: template({ S: secret({ ReplicaRegions: [{ Region: 'eu-west-1', KmsKeyId: KEY_ARN }, { Region: 'eu-west-2' }] }) }), fails: ['S'] },
  { name: 'a replica on the AWS managed key fails', target: GuardTarget.TEMPLATE, rule: 'ReplicaCustomerManagedKey', document: template({ S: secret({ ReplicaRegions: [{ Region: 'eu-west-1', KmsKeyId: 'alias/aws/secretsmanager' }] }) }), fails: ['S'] },
  { name: 'no replicas: nothing to check', target: GuardTarget.TEMPLATE, rule: 'ReplicaCustomerManagedKey', document: template({ S: secret({}), T: secret({ ReplicaRegions: [] }) }), fails: [] },
  { name: 'a replica with a key passes', target: GuardTarget.HOOK, rule: 'ReplicaCustomerManagedKey', document: hookInput('S', SECRET, { ReplicaRegions: [{ Region: 'eu-west-1', KmsKeyId: KEY_ARN }] }), fails: [] },
  { name: 'a replica without a key fails', target: GuardTarget.HOOK, rule: 'ReplicaCustomerManagedKey', document: hookInput('S', SECRET, { ReplicaRegions: [{ Region: 'eu-west-1' }] }), fails: ['S'] },
  { name: 'a proactive replica with a key passes', target: GuardTarget.CONFIG, rule: 'ReplicaCustomerManagedKey', document: configItem(SECRET, { ReplicaRegions: [{ Region: 'eu-west-1', KmsKeyId: KEY_ARN }] }), fails: [] },
  { name: 'a proactive replica without a key fails', target: GuardTarget.CONFIG, rule: 'ReplicaCustomerManagedKey', document: configItem(SECRET, { ReplicaRegions: [{ Region: 'eu-west-1' }] }), fails: ['doc'] },
];

describeRuleCases('customer-managed keys on secrets and replicas, in the three targets', cases);
