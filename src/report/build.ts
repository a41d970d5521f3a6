import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { collectReport } from './collect';
import { ComplianceReport, ReportOptions } from './model';
import { RecordedFinding, RecordingChecks } from './recording-checks';
import { AnalysisRun } from '../analysis/analysis-run';
import { selectRules } from '../nag/rule-selection';
import { SecretsManagerChecksProps } from '../nag/secrets-manager-checks';
import { DEFAULTS } from '../private/defaults';

/** What to build a report from. */
export interface BuildInput {
  readonly root: IConstruct;
  /** The validation context at synth; absent for the CLI, which resolves the construct tree. */
  readonly context?: IPolicyValidationContext;
  /** Template file per stack construct path (the CLI's input files). */
  readonly templateFiles?: Map<string, string>;
  readonly checks?: SecretsManagerChecksProps;
}

/** The report and every pack finding it was built from. */
export interface BuildResult {
  readonly report: ComplianceReport;
  readonly findings: RecordedFinding[];
}

/**
 * Runs SecretsManagerChecks (recording acknowledged findings too), then builds the report from
 * the same templates, in an analysis run of its own.
 */
export function buildReport(input: BuildInput): BuildResult {
  const checks = input.checks ?? {};
  const recorded = new RecordingChecks(checks).record(input.context, input.root);
  const templates = AnalysisRun.templatesOf(input.context);
  const files = new Map<string, string>(input.templateFiles ?? []);
  for (const stack of input.context?.stackTemplates ?? []) {
    files.set(stack.stackConstructPath, path.basename(stack.templatePath));
  }
  const report = collectReport({
    root: input.root,
    indexes: new AnalysisRun(templates),
    templates,
    templateFiles: files,
    sourceKind: input.context ? 'cloud-assembly' : 'templates',
    options: reportOptions(checks),
    findings: recorded,
    rulesRun: new Set(selectRules(checks).map(r => r.name)),
    generatorVersion: packageVersion(),
  });
  return { report, findings: recorded };
}

function reportOptions(checks: SecretsManagerChecksProps): ReportOptions {
  const max = checks.maxRotationInterval ?? DEFAULTS.checksMaxRotationInterval;
  return {
    maxRotationIntervalHours: max.toHours({ integral: false }),
    requiredTags: [...(checks.requiredTags ?? DEFAULTS.checksRequiredTags)],
    externalMonitor: checks.externalMonitor ?? null,
  };
}

let version: string | undefined;

/** This package's version, from its package.json. */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      version = String(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version ?? '0.0.0');
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
