import { NagMessageLevel } from 'cdk-nag';
import { GUARD_TARGETS, GuardRuleSource, guardShape } from './definition';
import { GUARD_RULES } from './rules';
import { UNEXPORTED } from './rules/unexported';
import { GuardRuleFile, GuardRuleGap, GuardTarget } from './shape';
import { PACK_NAME, SecretsRule } from '../nag/rule';
import { RULES } from '../nag/rules';

/** AWS Config's limit on a custom policy rule's `PolicyText`. */
export const CONFIG_POLICY_TEXT_LIMIT = 10_000;

/** The one file of a Guard Hook export: a Guard Hook takes one rule location. */
export const HOOK_FILE_NAME = 'hardened-secrets.guard';

/**
 * The rule catalogue of `SecretsManagerChecks` as AWS CloudFormation Guard rules, for the three
 * places a template or a resource can be checked: a template (`cfn-guard validate`), a Guard Hook
 * at deploy time, and AWS Config custom policy rules on what exists.
 *
 * The export reproduces the pack's ERROR findings at its default options (name pattern, required
 * tags, a 30-day rotation maximum, no admin roles); warnings are not exported, since a failing
 * Guard rule fails a hook or makes a resource NON_COMPLIANT. What cannot be decided in Guard, or
 * in a target's input, is listed by `gaps()`.
 *
 * @example
 * for (const file of SecretsGuardRules.export(GuardTarget.TEMPLATE)) {
 *   fs.writeFileSync(path.join('rules', file.fileName), file.content);
 * }
 */
export class SecretsGuardRules {
  /**
   * The Guard rule files of `target`: one file per catalogue rule for `TEMPLATE`; one file,
   * `hardened-secrets.guard`, for `HOOK`; one file per catalogue rule for `CONFIG`, split in
   * parts of at most 10,000 characters (AWS Config's `PolicyText` limit). Sorted by file name;
   * the same catalogue gives the same bytes.
   */
  public static export(target: GuardTarget): GuardRuleFile[] {
    return exportSources(target, GUARD_RULES);
  }

  /**
   * Every catalogue rule that is not exported, or not fully, with the targets concerned and why.
   * In catalogue order; a rule has one entry per reason.
   */
  public static gaps(): GuardRuleGap[] {
    const out: GuardRuleGap[] = [];
    for (const rule of RULES) {
      const ruleId = `${PACK_NAME}-${rule.name}`;
      const sources = GUARD_RULES.filter(s => s.rule === rule.name);
      const exported = new Set(sources.flatMap(s => s.targets));
      const declared = sources.flatMap(s => s.gaps);
      const missing = GUARD_TARGETS.filter(t => !exported.has(t));
      const explained = new Set(declared.filter(g => !g.partial).flatMap(g => g.targets));
      for (const gap of declared) {
        out.push({ ruleId, targets: sortTargets(gap.targets), partial: gap.partial, reason: gap.reason });
      }
      const unexplained = missing.filter(t => !explained.has(t));
      if (unexplained.length > 0) {
        out.push({ ruleId, targets: sortTargets(unexplained), partial: false, reason: UNEXPORTED[rule.name] ?? unexportedReason(rule) });
      }
    }
    return out;
  }
}

/** The reason for a catalogue rule no source exports and `UNEXPORTED` does not explain. */
function unexportedReason(rule: SecretsRule): string {
  return rule.level === NagMessageLevel.ERROR
    ? 'No Guard rule is written for it yet.'
    : 'A warning of the pack: the export holds only error rules, since a failing Guard rule fails a hook in FAIL mode or makes a resource NON_COMPLIANT.';
}

/** The files of `target` for `all` (the export: every source; a test: the sources it is about). */
export function exportSources(target: GuardTarget, all: readonly GuardRuleSource[]): GuardRuleFile[] {
  const sources = all.filter(s => s.targets.includes(target));
  if (target === GuardTarget.HOOK) {
    return [hookFile(sources)];
  }
  const files: GuardRuleFile[] = [];
  for (const rule of catalogueOrder(sources)) {
    const mine = sources.filter(s => s.rule === rule.name);
    files.push(...ruleFiles(target, rule, mine));
  }
  return files.sort((a, b) => a.fileName.localeCompare(b.fileName));
}

function catalogueOrder(sources: GuardRuleSource[]): SecretsRule[] {
  return RULES.filter(r => sources.some(s => s.rule === r.name));
}

function sortTargets(targets: GuardTarget[]): GuardTarget[] {
  return GUARD_TARGETS.filter(t => targets.includes(t));
}

/** The kebab-case file stem of a rule name: `SecretCustomerManagedKey` → `secret-customer-managed-key`. */
export function fileStem(ruleName: string): string {
  return ruleName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** How a file of rules on every resource type names its scope (an AWS Config rule without a scope). */
const EVERY_TYPE = 'every resource type (no scope)';

const GENERATED = [
  '# Generated from the rule catalogue of cdk-hardened-secrets (src/nag/rules, src/guard/rules):',
  '# do not edit. Regenerate with `cdk-hardened-secrets export-guard-rules` (in the repository:',
  '# `npx projen guard-rules`).',
];

const TARGET_NOTE: Record<GuardTarget, string> = {
  [GuardTarget.TEMPLATE]: '# Input: a CloudFormation template (cfn-guard validate -d template.yaml).',
  [GuardTarget.HOOK]: '# Input: an AWS::CloudFormation::GuardHook resource operation (Resources.<id>.ResourceType, .ResourceProperties).',
  [GuardTarget.CONFIG]: '# Input: an AWS Config configuration item (resourceType, configuration); AWS Config runtime guard-2.x.x.',
};

const SCOPE_NOTE = [
  '# Findings are the pack\'s ERROR findings at its default options; warnings and findings the',
  '# template cannot prove (a Ref to a parameter without a default, an Fn::ImportValue) pass.',
];

function ruleHeader(rule: SecretsRule): string[] {
  return [
    `# Rule: ${PACK_NAME}-${rule.name}`,
    ...wrapComment(`Requirement: ${rule.requirement}`),
    ...wrapComment(`Controls: ${rule.controls}`),
    ...wrapComment(`Fix: ${rule.fix}`),
  ];
}

/** `text` as `#` comment lines of at most 100 characters, continuation lines indented. */
function wrapComment(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(w => w !== '')) {
    const prefix = lines.length === 0 ? '# ' : '#   ';
    if (line !== '' && prefix.length + line.length + 1 + word.length > 100) {
      lines.push(prefix + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push((lines.length === 0 ? '# ' : '#   ') + line);
  return lines;
}

function fileContent(header: string[], blocks: string[]): string {
  return `${header.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

/** The files of one catalogue rule in `target` (CONFIG: split under the PolicyText limit). */
function ruleFiles(target: GuardTarget, rule: SecretsRule, sources: GuardRuleSource[]): GuardRuleFile[] {
  const shape = guardShape(target);
  const blocks = sources.flatMap(s => s.render(shape));
  const resourceTypes = uniqueSorted(sources.flatMap(s => s.resourceTypes));
  const header = (part?: string) => [
    ...GENERATED,
    TARGET_NOTE[target],
    ...SCOPE_NOTE,
    ...ruleHeader(rule),
    `# Resource types: ${resourceTypes.length > 0 ? resourceTypes.join(', ') : EVERY_TYPE}`,
    ...(part ? [`# Part: ${part}`] : []),
  ];
  const stem = fileStem(rule.name);
  const whole = fileContent(header(), blocks);
  if (target !== GuardTarget.CONFIG || whole.length <= CONFIG_POLICY_TEXT_LIMIT) {
    return [{ fileName: `${stem}.guard`, ruleIds: [`${PACK_NAME}-${rule.name}`], resourceTypes, content: whole }];
  }
  // Split between named rules: each part holds as many whole rules as fit.
  const parts: string[][] = [];
  for (const block of blocks) {
    const current = parts[parts.length - 1];
    if (current && fileContent(header('0 of 0'), [...current, block]).length <= CONFIG_POLICY_TEXT_LIMIT) {
      current.push(block);
    } else {
      if (fileContent(header('0 of 0'), [block]).length > CONFIG_POLICY_TEXT_LIMIT) {
        throw new Error(`a Guard rule of ${rule.name} is longer than AWS Config's PolicyText limit (${CONFIG_POLICY_TEXT_LIMIT} characters)`);
      }
      parts.push([block]);
    }
  }
  return parts.map((part, i) => ({
    // Zero-padded, so that the parts sort in order: `-01` ... `-12`.
    fileName: `${stem}-${String(i + 1).padStart(String(parts.length).length, '0')}.guard`,
    ruleIds: [`${PACK_NAME}-${rule.name}`],
    resourceTypes,
    content: fileContent(header(`${i + 1} of ${parts.length}`), part),
  }));
}

/** The one file of a Guard Hook: every rule the hook can decide, in catalogue order. */
function hookFile(sources: GuardRuleSource[]): GuardRuleFile {
  const shape = guardShape(GuardTarget.HOOK);
  const rules = catalogueOrder(sources);
  const sections = rules.map(rule => {
    const mine = sources.filter(s => s.rule === rule.name);
    return [...ruleHeader(rule), ...mine.flatMap(s => s.render(shape))].join('\n');
  });
  const resourceTypes = uniqueSorted(sources.flatMap(s => s.resourceTypes));
  const header = [
    ...GENERATED,
    TARGET_NOTE[GuardTarget.HOOK],
    ...SCOPE_NOTE,
    ...wrapComment(`Rules: ${rules.map(r => `${PACK_NAME}-${r.name}`).join(', ')}`),
    ...wrapComment(`Resource types (the hook's TargetFilters): ${resourceTypes.join(', ')}`),
  ];
  return {
    fileName: HOOK_FILE_NAME,
    ruleIds: rules.map(r => `${PACK_NAME}-${r.name}`),
    resourceTypes,
    content: fileContent(header, sections),
  };
}
