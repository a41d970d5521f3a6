/**
 * Prowler's own check `secretsmanager_has_restrictive_resource_policy`, unmodified, on the
 * resource policies HardenedSecret (and SecretGuardrails ENFORCE on an aws-cdk-lib secret) synthesises, resolved to the ARNs they have once deployed in
 * account 111111111111, eu-west-1 (test/access/resolve.ts through the AccessModel).
 *
 * run_check.py runs the check as Prowler's unit tests do (moto's mock_aws, a SecretsManager
 * service on a mocked provider), for every secret and configuration of this file in one process.
 * It needs the virtualenv that .ci/run creates from requirements-dev.txt: without it the file is
 * skipped locally and fails under CI=true.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { GuardrailMode, HardenedSecret, RotationFunction, SecretAccessMode, SecretGuardrails, SecretRotationPolicy } from '../../src';
import { AccessModel, PolicyDocument } from '../access/engine';
import { UNRESOLVED } from '../access/resolve';
import { TEST_ENV } from '../helpers/stacks';
import { importedVpc } from '../helpers/vpc';

const PYTHON = path.join(__dirname, '..', '..', '.venv', 'bin', 'python');
const HARNESS = path.join(__dirname, 'run_check.py');
const VENV_MISSING = `${PYTHON} not found: the virtualenv with Prowler is made by .ci/run ` +
  '(python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt).';

const ORG = 'o-abcdefghij';
const OTHER_ORG = 'o-zzzzzzzzzz';

/** The roles every secret knows: a reader, a writer (granted after construction), break glass. */
function knownRoles(stack: Stack) {
  const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { breakGlass, reader, writer };
}

/** A secret with a reader, a writer, break glass and custom rotation (a RotationFunction). */
function customRotationSecret(stack: Stack, accessMode: SecretAccessMode): HardenedSecret {
  const { breakGlass, reader, writer } = knownRoles(stack);
  const secret = new HardenedSecret(stack, 'Secret', {
    rotation: SecretRotationPolicy.custom(new RotationFunction(stack, 'Rotator', { vpc: importedVpc(stack) })),
    breakGlassRoles: [breakGlass],
    readers: [reader],
    accessMode,
  });
  secret.grantWrite(writer);
  return secret;
}

/** A secret with a reader, break glass and a plain Lambda function of the stack as rotation. */
function lambdaRotationSecret(stack: Stack, accessMode: SecretAccessMode): HardenedSecret {
  const { breakGlass, reader } = knownRoles(stack);
  const rotator = new lambda.Function(stack, 'Rotator', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
  });
  return new HardenedSecret(stack, 'Secret', {
    rotation: SecretRotationPolicy.lambda(rotator),
    breakGlassRoles: [breakGlass],
    readers: [reader],
    accessMode,
  });
}

/** An aws-cdk-lib secret read through its own grantRead, under SecretGuardrails ENFORCE in `accessMode`. */
function guardedSecret(stack: Stack, accessMode: SecretAccessMode): secretsmanager.Secret {
  const { breakGlass, reader } = knownRoles(stack);
  const secret = new secretsmanager.Secret(stack, 'Secret');
  secret.grantRead(reader);
  SecretGuardrails.apply(stack, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass], accessMode });
  return secret;
}

/** Each secret, by its name for Prowler (also its stack's id). */
const SECRETS: Record<string, (stack: Stack) => IConstruct> = {
  'standard-custom-rotation': (s) => customRotationSecret(s, SecretAccessMode.STANDARD),
  'standard-lambda-rotation': (s) => lambdaRotationSecret(s, SecretAccessMode.STANDARD),
  'restrictive-custom-rotation': (s) => customRotationSecret(s, SecretAccessMode.RESTRICTIVE),
  'restrictive-lambda-rotation': (s) => lambdaRotationSecret(s, SecretAccessMode.RESTRICTIVE),
  'restrictive-organization': (s) => customRotationSecret(s, SecretAccessMode.restrictive({
    organizationId: ORG,
    additionalPrincipals: [new iam.Role(s, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() })],
  })),
  'guardrails-standard': (s) => guardedSecret(s, SecretAccessMode.STANDARD),
  'guardrails-restrictive': (s) => guardedSecret(s, SecretAccessMode.RESTRICTIVE),
};

/** Prowler's audit configurations: organizations_trusted_ids unset, the secret's organization, another. */
const CONFIGS: Array<{ label: string; trusted?: string[] }> = [
  { label: 'unset' },
  { label: `[${ORG}]`, trusted: [ORG] },
  { label: `[${OTHER_ORG}]`, trusted: [OTHER_ORG] },
];

/** Prowler's reasons for a FAIL, as its check words them. */
const REASONS = {
  /** No `Deny` to `*` on `secretsmanager:*` unless `StringNotEquals aws:PrincipalArn` [roles]. */
  denyForAll: "Missing or incorrect 'Deny' statement for all Principals",
  /** organizations_trusted_ids is set, and no `Deny` unless `StringNotEquals aws:PrincipalOrgID` [trusted ids]. */
  denyOutsideOrg: "Missing or incorrect 'Deny' statement restricting access outside 'PrincipalOrgID'",
};

interface Cell {
  readonly status: 'PASS' | 'FAIL';
  readonly reasons: string[];
}
const PASS: Cell = { status: 'PASS', reasons: [] };
const FAIL = (...reasons: string[]): Cell => ({ status: 'FAIL', reasons });
const STANDARD_ROW = [FAIL(REASONS.denyForAll), FAIL(REASONS.denyForAll, REASONS.denyOutsideOrg), FAIL(REASONS.denyForAll, REASONS.denyOutsideOrg)];
const RESTRICTIVE_ROW = [PASS, FAIL(REASONS.denyOutsideOrg), FAIL(REASONS.denyOutsideOrg)];

/**
 * What Prowler answers for each secret (rows) under each configuration (CONFIGS, columns): the
 * table of docs/prowler-check.md. STANDARD lets any principal of the account with IAM permissions
 * read; with trusted organizations configured, Prowler also requires the organization deny.
 */
const EXPECTED: Record<string, Cell[]> = {
  'standard-custom-rotation': STANDARD_ROW,
  'standard-lambda-rotation': STANDARD_ROW,
  'restrictive-custom-rotation': RESTRICTIVE_ROW,
  'restrictive-lambda-rotation': RESTRICTIVE_ROW,
  'restrictive-organization': [PASS, PASS, FAIL(REASONS.denyOutsideOrg)],
  'guardrails-standard': STANDARD_ROW,
  'guardrails-restrictive': RESTRICTIVE_ROW,
};

const CELLS = Object.entries(EXPECTED).flatMap(([name, row]) =>
  row.map((cell, config) => [name, CONFIGS[config].label, cell.status, cell.reasons, config] as const));

/** One finding of the harness. */
interface Finding {
  readonly name: string;
  readonly arn: string;
  readonly status: 'PASS' | 'FAIL';
  readonly status_extended: string;
}

/** Every secret's resolved resource policy, as Secrets Manager returns it once deployed. */
function synthesisePolicies(): Record<string, PolicyDocument> {
  const app = new App();
  const secrets = Object.entries(SECRETS).map(([name, build]) => [name, build(new Stack(app, name, { env: TEST_ENV }))] as const);
  const model = AccessModel.of(app);
  const policies = model.resourcesOfType('AWS::SecretsManager::ResourcePolicy');
  return Object.fromEntries(secrets.map(([name, secret]) => {
    const resolved = model.resource(secret);
    const mine = policies.filter((p) => p.stack === resolved.stack && p.properties.SecretId === resolved.ref);
    if (mine.length !== 1) {
      throw new Error(`${name}: ${mine.length} resource policies`);
    }
    return [name, mine[0].properties.ResourcePolicy as PolicyDocument];
  }));
}

/** Runs the check for every configuration of CONFIGS in one Python process: findings by config, then by secret. */
function runProwler(policies: Record<string, PolicyDocument>): Array<Record<string, Finding>> {
  const request = CONFIGS.map(({ trusted }) => ({
    account: TEST_ENV.account,
    region: TEST_ENV.region,
    ...(trusted ? { organizations_trusted_ids: trusted } : {}),
    secrets: Object.entries(policies).map(([name, policy]) => ({ name, policy })),
  }));
  const stdout = execFileSync(PYTHON, [HARNESS], {
    input: JSON.stringify(request),
    encoding: 'utf-8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
  });
  return (JSON.parse(stdout) as Finding[][]).map((audit) => Object.fromEntries(audit.map((f) => [f.name, f])));
}

const ci = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
const venv = fs.existsSync(PYTHON);

if (!venv && ci) {
  describe("Prowler's secretsmanager_has_restrictive_resource_policy", () => {
    test('the Prowler virtualenv exists (required under CI)', () => {
      throw new Error(VENV_MISSING);
    });
  });
} else if (!venv) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the Prowler check: ${VENV_MISSING}`);
  describe.skip("Prowler's secretsmanager_has_restrictive_resource_policy (no virtualenv)", () => {
    test('skipped', () => undefined);
  });
} else {
  describe("Prowler's secretsmanager_has_restrictive_resource_policy on synthesised policies", () => {
    let policies: Record<string, PolicyDocument>;
    let findings: Array<Record<string, Finding>>;

    beforeAll(() => {
      policies = synthesisePolicies();
      findings = runProwler(policies);
    }, 120_000);

    test('Prowler is given concrete policies: no intrinsic is left, the roles are named by ARN', () => {
      for (const [name, policy] of Object.entries(policies)) {
        const text = JSON.stringify(policy);
        expect({ name, unresolved: /Fn::|"Ref"|\$\{/.test(text) || text.includes(UNRESOLVED) }).toEqual({ name, unresolved: false });
      }
      const known = policies['restrictive-custom-rotation'].Statement.find((s) => s.Sid === 'DenyAllButKnownPrincipals');
      expect(JSON.stringify(known)).toMatch(/"arn:aws:iam::111111111111:role\/Reader[^"]*"/);
    });

    test('every secret has its row of expectations', () => {
      expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(SECRETS).sort());
    });

    test.each(CELLS)('%s, organizations_trusted_ids %s: %s', (name, _label, status, reasons, config) => {
      const finding = findings[config][name];
      expect(finding.status).toBe(status);
      // Exactly this cell's reasons, and none of the others.
      for (const reason of Object.values(REASONS)) {
        expect({ reason, given: finding.status_extended.includes(reason) }).toEqual({ reason, given: reasons.includes(reason) });
      }
    });
  });
}
