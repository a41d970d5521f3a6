import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PatternValue, PrincipalSet } from './patterns';

// Worst-case lengths of deployed ARNs, for values that are tokens at synth time.
// Longest partition: aws-us-gov (10). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
const IAM_PREFIX_MAX = 'arn:aws-us-gov:iam::123456789012:role'.length;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
const ROLE_NAME_MAX = 64;
const USER_NAME_MAX = 64;
const PATH_MAX = 512;
const ACCOUNT_LENGTH = 12;
/** `arn:<partition>:kms:<region>:<account>:key/<mrk- or uuid>`, with room for long region names. */
export const KMS_KEY_ARN_MAX = 'arn:aws-us-gov:kms:'.length + 20 + 1 + ACCOUNT_LENGTH + ':key/'.length + 36;
const SERVICE_MAX = 128;

/** A principal list being filled (internal). */
export interface MutablePrincipalSet extends PrincipalSet {
  readonly roles: PatternValue[];
  readonly users: PatternValue[];
  readonly services: PatternValue[];
  readonly accounts: PatternValue[];
}

export function emptyPrincipalSet(): MutablePrincipalSet {
  return { roles: [], users: [], services: [], accounts: [] };
}

/** An account id as a pattern value. */
export function accountValue(account: string): PatternValue {
  return { text: account, maxLength: Token.isUnresolved(account) ? ACCOUNT_LENGTH : account.length };
}

/** A KMS key ARN as a pattern value. */
export function keyValue(arn: string): PatternValue {
  return { text: arn, maxLength: Token.isUnresolved(arn) ? KMS_KEY_ARN_MAX : arn.length };
}

/** The longest the path of a role can be: its literal path when the role is defined here. */
function rolePathMax(role: iam.IRole): number {
  const cfn = role.node.defaultChild;
  if (cfn instanceof iam.CfnRole) {
    const path = cfn.path;
    if (path === undefined) {
      return 1;
    }
    return Token.isUnresolved(path) ? PATH_MAX : path.length;
  }
  return PATH_MAX;
}

function isRole(p: unknown): p is iam.IRole {
  return typeof p === 'object' && p !== null && 'roleArn' in p && 'roleName' in p;
}

function isUser(p: unknown): p is iam.IUser {
  return typeof p === 'object' && p !== null && 'userArn' in p && 'userName' in p;
}

function add(list: PatternValue[], value: PatternValue): void {
  if (!list.some((v) => v.text === value.text)) {
    list.push(value);
  }
}

/**
 * Adds the CloudTrail identity of `grantable` to `set`.
 *
 * @returns false when the principal has no identity a CloudTrail record can be matched on
 *   (e.g. an assumed-role session ARN or a web identity)
 */
export function addPrincipal(set: MutablePrincipalSet, grantable: iam.IGrantable): boolean {
  const principal = grantable.grantPrincipal;
  if (isRole(principal)) {
    const arn = principal.roleArn;
    add(set.roles, { text: arn, maxLength: Token.isUnresolved(arn) ? IAM_PREFIX_MAX + rolePathMax(principal) + ROLE_NAME_MAX : arn.length });
    return true;
  }
  if (isUser(principal)) {
    const arn = principal.userArn;
    add(set.users, { text: arn, maxLength: Token.isUnresolved(arn) ? IAM_PREFIX_MAX + PATH_MAX + USER_NAME_MAX : arn.length });
    return true;
  }
  if (principal instanceof iam.AccountPrincipal) {
    add(set.accounts, accountValue(String(principal.accountId)));
    return true;
  }
  if (principal instanceof iam.ServicePrincipal) {
    add(set.services, { text: principal.service, maxLength: Token.isUnresolved(principal.service) ? SERVICE_MAX : principal.service.length });
    return true;
  }
  if (principal instanceof iam.ArnPrincipal && !Token.isUnresolved(principal.arn)) {
    const arn = principal.arn;
    if (/^arn:[^:]+:iam::\d{12}:role\//.test(arn)) {
      add(set.roles, { text: arn, maxLength: arn.length });
      return true;
    }
    if (/^arn:[^:]+:iam::\d{12}:user\//.test(arn)) {
      add(set.users, { text: arn, maxLength: arn.length });
      return true;
    }
    const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(arn);
    if (root) {
      add(set.accounts, accountValue(root[1]));
      return true;
    }
  }
  return false;
}
