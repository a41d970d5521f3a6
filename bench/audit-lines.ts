/**
 * Audit benchmark in one template: `cdk-hardened-secrets audit` on a single generated template of
 * about 500, 2,000 and 4,000 resources, JSON and YAML.
 *
 * Acceptance: locating the line of every resource grows linearly with the size of the template
 * (it used to rescan the file per resource: 4,160 resources took 39 s); the largest template's
 * lines are located in under 5 s, and the time per resource of the whole audit at the largest
 * size stays within 1.5 times that at the smallest.
 *
 * The template repeats a block of 8 resources: a key, a secret using it, its resource policy and
 * rotation schedule, a role, a function whose environment holds a variable named `Secret` (which
 * must not be taken for the secret's line), and a policy granting read on the secret. Timed per
 * size: reading the text (parse, normalisation and the resource lines: `parseTemplateText` and
 * `normaliseTemplate`), and the whole audit as the command runs it (`audit(...)`, JSON output),
 * the median of R rounds after one warm-up, a full GC before each when `--expose-gc` is given.
 *
 * Run: `npx ts-node --project tsconfig.dev.json bench/audit-lines.ts [--sizes 520,2080,4160]
 * [--rounds 3]`. Prints a table; exits 1 when a check fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { audit } from '../src/cli/audit';
import { normaliseTemplate } from '../src/cli/normalise';
import { parseTemplateText } from '../src/cli/template-text';

const BLOCK = 8;
const LIMITS = { maxLinesSeconds: 5, maxPerResourceRatio: 1.5 } as const;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** A template of `n` resources (rounded down to whole blocks). */
function template(n: number): object {
  const resources: Record<string, object> = {};
  for (let b = 0; b < Math.floor(n / BLOCK); b++) {
    resources[`Key${b}`] = {
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' }] },
      },
    };
    resources[`Fn${b}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: 'exports.handler = async () => ({});' },
        Role: { 'Fn::GetAtt': [`Fn${b}Role`, 'Arn'] },
        // A variable named like the secret below: its line must not be taken for the secret's.
        Environment: { Variables: { [`Secret${b}`]: { Ref: `Secret${b}` } } },
      },
    };
    resources[`Secret${b}`] = {
      Type: 'AWS::SecretsManager::Secret',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Name: `prod/app/secret-${b}`,
        KmsKeyId: { 'Fn::GetAtt': [`Key${b}`, 'Arn'] },
        GenerateSecretString: { PasswordLength: 32 },
        Tags: [{ Key: 'owner', Value: 'team' }, { Key: 'environment', Value: 'prod' }, { Key: 'data-classification', Value: 'confidential' }],
      },
    };
    resources[`Secret${b}Policy`] = {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: {
        SecretId: { Ref: `Secret${b}` },
        BlockPublicPolicy: true,
        ResourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*' }] },
      },
    };
    resources[`Secret${b}Rotation`] = {
      Type: 'AWS::SecretsManager::RotationSchedule',
      Properties: { SecretId: { Ref: `Secret${b}` }, HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' }, RotationRules: { ScheduleExpression: 'rate(30 days)' } },
    };
    resources[`Fn${b}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
    };
    resources[`Fn${b}Policy`] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: `fn-${b}-read`,
        Roles: [{ Ref: `Fn${b}Role` }],
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: `Secret${b}` } }] },
      },
    };
    resources[`Fn${b}Logs`] = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } };
  }
  return { Resources: resources };
}

/** The same template as YAML: block style, two-space indentation (JSON values inline). */
function toYaml(value: unknown, indent = ''): string {
  if (typeof value !== 'object' || value === null) {
    return ` ${JSON.stringify(value)}\n`;
  }
  if (Array.isArray(value)) {
    return ` ${JSON.stringify(value)}\n`;
  }
  return `\n${Object.entries(value).map(([k, v]) => `${indent}${k}:${toYaml(v, `${indent}  `)}`).join('')}`;
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  (global as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): number {
  const sizes = flag('--sizes', '520,2080,4160').split(',').map(Number);
  const rounds = Number(flag('--rounds', '3'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-audit-lines-'));
  const rows: { format: string; resources: number; linesMs: number; auditMs: number; misplaced: number }[] = [];
  try {
    for (const n of sizes) {
      const data = template(n);
      for (const format of ['json', 'yaml'] as const) {
        const file = path.join(dir, `stack-${n}.${format}`);
        fs.writeFileSync(file, format === 'json' ? JSON.stringify(data, undefined, 2) : toYaml(data).slice(1));
        const text = fs.readFileSync(file, 'utf8');
        const read = () => {
          const parsed = parseTemplateText(text, file);
          normaliseTemplate(parsed.document, parsed.format);
          return parsed;
        };
        const run = () => audit({ input: file, format: 'json', failOn: 'none', maxRotationDays: 30, packs: ['hardened-secrets'] });
        read();
        run();
        const lines: number[] = [];
        const audits: number[] = [];
        let parsed = read();
        let out = '';
        for (let r = 0; r < rounds; r++) {
          const l = timed(read);
          lines.push(l.ms);
          parsed = l.value;
          const a = timed(run);
          audits.push(a.ms);
          out = a.value.stdout;
        }
        // Every secret's line is the line of its own key under Resources, not the variable's.
        const textLines = text.split('\n');
        const misplaced = [...parsed.resourceLines].filter(([id, line]) => !new RegExp(`^\\s*"?${id}"?\\s*:`).test(textLines[line - 1])).length;
        const findings = JSON.parse(out).findings as { line: number | null }[];
        const resources = Object.keys((data as { Resources: object }).Resources).length;
        const unlocated = findings.filter(f => f.line === null).length;
        rows.push({ format, resources, linesMs: median(lines), auditMs: median(audits), misplaced: misplaced + unlocated });
        console.error(`${format} ${resources} resources: lines ${median(lines).toFixed(0)} ms, audit ${median(audits).toFixed(0)} ms`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n| format | resources | read and locate lines (ms) | audit (s) | ms per resource | per resource vs smallest | misplaced lines |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  let status = 0;
  for (const format of ['json', 'yaml']) {
    const own = rows.filter(r => r.format === format);
    const base = own[0].auditMs / own[0].resources;
    for (const r of own) {
      const per = r.auditMs / r.resources;
      console.log(`| ${format} | ${r.resources.toLocaleString('en')} | ${r.linesMs.toFixed(0)} | ${(r.auditMs / 1000).toFixed(2)} | ${per.toFixed(2)} | ${(per / base).toFixed(2)} | ${r.misplaced} |`);
    }
    const largest = own[own.length - 1];
    const ratio = largest.auditMs / largest.resources / base;
    const checks: [string, boolean][] = [
      [`${format}: lines of ${largest.resources} resources located in ${(largest.linesMs / 1000).toFixed(2)} s (limit ${LIMITS.maxLinesSeconds} s)`, largest.linesMs / 1000 <= LIMITS.maxLinesSeconds],
      [`${format}: audit time per resource at ${largest.resources} is ${ratio.toFixed(2)}x that at ${own[0].resources} (limit ${LIMITS.maxPerResourceRatio}x)`, ratio <= LIMITS.maxPerResourceRatio],
      [`${format}: every resource line is the line of its own key`, own.every(r => r.misplaced === 0)],
    ];
    for (const [name, ok] of checks) {
      console.log(`${ok ? 'PASS' : 'FAIL'} ${name}`);
      status = ok ? status : 1;
    }
  }
  return status;
}

process.exitCode = main();
