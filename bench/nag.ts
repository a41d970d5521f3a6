/**
 * Nag-pack benchmark: the `SecretsManagerChecks` pack against cdk-nag's `AwsSolutionsChecks`.
 *
 * Acceptance (issue): "pack time on an app with 160 secrets and their grants, against
 * AwsSolutionsChecks on the same app in the same run: ratio <= 1.0; figures in the README."
 *
 * The app: N secrets (default 160) spread evenly over a few stacks (default 4), written the way
 * apps use them:
 *
 * - every other secret is a `HardenedSecret` (named `<env>/<app>/<name>`, tagged with owner,
 *   environment and classification); three in four of those rotate with the hosted PostgreSQL
 *   single-user function, one in four has `SecretRotationPolicy.none(justification)`;
 * - the others are plain aws-cdk-lib `secretsmanager.Secret`s; one in four of those has a hosted
 *   MySQL rotation added with `addRotationSchedule`;
 * - each consecutive pair of secrets (one hardened, one plain) is read by one consumer, with
 *   `grantRead`: a Lambda function (inline code, Node.js 22, the secret ARNs in its environment)
 *   or an IAM role for ECS tasks, alternately.
 *
 * The app is built and synthesized once, untimed (`app.synth()` runs the aspects, e.g. the tags,
 * as `cdk synth` does before the validation plugins run). One timed iteration is
 * `new Pack().validateScope(app)`: constructing the pack and walking the whole construct tree,
 * which is what the CDK validation framework calls for each registered cdk-nag 3 pack.
 *
 * Rounds: W untimed warm-up rounds (default 5; JIT, lazily loaded rule modules), then R timed
 * rounds (default 11, at least 5); each round runs both packs, alternating which one goes first,
 * with a full GC before every run so that one pack's garbage is not collected on the other's
 * clock. We report the medians and `ours / AwsSolutions`: the baseline runs in the same process,
 * at the same time, on the same tree, so the ratio cancels the machine's speed out.
 *
 * Why a child process: see `bench/common.ts`. The process started by ts-node type-checks the
 * file and reports; it forks itself with transpile-only ts-node and `--expose-gc`, and the child,
 * whose heap holds only the CDK app, does the timing.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/nag.ts [--secrets 160] [--rounds 11]
 * [--warmup 5] [--stacks 4] [--verbose]`. Writes `bench/results/nag.json` (git-ignored);
 * exits 1 when the ratio is above the limit.
 */
import * as path from 'node:path';
import { App, CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  Check, collectGarbage, elapsedMs, Environment, exitCode, fmt, int, interleavedRounds, machine, markdownTable,
  median, packageVersion, parseFlags, printSummary, round, runBenchmark, runTimes, writeResults,
} from './common';
import { DataClassification, HardenedSecret, SecretRotationPolicy, SecretsManagerChecks } from '../src';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const DEFAULT_SECRETS = 160;
const DEFAULT_STACKS = 4;
const DEFAULT_WARMUP = 5;
const DEFAULT_ROUNDS = 11;
const MIN_ROUNDS = 5;

const ENV = { account: '111111111111', region: 'eu-west-1' };
const APP_NAME = 'orders';
const ENVIRONMENT = 'prod';
const NO_ROTATION_JUSTIFICATION = 'third-party API key; the vendor offers no rotation API (ticket SEC-42)';
const RESULTS_FILE = path.join(__dirname, 'results', 'nag.json');
/** Set in the environment of the measuring child process. */
const CHILD_ENV = 'BENCH_NAG_MEASURE';

/** The threshold the check applies: our pack may not be slower than AwsSolutions. */
const LIMITS = {
  maxRatio: 1.0,
} as const;

const PACKS = ['ours', 'awsSolutions'] as const;
type PackId = (typeof PACKS)[number];

const PACK_LABELS: Record<PackId, string> = {
  ours: 'SecretsManagerChecks',
  awsSolutions: 'AwsSolutionsChecks',
};

const PACK_FACTORIES: Record<PackId, () => NagPack> = {
  ours: () => new SecretsManagerChecks(),
  awsSolutions: () => new AwsSolutionsChecks(),
};

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

interface Options {
  readonly secrets: number;
  readonly stacks: number;
  readonly warmup: number;
  readonly rounds: number;
  /** Log every run to stderr. */
  readonly verbose: boolean;
  /**
   * Time `validateScope(app)` (what unit tests call) instead of `validate(context)` (what
   * `cdk synth` calls for a registered plugin, with the paths of the templates it just wrote).
   */
  readonly scope: boolean;
}

/** What the app looks like. */
interface AppStats {
  readonly stacks: number;
  readonly hardenedSecrets: number;
  readonly plainSecrets: number;
  readonly lambdaConsumers: number;
  readonly roleConsumers: number;
  /** `CfnResource`s in the construct tree: what each pack visits. */
  readonly resources: number;
  readonly resourceTypes: Record<string, number>;
  /** Build the constructs, untimed in the comparison. */
  readonly constructMs: number;
  /** The one `app.synth()` before timing. */
  readonly synthMs: number;
}

/** What one pack reports on the app (identical on every run). */
interface Findings {
  /** Violating resources summed over every violation: one per (rule id, resource). */
  readonly findings: number;
  /** Distinct rule ids (suffixed ids such as `AwsSolutions-IAM5[...]` count on their own). */
  readonly ruleIds: number;
  /** Distinct rules, without the `[...]` suffix. */
  readonly rules: number;
  /** Findings per rule (without suffix), most first. */
  readonly byRule: Record<string, number>;
}

interface PackResult {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samplesMs: number[];
  readonly findings: Findings;
}

/** What the measuring child sends back to the parent. */
interface Measurement {
  readonly app: AppStats;
  /** What was timed: `validate(context)` or `validateScope(app)`. */
  readonly call: string;
  readonly packs: Record<PackId, PackResult>;
  /** ours median / AwsSolutions median. */
  readonly ratio: number;
}

// ---------------------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------------------

/** A reader of secrets: a Lambda function or a role, and where it learns the secret ARNs. */
interface Consumer {
  readonly grantee: iam.IGrantable;
  readonly addSecretArn?: (name: string, arn: string) => void;
}

function lambdaConsumer(stack: Stack, id: string): Consumer {
  const fn = new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
  return { grantee: fn, addSecretArn: (name, arn) => fn.addEnvironment(name, arn) };
}

function roleConsumer(stack: Stack, id: string): Consumer {
  return { grantee: new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }) };
}

/** The `k`th hardened secret of a stack (secret number `i`): every fourth one has no rotation. */
function hardenedSecret(stack: Stack, i: number, k: number): HardenedSecret {
  const rotation = k % 4 === 3
    ? SecretRotationPolicy.none(NO_ROTATION_JUSTIFICATION)
    : SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser());
  return new HardenedSecret(stack, `Hardened${i}`, {
    rotation,
    secretName: `${ENVIRONMENT}/${APP_NAME}/db-${stack.node.id.toLowerCase()}-${i}`,
    owner: 'team-orders',
    environment: ENVIRONMENT,
    dataClassification: DataClassification.CONFIDENTIAL,
  });
}

/** The `k`th plain secret of a stack (secret number `i`): every fourth one has hosted rotation. */
function plainSecret(stack: Stack, i: number, k: number): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(stack, `Plain${i}`, {
    generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'app' }), generateStringKey: 'password' },
  });
  if (k % 4 === 3) {
    secret.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
  }
  return secret;
}

/** Builds the app; secrets are numbered per stack, consumers alternate function / role. */
function buildApp(options: Options): { app: App; stats: Omit<AppStats, 'resources' | 'resourceTypes' | 'constructMs' | 'synthMs'> } {
  const app = new App();
  let hardened = 0;
  let plain = 0;
  let lambdas = 0;
  let roles = 0;
  for (let s = 0; s < options.stacks; s++) {
    const stack = new Stack(app, `Bench${s}`, { env: ENV });
    // An even split of the secrets over the stacks; the first stacks take the remainder.
    const count = Math.floor(options.secrets / options.stacks) + (s < options.secrets % options.stacks ? 1 : 0);
    let consumer: Consumer | undefined;
    for (let i = 0; i < count; i++) {
      const pair = Math.floor(i / 2);
      if (i % 2 === 0) {
        consumer = pair % 2 === 0 ? lambdaConsumer(stack, `Fn${pair}`) : roleConsumer(stack, `Role${pair}`);
        if (pair % 2 === 0) {
          lambdas++;
        } else {
          roles++;
        }
      }
      const secret = i % 2 === 0 ? hardenedSecret(stack, i, pair) : plainSecret(stack, i, pair);
      if (i % 2 === 0) {
        hardened++;
      } else {
        plain++;
      }
      secret.grantRead(consumer!.grantee);
      consumer!.addSecretArn?.(`SECRET_${i % 2 === 0 ? 'HARDENED' : 'PLAIN'}_ARN`, secret.secretArn);
    }
  }
  return {
    app,
    stats: { stacks: options.stacks, hardenedSecrets: hardened, plainSecrets: plain, lambdaConsumers: lambdas, roleConsumers: roles },
  };
}

function cfnResources(scope: IConstruct): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
}

function resourceTypes(resources: CfnResource[]): Record<string, number> {
  const types: Record<string, number> = {};
  for (const r of resources) {
    types[r.cfnResourceType] = (types[r.cfnResourceType] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(types).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Builds and synthesizes the app once; the packs then check the synthesized tree. */
function prepareApp(options: Options): { app: App; context: IPolicyValidationContext; stats: AppStats } {
  const start = process.hrtime.bigint();
  const { app, stats } = buildApp(options);
  const built = process.hrtime.bigint();
  const assembly = app.synth();
  const end = process.hrtime.bigint();
  const resources = cfnResources(app);
  // What the validation framework hands each plugin during `cdk synth`.
  const stackTemplates = assembly.stacks.map(s => ({
    stackConstructPath: s.hierarchicalId,
    templatePath: path.join(assembly.directory, s.templateFile),
    accountId: ENV.account,
    region: ENV.region,
  }));
  const context: IPolicyValidationContext = {
    templatePaths: stackTemplates.map(t => t.templatePath),
    stackTemplates,
    appConstruct: app,
  };
  return {
    app,
    context,
    stats: {
      ...stats,
      resources: resources.length,
      resourceTypes: resourceTypes(resources),
      constructMs: elapsedMs(start, built),
      synthMs: elapsedMs(built, end),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

/**
 * One run: a new pack, then `validate(context)` as `cdk synth` calls it (or `validateScope(app)`
 * with --scope). cdk-nag's own packs implement `validate` as `validateScope(appConstruct)`.
 */
function runOnce(
  pack: PackId, app: App, context: IPolicyValidationContext, scope: boolean,
): { ms: number; validation: PolicyValidationPluginReport } {
  const start = process.hrtime.bigint();
  const instance = PACK_FACTORIES[pack]();
  const validation = scope ? instance.validateScope(app) : instance.validate(context);
  const end = process.hrtime.bigint();
  return { ms: elapsedMs(start, end), validation };
}

function countFindings(validation: PolicyValidationPluginReport): Findings {
  const ids = new Set<string>();
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const v of validation.violations) {
    ids.add(v.ruleName);
    const rule = v.ruleName.split('[', 1)[0];
    byRule[rule] = (byRule[rule] ?? 0) + v.violatingResources.length;
    findings += v.violatingResources.length;
  }
  return {
    findings,
    ruleIds: ids.size,
    rules: Object.keys(byRule).length,
    byRule: Object.fromEntries(Object.entries(byRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
  };
}

function measureAll(options: Options): Measurement {
  const { app, context, stats } = prepareApp(options);
  console.error(
    `  app: ${stats.stacks} stacks, ${stats.hardenedSecrets} hardened + ${stats.plainSecrets} plain secrets, ` +
      `${stats.lambdaConsumers} functions + ${stats.roleConsumers} roles reading them, ${stats.resources} resources ` +
      `(construct ${fmt(stats.constructMs, 0)} ms, synth ${fmt(stats.synthMs, 0)} ms)`,
  );

  const samples: Record<PackId, number[]> = { ours: [], awsSolutions: [] };
  const findings: Partial<Record<PackId, Findings>> = {};
  // Round r runs our pack first when r is even, AwsSolutions first when it is odd.
  interleavedRounds(PACKS, options.warmup, options.rounds, (pack, r, timed) => {
    const gcMs = collectGarbage();
    const run = runOnce(pack, app, context, options.scope);
    const counted = countFindings(run.validation);
    const first = findings[pack];
    if (!first) {
      findings[pack] = counted;
    } else if (first.findings !== counted.findings || first.ruleIds !== counted.ruleIds) {
      throw new Error(`${PACK_LABELS[pack]} reported ${counted.findings} findings in round ${r}, ${first.findings} before`);
    }
    if (timed) {
      samples[pack].push(run.ms);
    }
    if (options.verbose) {
      console.error(`    #${r} ${timed ? 'timed' : 'warm-up'} ${PACK_LABELS[pack]}: ${fmt(run.ms, 1)} ms (gc before ${fmt(gcMs, 1)})`);
    }
  });

  const summarize = (pack: PackId): PackResult => ({
    medianMs: median(samples[pack]),
    minMs: Math.min(...samples[pack]),
    maxMs: Math.max(...samples[pack]),
    samplesMs: samples[pack].map((ms) => round(ms, 2)),
    findings: findings[pack]!,
  });
  const packs = { ours: summarize('ours'), awsSolutions: summarize('awsSolutions') };
  return { app: stats, call: options.scope ? 'validateScope(app)' : 'validate(context)', packs, ratio: packs.ours.medianMs / packs.awsSolutions.medianMs };
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

function checkRatio(m: Measurement): Check {
  return {
    name: `pack time ratio SecretsManagerChecks/AwsSolutionsChecks <= ${fmt(LIMITS.maxRatio, 1)}`,
    status: m.ratio <= LIMITS.maxRatio ? 'PASS' : 'FAIL',
    detail: `${fmt(m.ratio, 2)} (${fmt(m.packs.ours.medianMs, 1)} ms / ${fmt(m.packs.awsSolutions.medianMs, 1)} ms)`,
  };
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function legend(m: Measurement): string {
  const a = m.app;
  return [
    `- app: ${a.hardenedSecrets + a.plainSecrets} secrets over ${a.stacks} stacks: ${a.hardenedSecrets} \`HardenedSecret\` ` +
      '(3 in 4 hosted rotation, 1 in 4 `SecretRotationPolicy.none`) and ' +
      `${a.plainSecrets} \`secretsmanager.Secret\` (1 in 4 with hosted rotation), each pair read by one consumer with \`grantRead\`: ` +
      `${a.lambdaConsumers} Lambda functions (inline code) and ${a.roleConsumers} IAM roles; ${a.resources} resources`,
    `- time = \`new Pack().${m.call}\` on the synthesized app (\`validate(context)\` is what \`cdk synth\` calls for a registered plugin), median; both packs in the same process, alternating;`,
    '  ratio = SecretsManagerChecks / AwsSolutionsChecks; findings = violating resources summed over rule ids',
  ].join('\n');
}

function packTable(m: Measurement): string {
  const header = ['pack', 'median ms', 'min ms', 'max ms', 'resources', 'findings', 'rule ids', 'rules'];
  const rows = PACKS.map((p) => {
    const r = m.packs[p];
    return [
      PACK_LABELS[p],
      fmt(r.medianMs, 1),
      fmt(r.minMs, 1),
      fmt(r.maxMs, 1),
      String(m.app.resources),
      int(r.findings.findings),
      String(r.findings.ruleIds),
      String(r.findings.rules),
    ];
  });
  return markdownTable(header, header.map((_, i) => (i === 0 ? '---' : '---:')), rows);
}

function findingsByRule(m: Measurement): string {
  const lines = PACKS.map((p) => {
    const entries = Object.entries(m.packs[p].findings.byRule).map(([rule, n]) => `${rule} ${n}`);
    return `  ${PACK_LABELS[p]}: ${entries.join(', ') || 'none'}`;
  });
  return ['Findings by rule:', ...lines].join('\n');
}

function resourceLine(m: Measurement): string {
  return `Resources by type: ${Object.entries(m.app.resourceTypes).map(([t, n]) => `${t} ${n}`).join(', ')}`;
}

/** The line the README's benchmark section takes. */
function readmeLine(m: Measurement, options: Options): string {
  const a = m.app;
  return (
    `| ${a.hardenedSecrets + a.plainSecrets} secrets (${a.hardenedSecrets} hardened + ${a.plainSecrets} plain), ` +
    `${a.lambdaConsumers + a.roleConsumers} grantees, ${a.stacks} stacks, ${a.resources} resources ` +
    `| ${fmt(m.packs.ours.medianMs, 1)} ms, ${int(m.packs.ours.findings.findings)} findings ` +
    `| ${fmt(m.packs.awsSolutions.medianMs, 1)} ms, ${int(m.packs.awsSolutions.findings.findings)} findings ` +
    `| **${fmt(m.ratio, 2)}** (target ≤ ${fmt(LIMITS.maxRatio, 1)}) | median of ${options.rounds} |`
  );
}

function environment(options: Options): Environment {
  return {
    ...machine(),
    awsCdkLib: packageVersion('aws-cdk-lib'),
    cdkNag: packageVersion('cdk-nag'),
    secrets: options.secrets,
    stacks: options.stacks,
    warmup: options.warmup,
    rounds: options.rounds,
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

const USAGE = 'usage: bench/nag.ts [--secrets N>=2] [--rounds R>=5] [--warmup W>=0] [--stacks S>=1] [--scope] [--verbose]';

function parseIntArg(flag: string, text: string, min: number): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new Error(`${flag}: expected an integer >= ${min}, got '${text}'\n${USAGE}`);
  }
  return value;
}

function parseArgs(argv: string[]): Options {
  const { values: given, switches } = parseFlags(argv, {
    valued: ['--secrets', '--rounds', '--warmup', '--stacks'],
    switches: ['--verbose', '--scope'],
    usage: USAGE,
  });
  const secrets = given['--secrets'] ? parseIntArg('--secrets', given['--secrets'], 2) : DEFAULT_SECRETS;
  const stacks = given['--stacks'] ? parseIntArg('--stacks', given['--stacks'], 1) : DEFAULT_STACKS;
  if (stacks > secrets) {
    throw new Error(`--stacks ${stacks}: more stacks than secrets (${secrets})\n${USAGE}`);
  }
  return {
    secrets,
    stacks,
    rounds: given['--rounds'] ? parseIntArg('--rounds', given['--rounds'], MIN_ROUNDS) : DEFAULT_ROUNDS,
    warmup: given['--warmup'] ? parseIntArg('--warmup', given['--warmup'], 0) : DEFAULT_WARMUP,
    verbose: switches.has('--verbose'),
    scope: switches.has('--scope'),
  };
}

// ---------------------------------------------------------------------------------------------
// Main: the parent reports, the child measures
// ---------------------------------------------------------------------------------------------

/** Parent: print the tables, the checks and the README line, write the results; 1 when the check fails. */
function report(options: Options, env: Environment, m: Measurement, startedAt: bigint): number {
  const checks = [checkRatio(m)];
  const times = runTimes(startedAt);

  console.log(`\nMedian of ${options.rounds} timed rounds (after ${options.warmup} warm-up), new Pack().${options.scope ? 'validateScope(app)' : 'validate(context)'}:\n`);
  console.log(packTable(m));
  console.log(`\n${legend(m)}`);
  console.log(`\n${findingsByRule(m)}`);
  console.log(`\n${resourceLine(m)}\n`);
  printSummary(checks, times, RESULTS_FILE);
  console.log('\nREADME line (| app | SecretsManagerChecks | AwsSolutionsChecks | ratio | rounds |):\n');
  console.log(readmeLine(m, options));

  writeResults(RESULTS_FILE, { environment: env, limits: LIMITS, times }, { app: m.app, packs: m.packs, ratio: m.ratio }, checks);
  return exitCode(checks);
}

runBenchmark({
  file: __filename,
  childEnv: CHILD_ENV,
  title: 'Nag pack benchmark',
  parseArgs,
  environment,
  measure: measureAll,
  report,
});
