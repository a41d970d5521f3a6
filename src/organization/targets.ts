/**
 * Where a rollout may deploy: the identifiers AWS Organizations and CloudFormation StackSets
 * accept, checked at synth so that a typo fails before a stack set operation half-runs.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { isResolved, PropsValidator } from '../private/validation';

/**
 * An organisational unit id (`ou-` + root part + `-` + unit part) or the root id (`r-...`).
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Root.html
 */
export const ORGANIZATIONAL_UNIT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/** What `ORGANIZATIONAL_UNIT_ID` allows, in words. */
export const ORGANIZATIONAL_UNIT_ID_ALLOWED =
  "an organisational unit id ('ou-' + 4 to 32 lowercase letters or digits + '-' + 8 to 32 lowercase letters or digits) " +
  "or the root id ('r-' + 4 to 32 lowercase letters or digits)";

/**
 * An organisation id.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
 */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * A stack set name: a letter, then letters, digits and hyphens, at most 128 characters.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
export const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/** The regions aws-cdk-lib knows, by name, with their partition. */
function knownRegions(): Map<string, string> {
  return new Map(RegionInfo.regions.map((r) => [r.name, r.partition ?? 'aws']));
}

/**
 * Records the problems of a target list: empty, a malformed or unknown element, or a duplicate.
 *
 * @param v the validator of the construct
 * @param prop the prop's name, for the message
 * @param values the list given
 * @param valid whether one element is allowed
 * @param allowed what an element may be, in words
 */
export function checkTargetList(
  v: PropsValidator,
  prop: string,
  values: readonly string[] | undefined,
  valid: (value: string) => boolean,
  allowed: string,
): void {
  if (values === undefined || !Array.isArray(values) || (isResolved(values) && values.length === 0)) {
    v.fail(prop, values, `one or more elements, each ${allowed}`);
    return;
  }
  if (!isResolved(values)) {
    return;
  }
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (!isResolved(value)) {
      return;
    }
    if (typeof value !== 'string' || !valid(value)) {
      v.fail(`${prop}[${i}]`, value, allowed);
    } else if (seen.has(value)) {
      v.fail(`${prop}[${i}]`, value, `each element once; ${JSON.stringify(value)} is already listed`);
    }
    seen.add(value);
  });
}

/** Records the problems of `regions`: each a region aws-cdk-lib knows, all in one partition. */
export function checkRegions(v: PropsValidator, regions: readonly string[] | undefined): void {
  const known = knownRegions();
  checkTargetList(v, 'regions', regions, (r) => known.has(r), 'a region aws-cdk-lib knows (e.g. eu-west-1, us-east-1)');
  if (regions === undefined || !Array.isArray(regions) || !isResolved(regions)) {
    return;
  }
  const partitions = new Set(regions.filter((r) => isResolved(r) && known.has(r)).map((r) => known.get(r)));
  if (partitions.size > 1) {
    // One stack set lives in one partition: it cannot reach regions of another.
    v.fail('regions', regions, `regions of one partition (got ${[...partitions].sort().join(', ')})`);
  }
}
