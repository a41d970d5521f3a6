import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { AccessModel } from './engine';
import { ENV } from './matrix';
import { HardenedSecret, SecretRotationPolicy } from '../../src';
import { measurePolicy } from '../../src/private/policy-size';

describe('policy size at synth', () => {
  test('the measured size is never below the size of the deployed policy (intrinsics resolved)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ account: fc.integer({ min: 200000000000, max: 999999999999 }), name: fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,64}$/) }), { maxLength: 12 }),
      fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}$/), { maxLength: 4 }),
      (partners, breakGlassIds) => {
        // GIVEN a secret with break-glass roles of the app and grants to roles of other accounts
        const app = new App();
        const stack = new Stack(app, 'Sized', { env: ENV });
        const breakGlassRoles = [...new Set(breakGlassIds)].map((id) => new iam.Role(stack, `Bg${id}`, { assumedBy: new iam.AccountRootPrincipal() }));
        const secret = new HardenedSecret(stack, 'Secret', {
          rotation: SecretRotationPolicy.none('Only the policy size matters here'),
          ...(breakGlassRoles.length > 0 ? { breakGlassRoles } : {}),
        });
        partners.forEach((p, i) => secret.grantRead(iam.Role.fromRoleArn(stack, `P${i}`, `arn:aws:iam::${p.account}:role/${p.name}`)));
        // WHEN measured at synth and resolved as deployed
        const measured = measurePolicy(stack, (secret.node.findChild('Policy') as unknown as { document: iam.PolicyDocument }).document);
        const model = AccessModel.of(app);
        const deployed = model.resourcesOfType('AWS::SecretsManager::ResourcePolicy')[0].properties.ResourcePolicy;
        // THEN the measure bounds the deployed JSON (whitespace-free) from above
        expect(measured.characters).toBeGreaterThanOrEqual(JSON.stringify(deployed).length);
      },
    ), { numRuns: 25 });
  });
});
