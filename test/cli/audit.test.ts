import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { App } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { CliRun, runCli } from './cli-helpers';
import { buildExampleApp, EXAMPLE_STACK_NAME } from '../../examples/app';
import { SecretsManagerChecks } from '../../src';
import { runCli as auditInProcess } from '../../src/cli/audit';
import { UNSUPPRESSIBLE_RULES } from '../../src/cli/suppressions';
import { RULES } from '../../src/nag/rules';

const TEMPLATES = path.join('test', 'fixtures', 'templates');
const MALFORMED = path.join('test', 'fixtures', 'cli');

interface Label {
  readonly kind: 'misconfigured' | 'hardened';
  readonly expected: string[];
  readonly unproven?: string[];
}
const labels: Record<string, Label> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'templates', 'labels.json'), 'utf8'));
const templates = Object.keys(labels).sort();
const ruleLevel = new Map(RULES.map(r => [`HardenedSecrets-${r.name}`, r.level]));

interface JsonFinding {
  readonly pack: string;
  readonly rule: string;
  readonly level: string;
  readonly file: string | null;
  readonly logicalId: string | null;
  readonly line: number | null;
  readonly suppressed: boolean;
  readonly suppression: { justification: string; honoured: boolean; notHonouredBecause: string | null } | null;
}

const tmp: string[] = [];
afterAll(() => tmp.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/** Synthesises the example app into a fresh directory; with the acknowledgements written into the templates, on request. */
function exampleAssembly(writeAcknowledgements: boolean, withMonitor = false): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-example-'));
  tmp.push(outdir);
  const { app, stack } = buildExampleApp(new App({ outdir }));
  if (!withMonitor) {
    // The example's SecretAccessMonitor settles the pack's two monitoring warnings. Without it the
    // assembly has warnings as well as an error to audit, which is what the exit-code tests need.
    expect(stack.node.tryRemoveChild('SecretAccessMonitor')).toBe(true);
  }
  if (writeAcknowledgements) {
    // cdk-nag writes each acknowledgement into the resource's Metadata (cdk_nag.rules_to_suppress).
    new SecretsManagerChecks(app, { writeSuppressionsToCloudFormation: true });
  }
  app.synth();
  return outdir;
}

function expectOneLineError(run: CliRun, file: string, reason: RegExp): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`cdk-hardened-secrets: ${file}: `)).toBe(true);
  expect(lines[0]).toMatch(reason);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('cdk-hardened-secrets audit on the template corpus', () => {
  let runs: Map<string, CliRun>;

  beforeAll(() => {
    // WHEN the command audits each template of the corpus, as JSON: in this process, through the
    // command's own entry point (a process per template took minutes; what only a process shows,
    // exit codes and stderr, is proven end to end by the other blocks of this file)
    runs = new Map(templates.map(t => {
      const result = auditInProcess(['audit', path.join(TEMPLATES, t), '--format', 'json']);
      return [t, { code: result.exitCode, stdout: result.stdout, stderr: result.stderr }];
    }));
  }, 600_000);

  test.each(templates)('%s: the findings are the labelled ones, and the exit code says whether one is an error', (template) => {
    const run = runs.get(template)!;
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    const found = [...new Set((out.findings as JsonFinding[]).map(f => `${f.rule.replace(/\[.*$/s, '')}@${f.logicalId}`))].sort();
    expect(found).toEqual([...new Set(labels[template].expected)].sort());
    // Every finding points at the file and the line of its resource.
    for (const f of out.findings as JsonFinding[]) {
      expect({ file: f.file, line: typeof f.line }).toEqual({ file: path.join(TEMPLATES, template).split(path.sep).join('/'), line: 'number' });
    }
    const unproven = labels[template].unproven ?? [];
    const errors = labels[template].expected.filter(e => ruleLevel.get(e.split('@')[0]) === NagMessageLevel.ERROR && !unproven.includes(e));
    expect(run.code).toBe(errors.length > 0 ? 1 : 0);
    expect(run.code).toBe(labels[template].kind === 'misconfigured' ? 1 : 0);
    expect(out.report.schemaVersion).toBe('1.0.0');
  });
});

describe('cdk-hardened-secrets audit on the cdk.out of the example app without its monitor', () => {
  let plain: string;
  let acknowledged: string;

  beforeAll(() => {
    plain = exampleAssembly(false);
    acknowledged = exampleAssembly(true);
  });

  test('without the acknowledgements in the templates, the waived rotation is an error: exit 1', async () => {
    const run = await runCli(['audit', plain]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Audited 1 template\(s\): 1 error\(s\), 2 warning\(s\)\./);
    expect(run.stdout).toMatch(/error\s+HardenedSecrets-SecretRotationConfigured\s+\S+HardenedSecretsExample\.template\.json:\d+\s+ApiKeySecret[0-9A-F]{8}/);
    expect(run.stdout).toContain('Secrets compliance report');
    expect(run.stdout).toContain('2 secret(s) in 1 stack(s): 2 with a customer-managed key, 1 rotating');
  });

  test('with --honor-suppressions, the acknowledgements cdk-nag wrote into the templates are honoured: exit 0, two warnings left', async () => {
    const run = await runCli(['audit', acknowledged, '--honor-suppressions']);
    expect(run.stdout).toMatch(/^Audited 1 template\(s\): 0 error\(s\), 2 warning\(s\), 1 suppressed in the templates\./);
    // The suppressed finding is still listed, marked, with the reason the template gives.
    expect(run.stdout).toMatch(/error \(suppressed\)\s+HardenedSecrets-SecretRotationConfigured\s+\S+:\d+\s+ApiKeySecret[0-9A-F]{8}\s+.*\[suppressed: .+\]/);
    expect(run.code).toBe(0);
  });

  test('without --honor-suppressions, the same templates audit like the plain ones: the waived rotation is an error, exit 1', async () => {
    const run = await runCli(['audit', acknowledged]);
    expect(run.stdout).toMatch(/^Audited 1 template\(s\): 1 error\(s\), 2 warning\(s\)\./);
    expect(run.stdout).toMatch(/\[suppression not honoured \(template suppressions are honoured only with --honor-suppressions\): .+\]/);
    expect(run.stdout).toContain('1 finding(s) carry a suppression in the template that was not honoured');
    expect(run.code).toBe(1);
  });

  test('the whole example, monitor included, with its acknowledgements honoured: nothing open, exit 0 even with --fail-on warning', async () => {
    const run = await runCli(['audit', exampleAssembly(true, true), '--fail-on', 'warning', '--honor-suppressions']);
    expect(run.stdout).toMatch(/^Audited 1 template\(s\): 0 error\(s\), 0 warning\(s\), 1 suppressed in the templates\./);
    expect(run.code).toBe(0);
  });

  test('--fail-on warning fails on the two warnings; --fail-on none never fails', async () => {
    expect((await runCli(['audit', acknowledged, '--fail-on', 'warning', '--honor-suppressions'])).code).toBe(1);
    expect((await runCli(['audit', plain, '--fail-on', 'none'])).code).toBe(0);
  });

  test('--format sarif: a SARIF 2.1.0 log whose results point at the template and the resource', async () => {
    const run = await runCli(['audit', plain, '--format', 'sarif']);
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout);
    expect(sarif.version).toBe('2.1.0');
    const [runEntry] = sarif.runs;
    expect(runEntry.tool.driver.name).toBe('cdk-hardened-secrets');
    const ruleIds = runEntry.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(['HardenedSecrets-SecretAccessMonitored', 'HardenedSecrets-SecretRotationConfigured']);
    for (const rule of runEntry.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(10);
      expect(rule.help.text).toMatch(/Fix: /);
    }
    expect(runEntry.results.map((r: any) => [r.ruleId, r.level, ruleIds[r.ruleIndex]])).toEqual(expect.arrayContaining([
      ['HardenedSecrets-SecretRotationConfigured', 'error', 'HardenedSecrets-SecretRotationConfigured'],
      ['HardenedSecrets-SecretAccessMonitored', 'warning', 'HardenedSecrets-SecretAccessMonitored'],
    ]));
    expect(runEntry.results).toHaveLength(3);
    const rotation = runEntry.results.find((r: any) => r.ruleId === 'HardenedSecrets-SecretRotationConfigured');
    const [location] = rotation.locations;
    // The assembly is outside the working directory: a file: URL, without a base id.
    expect(location.physicalLocation.artifactLocation).toEqual({ uri: pathToFileURL(path.join(plain, `${EXAMPLE_STACK_NAME}.template.json`)).href });
    expect(location.physicalLocation.region.startLine).toBeGreaterThan(1);
    expect(location.logicalLocations[0]).toEqual({ name: expect.stringMatching(/^ApiKeySecret[0-9A-F]{8}$/), fullyQualifiedName: expect.stringMatching(/\/Template\/ApiKeySecret/), kind: 'resource' });
  });

  test('--format markdown prints the report; --format json holds the report and the findings', async () => {
    const md = await runCli(['audit', plain, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^# Secrets compliance report\n/);
    expect(md.stdout).toContain('## Evidence checklist');
    const json = JSON.parse((await runCli(['audit', plain, '--format', 'json'])).stdout);
    expect(json.report.secrets.map((s: { name: string }) => s.name)).toEqual(['prod/orders/database', 'prod/orders/payment-api-key']);
    expect(json.report.source.kind).toBe('templates');
    expect(json.findings).toHaveLength(3);
  });

  test('--packs runs the cdk-nag packs as well', async () => {
    const run = await runCli(['audit', plain, '--packs', 'hardened-secrets,aws-solutions,serverless', '--format', 'json', '--fail-on', 'none']);
    expect(run.code).toBe(0);
    const packs = new Set(JSON.parse(run.stdout).findings.map((f: JsonFinding) => f.pack));
    // The acknowledgements of the example are in the construct tree, not in the templates.
    expect([...packs].sort()).toEqual(['aws-solutions', 'hardened-secrets', 'serverless']);
  });
});

describe('suppressions written into the audited templates (Metadata.cdk_nag.rules_to_suppress)', () => {
  const literal = path.join(MALFORMED, 'suppressed-literal-secret.yaml').split(path.sep).join('/');
  const waiver = path.join(MALFORMED, 'suppressed-rotation-waiver.yaml').split(path.sep).join('/');
  const waiverReason = 'The maps provider issues one key per account and offers no API to replace it; the key is revoked and reissued by hand every quarter (ticket STORE-1412).';
  // The template's read grant (as in the corpus) uses ForAllValues on a single-valued key: a
  // warning that no suppression in the template covers, so it stays open in every run below.
  const setOperator = 'HardenedSecrets-IamPolicySetOperator[PolicyDocument.Statement[0].Condition::ForAllValues:StringEquals::secretsmanager:VersionStage]';

  const json = async (args: string[]) => {
    const run = await runCli(['audit', ...args, '--format', 'json']);
    return { code: run.code, findings: JSON.parse(run.stdout).findings as JsonFinding[], report: JSON.parse(run.stdout).report };
  };
  const sarifResults = async (args: string[]) => {
    const run = await runCli(['audit', ...args, '--format', 'sarif']);
    return { code: run.code, results: JSON.parse(run.stdout).runs[0].results as any[] };
  };

  test('the credential rules are exactly the ones a template can never suppress', () => {
    expect([...UNSUPPRESSIBLE_RULES].sort()).toEqual([
      'HardenedSecrets-NoAwsAccessKey',
      'HardenedSecrets-NoCredentialInBuildEnvironment',
      'HardenedSecrets-NoCredentialInContainerEnvironment',
      'HardenedSecrets-NoCredentialInHeader',
      'HardenedSecrets-NoCredentialInLambdaEnvironment',
      'HardenedSecrets-NoCredentialInOutput',
      'HardenedSecrets-NoCredentialInParameterDefault',
      'HardenedSecrets-NoCredentialInResourceProperty',
      'HardenedSecrets-NoCredentialInSsmParameter',
      'HardenedSecrets-NoCredentialInUserData',
      'HardenedSecrets-NoKnownTokenFormat',
      'HardenedSecrets-NoLiteralSecretString',
      'HardenedSecrets-NoPrivateKeyMaterial',
    ]);
  });

  test.each([[[] as string[]], [['--honor-suppressions']]])('a literal SecretString suppressed "trust me" in the template is still an error, exit 1 (%j)', async (flags) => {
    const out = await json([literal, ...flags]);
    expect(out.code).toBe(1);
    const seen = out.findings.map(f => ({
      rule: f.rule, logicalId: f.logicalId, level: f.level, suppressed: f.suppressed, suppression: f.suppression,
    }));
    expect(seen).toEqual([{
      rule: 'HardenedSecrets-NoLiteralSecretString[SecretString]',
      logicalId: 'WmsIntegrationUser',
      level: 'error',
      suppressed: false,
      suppression: { justification: 'trust me', honoured: false, notHonouredBecause: 'credential rules cannot be suppressed in a template' },
    }]);
    // The report counts it as open, not acknowledged.
    expect(out.report.summary.findings).toEqual({ error: 1, warning: 0, acknowledged: 0 });
    const sarif = await sarifResults([literal, ...flags]);
    expect(sarif.code).toBe(1);
    expect(sarif.results).toHaveLength(1);
    expect(sarif.results[0].suppressions).toBeUndefined();
    expect(sarif.results[0].properties.templateSuppressionNotHonoured).toEqual({ justification: 'trust me', reason: 'credential rules cannot be suppressed in a template' });
    const text = await runCli(['audit', literal, ...flags]);
    expect(text.stdout).toMatch(/^Audited 1 template\(s\): 1 error\(s\), 0 warning\(s\)\.\n/);
    expect(text.stdout).toContain('[suppression not honoured (credential rules cannot be suppressed in a template): trust me]');
    expect(text.stdout).toContain('1 finding(s) of a credential rule carry a suppression in the template that is never honoured');
  });

  test('a suppressed rotation finding, with --honor-suppressions: exit 0, reported as suppressed with the reason; the SARIF result carries an inSource suppression', async () => {
    const out = await json([waiver, '--honor-suppressions']);
    expect(out.code).toBe(0);
    expect(out.findings.map(f => [f.rule, f.suppressed, f.suppression])).toEqual([
      ['HardenedSecrets-SecretRotationConfigured', true, { justification: waiverReason, honoured: true, notHonouredBecause: null }],
      [setOperator, false, null],
    ]);
    // The report sees the same acknowledgement: a rotation waiver with the template's reason.
    expect(out.report.summary.findings).toEqual({ error: 0, warning: 1, acknowledged: 1 });
    expect(out.report.secrets.map((x: any) => x.rotation.waiver)).toEqual([waiverReason]);
    const sarif = await sarifResults([waiver, '--honor-suppressions']);
    expect(sarif.code).toBe(0);
    expect(sarif.results.map(r => [r.ruleId, r.level, r.suppressions])).toEqual([
      ['HardenedSecrets-SecretRotationConfigured', 'error', [{ kind: 'inSource', justification: waiverReason }]],
      ['HardenedSecrets-IamPolicySetOperator', 'warning', undefined],
    ]);
  });

  test('the same template without --honor-suppressions: exit 1, the finding open, no SARIF suppression', async () => {
    const out = await json([waiver]);
    expect(out.code).toBe(1);
    expect(out.findings.map(f => [f.rule, f.suppressed, f.suppression])).toEqual([
      ['HardenedSecrets-SecretRotationConfigured', false, { justification: waiverReason, honoured: false, notHonouredBecause: 'template suppressions are honoured only with --honor-suppressions' }],
      [setOperator, false, null],
    ]);
    expect(out.report.summary.findings).toEqual({ error: 1, warning: 1, acknowledged: 0 });
    const sarif = await sarifResults([waiver]);
    expect(sarif.code).toBe(1);
    expect(sarif.results.map(r => [r.ruleId, r.suppressions])).toEqual([
      ['HardenedSecrets-SecretRotationConfigured', undefined],
      ['HardenedSecrets-IamPolicySetOperator', undefined],
    ]);
  });

  test('the cdk-nag packs findings are matched to the same suppressions: AwsSolutions-SMG4 is suppressed only with the flag', async () => {
    const packs = ['--packs', 'hardened-secrets,aws-solutions'];
    const states = (findings: JsonFinding[]) => findings.map(f => `${f.rule} ${f.suppressed ? 'suppressed' : 'open'}`).sort();
    const honoured = await json([waiver, ...packs, '--honor-suppressions']);
    expect({ code: honoured.code, findings: states(honoured.findings) }).toEqual({
      code: 0,
      findings: ['AwsSolutions-SMG4 suppressed', `${setOperator} open`, 'HardenedSecrets-SecretRotationConfigured suppressed'],
    });
    const plain = await json([waiver, ...packs]);
    expect({ code: plain.code, findings: states(plain.findings) }).toEqual({
      code: 1,
      findings: ['AwsSolutions-SMG4 open', `${setOperator} open`, 'HardenedSecrets-SecretRotationConfigured open'],
    });
  });
});

describe('SARIF artifact locations are URI references (SARIF 2.1.0 §3.4.3)', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    // A directory and a file name that need percent-encoding.
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-sarif-')));
    tmp.push(dir);
    fs.mkdirSync(path.join(dir, 'infra templates'));
    file = path.join(dir, 'infra templates', 'maps #1.yaml');
    fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'suppressed-rotation-waiver.yaml'), file);
  });

  const firstLocation = (stdout: string) => {
    const [run] = JSON.parse(stdout).runs;
    return { artifact: run.results[0].locations[0].physicalLocation.artifactLocation, bases: run.originalUriBaseIds };
  };

  test('a file below the working directory: a relative, percent-encoded reference against %SRCROOT%, which maps to the working directory', async () => {
    const run = await runCli(['audit', path.join('infra templates', 'maps #1.yaml'), '--format', 'sarif'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(firstLocation(run.stdout)).toEqual({
      artifact: { uri: 'infra%20templates/maps%20%231.yaml', uriBaseId: '%SRCROOT%' },
      bases: { '%SRCROOT%': { uri: pathToFileURL(`${dir}/`).href } },
    });
    expect(pathToFileURL(`${dir}/`).href).toMatch(/^file:\/\/\/.*\/$/);
    // Resolved against the base, the reference names the file.
    expect(new URL('infra%20templates/maps%20%231.yaml', pathToFileURL(`${dir}/`)).href).toBe(pathToFileURL(file).href);
  });

  test('a file given by its absolute path, outside the working directory: a file: URL without a base id', async () => {
    const run = await runCli(['audit', file, '--format', 'sarif']);
    expect(run.code).toBe(1);
    const { artifact } = firstLocation(run.stdout);
    expect(artifact).toEqual({ uri: pathToFileURL(file).href });
    expect(artifact.uri).toContain('maps%20%231.yaml');
  });
});

describe('options', () => {
  const legacy = path.join(TEMPLATES, 'legacy-db-rotation-90-days.json');

  test('--max-rotation-days sets the maximum rotation interval', async () => {
    const rules = async (args: string[]) => JSON.parse((await runCli(['audit', legacy, '--format', 'json', ...args])).stdout).findings.map((f: JsonFinding) => f.rule);
    expect(await rules([])).toContain('HardenedSecrets-SecretRotationInterval');
    expect(await rules(['--max-rotation-days', '90'])).not.toContain('HardenedSecrets-SecretRotationInterval');
  });

  test('schema prints the JSON Schema shipped with the package', async () => {
    const run = await runCli(['schema']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'secrets-compliance.schema.json'), 'utf8')));
  });

  test.each([
    [['audit', legacy, '--format', 'xml'], /--format xml: expected text, json, markdown or sarif/],
    [['audit', legacy, '--fail-on', 'info'], /--fail-on info: expected error, warning or none/],
    [['audit', legacy, '--max-rotation-days', '0'], /--max-rotation-days 0: expected a whole number of days from 1 to 365/],
    [['audit', legacy, '--packs', 'nist-800-53-r4'], /--packs nist-800-53-r4: expected one of hardened-secrets, aws-solutions/],
    [['audit'], /audit takes one template file or cloud assembly directory, got 0/],
    [['audit', legacy, '--colour'], /Unknown option '--colour'/],
    [['audit', legacy, '--honor-suppressions=yes'], /--honor-suppressions.* does not take an argument/],
    [['scan', legacy], /unknown command 'scan'/],
  ])('%j: one line, exit 2', async (args, message) => {
    const run = await runCli(args);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(run.stderr.startsWith('cdk-hardened-secrets: ')).toBe(true);
  });
});

describe('unusable input: one line naming the file and the reason, exit 2, never a stack trace', () => {
  let emptyDir: string;
  beforeAll(() => {
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-empty-'));
    tmp.push(emptyDir);
  });

  test.each([
    ['missing.json', /: no such file or directory$/],
    ['truncated.json', /: not valid JSON \(/],
    ['not-a-template.json', /: not a CloudFormation template: it has no Resources section$/],
    ['broken.yaml', /: not valid YAML \(/],
    ['list.yaml', /: not a CloudFormation template: it has no top-level Resources section$/],
    ['empty.yaml', /: the file is empty$/],
    ['unsupported-intrinsic.json', /: unsupported intrinsic function Fn::Frobnicate$/],
  ])('%s', async (file, reason) => {
    const input = path.join(MALFORMED, file).split(path.sep).join('/');
    expectOneLineError(await runCli(['audit', input]), input, reason);
  });

  test('an empty directory is not a cloud assembly', async () => {
    expectOneLineError(await runCli(['audit', emptyDir]), emptyDir, /: not a cloud assembly: the directory holds no \*\.template\.json file$/);
  });
});
