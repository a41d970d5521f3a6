import * as fs from 'fs';
import * as path from 'path';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { NagMessageLevel } from 'cdk-nag';
import { PackFinding, packFindings } from './pack-helpers';
import { SecretsManagerChecks } from '../../src';
import { RULES } from '../../src/nag/rules';
import { newStack } from '../helpers/stacks';

/**
 * A labelled corpus of CloudFormation templates as they are found in the wild (hand-written,
 * console exports, Serverless and `cdk synth` output), each brought in with `CfnInclude`.
 *
 * `labels.json` says, for each template, whether it is misconfigured or hardened and every
 * finding its author expects from the pack, written from the rule catalogue (DESIGN.md), not
 * from what the rules output. A finding is written `HardenedSecrets-<Rule>@<LogicalId>`: the
 * property suffix of a finding (`[Environment.Variables.DB_PASSWORD]`) is left out, and a rule
 * that fires several times on one resource counts once.
 */
const TEMPLATES = path.join(__dirname, '..', 'fixtures', 'templates');

interface Label {
  readonly kind: 'misconfigured' | 'hardened';
  readonly expected: string[];
  /**
   * Expected findings that say "cannot be proven" (an import, a parameter without a default):
   * reported as warnings whatever the rule's level.
   */
  readonly unproven?: string[];
}

const labels: Record<string, Label> = JSON.parse(fs.readFileSync(path.join(TEMPLATES, 'labels.json'), 'utf8'));
const templates = fs.readdirSync(TEMPLATES).filter(f => /\.(json|yaml)$/.test(f) && f !== 'labels.json').sort();
const misconfigured = templates.filter(t => labels[t]?.kind === 'misconfigured');
const hardened = templates.filter(t => labels[t]?.kind === 'hardened');

const cache = new Map<string, PackFinding[]>();

/** The pack's findings (default options) on one template, included in a fresh stack. */
function findingsOf(template: string): PackFinding[] {
  let findings = cache.get(template);
  if (!findings) {
    const stack = newStack();
    new cfninc.CfnInclude(stack, 'Template', { templateFile: path.join(TEMPLATES, template) });
    findings = packFindings(stack);
    cache.set(template, findings);
  }
  return findings;
}

/** `HardenedSecrets-Rule@LogicalId`: the suffix is dropped; the path is `Stack/Template/<LogicalId>`. */
function labelOf(finding: PackFinding): string {
  const rule = finding.rule.replace(/\[.*$/s, '');
  const logicalId = finding.path.split('/').pop();
  return `${rule}@${logicalId}`;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

const ruleLevel = new Map(RULES.map(r => [`HardenedSecrets-${r.name}`, r.level]));

describe('template corpus', () => {
  describe('the corpus and its labels', () => {
    test('labels.json labels every template, and only templates that exist', () => {
      expect(Object.keys(labels).sort()).toEqual(templates);
    });

    test('it is large and varied enough to measure the pack', () => {
      expect(templates.length).toBeGreaterThanOrEqual(30);
      expect(templates.filter(t => t.endsWith('.json')).length).toBeGreaterThanOrEqual(10);
      expect(templates.filter(t => t.endsWith('.yaml')).length).toBeGreaterThanOrEqual(10);
      expect(misconfigured.length).toBeGreaterThanOrEqual(24);
      expect(hardened.length).toBeGreaterThanOrEqual(8);
      expect(misconfigured.length + hardened.length).toBe(templates.length);
    });

    test('every label names a rule of the pack and a logical id', () => {
      for (const template of templates) {
        for (const expected of labels[template].expected) {
          const [rule, logicalId] = expected.split('@');
          expect(SecretsManagerChecks.RULE_NAMES.map(n => `HardenedSecrets-${n}`)).toContain(rule);
          expect(logicalId).toMatch(/^[A-Za-z0-9]+$/);
        }
      }
    });

    test('misconfigured templates expect an error; hardened ones expect no error', () => {
      for (const template of misconfigured) {
        const levels = labels[template].expected.map(e => ruleLevel.get(e.split('@')[0]));
        expect({ template, hasError: levels.includes(NagMessageLevel.ERROR) }).toEqual({ template, hasError: true });
      }
      for (const template of hardened) {
        const unprovable = labels[template].unproven ?? [];
        const errors = labels[template].expected.filter(e => ruleLevel.get(e.split('@')[0]) === NagMessageLevel.ERROR && !unprovable.includes(e));
        expect({ template, errors }).toEqual({ template, errors: [] });
      }
    });
  });

  describe('SecretsManagerChecks on each template', () => {
    test.each(templates)('%s: the findings are exactly the labelled ones', (template) => {
      expect(sorted(findingsOf(template).map(labelOf))).toEqual(sorted(labels[template].expected));
    });

    test.each(misconfigured)('%s (misconfigured): at least one error-level finding', (template) => {
      expect(findingsOf(template).filter(f => f.severity === 'error').map(labelOf)).not.toEqual([]);
    });

    test.each(hardened)('%s (hardened): no error-level finding', (template) => {
      expect(findingsOf(template).filter(f => f.severity === 'error').map(labelOf)).toEqual([]);
    });

    test.each(templates.filter(t => (labels[t].unproven ?? []).length > 0))('%s: what cannot be proven is a warning', (template) => {
      const warnings = findingsOf(template).filter(f => f.severity === 'warning').map(labelOf);
      expect(warnings).toEqual(expect.arrayContaining(labels[template].unproven!));
    });
  });
});
