/**
 * Synthesises the example app, runs the five cdk-nag packs and the AWS Control Tower proactive
 * controls (cfn-guard) on it, and prints what they found and what is acknowledged.
 *
 *   npx projen examples   # ts-node --project tsconfig.dev.json examples/quick-start.ts
 *
 * Offline: no AWS credentials, no lookups. Exit code 1 if any unacknowledged error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// A development tool of this repository, like the examples themselves.
// eslint-disable-next-line import/no-extraneous-dependencies
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
// The same acknowledgement listing the tests use.
import { ACKNOWLEDGEMENTS, buildExampleApp } from './app';
import { buildProductTeamApp } from './security-team';
import { GuardrailMode, SecretGuardrails, SecretsComplianceReport, SecretsManagerChecks } from '../src';
import { acknowledgements } from '../test/nag-helpers';

interface Row { readonly check: string; readonly errors: number; readonly warnings: number; readonly acknowledged: number | string }
interface Finding { readonly check: string; readonly severity: string; readonly rule: string; readonly resource: string }

function main(): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardened-secrets-example-'));
  try {
    // The packs are not registered as plugins (Validations.of(app).addPlugins): synth would throw
    // on the first error. validateScope reports without throwing.
    const { app, stack } = buildExampleApp(new App({ outdir }));
    // Compliance evidence: secrets-compliance.json and .md are written into the assembly at synth.
    SecretsComplianceReport.of(app);
    const assembly = app.synth();
    const templatePath = path.join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile);
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));

    const acks = acknowledgements(stack);
    const rows: Row[] = [];
    const findings: Finding[] = [];

    const packs: NagPack[] = [
      new AwsSolutionsChecks(),
      new HIPAASecurityChecks(),
      new NIST80053R5Checks(),
      new PCIDSS321Checks(),
      new ServerlessChecks(),
      new SecretsManagerChecks(),
    ];
    for (const pack of packs) {
      const check = pack.readPackName;
      const packFindings: Finding[] = [];
      for (const v of pack.validateScope(stack).violations) {
        for (const r of v.violatingResources) {
          packFindings.push({ check, severity: v.severity ?? 'error', rule: v.ruleName, resource: r.constructPath ?? '?' });
        }
      }
      findings.push(...packFindings);
      rows.push({
        check,
        errors: packFindings.filter((f) => f.severity === 'error').length,
        warnings: packFindings.filter((f) => f.severity !== 'error').length,
        acknowledged: acks.filter((a) => a.rule.startsWith(`${check}-`)).length,
      });
    }

    // Control Tower proactive controls: cfn-guard on the synthesised template (binary bundled).
    const logicalIdToPath = new Map<string, string>(
      Object.entries<any>(template.Resources).map(([id, r]) => [id, r.Metadata?.['aws:cdk:path'] ?? id]),
    );
    const guard = new CfnGuardValidator().validate({ templatePaths: [templatePath], appConstruct: app });
    const guardFindings: Finding[] = guard.violations.flatMap((v) =>
      v.violatingResources.map((r) => ({
        check: 'ControlTower',
        severity: 'error',
        rule: v.ruleName,
        resource: logicalIdToPath.get(r.resourceLogicalId) ?? r.resourceLogicalId,
      })),
    );
    findings.push(...guardFindings);
    rows.push({ check: 'ControlTower (cfn-guard)', errors: guardFindings.length, warnings: 0, acknowledged: 'n/a' });

    printTable(['pack', 'errors', 'warnings', 'acknowledged'], rows.map((r) => [r.check, r.errors, r.warnings, r.acknowledged]));

    console.log(`\nUnacknowledged findings: ${findings.length}`);
    for (const f of findings) {
      console.log(`  [${f.severity}] ${f.rule}  ${f.resource}`);
    }

    console.log(`\nAcknowledgements: ${acks.length}`);
    for (const a of acks) {
      const by = ACKNOWLEDGEMENTS.find((e) => e.path === a.path && e.rule === a.rule)?.placedBy ?? 'NOT IN ACKNOWLEDGEMENTS';
      console.log(`  ${a.path}  (${by})\n    ${a.rule}\n    ${a.reason}`);
    }

    printReportSummary(path.join(assembly.directory, 'secrets-compliance.json'));

    printGuardrailsDemo();

    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * For security teams: the SecretsManagerChecks findings on a product team's app of plain
 * aws-cdk-lib secrets (examples/security-team.ts), as written and under SecretGuardrails ENFORCE.
 * Informational: it does not change the exit code.
 */
function printGuardrailsDemo(): void {
  const count = (mode?: GuardrailMode): Map<string, number> => {
    const { app } = buildProductTeamApp(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'product-team-')) }));
    if (mode) {
      SecretGuardrails.apply(app, { mode });
    }
    app.synth();
    const counts = new Map<string, number>();
    for (const v of new SecretsManagerChecks().validateScope(app).violations) {
      const key = `${v.ruleName} (${v.severity})`;
      counts.set(key, (counts.get(key) ?? 0) + v.violatingResources.length);
    }
    fs.rmSync(app.outdir, { recursive: true, force: true });
    return counts;
  };
  const before = count();
  const after = count(GuardrailMode.ENFORCE);
  const rules = [...new Set([...before.keys(), ...after.keys()])].sort();
  console.log('\nFor security teams: HardenedSecrets findings on plain aws-cdk-lib secrets (examples/security-team.ts)');
  printTable(['rule', 'as written', 'ENFORCE'], rules.map((r) => [r, before.get(r) ?? 0, after.get(r) ?? 0]));
}

/** The summary of the compliance report that synth wrote into the cloud assembly. */
function printReportSummary(file: string): void {
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const s = report.summary;
  console.log(`\nSecrets compliance report (${path.basename(file)}, schema ${report.schemaVersion})`);
  console.log(`  ${s.secrets} secrets: ${s.secretsWithCustomerManagedKey} with a customer-managed key, ${s.secretsRotating} rotating, ${s.secretsRotationWaived} with a rotation waiver`);
  console.log(`  findings: ${s.findings.error} errors, ${s.findings.warning} warnings open; ${s.findings.acknowledged} acknowledged`);
  console.log(`  controls: ${s.controls.pass} pass, ${s.controls.fail} fail, ${s.controls.warn} warn (of ${report.controls.length})`);
  for (const secret of report.secrets) {
    const r = secret.rotation;
    const rotation = r.kind === 'none' ? 'none (waived)' : `${r.kind}, worst-case gap ${r.worstCaseGapHours} h`;
    const open = secret.findings.filter((f: { acknowledged: boolean }) => !f.acknowledged).length;
    console.log(`  ${secret.name ?? secret.id}: rotation ${rotation}; key ${secret.key.kind}; ${secret.readers.length} reader(s); ${open} open finding(s)`);
  }
  for (const e of report.evidence) {
    console.log(`  [${e.status}] ${e.title}`);
  }
}

function printTable(header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of cells.slice(1)) {
    console.log(line(r));
  }
}

process.exitCode = main();
