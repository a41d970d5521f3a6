import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A Control Tower proactive-control violation reported by cfn-guard: the rule and the logical ids it names. */
export interface GuardViolation {
  readonly rule: string;
  readonly resources: string[];
}

/**
 * Runs the AWS Control Tower proactive controls (the cfn-guard rules bundled in
 * @cdklabs/cdk-validator-cfnguard, binary included) on the templates of `stacks` in one cfn-guard
 * run, and returns the violations of each stack (an empty list for a compliant one).
 *
 * One run for many stacks: cfn-guard reads every rule file at each start, which is most of the
 * time of a run on one template. For one stack this gives what `controlTowerViolations` of
 * test/nag-helpers.ts gives.
 */
export function controlTowerViolationsByStack(stacks: readonly Stack[]): Map<Stack, GuardViolation[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  try {
    const files = new Map<string, Stack>();
    stacks.forEach((stack, i) => {
      const file = path.join(dir, `${i}-${stack.artifactId}.template.json`);
      fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
      files.set(file, stack);
    });
    const byStack = new Map<Stack, GuardViolation[]>(stacks.map((s) => [s, []]));
    if (stacks.length === 0) {
      return byStack;
    }
    const report = new CfnGuardValidator().validate({ templatePaths: [...files.keys()], appConstruct: stacks[0].node.root });
    for (const violation of report.violations) {
      for (const [file, stack] of files) {
        const resources = violation.violatingResources.filter((r) => r.templatePath === file).map((r) => r.resourceLogicalId);
        if (resources.length > 0) {
          byStack.get(stack)!.push({ rule: violation.ruleName, resources });
        }
      }
    }
    return byStack;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
