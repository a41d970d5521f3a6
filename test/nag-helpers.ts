import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  NagPack,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';

/** The five cdk-nag packs every construct of this library must pass. */
export function allPacks(): NagPack[] {
  return [
    new AwsSolutionsChecks(),
    new HIPAASecurityChecks(),
    new NIST80053R5Checks(),
    new PCIDSS321Checks(),
    new ServerlessChecks(),
  ];
}

/** One unacknowledged finding: rule id and the construct path of the resource. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly resource: string;
  readonly severity: string;
}

/** Every unacknowledged finding of the given packs on `scope`. */
export function nagFindings(scope: IConstruct, packs: NagPack[] = allPacks()): Finding[] {
  const findings: Finding[] = [];
  for (const pack of packs) {
    const report = pack.validateScope(scope);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({
          pack: pack.readPackName,
          rule: violation.ruleName,
          resource: resource.constructPath ?? '',
          severity: violation.severity ?? 'error',
        });
      }
    }
  }
  return findings;
}

/** One acknowledgement recorded with `Validations.of(x).acknowledge`. */
export interface AcknowledgementRecord {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** Every acknowledgement in the construct tree below `scope`, sorted. */
export function acknowledgements(scope: IConstruct): AcknowledgementRecord[] {
  const records: AcknowledgementRecord[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          records.push({ path: node.node.path, rule: id.replace(/^annotation::/i, ''), reason });
        }
      }
    }
  }
  return records.sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`));
}

/** A Control Tower proactive-control violation reported by cfn-guard. */
export interface GuardViolation {
  readonly rule: string;
  readonly resources: string[];
}

/**
 * Runs the AWS Control Tower proactive controls (cfn-guard rules bundled in
 * @cdklabs/cdk-validator-cfnguard, binary included) on the template of `stack`.
 */
export function controlTowerViolations(stack: Stack): GuardViolation[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  try {
    const file = path.join(dir, `${stack.artifactId}.template.json`);
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const report = new CfnGuardValidator().validate({ templatePaths: [file], appConstruct: stack.node.root });
    return report.violations.map((v) => ({
      rule: v.ruleName,
      resources: v.violatingResources.map((r) => r.resourceLogicalId),
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export { newStack } from './helpers/stacks';

/**
 * Runs `fn` while every acknowledgement in the tree below `scope` is hidden from the packs, to
 * show that each acknowledgement is needed. The acknowledgements are construct metadata; this
 * swaps their type for the duration.
 */
export function withoutAcknowledgements<T>(scope: IConstruct, fn: () => T): T {
  const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const entries = scope.node.findAll().flatMap((c) => (c.node as unknown as { _metadata: Array<{ type: string }> })._metadata ?? [])
    .filter((m) => m.type === key);
  for (const m of entries) {
    m.type = 'hidden-for-test';
  }
  try {
    return fn();
  } finally {
    for (const m of entries) {
      m.type = key;
    }
  }
}
