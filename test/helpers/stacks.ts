import { App, Stack } from 'aws-cdk-lib';

/** The account and region a test stack is pinned to unless a test names another region. */
export const TEST_ENV = { account: '111111111111', region: 'eu-west-1' } as const;

/** Where `newStack` puts its stack. */
export interface TestStackOptions {
  /** The app to add the stack to (a second stack of the same app). @default - a fresh `App` */
  readonly app?: App;
  /** The region of the stack, in `TEST_ENV.account`. @default TEST_ENV.region */
  readonly region?: string;
}

/**
 * A stack pinned to a concrete account and region (`TEST_ENV`), in a fresh app unless `options.app`
 * is given. A concrete environment is what a deployed stack has: replica regions, deployment role
 * ARNs and resource policies then resolve as they would there.
 *
 * test/nag-helpers.ts re-exports it; the rule tests of test/nag use it too.
 */
export function newStack(id = 'Stack', options: TestStackOptions = {}): Stack {
  return new Stack(options.app ?? new App(), id, { env: { account: TEST_ENV.account, region: options.region ?? TEST_ENV.region } });
}
