import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PatternValue, PrincipalSet } from './patterns';
import { deploymentRoleArns } from '../private/deployment';

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
/** Room for the longest region name, as in `KMS_KEY_ARN_MAX`. */
const REGION_MAX = 20;
/** The pseudo parameters an `Fn::Sub` role ARN may hold, and their longest deployed values. */
const PSEUDO_MAX: { [name: string]: number } = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': ACCOUNT_LENGTH,
  'AWS::Region': REGION_MAX,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
};

/**
 * A role known by an ARN that may be a token, with the longest length it can have once deployed
 * (internal). The default synthesizer's execution role ARN is an `Fn::Sub` of pseudo parameters:
 * measured as "any role" (512-character path) it would take half of a filter pattern.
 */
export class BoundedRoleArnPrincipal extends iam.ArnPrincipal {
  /**
   * @param maxArnLength the longest the ARN can be once deployed
   * @param identity what the ARN resolves to (JSON): every secret of a stack makes its own token
   */
  constructor(arn: string, public readonly maxArnLength: number, public readonly identity: string) {
    super(arn);
  }
}

/**
 * The roles CloudFormation deploys `stack` as, as allowed readers: CloudFormation resolves
 * `{{resolve:secretsmanager:...}}` dynamic references with `GetSecretValue`, so without them
 * each deployment that uses one would raise `UNEXPECTED_READ`.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 *
 * @param given the secret's `deploymentRoles`, if any
 */
export function deploymentReaders(stack: Stack, given?: iam.IRole[]): iam.IGrantable[] {
  if (given && given.length > 0) {
    return [...given];
  }
  return deploymentRoleArns(stack).map((arn) => {
    const resolved: unknown = stack.resolve(arn);
    return new BoundedRoleArnPrincipal(arn, subArnMaxLength(resolved), JSON.stringify(resolved));
  });
}

/**
 * The longest deployed length of a role ARN written as `Fn::Sub` over pseudo parameters (or a
 * literal); the longest any role ARN can be when it is anything else.
 */
export function subArnMaxLength(resolved: unknown): number {
  const anyRole = IAM_PREFIX_MAX + PATH_MAX + ROLE_NAME_MAX;
  const template = typeof resolved === 'string'
    ? resolved
    : (resolved as { [key: string]: unknown } | undefined)?.['Fn::Sub'];
  if (typeof template !== 'string') {
    return anyRole;
  }
  let unknown = false;
  // Each placeholder stands for its longest value (the placeholders themselves hold colons).
  const longest = template.replace(/\$\{([^}]+)\}/g, (_match: string, name: string) => {
    const max = PSEUDO_MAX[name];
    if (max === undefined) {
      unknown = true;
      return '';
    }
    return 'x'.repeat(max);
  });
  return unknown || !/^arn:[^:]+:iam::[^:]+:role\//.test(longest) ? anyRole : longest.length;
}

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
  if (!list.some((v) => v.text === value.text || (value.identity !== undefined && v.identity === value.identity))) {
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
  if (principal instanceof BoundedRoleArnPrincipal) {
    const arn = principal.arn;
    add(set.roles, { text: arn, maxLength: Token.isUnresolved(arn) ? principal.maxArnLength : arn.length, identity: principal.identity });
    return true;
  }
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
