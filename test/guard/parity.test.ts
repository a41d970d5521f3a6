import { CONFIG_FILES_ON_UNRECORDED_TYPES, PARITY_DIFFERENCES, ParityDifference } from './parity-differences';
import {
  BLIND_DIR, compare, CORPUS_DIR, corpusFiles, differenceKey, exportedRuleIds, exportedRules, Finding, guardFindings,
  packErrors, PARITY_SHAPES, ParityShape, shapeCorpus, ShapeComparison, targetOf, templateKey,
} from './parity-run';
import { NOT_RECORDED_BY_CONFIG } from './shapes';
import { GuardTarget } from '../../src/guard/shape';

/**
 * Parity of the exported Guard rules with SecretsManagerChecks, proven by the cfn-guard binary:
 * for every template of the labelled corpus and of the blind batch, in each input shape (the
 * template, the Guard Hook's input, AWS Config configuration items as recorded, and AWS Config's
 * proactive input), the (rule, logical id) errors cfn-guard reports with the export of the shape's target
 * equal the pack's ERROR findings on rules that export holds, except the differences listed in
 * test/guard/parity-differences.ts, each with its reason. The list is exact: a difference that
 * appears unlisted fails, and so does a listed one that no longer happens.
 */
const templates = [
  ...corpusFiles(CORPUS_DIR).map(file => ({ dir: CORPUS_DIR, file })),
  ...corpusFiles(BLIND_DIR).map(file => ({ dir: BLIND_DIR, file })),
];

const pack = new Map<string, Set<Finding>>();
const comparisons = new Map<ParityShape, ShapeComparison>();
const readerMismatches = new Map<ParityShape, string[]>();

beforeAll(() => {
  for (const { dir, file } of templates) {
    pack.set(templateKey(dir, file), packErrors(dir, file));
  }
  for (const shape of PARITY_SHAPES) {
    const rules = exportedRules(targetOf(shape));
    const guard = guardFindings(shape, shapeCorpus(shape, templates), rules);
    comparisons.set(shape, compare(shape, pack, guard.byTemplate, exportedRuleIds(rules)));
    readerMismatches.set(shape, guard.readerMismatches);
  }
}, 600_000);

function listed(shape: ParityShape): ParityDifference[] {
  return PARITY_DIFFERENCES.filter(d => d.shape === shape);
}

describe('the exported Guard rules against the pack, on the corpus and the blind batch', () => {
  test('the run covers both corpora, and the pack finds errors the export claims', () => {
    expect(pack.size).toBe(templates.length);
    expect(templates.length).toBeGreaterThanOrEqual(140);
    for (const shape of PARITY_SHAPES) {
      expect({ shape, packFindings: comparisons.get(shape)!.pack > 0 }).toEqual({ shape, packFindings: true });
    }
  });

  describe.each(PARITY_SHAPES)('%s', (shape) => {
    test('every difference is listed with its reason', () => {
      const known = new Set(listed(shape).map(differenceKey));
      const unlisted = comparisons.get(shape)!.differences.filter(d => !known.has(differenceKey(d))).map(differenceKey);
      expect(unlisted).toEqual([]);
    });

    test('every listed difference still happens', () => {
      const actual = new Set(comparisons.get(shape)!.differences.map(differenceKey));
      const gone = listed(shape).filter(d => !actual.has(differenceKey(d))).map(differenceKey);
      expect(gone).toEqual([]);
    });

    test('the project\'s reader of cfn-guard\'s report (guardReportFindings) names the same findings as this harness', () => {
      expect(readerMismatches.get(shape)).toEqual([]);
    });

    test('Guard agrees with the pack on every (rule, resource) not listed', () => {
      const c = comparisons.get(shape)!;
      const packOnly = c.differences.filter(d => d.direction === 'pack-only').length;
      const guardOnly = c.differences.filter(d => d.direction === 'guard-only').length;
      expect(c.equal + packOnly).toBe(c.pack);
      expect(c.equal + guardOnly).toBe(c.guard);
    });
  });

  test('the CONFIG rule files scoped to types AWS Config does not record are exactly the listed ones', () => {
    // Such a rule is never evaluated on a recorded item: it can decide proactive evaluations only.
    const scoped = exportedRules(GuardTarget.CONFIG)
      .map(f => ({ file: f.fileName, types: f.resourceTypes.filter(t => NOT_RECORDED_BY_CONFIG.includes(t)).sort() }))
      .filter(f => f.types.length > 0);
    expect(scoped).toEqual(CONFIG_FILES_ON_UNRECORDED_TYPES.map(({ file, types }) => ({ file, types })));
  });

  test('the list holds no entry twice, and each names a reason', () => {
    const keys = PARITY_DIFFERENCES.map(differenceKey);
    expect(keys.length).toBe(new Set(keys).size);
    for (const d of PARITY_DIFFERENCES) {
      expect({ key: differenceKey(d), reason: d.reason.trim().length > 20 }).toEqual({ key: differenceKey(d), reason: true });
    }
    // A reason that quotes a gap of the export finds it there (parity-differences.ts, `declared`).
    expect(PARITY_DIFFERENCES.filter(d => d.reason.startsWith('UNDECLARED')).map(d => `${differenceKey(d)}: ${d.reason}`)).toEqual([]);
  });
});
