import * as fs from 'fs';
import { parseArgs } from 'util';
import { Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { AuditFinding, isSuppressed } from './finding';
import { display, LoadedApp, loadTemplates, readingProblems, UnusableInputError } from './load';
import { catalogueLevel, DEFAULT_PROFILE, PROFILE_NAMES, ProfileName, profileChecks, profileLevel } from './profiles';
import { withQuietWarnings } from './quiet';
import { repositoryRoot, RuleHelp, ruleHelpUri, sarifLog } from './sarif';
import { baseRuleId, suppressionOf, UNSUPPRESSIBLE_RULES } from './suppressions';
import { PACK_NAME } from '../nag/rule';
import { RULES } from '../nag/rules';
import { HardenedSecretsValidationError } from '../private/validation';
import { buildReport, packageVersion } from '../report/build';
import { renderMarkdown, summaryLines } from '../report/markdown';
import { ComplianceReport } from '../report/model';
import { SECRETS_COMPLIANCE_SCHEMA } from '../report/schema';

/** The CLI's name, the first word of every message. */
export const CLI_NAME = 'cdk-hardened-secrets';

export const USAGE = `Usage: ${CLI_NAME} audit <template.json|template.yaml|cdk.out directory> [options]
       ${CLI_NAME} schema
       ${CLI_NAME} export-guard-rules --target template|hook|config --out DIR (--help for its options)

Runs SecretsManagerChecks (and, on request, the cdk-nag packs) on CloudFormation templates that
CDK did not have to write, and prints the findings and the secrets compliance report.

Options:
  --format text|json|markdown|sarif   output format (default: text)
  --profile baseline|strict           which rules run, at which level (default: strict, the
                                      whole catalogue, as SecretsManagerChecks at synth).
                                      baseline: only what every team must fix on day one
                                      (credentials in templates, public access, grants of every
                                      secret, invalid policies, deletion protection); the
                                      organisation's bar (tags, naming, customer-managed keys,
                                      resource policies, rotation interval) is off
  --root DIR                          the repository root that SARIF locations are relative to
                                      (default: git rev-parse --show-toplevel in the template's
                                      directory, else the working directory)
  --fail-on error|warning|none        exit 1 when a finding is at or above this level (default: error)
  --max-rotation-days N               longest gap between two rotations (default: 30)
  --packs LIST                        comma-separated: ${Object.keys(packFactories()).join(', ')}
                                      (default: hardened-secrets)
  --honor-suppressions                honour the suppressions written into the templates
                                      (Metadata.cdk_nag.rules_to_suppress). Off by default: the
                                      command audits templates it did not write, so what they say
                                      about themselves is a claim, not evidence. Suppressed findings
                                      are still printed, marked with the template's reason, and do
                                      not count for the exit code. The credential rules
                                      (NoLiteralSecretString, NoAwsAccessKey, NoKnownTokenFormat,
                                      NoPrivateKeyMaterial, NoCredentialIn*) are never suppressed
                                      this way.
  -h, --help                          this text
  --version                           the version

Templates are read as CloudFormation reads them (repeated keys, the LanguageExtensions and SAM
transforms, Fn::If over resources). A template read only in part (a macro the command cannot
run, a part CfnInclude refuses) is audited for what was read and named on stderr
("<file>: partially read: <reason>"); so is a template of a cdk.out that cannot be read at all
("<file>: not read: <reason>"), and the others are audited.

Exit codes: 0 no unsuppressed finding at or above --fail-on; 1 findings; 2 unusable input or
arguments (for a cdk.out directory: only when none of its templates can be read).`;

export interface AuditOptions {
  readonly input: string;
  readonly format: 'text' | 'json' | 'markdown' | 'sarif';
  readonly failOn: 'error' | 'warning' | 'none';
  readonly maxRotationDays: number;
  readonly packs: string[];
  /** Honour the templates' own suppressions (never those of the credential rules); default false. */
  readonly honorSuppressions?: boolean;
  /** Which rules run, at which level; default `strict`. */
  readonly profile?: ProfileName;
  /** The directory SARIF locations are relative to; default: the git work tree of the input. */
  readonly root?: string;
}

/** What the process prints and how it exits. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A usage or argument problem: exit 2. */
class UsageError extends Error {}

/** Runs the CLI with `argv` (without `node` and the script) and returns what to print. */
export function runCli(argv: string[]): CliResult {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      return { exitCode: command === undefined ? 2 : 0, stdout: command === undefined ? '' : `${USAGE}\n`, stderr: command === undefined ? `${USAGE}\n` : '' };
    }
    if (command === '--version') {
      return { exitCode: 0, stdout: `${packageVersion()}\n`, stderr: '' };
    }
    if (command === 'schema') {
      return { exitCode: 0, stdout: `${JSON.stringify(SECRETS_COMPLIANCE_SCHEMA, undefined, 2)}\n`, stderr: '' };
    }
    if (command !== 'audit') {
      throw new UsageError(`unknown command '${command}' (commands: audit, schema, export-guard-rules; --help for usage)`);
    }
    const options = parseAuditArgs(rest);
    if (options === 'help') {
      return { exitCode: 0, stdout: `${USAGE}\n`, stderr: '' };
    }
    return audit(options);
  } catch (e) {
    return { exitCode: 2, stdout: '', stderr: `${CLI_NAME}: ${oneLine(e)}\n` };
  }
}

function oneLine(e: unknown): string {
  if (e instanceof UnusableInputError || e instanceof UsageError) {
    return e.message;
  }
  if (e instanceof HardenedSecretsValidationError) {
    return e.problems.join('; ');
  }
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0];
}

/** Parses `audit` arguments; throws a UsageError with the reason. */
export function parseAuditArgs(args: string[]): AuditOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'format': { type: 'string' },
        'fail-on': { type: 'string' },
        'max-rotation-days': { type: 'string' },
        'packs': { type: 'string' },
        'honor-suppressions': { type: 'boolean' },
        'profile': { type: 'string' },
        'root': { type: 'string' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${oneLine(e)} (--help for usage)`);
  }
  const v = parsed.values;
  if (v.help) {
    return 'help';
  }
  if (parsed.positionals.length !== 1) {
    throw new UsageError(`audit takes one template file or cloud assembly directory, got ${parsed.positionals.length} (--help for usage)`);
  }
  const format = v.format ?? 'text';
  if (!['text', 'json', 'markdown', 'sarif'].includes(format)) {
    throw new UsageError(`--format ${format}: expected text, json, markdown or sarif`);
  }
  const failOn = v['fail-on'] ?? 'error';
  if (!['error', 'warning', 'none'].includes(failOn)) {
    throw new UsageError(`--fail-on ${failOn}: expected error, warning or none`);
  }
  const days = v['max-rotation-days'] === undefined ? 30 : Number(v['max-rotation-days']);
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new UsageError(`--max-rotation-days ${v['max-rotation-days']}: expected a whole number of days from 1 to 365`);
  }
  const factories = packFactories();
  const packs = (v.packs ?? 'hardened-secrets').split(',').map(p => p.trim()).filter(p => p !== '');
  for (const p of packs) {
    if (!(p in factories)) {
      throw new UsageError(`--packs ${p}: expected one of ${Object.keys(factories).join(', ')}`);
    }
  }
  if (packs.length === 0) {
    throw new UsageError('--packs: name at least one pack');
  }
  const profile = v.profile ?? DEFAULT_PROFILE;
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile ${profile}: expected ${PROFILE_NAMES.join(' or ')}`);
  }
  if (v.root !== undefined && !(fs.existsSync(v.root) && fs.statSync(v.root).isDirectory())) {
    throw new UsageError(`--root ${v.root}: not a directory`);
  }
  return {
    input: parsed.positionals[0],
    format: format as AuditOptions['format'],
    failOn: failOn as AuditOptions['failOn'],
    maxRotationDays: days,
    packs: [...new Set(packs)],
    honorSuppressions: v['honor-suppressions'] === true,
    profile: profile as ProfileName,
    ...(v.root !== undefined ? { root: v.root } : {}),
  };
}

/** The cdk-nag packs the CLI can run, by the name `--packs` takes (ours runs through the report). */
function packFactories(): Record<string, (() => NagPack) | undefined> {
  return {
    'hardened-secrets': undefined,
    'aws-solutions': () => new AwsSolutionsChecks(),
    'hipaa': () => new HIPAASecurityChecks(),
    'nist-800-53-r5': () => new NIST80053R5Checks(),
    'pci-dss-321': () => new PCIDSS321Checks(),
    'serverless': () => new ServerlessChecks(),
  };
}

/** Loads, checks, reports. */
export function audit(options: AuditOptions): CliResult {
  // Libraries' warnings (YAML, deprecations) never reach the output; they are restored after.
  return withQuietWarnings(() => {
    const loaded = loadTemplates(options.input, { honorSuppressions: options.honorSuppressions });
    let result: AuditResult;
    let stdout: string;
    try {
      result = auditLoaded(loaded, options);
      stdout = render(result, options, loaded);
    } catch (e) {
      // Whatever fails after the load still names what was being audited (exit 2).
      throw new UnusableInputError(display(options.input), `could not be audited (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
    }
    const threshold = options.failOn === 'none' ? [] : options.failOn === 'warning' ? ['error', 'warning'] : ['error'];
    const failing = result.findings.some(f => !isSuppressed(f) && threshold.includes(f.level));
    // Templates not read in full: one line each on stderr, whatever the format; findings decide the exit code.
    const stderr = readingProblems(loaded).map(line => `${CLI_NAME}: ${line}\n`).join('');
    return { exitCode: failing ? 1 : 0, stdout, stderr };
  });
}

/** What one audit found. */
export interface AuditResult {
  /** Every finding, the suppressed ones included (marked). */
  readonly findings: AuditFinding[];
  readonly report?: ComplianceReport;
}

/**
 * Runs the packs on a loaded app. Suppressions written into the templates are judged with the
 * policy the app was loaded with (`LoadedApp.honorSuppressions`).
 */
export function auditLoaded(loaded: LoadedApp, options: Pick<AuditOptions, 'maxRotationDays' | 'packs' | 'profile'>): AuditResult {
  const findings: AuditFinding[] = [];
  let report: ComplianceReport | undefined;
  const suppression = (constructPath: string, ruleId: string) =>
    suppressionOf(loaded.suppressions.get(constructPath), ruleId, loaded.honorSuppressions);
  if (options.packs.includes('hardened-secrets')) {
    const built = buildReport({
      root: loaded.app,
      templateFiles: loaded.templateFiles,
      checks: { maxRotationInterval: Duration.days(options.maxRotationDays), ...profileChecks(options.profile ?? DEFAULT_PROFILE) },
    });
    report = built.report;
    for (const f of built.findings) {
      // An acknowledgement in the tree comes only from a template suppression the load honoured.
      const judged = f.acknowledgedWith !== undefined
        ? { justification: f.acknowledgedWith, honoured: true }
        : suppression(f.node.node.path, f.rule);
      findings.push({
        pack: 'hardened-secrets',
        rule: `HardenedSecrets-${f.ruleName}`,
        ruleId: f.rule,
        level: f.level,
        message: f.message,
        constructPath: f.node.node.path,
        location: loaded.locations.get(f.node.node.path),
        ...(judged ? { suppression: judged } : {}),
      });
    }
  }
  const factories = packFactories();
  for (const name of options.packs) {
    const factory = factories[name];
    if (!factory) {
      continue;
    }
    // The load acknowledged only SecretsManagerChecks rules in the tree, so the pack reports every
    // finding; each is matched to the template's suppressions here.
    for (const v of factory().validateScope(loaded.app).violations) {
      for (const r of v.violatingResources) {
        const path = r.constructPath ?? '';
        const judged = suppression(path, v.ruleName);
        findings.push({
          pack: name,
          rule: v.ruleName.replace(/\[.*$/s, ''),
          ruleId: v.ruleName,
          level: v.severity === 'error' ? 'error' : 'warning',
          message: v.description,
          constructPath: path,
          location: loaded.locations.get(path),
          ...(judged ? { suppression: judged } : {}),
        });
      }
    }
  }
  findings.sort((a, b) => `${a.location?.file} ${a.location?.logicalId} ${a.ruleId}`.localeCompare(`${b.location?.file} ${b.location?.logicalId} ${b.ruleId}`));
  return { findings, report };
}

function render(result: AuditResult, options: AuditOptions, loaded: LoadedApp): string {
  switch (options.format) {
    case 'json':
      return `${JSON.stringify({
        tool: { name: CLI_NAME, version: packageVersion() },
        input: display(options.input),
        packs: options.packs,
        profile: options.profile ?? DEFAULT_PROFILE,
        honorSuppressions: options.honorSuppressions === true,
        // Templates read only in part (with why), and templates of a cdk.out not read at all.
        partialReads: loaded.partialReads,
        unreadable: loaded.unreadable,
        findings: result.findings.map(f => ({
          pack: f.pack,
          rule: f.ruleId,
          level: f.level,
          file: f.location?.file ?? null,
          logicalId: f.location?.logicalId ?? null,
          line: f.location?.line ?? null,
          message: f.message,
          suppressed: isSuppressed(f),
          // The template's suppression of the finding, honoured or not, with its reason.
          suppression: f.suppression ? {
            justification: f.suppression.justification,
            honoured: f.suppression.honoured,
            notHonouredBecause: f.suppression.notHonouredBecause ?? null,
          } : null,
        })),
        report: result.report ?? null,
      }, undefined, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarifLog(result.findings, ruleHelp(result.findings), options.root ?? repositoryRoot(options.input)), undefined, 2)}\n`;
    case 'markdown':
      return markdown(result);
    default:
      return textOutput(result, loaded, options.profile ?? DEFAULT_PROFILE);
  }
}

function textOutput(result: AuditResult, loaded: LoadedApp, profile: ProfileName): string {
  const out: string[] = [];
  const open = result.findings.filter(f => !isSuppressed(f));
  const errors = open.filter(f => f.level === 'error').length;
  const suppressed = result.findings.length - open.length;
  const refused = result.findings.filter(f => f.suppression && !f.suppression.honoured);
  out.push(`Audited ${loaded.templateFiles.size} template(s): ${errors} error(s), ${open.length - errors} warning(s)` +
    `${suppressed ? `, ${suppressed} suppressed in the templates` : ''}.`);
  out.push(...readingProblems(loaded));
  if (profile !== 'strict') {
    const off = RULES.filter(r => profileLevel(profile, r) === 'off').length;
    const lowered = RULES.filter(r => catalogueLevel(r) === 'error' && profileLevel(profile, r) === 'warning').length;
    out.push(`Profile ${profile}: ${off} rule(s) off, ${lowered} error rule(s) reported as warnings (--profile strict runs the whole catalogue).`);
  }
  if (result.findings.length > 0) {
    out.push('', table(['level', 'rule', 'file', 'resource', 'finding'], result.findings.map(f => [
      isSuppressed(f) ? `${f.level} (suppressed)` : f.level,
      f.ruleId,
      f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}` : '-',
      f.location?.logicalId ?? f.constructPath,
      `${firstSentence(f.message)}${f.suppression ? ` [${f.suppression.honoured ? 'suppressed' : `suppression not honoured (${f.suppression.notHonouredBecause})`}: ${oneLineText(f.suppression.justification)}]` : ''}`,
    ])));
  }
  const refusedCredentials = refused.filter(f => UNSUPPRESSIBLE_RULES.has(baseRuleId(f.ruleId))).length;
  if (refused.length > refusedCredentials) {
    out.push('', `${refused.length - refusedCredentials} finding(s) carry a suppression in the template that was not honoured: the templates ` +
      'are audited, so their suppressions are claims, not evidence (--honor-suppressions honours them).');
  }
  if (refusedCredentials > 0) {
    out.push('', `${refusedCredentials} finding(s) of a credential rule carry a suppression in the template that is never honoured: ` +
      'a credential written into a template is exposed whatever the template says about it.');
  }
  if (result.report) {
    out.push('', 'Secrets compliance report', ...summaryLines(result.report).map(l => `  ${l}`));
    if (result.report.secrets.length > 0) {
      out.push('', table(['secret', 'key', 'rotation', 'policy', 'readers'], result.report.secrets.map(s => [
        s.id,
        s.key.kind,
        s.rotation.kind === 'none' ? (s.rotation.waiver ? 'none (waived)' : 'none') : `${s.rotation.kind}, ${s.rotation.scheduleExpression ?? `${s.rotation.automaticallyAfterDays ?? '?'} days`}`,
        s.resourcePolicy.policies.length === 0 ? 'none' : [s.resourcePolicy.blockPublicPolicy ? 'block-public' : '', s.resourcePolicy.denyDelete ? 'deny-delete' : '', s.resourcePolicy.tlsRequired ? 'tls' : ''].filter(x => x).join(',') || 'weak',
        String(s.readers.length),
      ])));
    }
    out.push('', ...result.report.controls.filter(c => c.status === 'fail').map(c => `  FAIL ${c.framework} ${c.control}: ${c.checks.filter(k => k.status === 'fail').map(k => k.check).join(', ')}`));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function markdown(result: AuditResult): string {
  const out: string[] = [];
  if (result.report) {
    out.push(renderMarkdown(result.report));
  }
  const others = result.findings.filter(f => f.pack !== 'hardened-secrets');
  if (others.length > 0) {
    out.push('## cdk-nag findings', '', table(['level', 'rule', 'file', 'resource', 'status'], others.map(f => [
      f.level, f.ruleId, f.location?.file ?? '-', f.location?.logicalId ?? f.constructPath,
      f.suppression ? `${f.suppression.honoured ? 'suppressed' : 'open (suppression not honoured)'}: ${oneLineText(f.suppression.justification)}` : 'open',
    ])).replace(/^(.*)$/gm, '$1'), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Help text per rule id: ours from the catalogue, cdk-nag's from the finding. */
function ruleHelp(findings: AuditFinding[]): Map<string, RuleHelp> {
  const help = new Map<string, RuleHelp>();
  for (const r of RULES) {
    help.set(`${PACK_NAME}-${r.name}`, {
      short: r.requirement,
      full: `${r.requirement} Controls: ${r.controls}.`,
      help: `${r.requirement}\n\nWhy: ${r.controls}.\n\nFix: ${r.fix}`,
      helpUri: ruleHelpUri(r.name),
    });
  }
  for (const f of findings) {
    if (!help.has(f.rule)) {
      help.set(f.rule, { short: firstSentence(f.message), full: f.message, help: f.message });
    }
  }
  return help;
}

function oneLineText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function firstSentence(text: string): string {
  const cut = text.indexOf(' Why: ');
  // The pack's findings start with `<Type> <LogicalId>: `, which the table shows in its own columns.
  return (cut > 0 ? text.slice(0, cut) : text).replace(/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+ [A-Za-z0-9]+: /, '').replace(/\s+/g, ' ').trim();
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.min(i === header.length - 1 ? 200 : 60, Math.max(h.length, ...rows.map(r => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
