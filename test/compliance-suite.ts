import { Stack, Tags } from 'aws-cdk-lib';
import { newStack } from './helpers/stacks';
import { packFindings } from './nag/pack-helpers';
import { controlTowerViolations, nagFindings } from './nag-helpers';

/** How the compliance tests declare the organisation's monitoring, which lives outside the stacks. */
export const EXTERNAL_MONITOR = 'Organisation trail with Secrets Manager alarms in the security account';

/** A labelled way to build a stack of the library's constructs. */
export type ComplianceCase = [string, (stack: Stack) => void];

/**
 * Invariant 1 for each case: zero unacknowledged findings in the five cdk-nag packs, no Control
 * Tower violation, and zero SecretsManagerChecks findings once the owner tags are given and the
 * monitoring is declared. Call inside a `describe`.
 */
export function zeroFindingsTests(cases: ComplianceCase[]): void {
  test.each(cases)('%s: zero unacknowledged findings in the five cdk-nag packs', (_label, build) => {
    const stack = newStack();
    build(stack);
    expect(nagFindings(stack)).toEqual([]);
  });

  test.each(cases)('%s: passes the Control Tower proactive controls (cfn-guard)', (_label, build) => {
    const stack = newStack();
    build(stack);
    expect(controlTowerViolations(stack)).toEqual([]);
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
