/**
 * The parity run shared by test/guard/parity.test.ts and bench/guard-parity.ts: the pack's ERROR
 * findings on each corpus template against what cfn-guard reports with the exported Guard rules,
 * in each input shape (test/guard/shapes.ts).
 *
 * A finding is `HardenedSecrets-<Rule>@<LogicalId>`, as test/nag/corpus.test.ts writes labels: the
 * pack's property suffix (`[Environment.Variables.DB_PASSWORD]`) is dropped and a rule that fires
 * several times on one resource counts once. The pack's side is restricted, per shape, to the
 * catalogue rules the export holds for that shape's target.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { configProactiveShape, configShape, CorpusTemplate, hookShape, readCorpusTemplate, ShapedDocument, templateShape } from './shapes';
import { loadTemplates } from '../../src/cli/load';
import { catalogueRuleId, guardReportFindings } from '../../src/guard/definition';
import { GuardRuleFile, GuardTarget } from '../../src/guard/shape';
import { GuardDataInput, runCfnGuard } from '../helpers/cfn-guard';
import { newStack } from '../helpers/stacks';
import { packFindings } from '../nag/pack-helpers';

/**
 * The input shapes: one per target, and AWS Config's proactive evaluation (`StartResourceEvaluation`,
 * whose `configuration` is the resource's CloudFormation properties), which the CONFIG rules also
 * claim to decide (their gaps say which decide proactive evaluations only). `config` is what a
 * Config rule sees on what exists: a recorded configuration item.
 */
export type ParityShape = 'template' | 'hook' | 'config' | 'config-proactive';

export const PARITY_SHAPES: readonly ParityShape[] = ['template', 'hook', 'config', 'config-proactive'];

/** The export target whose rule files a shape is evaluated with. */
export function targetOf(shape: ParityShape): GuardTarget {
  switch (shape) {
    case 'template': return GuardTarget.TEMPLATE;
    case 'hook': return GuardTarget.HOOK;
    case 'config': return GuardTarget.CONFIG;
    case 'config-proactive': return GuardTarget.CONFIG;
  }
}

const SHAPERS: Record<ParityShape, (t: CorpusTemplate) => ShapedDocument[]> = {
  'template': templateShape,
  'hook': hookShape,
  'config': configShape,
  'config-proactive': configProactiveShape,
};

/** The two corpora: the labelled templates and the blind batch. */
export const CORPUS_DIR = path.join(__dirname, '..', 'fixtures', 'templates');
export const BLIND_DIR = path.join(__dirname, '..', 'fixtures', 'blind');

/** The templates of a corpus directory, by file name (`labels.json` and the README left out). */
export function corpusFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter(f => /\.(json|ya?ml)$/.test(f) && f !== 'labels.json').sort();
}

/** A corpus template's id in findings and in the differences list: `<corpus>/<file>`. */
export function templateKey(dir: string, file: string): string {
  return `${path.basename(dir) === 'blind' ? 'blind' : 'templates'}/${file}`;
}

/**
 * The export of one target. `SecretsGuardRules.export` (src/guard/export.ts) is read when it is
 * there; the rule files of src/guard/rules are what it renders.
 */
export function exportedRules(target: GuardTarget): GuardRuleFile[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../../src/guard/export') as { SecretsGuardRules: { export(target: GuardTarget): GuardRuleFile[] } };
  return mod.SecretsGuardRules.export(target);
}

/** The catalogue rule ids the export of `target` holds. */
export function exportedRuleIds(files: readonly GuardRuleFile[]): Set<string> {
  return new Set(files.flatMap(f => f.ruleIds));
}

/** `rule@logicalId` */
export type Finding = string;

export function finding(rule: string, logicalId: string): Finding {
  return `${rule}@${logicalId}`;
}

/**
 * The pack's ERROR findings on a template. Labelled corpus: the template brought in with
 * `CfnInclude` into a fresh stack, as test/nag/corpus.test.ts does. Blind batch: read as the audit
 * command reads it (`loadTemplates`: SAM and language extensions expanded), as
 * test/nag/blind-batch.test.ts does.
 */
export function packErrors(dir: string, file: string): Set<Finding> {
  const full = path.join(dir, file);
  let stack: Stack;
  let logicalIdOf: (constructPath: string) => string;
  if (path.basename(dir) === 'blind') {
    const loaded = loadTemplates(full);
    stack = loaded.app.node.children.find((c): c is Stack => Stack.isStack(c))!;
    logicalIdOf = p => loaded.locations.get(p)?.logicalId ?? p.split('/').pop()!;
  } else {
    stack = newStack();
    new cfninc.CfnInclude(stack, 'Template', { templateFile: full });
    logicalIdOf = p => p.split('/').pop()!;
  }
  return new Set(packFindings(stack)
    .filter(f => f.severity === 'error')
    .map(f => finding(f.rule.replace(/\[.*$/s, ''), logicalIdOf(f.path))));
}

/** The documents of every template in one shape, and the template each came from. */
export interface ShapedCorpus {
  readonly documents: GuardDataInput[];
  /** Data name -> template key and the logical id the document stands for. */
  readonly origin: Map<string, { readonly template: string; readonly logicalId?: string }>;
}

export function shapeCorpus(shape: ParityShape, templates: ReadonlyArray<{ dir: string; file: string }>): ShapedCorpus {
  const documents: GuardDataInput[] = [];
  const origin = new Map<string, { template: string; logicalId?: string }>();
  for (const { dir, file } of templates) {
    const key = templateKey(dir, file);
    for (const doc of SHAPERS[shape](readCorpusTemplate(path.join(dir, file)))) {
      const name = `${key}#${doc.name}`;
      documents.push({ name, document: doc.document, text: doc.text });
      origin.set(name, { template: key, logicalId: doc.logicalId });
    }
  }
  return { documents, origin };
}

/** What cfn-guard reports per template in one shape, and how long its one run took. */
export interface GuardFindings {
  readonly byTemplate: Map<string, Set<Finding>>;
  readonly milliseconds: number;
  readonly documents: number;
  /**
   * Where the project's own reader of cfn-guard's report (`guardReportFindings`, which the CLI
   * and the hook's tests use) names other (rule, resource) pairs than this harness, per document:
   * `<document>: <this harness> != <the reader>`. Two readers written apart agree, or this says where.
   */
  readonly readerMismatches: string[];
}

/**
 * Runs the export of the shape's target on every document of the shape in one cfn-guard start.
 * A failed check names its resource by the `/Resources/<id>` (or `/Outputs/<id>`, ...) path it
 * traversed to; a document that is one resource (hook input, configuration item) names it by
 * itself. A failure that names neither counts against `<template>` (a rule of the whole file).
 */
export function guardFindings(shape: ParityShape, corpus: ShapedCorpus, rules: readonly GuardRuleFile[]): GuardFindings {
  const run = runCfnGuard(rules.map(r => ({ fileName: r.fileName, content: r.content })), corpus.documents, { marker: 'HardenedSecrets-' });
  const byTemplate = new Map<string, Set<Finding>>();
  const readerMismatches: string[] = [];
  for (const [name, result] of run.results) {
    const mine = [...new Set(result.failures.flatMap(f => {
      const rule = catalogueRuleId(f.rule);
      return rule === undefined ? [] : (f.resourceIds.length > 0 ? f.resourceIds : ['']).map(id => finding(rule, id));
    }))].sort();
    const theirs = [...new Set(guardReportFindings(result.raw as { not_compliant?: unknown[] })
      .map(f => finding(f.ruleId, f.logicalId ?? '')))].sort();
    if (mine.join() !== theirs.join()) {
      readerMismatches.push(`${name}: ${mine.join(' ')} != ${theirs.join(' ')}`);
    }
    const from = corpus.origin.get(name);
    if (from === undefined) {
      throw new Error(`cfn-guard reported on ${name}, which the run did not write`);
    }
    const set = byTemplate.get(from.template) ?? new Set<Finding>();
    byTemplate.set(from.template, set);
    for (const failure of result.failures) {
      const rule = catalogueRuleId(failure.rule);
      if (rule === undefined) {
        continue;
      }
      const ids = shape === 'template' ? failure.logicalIds : [from.logicalId ?? '<template>'];
      for (const id of ids.length > 0 ? ids : ['<template>']) {
        set.add(finding(rule, id));
      }
    }
  }
  return { byTemplate, milliseconds: run.milliseconds, documents: corpus.documents.length, readerMismatches };
}

/** One difference between the pack and Guard on one template in one shape. */
export interface Difference {
  readonly template: string;
  readonly shape: ParityShape;
  readonly rule: string;
  readonly logicalId: string;
  readonly direction: 'pack-only' | 'guard-only';
}

export function differenceKey(d: Omit<Difference, 'reason'>): string {
  return `${d.shape} ${d.template} ${d.rule}@${d.logicalId} ${d.direction}`;
}

/** The comparison of one shape over the corpus. */
export interface ShapeComparison {
  readonly shape: ParityShape;
  readonly templates: number;
  readonly pack: number;
  readonly guard: number;
  readonly equal: number;
  readonly differences: Difference[];
}


/** Compares the pack's findings (restricted to `ruleIds`) with Guard's, template by template. */
export function compare(
  shape: ParityShape, pack: Map<string, Set<Finding>>, guard: Map<string, Set<Finding>>, ruleIds: ReadonlySet<string>,
): ShapeComparison {
  let packCount = 0;
  let guardCount = 0;
  let equal = 0;
  const differences: Difference[] = [];
  for (const [template, all] of [...pack].sort(([a], [b]) => a.localeCompare(b))) {
    const p = new Set([...all].filter(f => ruleIds.has(f.split('@')[0])));
    const g = guard.get(template) ?? new Set<Finding>();
    packCount += p.size;
    guardCount += g.size;
    for (const f of p) {
      if (g.has(f)) {
        equal++;
      }
    }
    const push = (f: Finding, direction: Difference['direction']) => {
      const [rule, logicalId] = f.split('@');
      differences.push({ template, shape, rule, logicalId, direction });
    };
    [...p].filter(f => !g.has(f)).sort().forEach(f => push(f, 'pack-only'));
    [...g].filter(f => !p.has(f)).sort().forEach(f => push(f, 'guard-only'));
  }
  return { shape, templates: pack.size, pack: packCount, guard: guardCount, equal, differences };
}
