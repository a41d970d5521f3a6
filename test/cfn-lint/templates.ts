/**
 * Every template the library's apps synthesise, for one cfn-lint run: the example apps, the
 * integration snapshots and the access-proof apps.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, cx_api as cxapi } from 'aws-cdk-lib';
import { buildRestrictiveGuardrailsApp } from '../../examples/access-modes/restrictive-guardrails';
import { buildRestrictiveSecretApp } from '../../examples/access-modes/restrictive-secret';
import { buildExampleApp } from '../../examples/app';
import { acknowledgeFindings, buildVendorIntegrationApp } from '../../examples/compliance/acknowledge-finding';
import { buildImportedSecretsApp } from '../../examples/consumers/imported-secrets';
import { buildConsumersApp } from '../../examples/consumers/lambda-and-ecs';
import { buildGuardApp } from '../../examples/guard/guard-hook';
import { buildRolloutApp } from '../../examples/guard/organization-rollout';
import { buildMonitoringApp } from '../../examples/monitoring/secret-access-monitor';
import { buildReplicatedSecretApp } from '../../examples/multi-region/replicated-secret';
import { buildPrivateSecretsApp } from '../../examples/network/private-secrets';
import { buildApiTokenApp } from '../../examples/rotation/api-token';
import { buildProductTeamApp, completeProductTeamStack, governApp } from '../../examples/security-team';
import { buildUsageApp } from '../../examples/usage/usage-stacks';
import { GuardrailMode } from '../../src';
import { ALL_SCENARIOS } from '../access/matrices';

const ROOT = path.join(__dirname, '..', '..');
/** The committed integration snapshots: exactly what integ/integ.*.ts synthesise (integ/snapshot.ts proves it). */
export const INTEG_DIR = path.join(ROOT, 'integ');

/** One template to lint. */
export interface LintedTemplate {
  /** Where it comes from and which stack it is, e.g. `examples/rotation/api-token.ts ApiTokenRotationExample`: what accepted warnings match. */
  readonly name: string;
  /** The template file. */
  readonly file: string;
  /** The stack's region, when the app pins one. */
  readonly region?: string;
}

/** An app of examples/ or of an access matrix, built once. */
interface AppSource {
  /** The file or scenario the app comes from. */
  readonly source: string;
  readonly build: (app: App) => void;
}

/**
 * The apps of examples/: every `build…App` function (examples/monitoring/restrictive-readers.ts is
 * a construct, the rest are handlers and helpers), the security team's app under ENFORCE as it
 * deploys (owner tags set, rotation acknowledged with a reason). examples/compliance-report.ts
 * registers the pack and the compliance report on examples/app.ts: the same templates.
 */
const EXAMPLE_APPS: AppSource[] = [
  { source: 'examples/app.ts', build: (app) => buildExampleApp(app) },
  { source: 'examples/rotation/api-token.ts', build: (app) => buildApiTokenApp(app) },
  { source: 'examples/network/private-secrets.ts', build: (app) => buildPrivateSecretsApp(app) },
  { source: 'examples/multi-region/replicated-secret.ts', build: (app) => buildReplicatedSecretApp(app) },
  { source: 'examples/consumers/lambda-and-ecs.ts', build: (app) => buildConsumersApp(app) },
  { source: 'examples/consumers/imported-secrets.ts', build: (app) => buildImportedSecretsApp(app) },
  { source: 'examples/monitoring/secret-access-monitor.ts', build: (app) => buildMonitoringApp(app) },
  { source: 'examples/usage/usage-stacks.ts', build: (app) => buildUsageApp(app) },
  { source: 'examples/compliance/acknowledge-finding.ts', build: (app) => acknowledgeFindings(buildVendorIntegrationApp(app)) },
  { source: 'examples/access-modes/restrictive-secret.ts', build: (app) => buildRestrictiveSecretApp(app) },
  { source: 'examples/access-modes/restrictive-guardrails.ts', build: (app) => buildRestrictiveGuardrailsApp(app) },
  { source: 'examples/guard/guard-hook.ts', build: (app) => buildGuardApp(app) },
  { source: 'examples/guard/organization-rollout.ts', build: (app) => buildRolloutApp(app) },
  {
    source: 'examples/security-team.ts',
    build: (app) => {
      const { stack } = buildProductTeamApp(app);
      governApp(app, GuardrailMode.ENFORCE);
      // What the product team adds for synth to pass (test/examples.test.ts shows it fail without).
      completeProductTeamStack(stack);
    },
  },
];

/** A file-system-safe folder name for a source. */
function folder(index: number, source: string): string {
  return `${String(index).padStart(2, '0')}-${source.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}`;
}

/** The templates of a synthesised app, written into `dir`. */
function writeTemplates(app: App, source: string, dir: string): LintedTemplate[] {
  const assembly = app.synth({ force: true });
  fs.mkdirSync(dir, { recursive: true });
  return assembly.stacks.map((stack) => {
    const file = path.join(dir, `${stack.id}.template.json`);
    fs.writeFileSync(file, JSON.stringify(stack.template, undefined, 1));
    const region = stack.environment.region;
    return { name: `${source} ${stack.id}`, file, region: region === 'unknown-region' ? undefined : region };
  });
}

/**
 * Synthesises every example app and every access-matrix app once, each into a folder of `dir`,
 * and lists their templates with the committed integration snapshots.
 *
 * The apps are synthesised as `cdk synth` does by default, with `aws:cdk:path` metadata on every
 * resource (the CLI passes the context in CDK_CONTEXT_JSON; the access scenarios create their own
 * App, so the context is given the same way, for the duration of the synthesis).
 */
export function synthesiseAll(dir: string): LintedTemplate[] {
  const given = process.env[cxapi.CONTEXT_ENV];
  process.env[cxapi.CONTEXT_ENV] = JSON.stringify({ ...JSON.parse(given ?? '{}'), [cxapi.PATH_METADATA_ENABLE_CONTEXT]: true });
  try {
    return [...synthesiseApps(dir), ...integSnapshots()];
  } finally {
    if (given === undefined) {
      delete process.env[cxapi.CONTEXT_ENV];
    } else {
      process.env[cxapi.CONTEXT_ENV] = given;
    }
  }
}

/** An app of `EXAMPLE_APPS` or of an access scenario, built into a fresh App. */
function apps(dir: string): Array<{ source: string; app: () => App }> {
  return [
    ...EXAMPLE_APPS.map(({ source, build }, index) => ({
      source,
      app: () => {
        const app = new App({ outdir: path.join(dir, 'assemblies', folder(index, source)) });
        build(app);
        return app;
      },
    })),
    ...ALL_SCENARIOS.map((scenario) => ({ source: `access: ${scenario.name}`, app: () => scenario.build().app })),
  ];
}

/** Where the synthesised templates come from: each example file and each access scenario (`access: <name>`). */
export const APP_SOURCES: readonly string[] = apps('').map((a) => a.source);

function synthesiseApps(dir: string): LintedTemplate[] {
  return apps(dir).flatMap(({ source, app }, index) => {
    const built = app();
    try {
      return writeTemplates(built, source, path.join(dir, 'templates', folder(index, source)));
    } finally {
      // The templates are copied: the assembly (the access scenarios' apps choose a temporary folder of their own) goes.
      if (path.resolve(built.outdir).startsWith(path.resolve(os.tmpdir()))) {
        fs.rmSync(built.outdir, { recursive: true, force: true });
      }
    }
  });
}

/** The committed integration snapshot templates, as they are. */
function integSnapshots(): LintedTemplate[] {
  return fs.readdirSync(INTEG_DIR).filter((f) => f.endsWith('.snapshot')).sort().flatMap((snapshot) => {
    const integApp = snapshot.replace(/\.snapshot$/, '');
    return fs.readdirSync(path.join(INTEG_DIR, snapshot)).filter((f) => f.endsWith('.template.json')).sort()
      .map((file) => ({ name: `integ/${integApp} ${file.replace(/\.template\.json$/, '')}`, file: path.join(INTEG_DIR, snapshot, file) }));
  });
}
