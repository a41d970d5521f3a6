import { CfnParameter, Fn, Stack, Tags } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataClassification, HardenedSecret, SecretRotationPolicy } from '../../../src';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'SecretTags';
const ID = `HardenedSecrets-${RULE}`;

function tagged(stack: Stack, tags: Record<string, string>): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(stack, 'Secret');
  for (const [key, value] of Object.entries(tags)) {
    Tags.of(secret).add(key, value);
  }
  return secret;
}

describe('SecretTags', () => {
  test('Compliance 1: HardenedSecret with owner, environment and dataClassification', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new HardenedSecret(stack, 'Secret', {
      rotation: SecretRotationPolicy.none('Test secret without rotation'),
      owner: 'team-payments',
      environment: 'prod',
      dataClassification: DataClassification.RESTRICTED,
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: secretsmanager.Secret tagged with Tags.of', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    tagged(stack, { 'owner': 'team-payments', 'environment': 'prod', 'data-classification': 'restricted' });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: tags applied to the whole stack reach the secret', () => {
    // GIVEN
    const stack = newStack();
    new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    Tags.of(stack).add('owner', 'team-payments');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'internal');
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 4: L1 CfnSecret with tag values from a CfnParameter, Fn.importValue and Fn.sub', () => {
    // GIVEN
    const stack = newStack();
    const owner = new CfnParameter(stack, 'Owner');
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', {
      tags: [
        { key: 'owner', value: owner.valueAsString },
        { key: 'environment', value: Fn.importValue('EnvironmentName') },
        { key: 'data-classification', value: Fn.sub('${AWS::StackName}-restricted') },
      ],
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 5: requiredTags replaces the default keys', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    tagged(stack, { 'cost-center': 'cc-1234' });
    // THEN
    expect(ruleFindings(stack, RULE, { requiredTags: ['cost-center'] })).toEqual([]);
  });

  test('Compliance 6: the rule is a warning that can be left out of the warnings option', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    expect(ruleFindings(stack, RULE, { warnings: ['SecretNameConvention'] })).toEqual([]);
  });

  test('Noncompliance 1: secretsmanager.Secret without tags', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret');
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].description).toMatch(/The secret has no owner, environment, data-classification tags, so nobody can tell who owns it/);
  });

  test('Noncompliance 2: HardenedSecret without owner, environment and dataClassification', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.none('Test secret without rotation') });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret/Resource']]);
  });

  test.each([
    [{ 'environment': 'prod', 'data-classification': 'internal' }, /has no owner tag,/],
    [{ 'owner': 'team-a', 'data-classification': 'internal' }, /has no environment tag,/],
    [{ owner: 'team-a', environment: 'prod' }, /has no data-classification tag,/],
    [{ owner: 'team-a' }, /has no environment, data-classification tags,/],
  ])('Noncompliance 3: tags %j name only the missing keys', (tags, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    tagged(stack, tags as Record<string, string>);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].description).toMatch(message);
  });

  test('Noncompliance 4: L1 CfnSecret with an empty tag value', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.CfnSecret(stack, 'Secret', {
      tags: [{ key: 'owner', value: '' }, { key: 'environment', value: 'prod' }, { key: 'data-classification', value: 'internal' }],
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret']]);
    expect(findings[0].description).toMatch(/has no owner tag,/);
  });

  test('Noncompliance 5: tag keys are case-sensitive', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    tagged(stack, { 'Owner': 'team-a', 'environment': 'prod', 'data-classification': 'internal' });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/Secret/Resource']]);
  });

  test('Noncompliance 6: requiredTags are checked instead of the defaults', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    tagged(stack, { 'owner': 'team-a', 'environment': 'prod', 'data-classification': 'internal' });
    // THEN
    const findings = ruleFindings(stack, RULE, { requiredTags: ['owner', 'cost-center'] });
    expect(pairs(findings)).toEqual([[ID, 'Stack/Secret/Resource']]);
    expect(findings[0].description).toMatch(/has no cost-center tag,/);
  });

  test('Noncompliance 7: each untagged secret has its own finding', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'A');
    new secretsmanager.CfnSecret(stack, 'B', {});
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[ID, 'Stack/A/Resource'], [ID, 'Stack/B']]);
  });

  test('an invalid tag key in requiredTags is refused', () => {
    expect(() => ruleFindings(newStack(), RULE, { requiredTags: ['bad#key'] })).toThrow(
      /SecretsManagerChecks: invalid `requiredTags`: got "bad#key"; allowed: tag keys of 1-128/,
    );
  });
});
