/**
 * Builds the compliance report from its parts: `references` (naming resources across stacks),
 * `readers` (who can read each secret), `coverage` (trails, monitors, endpoints), `findings`
 * (the pack's findings and the secrets they concern) and `secret-entry` (one secret's entry);
 * then the controls and evidence (`controls`) and the summary.
 */

import { IConstruct } from 'constructs';
import { controlEntries, evidenceItems } from './controls';
import { appCoverage } from './coverage';
import { findingEntries, findingsBySecret, relatedSecrets } from './findings';
import { ComplianceReport, ReportOptions, SCHEMA_ID, SCHEMA_VERSION } from './model';
import { identityReaders, roleUsage } from './readers';
import { RecordedFinding } from './recording-checks';
import { exportsOf, secretRefs, stacksOf } from './references';
import { secretEntry } from './secret-entry';
import { Indexes } from '../analysis/analysis-run';

/** What the report is computed from. */
export interface CollectInput {
  readonly root: IConstruct;
  /** The indexes of the report's analysis run (built from `templates`). */
  readonly indexes: Indexes;
  /** Synthesised templates by stack construct path (at synth); empty for the CLI. */
  readonly templates: Map<string, any>;
  /** Template file of each stack, by stack construct path, for `source`. */
  readonly templateFiles: Map<string, string>;
  readonly sourceKind: 'cloud-assembly' | 'templates';
  readonly options: ReportOptions;
  readonly findings: RecordedFinding[];
  /** The names of the rules that ran: the controls are evaluated on these alone. */
  readonly rulesRun: ReadonlySet<string>;
  readonly generatorVersion: string;
}

/**
 * Builds the report, reading the app through `input.indexes`, after the pack has recorded its
 * findings.
 */
export function collectReport(input: CollectInput): ComplianceReport {
  const stacks = stacksOf(input.root);
  const indexes = stacks.map(s => input.indexes.index(s));
  const exports = exportsOf(stacks, input.templates, input.indexes);
  const secrets = secretRefs(indexes);
  const roleUse = roleUsage(indexes);
  const readers = identityReaders(indexes, secrets, exports, roleUse);

  const coverage = appCoverage(input.root, indexes, input.indexes, input.options.externalMonitor);
  const findings = findingEntries(input.findings, input.indexes, relatedSecrets(secrets, readers));
  const bySecret = findingsBySecret(findings);
  const entries = secrets.map(s => secretEntry(s, {
    indexes: input.indexes,
    coverage,
    roleUse,
    identityReaders: readers.get(s.id) ?? [],
    findings: bySecret.get(s.id) ?? [],
  }));

  const controls = controlEntries(findings, input.rulesRun);
  const evidence = evidenceItems(entries, findings, coverage, controls);
  const unacked = findings.filter(f => !f.acknowledged);
  return {
    $schema: SCHEMA_ID,
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'cdk-hardened-secrets', version: input.generatorVersion },
    source: {
      kind: input.sourceKind,
      stacks: stacks.map(s => ({ stack: s.node.path, template: input.templateFiles.get(s.node.path) ?? null })),
    },
    options: input.options,
    summary: {
      stacks: stacks.length,
      secrets: entries.length,
      secretsWithCustomerManagedKey: entries.filter(e => e.key.kind === 'customer-managed').length,
      secretsRotating: entries.filter(e => e.rotation.kind !== 'none').length,
      secretsRotationWaived: entries.filter(e => e.rotation.waiver !== null).length,
      secretsWithResourcePolicy: entries.filter(e => e.resourcePolicy.policies.length > 0).length,
      findings: {
        error: unacked.filter(f => f.level === 'error').length,
        warning: unacked.filter(f => f.level === 'warning').length,
        acknowledged: findings.length - unacked.length,
      },
      controls: {
        pass: controls.filter(c => c.status === 'pass').length,
        fail: controls.filter(c => c.status === 'fail').length,
        warn: controls.filter(c => c.status === 'warn').length,
        notApplicable: controls.filter(c => c.status === 'not-applicable').length,
      },
      evidence: {
        provided: evidence.filter(e => e.status === 'provided').length,
        partial: evidence.filter(e => e.status === 'partial').length,
        missing: evidence.filter(e => e.status === 'missing').length,
      },
    },
    secrets: entries,
    coverage,
    findings,
    controls,
    evidence,
  };
}
