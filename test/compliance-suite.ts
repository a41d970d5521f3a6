import { Stack, Tags } from 'aws-cdk-lib';
import { controlTowerViolationsByStack, GuardViolation } from './helpers/control-tower';
import { newStack } from './helpers/stacks';
import { packFindings } from './nag/pack-helpers';
import { nagFindings } from './nag-helpers';

/** How the compliance tests declare the organisation's monitoring, which lives outside the stacks. */
export const EXTERNAL_MONITOR = 'Organisation trail with Secrets Manager alarms in the security account';

/** A labelled way to build a stack of the library's constructs. */
export type ComplianceCase = [string, (stack: Stack) => void];

/**
 * Invariant 1 for each case: zero unacknowledged findings in the five cdk-nag packs, no Control
 * Tower violation, and zero SecretsManagerChecks findings once the owner tags are given and the
 * monitoring is declared. Call inside a `describe`.
 *
 * The packs and the Control Tower controls read the same stack of each case, built once; cfn-guard
 * runs once for all the cases (its start-up is most of a run). SecretsManagerChecks gets a stack of
 * its own, since the owner tags are added to it.
 */
export function zeroFindingsTests(cases: ComplianceCase[]): void {
  const built = new Map<number, Stack>();
  const stackOf = (i: number): Stack => {
    let stack = built.get(i);
    if (stack === undefined) {
      stack = newStack();
      cases[i][1](stack);
      built.set(i, stack);
    }
    return stack;
  };
  let controlTower: Map<Stack, GuardViolation[]> | undefined;
  const numbered = cases.map(([label], i): [string, number] => [label, i]);

  test.each(numbered)('%s: zero unacknowledged findings in the five cdk-nag packs', (_label, i) => {
    expect(nagFindings(stackOf(i))).toEqual([]);
  });

  test.each(numbered)('%s: passes the Control Tower proactive controls (cfn-guard)', (_label, i) => {
    controlTower ??= controlTowerViolationsByStack(cases.map((_c, j) => stackOf(j)));
    expect(controlTower.get(stackOf(i))).toEqual([]);
  });

  test.each(cases)('%s: zero SecretsManagerChecks findings once the owner tags are given', (_label, build) => {
    const stack = newStack();
    build(stack);
    // What HardenedSecret's owner / environment / dataClassification props write.
    Tags.of(stack).add('owner', 'payments-team');
    Tags.of(stack).add('environment', 'prod');
    Tags.of(stack).add('data-classification', 'confidential');
    expect(packFindings(stack, { externalMonitor: EXTERNAL_MONITOR })).toEqual([]);
  });
}
