import { CfnParameter, Fn, Lazy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'ReplicaCustomerManagedKey';
const ID = `HardenedSecrets-${RULE}`;
const REPLICA_KEY_ARN = 'arn:aws:kms:eu-central-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab';

describe('ReplicaCustomerManagedKey', () => {
  test('Compliance 1: a secret without replicas', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: L2 replica with an imported customer-managed key', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', {
      replicaRegions: [{ region: 'eu-central-1', encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicaKey', REPLICA_KEY_ARN) }],
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test.each([
    ['a key ARN', REPLICA_KEY_ARN],
    ['a key id', 'mrk-1234abcd12ab34cd56ef1234567890ab'],
    ['a customer alias name', 'alias/secrets'],
    ['a customer alias ARN', 'arn:aws:kms:eu-central-1:111111111111:alias/secrets'],
    ['an SSM dynamic reference', '{{resolve:ssm:/platform/keys/replica-eu-central-1}}'],
  ])('Compliance 3: L1 replica with %s', (_name, kmsKeyId) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { replicaRegions: [{ region: 'eu-central-1', kmsKeyId }] });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: a replica key given by a CfnParameter with a customer key default', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'ReplicaKey', { default: REPLICA_KEY_ARN });
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { replicaRegions: [{ region: 'eu-central-1', kmsKeyId: key.valueAsString }] });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: a replica key given by Fn.sub with pseudo parameters', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', {
      replicaRegions: [{ region: 'eu-central-1', kmsKeyId: Fn.sub('arn:${AWS::Partition}:kms:eu-central-1:${AWS::AccountId}:alias/secrets') }],
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: L2 replica without a key', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { replicaRegions: [{ region: 'eu-central-1' }] });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toMatch(/The replica in eu-central-1 has no KmsKeyId, so it is encrypted with aws\/secretsmanager there/);
  });

  test.each([
    ['alias/aws/secretsmanager'],
    ['arn:aws:kms:eu-central-1:111111111111:alias/aws/secretsmanager'],
  ])('Noncompliance 2: L1 replica with the AWS managed key %s', (kmsKeyId) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { replicaRegions: [{ region: 'eu-central-1', kmsKeyId }] });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).toContain(`The replica in eu-central-1 uses the AWS managed key ${kmsKeyId}`);
  });

  test('Noncompliance 3: a replica key given by a CfnParameter whose default is the AWS managed key', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'ReplicaKey', { default: 'alias/aws/secretsmanager' });
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { replicaRegions: [{ region: 'eu-central-1', kmsKeyId: key.valueAsString }] });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret']]);
  });

  test('Noncompliance 4: a replica key given by a CfnParameter without a default cannot be proven', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'ReplicaKey');
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { replicaRegions: [{ region: 'eu-central-1', kmsKeyId: key.valueAsString }] });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).toMatch(/cannot be proven customer-managed: it is parameter ReplicaKey, which has no default/);
  });

  test('Noncompliance 5: a replica key imported with Fn.importValue cannot be proven', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', {
      replicaRegions: [{ region: 'eu-central-1', kmsKeyId: Fn.importValue('ReplicaKeyArn') }],
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).toMatch(/it is an Fn::ImportValue from another stack/);
  });

  test('Noncompliance 6: one finding per secret, naming every bad replica; the good replica is not named', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', {
      replicaRegions: [
        { region: 'eu-central-1' },
        { region: 'us-east-1', kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab' },
        { region: 'eu-north-1', kmsKeyId: 'alias/aws/secretsmanager' },
      ],
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).toMatch(/replica in eu-central-1 has no KmsKeyId.*replica in eu-north-1 uses the AWS managed key/);
    expect(findings[0].description).not.toContain('us-east-1');
  });

  test('Noncompliance 7: a lazy token that resolves to the AWS managed key', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', {
      replicaRegions: [{ region: 'eu-central-1', kmsKeyId: Lazy.string({ produce: () => 'alias/aws/secretsmanager' }) }],
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret']]);
  });

  test('Noncompliance 8: a replica region given by a CfnParameter is named by its default', () => {
    // GIVEN
    const stack = newStack();
    const region = new CfnParameter(stack, 'ReplicaRegion', { default: 'ap-southeast-2' });
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', { replicaRegions: [{ region: region.valueAsString }] });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).toMatch(/The replica in ap-southeast-2 has no KmsKeyId/);
  });
});
