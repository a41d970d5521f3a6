/**
 * Audit benchmark: `cdk-hardened-secrets audit` on generated cloud assemblies of 5, 10, 20 and
 * 50 stacks of 100 resources each.
 *
 * Acceptance (issue): "audit of a generated assembly of 50 stacks x 100 resources: time and
 * growth from 5 to 50 stacks (should be linear); figures in the README."
 *
 * Each stack template holds 100 resources, written as CloudFormation JSON the way `cdk synth`
 * writes them: 20 secrets, each with its KMS key and resource policy (60), 10 rotation schedules,
 * 10 Lambda functions with their 10 execution roles, and 10 IAM policies that grant read on two
 * secrets each, pinned to AWSCURRENT. Stack i exports the ARN of its first secret and the role
 * of stack i+1 reads it through `Fn::ImportValue`, so "who can read" is resolved across stacks.
 *
 * One timed run is what the command does after parsing its arguments: bring every template in
 * with `CfnInclude`, run SecretsManagerChecks, build the compliance report and render it as JSON
 * (`audit(...)` of src/cli/audit.ts, in process). W untimed warm-up runs, then R timed ones per
 * size, a full GC before each; we report the median, the time per stack and its ratio to the
 * 5-stack assembly: a linear audit keeps that ratio near 1.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/audit.ts [--sizes 5,10,20,50]
 * [--rounds 5] [--warmup 1] [--verbose]`. Writes `bench/results/audit.json` (git-ignored);
 * exits 1 when the time per stack at the largest size is above `maxPerStackRatio` times that at
 * the smallest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Check, collectGarbage, elapsedMs, Environment, exitCode, fmt, int, machine, markdownTable, median, packageVersion,
  parseFlags, printSummary, round, runBenchmark, runTimes, writeResults,
} from './common';
import { audit } from '../src/cli/audit';

const DEFAULT_SIZES = [5, 10, 20, 50];
const RESOURCES_PER_STACK = 100;
const DEFAULT_ROUNDS = 5;
const DEFAULT_WARMUP = 1;
const RESULTS_FILE = path.join(__dirname, 'results', 'audit.json');
const CHILD_ENV = 'BENCH_AUDIT_MEASURE';

/** Linear growth: the time per stack at 50 stacks may be at most this multiple of that at 5. */
const LIMITS = { maxPerStackRatio: 1.5 } as const;

interface Options {
  readonly sizes: number[];
  readonly rounds: number;
  readonly warmup: number;
  readonly verbose: boolean;
}

interface SizeResult {
  readonly stacks: number;
  readonly resources: number;
  readonly secrets: number;
  readonly findings: number;
  readonly readers: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samplesMs: number[];
  readonly msPerStack: number;
}

interface Measurement {
  readonly sizes: SizeResult[];
}

const USAGE = 'usage: bench/audit.ts [--sizes 5,10,20,50] [--rounds 5] [--warmup 1] [--verbose]';

function parseArgs(argv: string[]): Options {
  const flags = parseFlags(argv, { valued: ['--sizes', '--rounds', '--warmup'], switches: ['--verbose'], usage: USAGE });
  const sizes = (flags.values['--sizes'] ?? DEFAULT_SIZES.join(',')).split(',').map(Number);
  if (sizes.length < 2 || sizes.some(n => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--sizes: at least two whole numbers of stacks\n${USAGE}`);
  }
  const rounds = Number(flags.values['--rounds'] ?? DEFAULT_ROUNDS);
  const warmup = Number(flags.values['--warmup'] ?? DEFAULT_WARMUP);
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(warmup) || warmup < 0) {
    throw new Error(`--rounds and --warmup are whole numbers (rounds >= 1)\n${USAGE}`);
  }
  return { sizes: [...sizes].sort((a, b) => a - b), rounds, warmup, verbose: flags.switches.has('--verbose') };
}

// ---------------------------------------------------------------------------------------------
// The generated assembly
// ---------------------------------------------------------------------------------------------

/** The template of stack `i` of `n`: 100 resources (see the file comment). */
function stackTemplate(i: number, n: number): object {
  const resources: Record<string, object> = {};
  const outputs: Record<string, object> = {};
  for (let s = 0; s < 20; s++) {
    resources[`Key${s}`] = {
      Type: 'AWS::KMS::Key',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' }],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    };
    resources[`Secret${s}`] = {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Name: `prod/app${i}/secret-${s}`,
        KmsKeyId: { 'Fn::GetAtt': [`Key${s}`, 'Arn'] },
        GenerateSecretString: { PasswordLength: 32 },
        Tags: [{ Key: 'owner', Value: 'team' }, { Key: 'environment', Value: 'prod' }, { Key: 'data-classification', Value: 'confidential' }],
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    };
    resources[`Secret${s}Policy`] = {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: {
        SecretId: { Ref: `Secret${s}` },
        BlockPublicPolicy: true,
        ResourcePolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*' },
            { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          ],
        },
      },
    };
  }
  for (let r = 0; r < 10; r++) {
    resources[`Secret${r}Rotation`] = {
      Type: 'AWS::SecretsManager::RotationSchedule',
      Properties: {
        SecretId: { Ref: `Secret${r}` },
        HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' },
        RotationRules: { ScheduleExpression: r % 2 === 0 ? 'rate(30 days)' : 'cron(0 3 ? * SUN *)' },
      },
    };
    resources[`Fn${r}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      },
    };
    resources[`Fn${r}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: 'exports.handler = async () => ({});' },
        Role: { 'Fn::GetAtt': [`Fn${r}Role`, 'Arn'] },
        Environment: { Variables: { SECRET_ARN: { Ref: `Secret${2 * r}` } } },
      },
      DependsOn: [`Fn${r}Policy`],
    };
    const secretsRead: unknown[] = [{ Ref: `Secret${2 * r}` }, { Ref: `Secret${2 * r + 1}` }];
    if (r === 0 && i > 0) {
      secretsRead.push({ 'Fn::ImportValue': `Stack${i - 1}:FirstSecretArn` });
    }
    resources[`Fn${r}Policy`] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: `fn-${r}-read`,
        Roles: [{ Ref: `Fn${r}Role` }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: secretsRead,
            Condition: { 'ForAllValues:StringEquals': { 'secretsmanager:VersionStage': 'AWSCURRENT' } },
          }],
        },
      },
    };
  }
  if (i < n - 1) {
    outputs.FirstSecretArn = { Value: { Ref: 'Secret0' }, Export: { Name: `Stack${i}:FirstSecretArn` } };
  }
  const template = { Resources: resources, Outputs: outputs };
  if (Object.keys(resources).length !== RESOURCES_PER_STACK) {
    throw new Error(`stack template has ${Object.keys(resources).length} resources, expected ${RESOURCES_PER_STACK}`);
  }
  return template;
}

/** Writes a cloud assembly directory of `n` stack templates. */
function writeAssembly(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-audit-${n}-`));
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(dir, `Stack${i}.template.json`), JSON.stringify(stackTemplate(i, n), undefined, 1));
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Measure (child) and report (parent)
// ---------------------------------------------------------------------------------------------

function measure(options: Options): Measurement {
  const sizes: SizeResult[] = [];
  for (const n of options.sizes) {
    const dir = writeAssembly(n);
    try {
      const run = () => audit({ input: dir, format: 'json', failOn: 'none', maxRotationDays: 30, packs: ['hardened-secrets'] });
      for (let w = 0; w < options.warmup; w++) {
        run();
      }
      const samples: number[] = [];
      let last = run();
      for (let r = 0; r < options.rounds; r++) {
        const gc = collectGarbage();
        const start = process.hrtime.bigint();
        last = run();
        const ms = elapsedMs(start, process.hrtime.bigint());
        samples.push(ms);
        if (options.verbose) {
          console.error(`${n} stacks, round ${r + 1}: ${fmt(ms, 0)} ms (gc before: ${fmt(gc, 0)} ms)`);
        }
      }
      const out = JSON.parse(last.stdout);
      const med = median(samples);
      sizes.push({
        stacks: n,
        resources: n * RESOURCES_PER_STACK,
        secrets: out.report.summary.secrets,
        findings: out.findings.length,
        readers: out.report.secrets.reduce((sum: number, s: { readers: unknown[] }) => sum + s.readers.length, 0),
        medianMs: round(med, 1),
        minMs: round(Math.min(...samples), 1),
        maxMs: round(Math.max(...samples), 1),
        samplesMs: samples.map(s => round(s, 1)),
        msPerStack: round(med / n, 1),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return { sizes };
}

function report(options: Options, env: Environment, m: Measurement, startedAt: bigint): number {
  const base = m.sizes[0];
  const rows = m.sizes.map(s => [
    int(s.stacks), int(s.resources), int(s.secrets), int(s.readers), int(s.findings),
    fmt(s.medianMs / 1000, 2), fmt(s.msPerStack, 0), fmt(s.msPerStack / base.msPerStack, 2),
  ]);
  console.log(`\n${markdownTable(
    ['stacks', 'resources', 'secrets', 'readers resolved', 'findings', 'audit (s, median)', 'ms per stack', 'per stack vs ' + base.stacks],
    ['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
    rows,
  )}\n`);
  const largest = m.sizes[m.sizes.length - 1];
  const ratio = largest.msPerStack / base.msPerStack;
  const checks: Check[] = [{
    name: 'linear growth',
    status: ratio <= LIMITS.maxPerStackRatio ? 'PASS' : 'FAIL',
    detail: `time per stack at ${largest.stacks} stacks is ${fmt(ratio, 2)}x that at ${base.stacks} (limit ${LIMITS.maxPerStackRatio}x)`,
  }];
  const times = runTimes(startedAt);
  writeResults(RESULTS_FILE, { environment: env, limits: LIMITS, times }, { options, sizes: m.sizes }, checks);
  printSummary(checks, times, RESULTS_FILE);
  return exitCode(checks);
}

runBenchmark<Options, Measurement>({
  file: __filename,
  childEnv: CHILD_ENV,
  title: 'Audit benchmark',
  parseArgs,
  environment: (o) => ({ ...machine(), 'aws-cdk-lib': packageVersion('aws-cdk-lib'), 'sizes': o.sizes.join('/'), 'rounds': o.rounds }),
  measure,
  report,
});
