import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  GUARD_TARGETS, catalogueRuleId, forEachResource, guardMessage, guardRegex, guardReportFindings, guardRuleName, guardShape, guardString,
} from '../../src/guard/definition';
import { GUARD_RULES } from '../../src/guard/rules';
import { GuardTarget } from '../../src/guard/shape';
import { RULES } from '../../src/nag/rules';
import { cfnGuardBinary } from '../helpers/cfn-guard';

/** cfn-guard's JSON report of `rules` on `document`. */
function report(rules: string, document: unknown): { not_compliant?: unknown[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-definition-'));
  try {
    fs.writeFileSync(path.join(dir, 'r.guard'), rules);
    fs.writeFileSync(path.join(dir, 'd.json'), JSON.stringify(document));
    const run = spawnSync(cfnGuardBinary(), ['validate', '-r', path.join(dir, 'r.guard'), '-d', path.join(dir, 'd.json'), '--output-format', 'json', '--show-summary', 'none'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('Guard rule names', () => {
  test('map back to the catalogue rule id, with or without a part', () => {
    expect(guardRuleName('SecretCustomerManagedKey')).toBe('HardenedSecrets_SecretCustomerManagedKey');
    expect(guardRuleName('SecretCustomerManagedKey', 'ParameterDefault')).toBe('HardenedSecrets_SecretCustomerManagedKey__ParameterDefault');
    expect(catalogueRuleId('HardenedSecrets_SecretCustomerManagedKey__ParameterDefault')).toBe('HardenedSecrets-SecretCustomerManagedKey');
    expect(catalogueRuleId('HardenedSecrets_IamNoBroadSecretAccess')).toBe('HardenedSecrets-IamNoBroadSecretAccess');
  });

  test.each(RULES.map(r => [r.name]))('%s round-trips', (name) => {
    expect(catalogueRuleId(guardRuleName(name, 'Part1'))).toBe(`HardenedSecrets-${name}`);
  });

  test('names the export does not use map to nothing', () => {
    expect(catalogueRuleId('ct_kms_pr_1')).toBeUndefined();
    expect(catalogueRuleId('HardenedSecrets-SecretRetained')).toBeUndefined();
    expect(catalogueRuleId('HardenedSecrets_')).toBeUndefined();
  });

  test('a name that is not an identifier is refused', () => {
    expect(() => guardRuleName('Secret-Retained')).toThrow(/not a Guard rule name: rule 'Secret-Retained'/);
    expect(() => guardRuleName('SecretRetained', 'a_b')).toThrow(/part 'a_b'/);
  });

  test('every exported source is a catalogue rule', () => {
    for (const source of GUARD_RULES) {
      expect({ rule: source.rule, inCatalogue: RULES.some(r => r.name === source.rule) }).toEqual({ rule: source.rule, inCatalogue: true });
    }
  });
});

describe('Guard literals and messages', () => {
  test('a regular expression writes its slashes as \\x2F, which Guard 2 and 3 read', () => {
    expect(guardRegex('alias/aws/')).toBe('/alias\\x2Faws\\x2F/');
    expect(guardRegex('alias\\/aws')).toBe('/alias\\x2Faws/');
  });

  test('a string with a quote is refused', () => {
    expect(guardString('AWS::KMS::Key')).toBe('\'AWS::KMS::Key\'');
    expect(() => guardString('it\'s')).toThrow(/single quote/);
  });

  test('a message names the rule id and the catalogue\'s fix, and never ends early at >>', () => {
    const message = guardMessage('SecretRetained', 'DeletionPolicy >> is not Retain.');
    expect(message).toMatch(/^<< HardenedSecrets-SecretRetained: DeletionPolicy > > is not Retain\. Fix: CloudFormation: set DeletionPolicy: Retain/);
    expect(message.slice(2, -2)).not.toContain('>>');
  });
});

describe('shapes', () => {
  test('each target selects the resources of a type its own way', () => {
    expect(guardShape(GuardTarget.TEMPLATE).select('AWS::KMS::Key')).toBe('Resources.*[ Type == \'AWS::KMS::Key\' ]');
    expect(guardShape(GuardTarget.HOOK).select('AWS::KMS::Key')).toBe('Resources.*[ ResourceType == \'AWS::KMS::Key\' ]');
    expect(guardShape(GuardTarget.CONFIG).select('AWS::KMS::Key')).toBeUndefined();
    expect(GUARD_TARGETS.map(t => guardShape(t).prop('KmsKeyId'))).toEqual(['Properties.KmsKeyId', 'ResourceProperties.KmsKeyId', 'configuration.KmsKeyId']);
    expect(GUARD_TARGETS.map(t => guardShape(t).seesTemplate)).toEqual([true, false, false]);
    expect(GUARD_TARGETS.map(t => guardShape(t).guard2)).toEqual([false, false, true]);
  });

  // GIVEN one rule written once WHEN rendered for each target and run on that target's input
  // THEN it fails the non-compliant resource and passes the compliant one, naming the resource
  const documents: Record<GuardTarget, [unknown, unknown]> = {
    [GuardTarget.TEMPLATE]: [
      { Resources: { Bad: { Type: 'AWS::SecretsManager::Secret', Properties: {} }, Good: { Type: 'AWS::SecretsManager::Secret', Properties: { Description: 'x' } } } },
      { Resources: { Good: { Type: 'AWS::SecretsManager::Secret', Properties: { Description: 'x' } } } },
    ],
    [GuardTarget.HOOK]: [
      { Resources: { Bad: { ResourceType: 'AWS::SecretsManager::Secret', ResourceProperties: {} } } },
      { Resources: { Good: { ResourceType: 'AWS::SecretsManager::Secret', ResourceProperties: { Description: 'x' } } } },
    ],
    [GuardTarget.CONFIG]: [
      { resourceType: 'AWS::SecretsManager::Secret', configuration: {} },
      { resourceType: 'AWS::SecretsManager::Secret', configuration: { Description: 'x' } },
    ],
  };
  test.each(GUARD_TARGETS.map(t => [t]))('forEachResource in %s: one rule, the target\'s input, the resource named', (target) => {
    const shape = guardShape(target);
    const rule = forEachResource(shape, {
      rule: 'SecretRetained',
      type: 'AWS::SecretsManager::Secret',
      clauses: [{ check: `${shape.prop('Description')} exists`, message: 'no description.' }],
    });
    const [bad, good] = documents[target];
    const findings = guardReportFindings(report(rule, bad) as { not_compliant?: unknown[] });
    expect(findings).toEqual([{
      ruleId: 'HardenedSecrets-SecretRetained',
      guardRule: 'HardenedSecrets_SecretRetained',
      ...(target === GuardTarget.CONFIG ? {} : { logicalId: 'Bad' }),
    }]);
    expect(guardReportFindings(report(rule, good) as { not_compliant?: unknown[] })).toEqual([]);
    expect(guardReportFindings(report(rule, { resourceType: 'AWS::KMS::Key', Resources: {} }) as { not_compliant?: unknown[] })).toEqual([]);
  });
});

describe('guardReportFindings', () => {
  test('a failed check without an export message names no finding, one with it names the resource it traversed', () => {
    // GIVEN a rule whose filter compares keys (cfn-guard lists that comparison too) and a clause with a message
    const rules = [
      'rule HardenedSecrets_SecretRetained {',
      '  let ids = Resources.*[ Type == \'AWS::SecretsManager::RotationSchedule\' ].Properties.SecretId.Ref',
      '  Resources[ keys IN %ids ] {',
      '    DeletionPolicy exists << HardenedSecrets-SecretRetained: no policy. >>',
      '  }',
      '}',
      'rule other_rule { Resources.*.Type == \'nothing\' }',
    ].join('\n');
    const document = {
      Resources: {
        S: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
        R: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { SecretId: { Ref: 'S' } } },
      },
    };
    // THEN only the clause with the message counts, on S (not on R, which it was compared with)
    expect(guardReportFindings(report(rules, document) as { not_compliant?: unknown[] }))
      .toEqual([{ ruleId: 'HardenedSecrets-SecretRetained', guardRule: 'HardenedSecrets_SecretRetained', logicalId: 'S' }]);
  });
});
