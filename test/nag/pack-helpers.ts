import { App } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { SecretsManagerChecks, SecretsManagerChecksProps } from '../../src';

/** One unacknowledged finding of the SecretsManagerChecks pack. */
export interface PackFinding {
  /** Full rule id, e.g. `HardenedSecrets-SecretRetained` or `HardenedSecrets-NoAwsAccessKey[UserData]`. */
  readonly rule: string;
  /** Construct path of the resource. */
  readonly path: string;
  readonly severity: string;
  readonly description: string;
}

/**
 * Runs the pack over `scope` and lists every unacknowledged finding. The app is synthesised
 * first, as `cdk synth` does before validation plugins run, so that aspects (tags,
 * SecretGuardrails) have been applied.
 */
export function packFindings(scope: IConstruct, props: SecretsManagerChecksProps = {}): PackFinding[] {
  const root = scope.node.root;
  if (App.isApp(root)) {
    root.synth({ force: true });
  }
  const report = new SecretsManagerChecks(undefined, props).validateScope(scope);
  const out: PackFinding[] = [];
  for (const v of report.violations) {
    for (const r of v.violatingResources) {
      out.push({ rule: v.ruleName, path: r.constructPath ?? '', severity: v.severity ?? 'error', description: v.description });
    }
  }
  return out.sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
}

/** Findings of one rule (by name, without the pack prefix; suffixed findings included). */
export function ruleFindings(scope: IConstruct, rule: string, props: SecretsManagerChecksProps = {}): PackFinding[] {
  return packFindings(scope, props).filter(f => f.rule === `HardenedSecrets-${rule}` || f.rule.startsWith(`HardenedSecrets-${rule}[`));
}

/** `[rule id, construct path]` pairs, the form tests assert on. */
export function pairs(findings: PackFinding[]): [string, string][] {
  return findings.map(f => [f.rule, f.path]);
}

