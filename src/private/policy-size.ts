import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The longest policy each service accepts, in characters of the policy's JSON without
 * whitespace.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit
 */
export const POLICY_SIZE_LIMITS = {
  secretResourcePolicy: 20_480,
  keyPolicy: 32_768,
} as const;

// The longest values tokens can take once deployed (AWS GovCloud's partition is the longest).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
const PSEUDO_MAX: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': 12,
  'AWS::Region': 20,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
  'AWS::StackName': 128,
};
const IAM_PREFIX = 'arn:aws-us-gov:iam::123456789012:role'.length;
const ROLE_NAME_MAX = 64;
const PATH_MAX = 512;
const KMS_KEY_ARN_MAX = 'arn:aws-us-gov:kms:'.length + 20 + 1 + 12 + ':key/'.length + 36;
const SECRET_ARN_PREFIX = 'arn:aws-us-gov:secretsmanager:'.length + 20 + 1 + 12 + ':secret:'.length;
/** The longest ARN IAM accepts in a policy; what an unknown token is counted as. */
const ANY_ARN_MAX = 2048;

/** How big a policy document is once deployed, at worst. */
export interface PolicySize {
  /** Characters of the whitespace-free JSON, tokens counted at their longest deployed value. */
  readonly characters: number;
  /** Statements in the document. */
  readonly statements: number;
  /** Principals named in the document, counted across statements. */
  readonly principals: number;
}

/**
 * Measures a policy document the way the service does: the JSON without whitespace, with every
 * token at the longest value it can have once CloudFormation resolves it, so that a policy that
 * passes here cannot pass the limit at deployment.
 */
export function measurePolicy(stack: Stack, document: iam.PolicyDocument, limit?: number): PolicySize {
  const resolved: unknown = stack.resolve(document.toJSON());
  const statements = ((resolved as { Statement?: unknown[] } | undefined)?.Statement ?? []) as Array<Record<string, unknown>>;
  let principals = 0;
  for (const s of statements) {
    for (const value of Object.values((s.Principal ?? {}) as Record<string, unknown>)) {
      principals += Array.isArray(value) ? value.length : 1;
    }
  }
  // Looking resource types up walks the stack: skip it (keeping synth linear in the number of
  // secrets) when counting every resource's ARN at the longest ARN IAM accepts already fits.
  const coarse = worstCaseLength(resolved, { arnMax: () => ANY_ARN_MAX });
  const characters = limit !== undefined && coarse <= limit ? coarse : worstCaseLength(resolved, new ResourceLookup(stack));
  return { characters, statements: statements.length, principals };
}

/** The longest ARN of the resource a logical id names. */
interface ArnBound {
  arnMax(logicalId: string): number;
}

/** Finds what kind of resource a logical id is, to bound the length of its ARN. */
class ResourceLookup implements ArnBound {
  private byId?: Map<string, CfnResource>;

  constructor(private readonly stack: Stack) {}

  public arnMax(logicalId: string): number {
    if (!this.byId) {
      this.byId = new Map();
      for (const c of this.stack.node.findAll()) {
        if (CfnResource.isCfnResource(c) && Stack.of(c) === this.stack) {
          this.byId.set(this.stack.resolve(c.logicalId) as string, c);
        }
      }
    }
    const resource = this.byId.get(logicalId);
    if (resource instanceof iam.CfnRole) {
      const path = resource.path;
      const pathMax = path === undefined ? 1 : typeof path === 'string' && !Token.isUnresolved(path) ? path.length : PATH_MAX;
      const name = resource.roleName;
      return IAM_PREFIX + pathMax + (typeof name === 'string' && !Token.isUnresolved(name) ? name.length : ROLE_NAME_MAX);
    }
    if (resource?.cfnResourceType === 'AWS::KMS::Key') {
      return KMS_KEY_ARN_MAX;
    }
    if (resource?.cfnResourceType === 'AWS::SecretsManager::Secret') {
      // A name CloudFormation generates is made of the stack name, the logical id and a random
      // string of at most 13 characters; Secrets Manager appends '-' and six characters.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
      const name = (resource as CfnResource & { name?: unknown }).name;
      const nameMax = typeof name === 'string' && !Token.isUnresolved(name)
        ? name.length
        : this.stack.stackName.length + 1 + logicalId.length + 1 + 13;
      return SECRET_ARN_PREFIX + nameMax + '-xxxxxx'.length;
    }
    return ANY_ARN_MAX;
  }
}

/** The length of `value` as whitespace-free JSON, every intrinsic counted at its longest. */
function worstCaseLength(value: unknown, lookup: ArnBound): number {
  const intrinsic = stringLength(value, lookup);
  if (intrinsic !== undefined) {
    return intrinsic + 2; // the quotes around a string
  }
  if (Array.isArray(value)) {
    return 2 + Math.max(0, value.length - 1) + value.reduce((n: number, v) => n + worstCaseLength(v, lookup), 0);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return 2 + Math.max(0, entries.length - 1)
      + entries.reduce((n, [k, v]) => n + JSON.stringify(k).length + 1 + worstCaseLength(v, lookup), 0);
  }
  return JSON.stringify(value)?.length ?? 0;
}

/** The longest length of a string value (a literal or an intrinsic that yields a string), without quotes. */
function stringLength(value: unknown, lookup: ArnBound): number | undefined {
  if (typeof value === 'string') {
    return JSON.stringify(value).length - 2;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) {
    return undefined;
  }
  const [fn, arg] = entries[0];
  if (fn !== 'Ref' && !fn.startsWith('Fn::')) {
    return undefined; // an object of the policy, such as a Principal or a Condition block
  }
  switch (fn) {
    case 'Ref':
      return PSEUDO_MAX[String(arg)] ?? lookup.arnMax(String(arg));
    case 'Fn::GetAtt':
      return lookup.arnMax(String(Array.isArray(arg) ? arg[0] : String(arg).split('.')[0]));
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.reduce((n: number, p) => n + (stringLength(p, lookup) ?? ANY_ARN_MAX), 0) + sep.length * Math.max(0, parts.length - 1);
    }
    case 'Fn::Sub': {
      const text = Array.isArray(arg) ? String(arg[0]) : String(arg);
      return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => 'x'.repeat(PSEUDO_MAX[name] ?? lookup.arnMax(name.split('.')[0]))).length;
    }
    default:
      return ANY_ARN_MAX;
  }
}
