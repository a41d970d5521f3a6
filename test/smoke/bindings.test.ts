/**
 * The Python and Java bindings, run: examples/python/app.py and examples/java (the README's
 * example app, examples/app.ts, in each language) synthesise the same templates and the same
 * compliance report as the TypeScript app, and SecretsManagerChecks finds the same findings.
 *
 * test/smoke/prepare.sh (run by .ci/run) builds what this needs from the packaged artefacts of
 * dist/: a virtualenv with the wheel and the pinned aws-cdk-lib, constructs and cdk-nag, and the
 * Java app compiled by Maven against the jar. Nothing is fetched here. Without it the suite is
 * skipped with a message, and fails under CI=true (unless BINDINGS_SMOKE=skip: the GitHub build
 * job tests before it packages).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { buildExampleApp, EXAMPLE_STACK_NAME } from '../../examples/app';
import { SecretsComplianceReport, SecretsManagerChecks } from '../../src';

const ROOT = path.join(__dirname, '..', '..');
const WORK = path.join(ROOT, '.bindings');
const PYTHON = path.join(WORK, 'venv', 'bin', 'python');
const JAVA_CLASSPATH = path.join(WORK, 'java-classpath.txt');
const READY = path.join(WORK, 'ready');

/** Why the bindings cannot be run here, or undefined when test/smoke/prepare.sh built them. */
function unavailable(): string | undefined {
  if (!fs.existsSync(READY)) {
    return `${path.relative(ROOT, READY)} is missing: run test/smoke/prepare.sh (after \`npx projen package:python package:java\`)`;
  }
  return undefined;
}

/** A finding of SecretsManagerChecks, as the apps of every language write it. */
interface Finding { readonly rule: string; readonly severity: string; readonly resource: string }
interface Findings { readonly example: Finding[]; readonly plain: Finding[] }

function findings(stack: Stack): Finding[] {
  return new SecretsManagerChecks().validateScope(stack).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({ rule: v.ruleName, severity: v.severity ?? 'error', resource: r.constructPath ?? '?' })));
}

/** The TypeScript side, written as the Python and Java apps write theirs (examples/python/app.py `main`). */
function synthTypeScript(outdir: string): void {
  const { app, stack } = buildExampleApp(new App({ outdir }));
  SecretsComplianceReport.of(app);
  app.synth();
  const plainApp = new App({ outdir: path.join(outdir, 'plain') });
  const plain = new Stack(plainApp, 'PlainSecretStack');
  new secretsmanager.Secret(plain, 'Plain');
  plainApp.synth();
  const all: Findings = { example: findings(stack), plain: findings(plain) };
  fs.writeFileSync(path.join(outdir, 'findings.json'), JSON.stringify(all, undefined, 1));
}

/**
 * What may legitimately differ between languages: the construct-path and asset metadata of each
 * resource and the CDKMetadata resource (it names the language when analytics are on). In
 * practice the templates are byte-identical; this only keeps the comparison to what matters.
 */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalise);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key !== 'CDKMetadata' && key !== 'aws:cdk:path' && !key.startsWith('aws:asset:')) {
        out[key] = normalise(v);
      }
    }
    return out;
  }
  return value;
}

/** The compliance report without the library version that wrote it (the packages may be bumped). */
function withoutGeneratorVersion(report: unknown): unknown {
  const r = report as { generator?: Record<string, unknown> };
  return { ...r, generator: { ...r.generator, version: undefined } };
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** What one app wrote: its templates, the compliance report and the findings. */
function output(outdir: string): { templates: Record<string, unknown>; report: unknown; findings: Findings } {
  const templates: Record<string, unknown> = {};
  for (const dir of [outdir, path.join(outdir, 'plain')]) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort()) {
      templates[file] = normalise(readJson(path.join(dir, file)));
    }
  }
  return {
    templates,
    report: withoutGeneratorVersion(readJson(path.join(outdir, 'secrets-compliance.json'))),
    findings: readJson(path.join(outdir, 'findings.json')) as Findings,
  };
}

const env = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
const why = unavailable();

test('the bindings are built (CI builds them in .ci/run)', () => {
  if (why !== undefined && process.env.CI === 'true' && process.env.BINDINGS_SMOKE !== 'skip') {
    throw new Error(`Python and Java smoke tests cannot run: ${why}`);
  }
  if (why !== undefined) {
    console.warn(`Python and Java smoke tests skipped: ${why}`);
  }
});

(why === undefined ? describe : describe.skip)('the README example app, in Python and Java', () => {
  let tmp: string;
  let typescript: ReturnType<typeof output>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-smoke-'));
    synthTypeScript(path.join(tmp, 'ts'));
    typescript = output(path.join(tmp, 'ts'));
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the TypeScript side has something to compare: the example stack, the plain stack and findings', () => {
    expect(Object.keys(typescript.templates)).toEqual([`${EXAMPLE_STACK_NAME}.template.json`, 'PlainSecretStack.template.json']);
    expect(typescript.findings.plain.length).toBeGreaterThan(3);
  });

  test.each([
    ['Python', () => execFileSync(PYTHON, [path.join(ROOT, 'examples', 'python', 'app.py'), path.join(tmp, 'python')], { env, stdio: 'pipe' })],
    ['Java', () => execFileSync('java', ['-cp', fs.readFileSync(JAVA_CLASSPATH, 'utf8').trim(), 'dev.cdkhardenedsecrets.examples.ExampleApp', path.join(tmp, 'java')], { env, stdio: 'pipe' })],
  ])('%s: the same templates, compliance report and SecretsManagerChecks findings', (language, run) => {
    run();
    const out = output(path.join(tmp, language.toLowerCase()));
    expect(Object.keys(out.templates)).toEqual(Object.keys(typescript.templates));
    for (const [file, template] of Object.entries(typescript.templates)) {
      expect({ file, template: out.templates[file] }).toEqual({ file, template });
    }
    expect(out.report).toEqual(typescript.report);
    expect(out.findings).toEqual(typescript.findings);
  }, 600_000);
});

describe('normalise', () => {
  test('drops what differs between languages and keeps everything else', () => {
    expect(normalise({
      Resources: {
        CDKMetadata: { Type: 'AWS::CDK::Metadata' },
        Key: { Type: 'AWS::KMS::Key', Metadata: { 'aws:cdk:path': 'S/Key/Resource', 'aws:asset:path': 'x', 'other': 1 }, Properties: { A: [{ version: '1' }] } },
      },
    })).toEqual({ Resources: { Key: { Type: 'AWS::KMS::Key', Metadata: { other: 1 }, Properties: { A: [{ version: '1' }] } } } });
  });
});
