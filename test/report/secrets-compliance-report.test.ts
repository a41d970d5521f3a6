import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// ajv 6 (draft-07) is CommonJS with `export =`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Ajv = require('ajv');
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { API_KEY_ROTATION_JUSTIFICATION, buildExampleApp, EXAMPLE_STACK_NAME } from '../../examples/app';
import { SecretRotationPolicy, HardenedSecret, SecretsComplianceReport, SecretsComplianceReportProps, SecretsManagerChecks } from '../../src';
import { packageVersion } from '../../src/report/build';
import { ComplianceReport, ReaderEntry, SCHEMA_VERSION, SecretEntry } from '../../src/report/model';
import { SECRETS_COMPLIANCE_SCHEMA } from '../../src/report/schema';
import { packFindings } from '../nag/pack-helpers';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const outdirs: string[] = [];

/** Synthesises `app` (built into a fresh outdir) with the report registered; returns the JSON and Markdown it wrote. */
interface Synthesised {
  readonly app: App;
  readonly report: ComplianceReport;
  readonly markdown: string;
  readonly outdir: string;
}

function synthWithReport(build: (app: App) => void, props?: SecretsComplianceReportProps): Synthesised {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-test-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  build(app);
  SecretsComplianceReport.of(app, props);
  app.synth();
  return {
    app,
    outdir,
    report: JSON.parse(fs.readFileSync(path.join(outdir, 'secrets-compliance.json'), 'utf8')),
    markdown: fs.readFileSync(path.join(outdir, 'secrets-compliance.md'), 'utf8'),
  };
}

function secretNamed(report: ComplianceReport, name: string): SecretEntry {
  const found = report.secrets.find(s => s.name === name);
  if (!found) {
    throw new Error(`no secret named ${name} in ${report.secrets.map(s => s.name).join(', ')}`);
  }
  return found;
}

/** Validates a report against the JSON Schema; returns the errors (empty when valid). */
function schemaErrors(report: unknown): string[] {
  const ajv = new Ajv({ allErrors: true });
  const valid = ajv.validate(SECRETS_COMPLIANCE_SCHEMA, report);
  return valid ? [] : (ajv.errors ?? []).map(e => `${e.dataPath} ${e.message}`);
}

afterAll(() => {
  for (const dir of outdirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('SecretsComplianceReport on the example app', () => {
  let result: ReturnType<typeof synthWithReport>;
  let db: SecretEntry;
  let apiKey: SecretEntry;

  beforeAll(() => {
    // GIVEN the example app with the report registered; WHEN it is synthesised
    result = synthWithReport(app => buildExampleApp(app));
    db = secretNamed(result.report, 'prod/orders/database');
    apiKey = secretNamed(result.report, 'prod/orders/payment-api-key');
  });

  test('synth writes secrets-compliance.json and secrets-compliance.md into the cloud assembly and does not fail', () => {
    expect(fs.readdirSync(result.outdir)).toEqual(expect.arrayContaining(['secrets-compliance.json', 'secrets-compliance.md', `${EXAMPLE_STACK_NAME}.template.json`]));
    expect(result.report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(result.report.source).toEqual({ kind: 'cloud-assembly', stacks: [{ stack: EXAMPLE_STACK_NAME, template: `${EXAMPLE_STACK_NAME}.template.json` }] });
  });

  test('the JSON is valid against the schema', () => {
    expect(schemaErrors(result.report)).toEqual([]);
  });

  test('the inventory lists both secrets with stack, logical id, construct path, name, tags and deletion policy', () => {
    expect(result.report.secrets.map(s => s.name)).toEqual(['prod/orders/database', 'prod/orders/payment-api-key']);
    expect(db).toMatchObject({
      stack: EXAMPLE_STACK_NAME,
      logicalId: expect.stringMatching(/^DatabaseSecret[0-9A-F]{8}$/),
      constructPath: `${EXAMPLE_STACK_NAME}/DatabaseSecret/Resource`,
      tags: { 'owner': 'orders-team', 'environment': 'prod', 'data-classification': 'restricted', 'rotation': 'hosted-30d' },
      deletionPolicy: 'Retain',
    });
    expect(db.id).toBe(`${EXAMPLE_STACK_NAME}/${db.logicalId}`);
    expect(apiKey.tags).toEqual({ 'owner': 'orders-team', 'environment': 'prod', 'data-classification': 'confidential', 'rotation': 'none' });
  });

  test('key: customer managed, rotation on, the account root as the only admin', () => {
    for (const secret of [db, apiKey]) {
      expect(secret.key).toEqual({
        kind: 'customer-managed',
        reference: expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/${secret.constructPath.split('/')[1]}Key[0-9A-F]{8}$`)),
        resource: secret.key.reference,
        rotationEnabled: true,
        rotationPeriodDays: 365,
        deletionPolicy: 'Retain',
        admins: [{ principal: expect.stringMatching(/^arn:.*:iam::111111111111:root$/), type: 'account', resource: null, constructPath: null }],
      });
    }
  });

  test('rotation: the database rotates with hosted PostgreSQL every 30 days; the API key is waived with its justification', () => {
    expect(db.rotation).toEqual({
      kind: 'hosted',
      schedule: expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/DatabaseSecret`)),
      rotator: 'PostgreSQLSingleUser',
      automaticallyAfterDays: null,
      scheduleExpression: 'rate(30 days)',
      window: null,
      worstCaseGapHours: 720,
      explanation: 'rate(30 days) rotates every 30 days',
      withinMaximum: true,
      waiver: null,
    });
    expect(apiKey.rotation).toMatchObject({ kind: 'none', schedule: null, worstCaseGapHours: null, withinMaximum: false, waiver: `Rotation waived: ${API_KEY_ROTATION_JUSTIFICATION}` });
    expect(db.replicas).toEqual([]);
  });

  test('resource policy: public access blocked, deletion denied to everyone, TLS required', () => {
    for (const secret of [db, apiKey]) {
      expect(secret.resourcePolicy).toEqual({
        policies: [expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/`))],
        blockPublicPolicy: true,
        publicAllow: false,
        denyDelete: true,
        denyDeleteExceptions: [],
        tlsRequired: true,
      });
    }
  });

  test('who can read: only the ApiClient role may read the API key, pinned to AWSCURRENT; nobody reads the database secret', () => {
    expect(db.readers).toEqual([]);
    expect(apiKey.readers).toEqual([expect.objectContaining<Partial<ReaderEntry>>({
      principal: expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/ApiClientRole[0-9A-F]{8}$`)),
      type: 'role',
      constructPath: `${EXAMPLE_STACK_NAME}/ApiClientRole/Resource`,
      source: 'identity-policy',
      policy: expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/ApiClientRolePolicy`)),
      actions: ['secretsmanager:GetSecretValue'],
      match: 'reference',
      conditions: expect.objectContaining({ StringEqualsIfExists: { 'secretsmanager:VersionStage': ['AWSCURRENT'] } }),
      pinnedToVersionStage: true,
      usedBy: ['assumed by lambda.amazonaws.com', expect.stringMatching(new RegExp(`^function ${EXAMPLE_STACK_NAME}/ApiClient[0-9A-F]{8}$`))],
    })]);
  });

  test('coverage: the function reaches Secrets Manager through the endpoint of its VPC; the monitor watches it, no trail in the app', () => {
    // The monitor's eight Secrets Manager detectors (the ninth, on KMS key events, is not about a secret's calls).
    expect(apiKey.coverage.monitoredBy).toHaveLength(8);
    for (const detector of apiKey.coverage.monitoredBy) {
      expect(detector).toMatch(new RegExp(`^${EXAMPLE_STACK_NAME}/SecretAccessMonitor`));
    }
    expect(apiKey.coverage).toEqual({
      monitoredBy: apiKey.coverage.monitoredBy,
      trails: [],
      networkPaths: [{
        reader: expect.stringMatching(/^function /),
        vpc: expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/Vpc[0-9A-F]{8}$`)),
        endpoint: expect.stringMatching(new RegExp(`^${EXAMPLE_STACK_NAME}/VpcSecretsManagerEndpoint`)),
      }],
    });
    expect(result.report.coverage.endpoints).toHaveLength(1);
    expect(result.report.coverage.trails).toEqual([]);
  });

  test("findings: each secret's own, acknowledged ones with the reason", () => {
    const brief = (s: SecretEntry) => s.findings.map(f => [f.rule, f.level, f.acknowledged, f.reason]);
    expect(brief(db)).toEqual([]);
    expect(brief(apiKey)).toEqual([
      ['HardenedSecrets-SecretRotationConfigured', 'error', true, `Rotation waived: ${API_KEY_ROTATION_JUSTIFICATION}`],
    ]);
  });

  test("the report's open findings are exactly the pack's findings", () => {
    // GIVEN the same app, checked by the pack itself
    const { app } = buildExampleApp(new App());
    const fromPack = packFindings(app).map(f => `${f.rule} ${f.path}`).sort();

    // THEN the report's unacknowledged findings name the same rules on the same resources
    const fromReport = result.report.findings.filter(f => !f.acknowledged).map(f => `${f.rule} ${f.constructPath}`).sort();
    expect(fromReport).toEqual(fromPack);
  });

  test('control mapping: every control of the issue, each on the rules that ran; all pass (the trail outside the app is evidence, not a control check)', () => {
    const ids = result.report.controls.map(c => `${c.framework} ${c.control}`);
    expect(ids).toEqual([
      'SOC 2 CC6.1', 'SOC 2 CC6.6', 'SOC 2 CC7.2', 'SOC 2 CC7.3',
      'PCI DSS 4.0 3', 'PCI DSS 4.0 8', 'PCI DSS 4.0 10',
      'NIST 800-53 R5 AC-3', 'NIST 800-53 R5 AC-6', 'NIST 800-53 R5 IA-5(1)', 'NIST 800-53 R5 SC-12', 'NIST 800-53 R5 SC-13',
      'NIST 800-53 R5 SC-28', 'NIST 800-53 R5 AU-12', 'NIST 800-53 R5 AU-6', 'NIST 800-53 R5 SI-4',
      'HIPAA 164.312(a)(1)', 'HIPAA 164.312(a)(2)(iv)', 'HIPAA 164.312(b)', 'HIPAA 164.312(d)', 'HIPAA 164.312(e)(1)',
    ]);
    // Every check is a rule of the pack: no status without findings (or their absence) behind it.
    expect(result.report.controls.flatMap(c => c.checks).filter(k => k.source !== 'pack')).toEqual([]);
    expect(result.report.controls.filter(c => c.status !== 'pass').map(c => `${c.framework} ${c.control}`)).toEqual([]);
    const rotation = result.report.controls.find(c => c.control === 'IA-5(1)')!.checks.find(k => k.check === 'SecretRotationConfigured');
    expect(rotation).toEqual({ check: 'SecretRotationConfigured', source: 'pack', status: 'pass', findings: 0, acknowledged: 1 });
  });

  test('evidence checklist: the six items; CloudTrail coverage partial (alarms on the organisation trail, which is outside the app)', () => {
    expect(result.report.evidence.map(e => [e.id, e.status])).toEqual([
      ['secrets-inventory', 'provided'],
      ['rotation-configuration', 'provided'],
      ['read-access', 'provided'],
      ['cloudtrail-coverage', 'partial'],
      ['secret-scanning', 'partial'],
      ['no-hardcoded-credentials-policy', 'provided'],
    ]);
  });

  test('the Markdown report', () => {
    // The package version changes with every release; the report does not.
    expect(result.markdown.replace(` ${packageVersion()} `, ' <version> ')).toMatchSnapshot();
  });
});

describe('who can read, across stacks', () => {
  let report: ComplianceReport;

  beforeAll(() => {
    // GIVEN a secret in one stack and, in another stack, a role granted read on it (cross-stack
    // export and import), a role with an ARN pattern, a role with SecretsManagerReadWrite, and
    // another account allowed by the secret's resource policy
    ({ report } = synthWithReport(app => {
      const data = new Stack(app, 'Data', { env: ENV });
      const secret = new HardenedSecret(data, 'Db', {
        secretName: 'prod/orders/db',
        owner: 'orders',
        environment: 'prod',
        rotation: SecretRotationPolicy.none('read by hand; the vendor offers no rotation API (SEC-1)'),
      });
      const unrelated = new secretsmanager.Secret(data, 'Other', { secretName: 'dev/other/token' });
      unrelated.node.addMetadata('test', 'a secret nobody in the app may read by name');
      const consumers = new Stack(app, 'Consumers', { env: ENV });
      const reader = new iam.Role(consumers, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      secret.grantRead(reader);
      const byPattern = new iam.Role(consumers, 'ByPattern', { assumedBy: new iam.AccountRootPrincipal() });
      byPattern.addToPolicy(new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/orders/*'],
      }));
      const admin = new iam.Role(consumers, 'Admin', {
        assumedBy: new iam.AccountRootPrincipal(),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecretsManagerReadWrite')],
      });
      Validations.of(admin).acknowledge({ id: 'HardenedSecrets-IamNoBroadSecretAccess', reason: 'break-glass administrators (test)' });
      secret.grantRead(new iam.AccountPrincipal('222222222222'));
    }));
  });

  test('the report is valid against the schema', () => {
    expect(schemaErrors(report)).toEqual([]);
  });

  test('every reader of the secret, with how the statement designates it', () => {
    const db = secretNamed(report, 'prod/orders/db');
    const readers = db.readers.map(r => [r.principal.replace(/[0-9A-F]{8}$/, ''), r.source, r.match, r.pinnedToVersionStage]);
    expect(readers).toEqual([
      ['Consumers/Reader', 'identity-policy', 'import', true],
      ['Consumers/ByPattern', 'identity-policy', 'arn-pattern', false],
      ['Consumers/Admin', 'aws-managed-policy', 'wildcard', false],
      [expect.stringMatching(/:iam::222222222222:root$/), 'resource-policy', 'resource-policy', true],
    ]);
    expect(db.readers[0].usedBy).toEqual(['assumed by ecs-tasks.amazonaws.com']);
  });

  test('an ARN pattern for other names does not read the other secret; the managed policy does', () => {
    const other = secretNamed(report, 'dev/other/token');
    expect(other.readers.map(r => [r.principal.replace(/[0-9A-F]{8}$/, ''), r.match])).toEqual([['Consumers/Admin', 'wildcard']]);
  });
});

describe('registration', () => {
  test('of() registers one report per app, and a second call returns it', () => {
    const app = new App();
    const first = SecretsComplianceReport.of(app);
    expect(SecretsComplianceReport.of(new Stack(app, 'S'))).toBe(first);
  });

  test('an app without secrets gets a report with an empty inventory, and the rules that ran find nothing', () => {
    const { report } = synthWithReport(app => {
      new iam.Role(new Stack(app, 'Empty', { env: ENV }), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    });
    expect(report.secrets).toEqual([]);
    const tls = report.controls.find(c => c.checks.some(k => k.check === 'SecretPolicyRequiresTls'))!.checks.find(k => k.check === 'SecretPolicyRequiresTls')!;
    expect(tls).toEqual({ check: 'SecretPolicyRequiresTls', source: 'pack', status: 'pass', findings: 0, acknowledged: 0 });
    expect(schemaErrors(report)).toEqual([]);
  });

  test('the report is written even when the pack fails synth', () => {
    // GIVEN an app with a plain aws-cdk-lib secret, the pack and the report registered
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-test-'));
    outdirs.push(outdir);
    const app = new App({ outdir });
    new secretsmanager.Secret(new Stack(app, 'Plain', { env: ENV }), 'Secret');
    Validations.of(app).addPlugins(new SecretsManagerChecks(app));
    SecretsComplianceReport.of(app);

    // WHEN it is synthesised THEN the pack fails synth
    expect(() => app.synth()).toThrow(/HardenedSecrets-SecretCustomerManagedKey/);

    // AND the evidence of why is in the assembly
    const report: ComplianceReport = JSON.parse(fs.readFileSync(path.join(outdir, 'secrets-compliance.json'), 'utf8'));
    expect(report.secrets.map(s => s.key.kind)).toEqual(['default']);
    expect(report.summary.findings.error).toBeGreaterThan(0);
  });

  test('the options of the checks are those given', () => {
    const { report } = synthWithReport(app => {
      new Stack(app, 'Empty', { env: ENV });
    }, { checks: { externalMonitor: 'organisation trail with Security Hub alarms (account 999999999999)' } });
    expect(report.options).toEqual({ maxRotationIntervalHours: 720, requiredTags: ['owner', 'environment', 'data-classification'], externalMonitor: 'organisation trail with Security Hub alarms (account 999999999999)' });
    expect(report.evidence.find(e => e.id === 'cloudtrail-coverage')!.status).toBe('partial');
  });
});

describe('the JSON Schema', () => {
  test('the shipped schema file is the schema the code validates with', () => {
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'secrets-compliance.schema.json'), 'utf8'));
    expect(file).toEqual(SECRETS_COMPLIANCE_SCHEMA);
  });

  test('it rejects a report with a missing field or a wrong version', () => {
    const { report } = synthWithReport(app => {
      new Stack(app, 'Empty', { env: ENV });
    });
    const { summary, ...withoutSummary } = report;
    expect(summary).toBeDefined();
    expect(schemaErrors(withoutSummary)).toEqual([" should have required property 'summary'"]);
    expect(schemaErrors({ ...report, schemaVersion: '0.9.0' })).toEqual(['.schemaVersion should be equal to constant']);
  });
});
