/**
 * Corpus benchmark: how much of the labelled template corpus (`test/fixtures/templates`, labels in
 * `labels.json`) each checker catches.
 *
 * Each template is brought into a fresh stack (account 111111111111, eu-west-1) with `CfnInclude`
 * and run through three checkers:
 *
 * - `SecretsManagerChecks`, default options;
 * - the five cdk-nag packs together (`allPacks()`: AwsSolutions, HIPAA Security, NIST 800-53 R5,
 *   PCI DSS 3.2.1, Serverless);
 * - the AWS Control Tower proactive controls that `@cdklabs/cdk-validator-cfnguard` runs with
 *   cfn-guard (every violation counts as an error).
 *
 * A misconfigured template is *caught* when the checker reports at least one error-level finding on
 * it; a hardened template is *flagged* when it does. Warnings are not counted. A checker that throws
 * on a template (the cfn-guard plugin does on some templates with list parameters) neither catches
 * nor flags it; those templates are counted in their own column. The corpus, the checkers and their
 * options are fixed, so the numbers are deterministic.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/corpus.ts [--detail]`
 * (`--detail` adds one row per template with the number of error findings of each checker).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { packFindings } from '../test/nag/pack-helpers';
import { allPacks, controlTowerViolations, nagFindings, newStack } from '../test/nag-helpers';

const TEMPLATES = path.join(__dirname, '..', 'test', 'fixtures', 'templates');

interface Label {
  readonly kind: 'misconfigured' | 'hardened';
  readonly expected: string[];
}

interface Checker {
  readonly name: string;
  /** The number of error-level findings on the stack. */
  errors(stack: Stack): number;
}

const CHECKERS: Checker[] = [
  {
    name: 'SecretsManagerChecks',
    errors: stack => packFindings(stack).filter(f => f.severity === 'error').length,
  },
  {
    name: 'cdk-nag, 5 packs (allPacks())',
    errors: stack => nagFindings(stack, allPacks()).filter(f => f.severity === 'error').length,
  },
  {
    name: 'Control Tower proactive controls (cfn-guard)',
    errors: stack => controlTowerViolations(stack).reduce((n, v) => n + Math.max(1, v.resources.length), 0),
  },
];

/** A fresh stack holding one template of the corpus. */
function include(template: string): Stack {
  const stack = newStack();
  new cfninc.CfnInclude(stack, 'Template', { templateFile: path.join(TEMPLATES, template) });
  return stack;
}

function main(): void {
  const detail = process.argv.includes('--detail');
  const labels: Record<string, Label> = JSON.parse(fs.readFileSync(path.join(TEMPLATES, 'labels.json'), 'utf8'));
  const templates = Object.keys(labels).sort();
  const misconfigured = templates.filter(t => labels[t].kind === 'misconfigured');
  const hardened = templates.filter(t => labels[t].kind === 'hardened');

  // errors.get(template)[checker]: the number of error findings, or undefined when the checker threw.
  const errors = new Map<string, Array<number | undefined>>();
  for (const template of templates) {
    // A fresh stack per checker: no checker sees another's synthesis or metadata.
    errors.set(template, CHECKERS.map(c => {
      try {
        return c.errors(include(template));
      } catch {
        return undefined;
      }
    }));
  }

  const count = (set: string[], i: number, test: (n: number | undefined) => boolean) => set.filter(t => test(errors.get(t)![i])).length;
  const lines = [
    `Corpus: ${templates.length} templates (${misconfigured.length} misconfigured, ${hardened.length} hardened; `
      + `${templates.filter(t => t.endsWith('.json')).length} JSON, ${templates.filter(t => t.endsWith('.yaml')).length} YAML)`,
    '',
    `| checker | misconfigured caught (of ${misconfigured.length}) | hardened flagged (of ${hardened.length}) | could not check |`,
    '|---|---:|---:|---:|',
    ...CHECKERS.map((c, i) => `| ${c.name} | ${count(misconfigured, i, n => n !== undefined && n > 0)} `
      + `| ${count(hardened, i, n => n !== undefined && n > 0)} | ${count(templates, i, n => n === undefined)} |`),
  ];
  if (detail) {
    lines.push(
      '',
      'Error findings per template (n/a: the checker threw):',
      '',
      `| template | kind | ${CHECKERS.map(c => c.name).join(' | ')} |`,
      `|---|---|${CHECKERS.map(() => '---:').join('|')}|`,
      ...templates.map(t => `| ${t} | ${labels[t].kind} | ${errors.get(t)!.map(n => n ?? 'n/a').join(' | ')} |`),
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main();
