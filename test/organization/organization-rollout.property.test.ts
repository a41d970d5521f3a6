import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { SecretsOrganizationRollout } from '../../src';
import { HardenedSecretsValidationError } from '../../src/private/validation';

/**
 * Property: any target list yields either a stack set whose targets are exactly those given, or our
 * validation error naming the first bad element; never another exception. The oracle builds the ids
 * from the grammar AWS Organizations documents, apart from the construct's patterns.
 */

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const lowerAlnum = (min: number, max: number) => fc.array(fc.constantFrom(...LOWER_ALNUM), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** An id the oracle knows to be valid: `ou-` + 4..32 + `-` + 8..32, or `r-` + 4..32. */
const validOu = fc.oneof(
  fc.tuple(lowerAlnum(4, 32), lowerAlnum(8, 32)).map(([root, unit]) => `ou-${root}-${unit}`),
  lowerAlnum(4, 32).map((root) => `r-${root}`),
);

/** An id the oracle knows to be invalid, and why. */
const invalidOu = fc.oneof(
  fc.tuple(lowerAlnum(0, 3), lowerAlnum(8, 32)).map(([root, unit]) => `ou-${root}-${unit}`),
  fc.tuple(lowerAlnum(4, 32), lowerAlnum(0, 7)).map(([root, unit]) => `ou-${root}-${unit}`),
  fc.tuple(lowerAlnum(33, 40), lowerAlnum(8, 32)).map(([root, unit]) => `ou-${root}-${unit}`),
  fc.tuple(lowerAlnum(4, 32), lowerAlnum(33, 40)).map(([root, unit]) => `ou-${root}-${unit}`),
  validOu.map((id) => id.toUpperCase()),
  validOu.map((id) => id.replace(/^(ou|r)-/, '')),
  validOu.map((id) => ` ${id}`),
  lowerAlnum(0, 3).map((root) => `r-${root}`),
);

const ouList = fc.array(fc.oneof(
  { arbitrary: validOu.map((id) => ({ id, valid: true })), weight: 5 },
  { arbitrary: invalidOu.map((id) => ({ id, valid: false })), weight: 1 },
), { minLength: 1, maxLength: 6 });

describe('SecretsOrganizationRollout organizationalUnits (property)', () => {
  test('the stack set targets exactly the OUs given, or the error names the first bad or repeated one', () => {
    fc.assert(
      fc.property(ouList, (ous) => {
        const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
        const ids = ous.map((o) => o.id);
        const firstBad = ous.findIndex((o, i) => !o.valid || ids.indexOf(o.id) !== i);
        const make = () => new SecretsOrganizationRollout(stack, 'Rollout', {
          organizationId: 'o-a1b2c3d4e5',
          organizationalUnits: ids,
          regions: ['eu-west-1'],
          guardHook: false,
        });
        if (firstBad === -1) {
          make();
          const sets = Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet');
          const [set] = Object.values<any>(sets);
          expect(set.Properties.StackInstancesGroup[0].DeploymentTargets.OrganizationalUnitIds).toEqual(ids);
        } else {
          let error: unknown;
          try {
            make();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(HardenedSecretsValidationError);
          expect((error as HardenedSecretsValidationError).problems[0]).toContain(`\`organizationalUnits[${firstBad}]\`: got ${JSON.stringify(ids[firstBad])}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
