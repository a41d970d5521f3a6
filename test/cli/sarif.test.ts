import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// ajv 6 is CommonJS with `export =`; the SARIF 2.1.0 schema is draft-04.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Ajv = require('ajv');
import { CliRun, runCli } from './cli-helpers';
import { rulesTable } from '../../build-tools/rules-table';
import { AuditFinding } from '../../src/cli/finding';
import { resultMessage, ruleAnchor, ruleHelpUri, sarifLog } from '../../src/cli/sarif';
import { RULES } from '../../src/nag/rules';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, 'sarif-schema', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
const DRAFT_04 = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('ajv/package.json')), 'lib', 'refs', 'json-schema-draft-04.json'), 'utf8'));
const TEMPLATE = path.join(__dirname, '..', 'fixtures', 'templates', 'rds-credentials-aws-managed-key.json');
const STACKS = 16;

/** What GitHub code scanning reads of one result, resolved the way it resolves it. */
interface CodeScanningAlert {
  readonly ruleId: string;
  readonly level: string;
  readonly severity: number;
  readonly helpUri: string;
  readonly file: string;
  readonly startLine: number;
  readonly message: string;
}

function schemaErrors(log: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, schemaId: 'id', meta: false });
  ajv.addMetaSchema(DRAFT_04);
  return ajv.validate(SCHEMA, log) ? [] : (ajv.errors ?? []).map(e => `${e.dataPath} ${e.message}`);
}

/**
 * Reads a SARIF log as GitHub code scanning does (docs: "SARIF support for code scanning"):
 * the rule of a result by `ruleIndex` (or `ruleId`), `properties.security-severity` of the rule
 * (a string number from 0.0 to 10.0, with the `security` tag), `helpUri`, and
 * `artifactLocation.uri` relative to the repository root, ignoring `originalUriBaseIds`.
 */
function codeScanning(log: any, repository: string): CodeScanningAlert[] {
  expect(log.version).toBe('2.1.0');
  const [run] = log.runs;
  const rules: any[] = run.tool.driver.rules;
  return run.results.map((r: any) => {
    const rule = rules[r.ruleIndex];
    expect(rule.id).toBe(r.ruleId);
    expect(rule.properties.tags).toContain('security');
    const severity = rule.properties['security-severity'];
    expect(severity).toMatch(/^\d{1,2}\.\d$/);
    const uri: string = r.locations[0].physicalLocation.artifactLocation.uri;
    // A relative reference: no scheme, no leading slash, no way out of the repository.
    expect(uri).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/|(^|\/)\.\.(\/|$)/i);
    return {
      ruleId: r.ruleId,
      level: r.level,
      severity: Number(severity),
      helpUri: rule.helpUri,
      file: path.join(repository, ...uri.split('/').map(decodeURIComponent)),
      startLine: r.locations[0].physicalLocation.region.startLine,
      message: r.message.text,
    };
  });
}

describe('SARIF of a 16-stack cdk.out in a git repository, read as GitHub code scanning reads it', () => {
  let repo: string;
  let fromSubfolder: CliRun;
  let fromRoot: CliRun;
  let log: any;

  beforeAll(async () => {
    // GIVEN a repository whose infra/cdk.out holds 16 stacks
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sarif-repo-')));
    execFileSync('git', ['init', '-q', repo]);
    const assembly = path.join(repo, 'infra', 'cdk.out');
    fs.mkdirSync(assembly, { recursive: true });
    for (let i = 1; i <= STACKS; i++) {
      fs.copyFileSync(TEMPLATE, path.join(assembly, `Orders${i}.template.json`));
    }
    // WHEN the audit runs from the subfolder, and from the root
    [fromSubfolder, fromRoot] = await Promise.all([
      runCli(['audit', 'cdk.out', '--format', 'sarif'], { cwd: path.join(repo, 'infra') }),
      runCli(['audit', path.join('infra', 'cdk.out'), '--format', 'sarif'], { cwd: repo }),
    ]);
    log = JSON.parse(fromSubfolder.stdout);
  }, 300_000);

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('the log is valid SARIF 2.1.0 (the OASIS JSON schema)', () => {
    expect(fromSubfolder.code).toBe(1);
    expect(schemaErrors(log)).toEqual([]);
  });

  test('every result points at its template relative to the repository root, at the line of its resource', () => {
    const alerts = codeScanning(log, repo);
    expect(alerts.length).toBeGreaterThanOrEqual(STACKS);
    for (const alert of alerts) {
      expect(fs.existsSync(alert.file)).toBe(true);
      expect(path.relative(repo, alert.file)).toMatch(/^infra\/cdk\.out\/Orders\d+\.template\.json$/);
      const line = fs.readFileSync(alert.file, 'utf8').split('\n')[alert.startLine - 1];
      const logicalId = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+ ([A-Za-z0-9]+):/.exec(alert.message)?.[1];
      expect(logicalId).toBeDefined();
      expect(line).toContain(`"${logicalId}"`);
    }
  });

  test('the same log, locations and fingerprints whichever directory the audit runs from', () => {
    const locations = (stdout: string) => JSON.parse(stdout).runs[0].results
      .map((r: any) => [r.locations[0].physicalLocation, r.partialFingerprints]);
    expect(locations(fromRoot.stdout)).toEqual(locations(fromSubfolder.stdout));
  });

  test('every rule has a security-severity on GitHub\'s scale, a level, and a helpUri to its row of RULES.md', () => {
    const alerts = codeScanning(log, repo);
    const table = rulesTable();
    for (const alert of alerts) {
      expect(alert.severity).toBeGreaterThanOrEqual(0);
      expect(alert.severity).toBeLessThanOrEqual(10);
      expect(['error', 'warning']).toContain(alert.level);
      const anchor = /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/main\/RULES\.md#(.+)$/.exec(alert.helpUri)?.[1];
      expect(anchor).toBeDefined();
      // The rule table RULES.md is rendered from writes that anchor into the rule's row.
      expect(table).toContain(`<a id="${anchor}"></a>\`${alert.ruleId}\``);
    }
    // The credential finding of the template is critical, the organisational ones are not.
    expect(alerts.find(a => a.ruleId === 'HardenedSecrets-SecretCustomerManagedKey')?.severity).toBeLessThan(7);
  });

  test('rule texts are written once, in tool.driver.rules; results carry a short message', () => {
    const [run] = log.runs;
    const text = fromSubfolder.stdout;
    expect(run.results.length).toBeGreaterThanOrEqual(STACKS * 2);
    for (const rule of run.tool.driver.rules) {
      const fix = /Fix: (.*)$/s.exec(rule.help.text)?.[1];
      expect(fix).toBeDefined();
      // JSON-escaped as it stands in the log: once, in the rule's help.
      expect(text.split(JSON.stringify(fix).slice(1, -1)).length - 1).toBe(1);
    }
    for (const result of run.results) {
      expect(result.message.text).not.toMatch(/ (Why|Fix): /);
      expect(result.message.text.length).toBeLessThan(400);
    }
    // Size: the rules once, and about a kilobyte per result (the log was 7.9 MB for 16 stacks
    // when each result repeated its rule's texts).
    const rulesSize = JSON.stringify(run.tool.driver.rules, undefined, 2).length;
    expect((text.length - rulesSize) / run.results.length).toBeLessThan(1500);
  });
});

describe('the repository root', () => {
  let dir: string;
  beforeAll(() => {
    // GIVEN a directory that is no git work tree, with the template in a subfolder
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sarif-plain-')));
    fs.mkdirSync(path.join(dir, 'templates'));
    fs.copyFileSync(TEMPLATE, path.join(dir, 'templates', 'orders.json'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const uris = (run: CliRun) => [...new Set(JSON.parse(run.stdout).runs[0].results
    .map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri))];

  test('without git on the PATH, the working directory is the root', async () => {
    const run = await runCli(['audit', path.join('templates', 'orders.json'), '--format', 'sarif'], { cwd: dir, env: { PATH: '' } });
    expect(run.stderr).toBe('');
    expect(uris(run)).toEqual(['templates/orders.json']);
  });

  test('--root names the root explicitly', async () => {
    const run = await runCli(['audit', path.join(dir, 'templates', 'orders.json'), '--format', 'sarif', '--root', path.join(dir, 'templates')]);
    expect(uris(run)).toEqual(['orders.json']);
  });

  test('--root must be a directory', async () => {
    const run = await runCli(['audit', path.join(dir, 'templates', 'orders.json'), '--format', 'sarif', '--root', path.join(dir, 'missing')]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^cdk-hardened-secrets: --root .*missing: not a directory\n$/);
  });
});

describe('sarifLog', () => {
  const finding = (over: Partial<AuditFinding>): AuditFinding => ({
    pack: 'hardened-secrets',
    rule: 'HardenedSecrets-NoLiteralSecretString',
    ruleId: 'HardenedSecrets-NoLiteralSecretString[SecretString]',
    level: 'error',
    message: 'AWS::SecretsManager::Secret Db: SecretString holds literal text. Why: SOC 2 CC6.1. Fix: use GenerateSecretString.',
    constructPath: 'S/Template/Db',
    location: { file: 'a.json', absolutePath: path.join(os.tmpdir(), 'a.json'), logicalId: 'Db', line: 4 },
    ...over,
  });

  test('a result message is what is wrong with the resource, with the property path, without why and fix', () => {
    expect(resultMessage(finding({}))).toBe('[SecretString] AWS::SecretsManager::Secret Db: SecretString holds literal text.');
    expect(resultMessage(finding({ ruleId: 'HardenedSecrets-NoLiteralSecretString' }))).toBe('AWS::SecretsManager::Secret Db: SecretString holds literal text.');
    // A cdk-nag finding is its rule's description: its first sentence.
    const smg4 = 'The secret does not have automatic rotation scheduled. Rotating secrets on a regular schedule...';
    expect(resultMessage(finding({ rule: 'AwsSolutions-SMG4', ruleId: 'AwsSolutions-SMG4', message: smg4 })))
      .toBe('The secret does not have automatic rotation scheduled.');
  });

  test('security-severity: the catalogue\'s for the pack, 5.0 and 3.0 for cdk-nag errors and warnings', () => {
    const log: any = sarifLog([
      finding({}),
      finding({ pack: 'aws-solutions', rule: 'AwsSolutions-SMG4', ruleId: 'AwsSolutions-SMG4', message: 'No rotation.' }),
      finding({ pack: 'aws-solutions', rule: 'AwsSolutions-IAM5', ruleId: 'AwsSolutions-IAM5', level: 'warning', message: 'Wildcards.' }),
    ], new Map(), os.tmpdir());
    const severity = Object.fromEntries(log.runs[0].tool.driver.rules.map((r: any) => [r.id, r.properties['security-severity']]));
    expect(severity).toEqual({ 'HardenedSecrets-NoLiteralSecretString': '9.0', 'AwsSolutions-SMG4': '5.0', 'AwsSolutions-IAM5': '3.0' });
    expect(schemaErrors(log)).toEqual([]);
  });

  test('helpUri: the repository of package.json, RULES.md, the rule\'s anchor', () => {
    expect(ruleHelpUri('SecretTags')).toBe('https://github.com/cdk-hardened-secrets/cdk-hardened-secrets/blob/main/RULES.md#hardenedsecrets-secrettags');
    // Anchors are unique across the catalogue.
    expect(new Set(RULES.map(r => ruleAnchor(r.name))).size).toBe(RULES.length);
  });
});
