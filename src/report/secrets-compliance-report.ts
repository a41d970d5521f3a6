import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stage, Validations } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { buildReport, packageVersion } from './build';
import { renderMarkdown } from './markdown';
import { REPORT_JSON_FILE, REPORT_MARKDOWN_FILE } from './model';
import { SecretsManagerChecksProps } from '../nag/secrets-manager-checks';

/**
 * Options of the `SecretsComplianceReport`.
 */
export interface SecretsComplianceReportProps {
  /**
   * The options of the `SecretsManagerChecks` run whose findings the report lists: give the
   * same options as the pack registered on the app, so that the report and the pack agree.
   *
   * @default - the pack's defaults (30-day maximum rotation interval, the default tags and name pattern)
   */
  readonly checks?: SecretsManagerChecksProps;
}

/**
 * Compliance evidence for the secrets of an app, written into the cloud assembly at synth:
 * `secrets-compliance.json` (a versioned schema, `schema/secrets-compliance.schema.json` in
 * this package) and `secrets-compliance.md`.
 *
 * For every secret of the app, whoever wrote it: key, rotation, replicas, resource policy, who
 * can read it (identity policies anywhere in the app and the resource policy, with their
 * conditions), monitoring and endpoint coverage, and the findings of `SecretsManagerChecks`
 * (acknowledged ones with their reason). Then the control mapping (SOC 2, PCI DSS 4.0,
 * NIST 800-53 R5, HIPAA) and the evidence checklist.
 *
 * It is a validation plugin: it runs after synth has written the templates, reads them (as the
 * pack does) and never fails synth; the pack does that.
 *
 * @example
 * SecretsComplianceReport.of(app);
 */
export class SecretsComplianceReport implements IPolicyValidationPlugin {
  /**
   * Registers a report on the app of `scope`, once: a second call returns the report already
   * registered.
   */
  public static of(scope: IConstruct, props: SecretsComplianceReportProps = {}): SecretsComplianceReport {
    const root = scope.node.root;
    const registered = root.node.tryFindChild(REGISTRATION_ID);
    if (registered instanceof ReportRegistration) {
      return registered.report;
    }
    const report = new SecretsComplianceReport(props);
    Validations.of(root).addPlugins(report);
    new ReportRegistration(root, report);
    return report;
  }

  /** The plugin name shown by the CDK validation report. */
  public readonly name = 'HardenedSecrets-ComplianceReport';

  /** This package's version. */
  public readonly version?: string = packageVersion();

  /** Absolute paths of the files the last synth wrote; empty before the first synth. */
  public readonly files: string[] = [];

  private readonly props: SecretsComplianceReportProps;

  constructor(props: SecretsComplianceReportProps = {}) {
    this.props = props;
  }

  /**
   * Called by the CDK validation framework during synth: builds the report from the templates
   * just written and writes it next to them. Reports no violation.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = context.appConstruct;
    const { report } = buildReport({ root, context, checks: this.props.checks });
    const outdir = Stage.isStage(root) ? root.outdir : path.dirname(context.templatePaths[0] ?? '.');
    const json = path.join(outdir, REPORT_JSON_FILE);
    const markdown = path.join(outdir, REPORT_MARKDOWN_FILE);
    fs.writeFileSync(json, `${JSON.stringify(report, undefined, 2)}\n`);
    fs.writeFileSync(markdown, renderMarkdown(report));
    this.files.splice(0, this.files.length, json, markdown);
    return { success: true, violations: [] };
  }
}

/** The id of the `ReportRegistration` below the app's root. */
const REGISTRATION_ID = 'HardenedSecretsComplianceReport';

/**
 * Records, in the construct tree, the report `SecretsComplianceReport.of` registered on an app:
 * the tree is the registry, so nothing outlives the app.
 */
class ReportRegistration extends Construct {
  constructor(root: IConstruct, public readonly report: SecretsComplianceReport) {
    super(root, REGISTRATION_ID);
  }
}
