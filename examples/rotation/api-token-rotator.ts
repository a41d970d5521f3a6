/**
 * README "Writing a rotator": a rotator module, as a user writes it, for
 * `new RotationFunction(this, 'Rotation', { vpc, code: RotationCode.fromEntry('api-token-rotator.ts') })`.
 * `test/examples-usage.test.ts` runs it through a full rotation and bundles it.
 */
// api-token-rotator.ts: rotates the `token` field of a JSON secret
import { createRotationHandler, Rotator } from '../../src/rotation/runtime'; // in your project: 'cdk-hardened-secrets/lib/rotation/runtime'

const rotator: Rotator = {
  async generate(current, context) {
    const token = await context.randomPassword({ passwordLength: 40, excludePunctuation: true });
    return JSON.stringify({ ...JSON.parse(current), token });
  },
  async set(_pending, _current, context) {
    // register the new token with the service; must be safe to repeat
    context.log.info('token registered with the service');
  },
  async test(pending) {
    // prove the new token works, or throw: it is then never promoted
    if (typeof JSON.parse(pending).token !== 'string') {
      throw new Error('the pending value has no token');
    }
  },
};

export const handler = createRotationHandler(rotator);
