import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NagMessageLevel } from 'cdk-nag';
import { GUARD_RULES_DIR, driftedFiles, gapsMarkdown, guardRuleFiles } from '../../build-tools/guard-rules';
import { GUARD_TARGETS, catalogueRuleId } from '../../src/guard/definition';
import { CONFIG_POLICY_TEXT_LIMIT, HOOK_FILE_NAME, SecretsGuardRules } from '../../src/guard/export';
import { GUARD_RULES } from '../../src/guard/rules';
import { GuardTarget } from '../../src/guard/shape';
import { RULES } from '../../src/nag/rules';

/** The `rule <name>` declarations of a Guard file. */
function guardRuleNames(content: string): string[] {
  return [...content.matchAll(/^rule (\S+)/gm)].map(m => m[1]);
}

describe('the committed guard-rules/ folder', () => {
  test('equals a fresh export of the catalogue (regenerate with: npx projen guard-rules)', () => {
    // GIVEN the files under guard-rules/ WHEN the catalogue is exported afresh THEN none differs
    const drifted = driftedFiles();
    expect({ drifted, regenerate: drifted.length > 0 ? 'npx projen guard-rules' : undefined }).toEqual({ drifted: [], regenerate: undefined });
  });

  test('a changed, missing or left-over file is reported as drift', () => {
    // GIVEN a copy of the folder with one file edited, one removed and one added
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-rules-'));
    try {
      for (const [name, content] of guardRuleFiles()) {
        fs.mkdirSync(path.dirname(path.join(copy, name)), { recursive: true });
        fs.writeFileSync(path.join(copy, name), content);
      }
      fs.appendFileSync(path.join(copy, 'template', 'secret-retained.guard'), '# edited by hand\n');
      fs.rmSync(path.join(copy, 'hook', HOOK_FILE_NAME));
      fs.writeFileSync(path.join(copy, 'config', 'old-rule.guard'), 'rule Old { }\n');
      // THEN each is named
      expect(driftedFiles(copy)).toEqual([
        'config/old-rule.guard (no longer exported)',
        `hook/${HOOK_FILE_NAME} (missing)`,
        'template/secret-retained.guard (changed)',
      ]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('GAPS.md is rendered from SecretsGuardRules.gaps()', () => {
    expect(fs.readFileSync(path.join(GUARD_RULES_DIR, 'GAPS.md'), 'utf8')).toEqual(gapsMarkdown());
  });
});

describe('SecretsGuardRules.export', () => {
  test.each(GUARD_TARGETS.map(t => [t]))('%s: byte-stable, sorted by file name, no timestamps', (target) => {
    const first = SecretsGuardRules.export(target);
    const second = SecretsGuardRules.export(target);
    expect(second).toEqual(first);
    expect(first.map(f => f.fileName)).toEqual([...first.map(f => f.fileName)].sort());
    for (const file of first) {
      expect(file.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    }
  });

  test('TEMPLATE: one file per exported catalogue rule, named after it', () => {
    const files = SecretsGuardRules.export(GuardTarget.TEMPLATE);
    for (const file of files) {
      expect(file.ruleIds).toHaveLength(1);
      const stem = file.ruleIds[0].replace('HardenedSecrets-', '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      expect(file.fileName).toBe(`${stem}.guard`);
    }
    const exported = GUARD_RULES.filter(s => s.targets.includes(GuardTarget.TEMPLATE)).map(s => `HardenedSecrets-${s.rule}`);
    expect(files.flatMap(f => f.ruleIds).sort()).toEqual([...new Set(exported)].sort());
  });

  test('HOOK: exactly one file, hardened-secrets.guard, whose resource types are the hook\'s target filters', () => {
    const files = SecretsGuardRules.export(GuardTarget.HOOK);
    expect(files.map(f => f.fileName)).toEqual([HOOK_FILE_NAME]);
    const types = new Set(GUARD_RULES.filter(s => s.targets.includes(GuardTarget.HOOK)).flatMap(s => s.resourceTypes));
    expect(files[0].resourceTypes).toEqual([...types].sort());
    expect(files[0].content).toContain(`Resource types (the hook's TargetFilters): ${files[0].resourceTypes[0]}`);
  });

  test('CONFIG: every file fits AWS Config\'s PolicyText limit and names its resource types', () => {
    for (const file of SecretsGuardRules.export(GuardTarget.CONFIG)) {
      expect({ file: file.fileName, fits: file.content.length <= CONFIG_POLICY_TEXT_LIMIT }).toEqual({ file: file.fileName, fits: true });
      // A rule on every resource type (a credential in any property) has no Config scope.
      expect(file.content).toContain(`# Resource types: ${file.resourceTypes.length > 0 ? file.resourceTypes.join(', ') : 'every resource type (no scope)'}`);
    }
  });

  test('CONFIG: no Guard 3 function, since AWS Config runs Guard 2', () => {
    for (const file of SecretsGuardRules.export(GuardTarget.CONFIG)) {
      expect({ file: file.fileName, functions: file.content.match(/\b(regex_replace|json_parse|count|substring|to_lower|to_upper|join|url_decode|parse_\w+|now)\(/g) })
        .toEqual({ file: file.fileName, functions: null });
    }
  });

  test.each(GUARD_TARGETS.map(t => [t]))('%s: each file opens with the rule id, requirement, controls, fix and the generated-file note', (target) => {
    for (const file of SecretsGuardRules.export(target)) {
      expect(file.content.startsWith('# Generated from the rule catalogue of cdk-hardened-secrets')).toBe(true);
      expect(file.content).toContain('do not edit');
      expect(file.content).toContain('warnings and findings the');
      for (const id of file.ruleIds) {
        const rule = RULES.find(r => `HardenedSecrets-${r.name}` === id)!;
        expect(file.content).toContain(`# Rule: ${id}`);
        expect(file.content).toContain(`# Controls: ${rule.controls}`);
        expect(file.content.replace(/\n#\s+/g, ' ')).toContain(`Requirement: ${rule.requirement}`);
        expect(file.content.replace(/\n#\s+/g, ' ')).toContain(`Fix: ${rule.fix}`);
      }
    }
  });

  test.each(GUARD_TARGETS.map(t => [t]))('%s: every Guard rule name maps back to a rule id of its file', (target) => {
    for (const file of SecretsGuardRules.export(target)) {
      const ids = new Set(guardRuleNames(file.content).map(catalogueRuleId));
      expect([...ids].sort()).toEqual([...file.ruleIds].sort());
    }
  });

  test('only error rules are exported', () => {
    for (const target of GUARD_TARGETS) {
      for (const id of SecretsGuardRules.export(target).flatMap(f => f.ruleIds)) {
        expect({ id, level: RULES.find(r => `HardenedSecrets-${r.name}` === id)?.level }).toEqual({ id, level: NagMessageLevel.ERROR });
      }
    }
  });
});

describe('SecretsGuardRules.gaps', () => {
  test('every catalogue rule is exported to every target, or a gap says why', () => {
    const gaps = SecretsGuardRules.gaps();
    for (const rule of RULES) {
      for (const target of GUARD_TARGETS) {
        const exported = GUARD_RULES.some(s => s.rule === rule.name && s.targets.includes(target));
        const none = gaps.some(g => g.ruleId === `HardenedSecrets-${rule.name}` && !g.partial && g.targets.includes(target));
        expect({ rule: rule.name, target, explained: exported !== none }).toEqual({ rule: rule.name, target, explained: true });
      }
    }
  });

  test('the reasons are precise: a warning is named as one, DeletionPolicy is not in a hook\'s input, a monitor is an app-wide fact', () => {
    const reason = (rule: string, target: GuardTarget) =>
      SecretsGuardRules.gaps().filter(g => g.ruleId === `HardenedSecrets-${rule}` && g.targets.includes(target)).map(g => g.reason).join(' ');
    expect(reason('SecretTags', GuardTarget.HOOK)).toMatch(/warning of the pack/);
    expect(reason('SecretRetained', GuardTarget.HOOK)).toMatch(/DeletionPolicy is a template attribute: a Guard Hook's input holds only/);
    expect(reason('SecretAccessMonitored', GuardTarget.TEMPLATE)).toMatch(/a monitor exists in the app/);
    expect(reason('IamPolicyValid', GuardTarget.CONFIG)).toMatch(/Service Authorization Reference/);
    expect(reason('SecretRotationInterval', GuardTarget.TEMPLATE)).toMatch(/cron\(\)/);
  });

  test('targets are listed in the order template, hook, config', () => {
    for (const gap of SecretsGuardRules.gaps()) {
      expect(gap.targets).toEqual(GUARD_TARGETS.filter(t => gap.targets.includes(t)));
    }
  });
});
