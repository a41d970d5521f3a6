import { Token } from 'aws-cdk-lib';
import { DetectorSpec } from './event-kinds';

/**
 * Longest filter pattern CloudWatch Logs accepts (`PutMetricFilter`, `filterPattern`: maximum
 * length 1024).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
 */
export const FILTER_PATTERN_MAX_LENGTH = 1024;

/**
 * Default quota of the EventBridge event pattern size (2048 characters; adjustable up to 4096
 * through Service Quotas).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const EVENT_PATTERN_DEFAULT_MAX_LENGTH = 2048;

/** Largest event pattern quota EventBridge grants on request. */
export const EVENT_PATTERN_QUOTA_CEILING = 4096;

/**
 * A value put into a pattern: its text (which may hold CDK tokens) and the longest text it can
 * have once deployed, so that a pattern is measured before CloudFormation resolves it.
 */
export interface PatternValue {
  readonly text: string;
  readonly maxLength: number;
  /**
   * What the value resolves to, when `text` is a token that another token may equal (each
   * `Fn.sub` is a new token): values with the same identity are one value.
   */
  readonly identity?: string;
}

/** The principals an allow-list names, by the CloudTrail field that identifies them. */
export interface PrincipalSet {
  /** Role ARNs, matched on `userIdentity.sessionContext.sessionIssuer.arn`. */
  readonly roles: readonly PatternValue[];
  /** IAM user ARNs, matched on `userIdentity.arn`. */
  readonly users: readonly PatternValue[];
  /** Service principals, matched on `userIdentity.invokedBy`. */
  readonly services: readonly PatternValue[];
  /** Whole accounts, matched on `userIdentity.accountId` of roles and users. */
  readonly accounts: readonly PatternValue[];
}

/**
 * How the read detector judges a read, from the access modes of the watched secrets.
 *
 * - `allow-list`: no watched secret is RESTRICTIVE. A successful read by a principal outside
 *   `readers` (the union of the watched secrets' readers) matches.
 * - `restrictive`: every watched secret is a RESTRICTIVE `HardenedSecret`, whose resource policy
 *   refuses every Secrets Manager action to every principal it does not name: a successful read by
 *   anybody else cannot happen, so no reader is listed. A successful read by one of
 *   `privilegedReaders` (break glass: allowed, never routine) matches, and so does a refused read
 *   (somebody the policies do not name tried).
 * - `mixed`: both kinds are watched. The pattern cannot tell which secret was read, so a successful
 *   read by a principal outside `readers` matches (the readers of the RESTRICTIVE secrets are in
 *   the union, or their reads would match), and so does a refused read.
 */
export type ReadMode = 'allow-list' | 'restrictive' | 'mixed';

/** What the patterns of all detectors are rendered from. */
export interface PatternInputs {
  /** Accounts that own the watched secrets (`recipientAccountId`). */
  readonly accounts: readonly PatternValue[];
  /** ARNs of the KMS keys of the watched secrets. */
  readonly keys: readonly PatternValue[];
  readonly readers: PrincipalSet;
  readonly writers: PrincipalSet;
  /** How reads are judged. @default 'allow-list' */
  readonly readMode?: ReadMode;
  /**
   * Roles whose every successful read matches (break glass): the only readers the `restrictive`
   * mode lists, and never in `readers`. @default none
   */
  readonly privilegedReaders?: readonly PatternValue[];
}

/** A pattern and the length it can reach once deployed. */
export interface RenderedPattern<T> {
  readonly pattern: T;
  readonly maxLength: number;
}

// CloudTrail record fields. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
const ISSUER = 'userIdentity.sessionContext.sessionIssuer.arn';
const TYPE = 'userIdentity.type';
const USER_ARN = 'userIdentity.arn';
const ACCOUNT = 'userIdentity.accountId';
const INVOKED_BY = 'userIdentity.invokedBy';

// ---------------------------------------------------------------------------------------------
// A small condition tree, rendered either as a CloudWatch Logs filter pattern or measured.
// ---------------------------------------------------------------------------------------------

type Cond =
  | { readonly op: '=' | '!='; readonly field: string; readonly value: PatternValue }
  | { readonly op: 'NOT EXISTS'; readonly field: string }
  | { readonly op: '&&' | '||'; readonly items: readonly Cond[] };

const lit = (text: string): PatternValue => ({ text, maxLength: text.length });
const eq = (field: string, value: PatternValue | string): Cond => ({ op: '=', field, value: typeof value === 'string' ? lit(value) : value });
const ne = (field: string, value: PatternValue | string): Cond => ({ op: '!=', field, value: typeof value === 'string' ? lit(value) : value });
const notExists = (field: string): Cond => ({ op: 'NOT EXISTS', field });
const all = (items: Cond[]): Cond => (items.length === 1 ? items[0] : { op: '&&', items });
const any = (items: Cond[]): Cond => (items.length === 1 ? items[0] : { op: '||', items });

/** Either the text (possibly with tokens) or a stand-in of the longest deployed length. */
type Pick = (value: PatternValue) => string;
const actual: Pick = (v) => v.text;
const worstCase: Pick = (v) => (Token.isUnresolved(v.text) ? 'x'.repeat(v.maxLength) : v.text);

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function renderCond(c: Cond, pick: Pick): string {
  switch (c.op) {
    case '=':
    case '!=':
      return `($.${c.field} ${c.op} ${quote(pick(c.value))})`;
    case 'NOT EXISTS':
      return `($.${c.field} NOT EXISTS)`;
    default:
      return `(${c.items.map((i) => renderCond(i, pick)).join(` ${c.op} `)})`;
  }
}

/**
 * "The caller is not one of `allowed`", written so that no `!=` ever compares a field the
 * record may lack: each branch first pins the identity type, whose fields CloudTrail always
 * writes. (What `!=` does with an absent field is then irrelevant.)
 */
function notAllowed(allowed: PrincipalSet): Cond {
  const accountsExcluded = allowed.accounts.map((a) => ne(ACCOUNT, a));
  const usersBranch = allowed.users.length > 0 || allowed.accounts.length > 0;
  const servicesBranch = allowed.services.length > 0;
  const branches: Cond[] = [
    // Assumed roles (and federated users): the role that issued the session.
    all([eq(ISSUER, '*'), ...allowed.roles.map((r) => ne(ISSUER, r)), ...accountsExcluded]),
    // Every other identity without a session issuer (root, other accounts, IAM users and AWS
    // services unless they have their own branch below).
    all([
      notExists(ISSUER),
      ...(usersBranch ? [ne(TYPE, 'IAMUser')] : []),
      ...(servicesBranch ? [ne(TYPE, 'AWSService')] : []),
    ]),
  ];
  if (usersBranch) {
    branches.push(all([eq(TYPE, 'IAMUser'), ...allowed.users.map((u) => ne(USER_ARN, u)), ...accountsExcluded]));
  }
  if (servicesBranch) {
    branches.push(all([eq(TYPE, 'AWSService'), ...allowed.services.map((s) => ne(INVOKED_BY, s))]));
  }
  return any(branches);
}

/** The error codes of a refused call: `AccessDenied` (IAM, resource policy) and `AccessDeniedException` (KMS). */
const REFUSED = 'AccessDenied*';

/** The read mode of a detector: only the reader allow-list has other modes. */
function readModeOf(spec: DetectorSpec, inputs: PatternInputs): ReadMode {
  return spec.allowList === 'readers' ? inputs.readMode ?? 'allow-list' : 'allow-list';
}

/**
 * The read condition of the `restrictive` and `mixed` modes: a successful read by a privileged
 * principal (restrictive) or by a principal outside the allow-list (mixed), or a refused read.
 */
function readCondition(mode: ReadMode, inputs: PatternInputs): Cond {
  const privileged = inputs.privilegedReaders ?? [];
  const successful = mode === 'mixed'
    ? all([notExists('errorCode'), notAllowed(inputs.readers)])
    : privileged.length > 0 ? all([notExists('errorCode'), any(privileged.map((r) => eq(ISSUER, r)))]) : undefined;
  return any([...(successful ? [successful] : []), eq('errorCode', REFUSED)]);
}

function detectorConditions(spec: DetectorSpec, inputs: PatternInputs, narrowToKeys: boolean): Cond[] {
  const mode = readModeOf(spec, inputs);
  const conds: Cond[] = [eq('eventSource', spec.eventSource)];
  if (spec.eventNames.length > 0) {
    conds.push(any(spec.eventNames.map((n) => eq('eventName', n))));
  }
  if (spec.successfulOnly && mode === 'allow-list') {
    conds.push(notExists('errorCode'));
  }
  if (spec.errorCodes) {
    conds.push(any(spec.errorCodes.map((c) => eq('errorCode', c))));
  }
  // The account that owns the resource: for a cross-account call CloudTrail writes a record in
  // both accounts, and only the owner's copy counts here.
  if (inputs.accounts.length > 0) {
    conds.push(any(inputs.accounts.map((a) => eq('recipientAccountId', a))));
  }
  if (spec.keysOnly && narrowToKeys && inputs.keys.length > 0) {
    conds.push(any(inputs.keys.map((k) => eq('resources[0].ARN', k))));
  }
  if (spec.allowList && mode !== 'allow-list') {
    conds.push(readCondition(mode, inputs));
  } else if (spec.allowList) {
    conds.push(notAllowed(spec.allowList === 'readers' ? inputs.readers : inputs.writers));
  }
  return conds;
}

/**
 * The CloudWatch Logs filter pattern of a detector, and the longest it can be once deployed.
 *
 * A detector narrowed to the secrets' keys falls back to every key of the accounts when the
 * list of keys would not fit: an alarm on more keys is noisier, never blind.
 */
export function filterPattern(spec: DetectorSpec, inputs: PatternInputs): RenderedPattern<string> {
  const render = (narrow: boolean, pick: Pick) => {
    const conds = detectorConditions(spec, inputs, narrow);
    return `{ ${conds.map((c) => renderCond(c, pick)).join(' && ')} }`;
  };
  let narrow = true;
  let maxLength = render(true, worstCase).length;
  if (spec.keysOnly && maxLength > FILTER_PATTERN_MAX_LENGTH) {
    narrow = false;
    maxLength = render(false, worstCase).length;
  }
  return { pattern: render(narrow, actual), maxLength };
}

/** Whether the key list of a key detector fits its pattern. */
export function keysFit(spec: DetectorSpec, inputs: PatternInputs): boolean {
  const conds = detectorConditions(spec, inputs, true);
  return `{ ${conds.map((c) => renderCond(c, worstCase)).join(' && ')} }`.length <= FILTER_PATTERN_MAX_LENGTH;
}

// ---------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------

type Json = { [key: string]: unknown };

/** `{ a: { b: x } }` from the path `a.b`. */
function nest(path: string, leaf: unknown): Json {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf) as Json;
}

function merge(...objects: Json[]): Json {
  const out: Json = {};
  for (const o of objects) {
    for (const [k, v] of Object.entries(o)) {
      const prev = out[k];
      out[k] = prev && typeof prev === 'object' && !Array.isArray(prev) && typeof v === 'object' && !Array.isArray(v)
        ? merge(prev as Json, v as Json)
        : v;
    }
  }
  return out;
}

function anythingBut(values: readonly PatternValue[], pick: Pick): unknown[] {
  return [{ 'anything-but': values.map(pick) }];
}

function notAllowedEvent(allowed: PrincipalSet, pick: Pick): Json[] {
  const accounts = allowed.accounts.length > 0 ? [nest(ACCOUNT, anythingBut(allowed.accounts, pick))] : [];
  const usersBranch = allowed.users.length > 0 || allowed.accounts.length > 0;
  const servicesBranch = allowed.services.length > 0;
  const otherTypes = [...(usersBranch ? ['IAMUser'] : []), ...(servicesBranch ? ['AWSService'] : [])];
  const branches: Json[] = [
    merge(nest(ISSUER, allowed.roles.length > 0 ? anythingBut(allowed.roles, pick) : [{ exists: true }]), ...accounts),
    merge(nest(ISSUER, [{ exists: false }]), ...(otherTypes.length > 0 ? [nest(TYPE, [{ 'anything-but': otherTypes }])] : [])),
  ];
  if (usersBranch) {
    branches.push(merge(nest(TYPE, ['IAMUser']), ...(allowed.users.length > 0 ? [nest(USER_ARN, anythingBut(allowed.users, pick))] : []), ...accounts));
  }
  if (servicesBranch) {
    branches.push(merge(nest(TYPE, ['AWSService']), nest(INVOKED_BY, anythingBut(allowed.services, pick))));
  }
  return branches;
}

/** The branches of `readCondition`, as EventBridge `$or` branches. */
function readEventBranches(mode: ReadMode, inputs: PatternInputs, pick: Pick): Json[] {
  const succeeded: Json = { errorCode: [{ exists: false }] };
  const privileged = inputs.privilegedReaders ?? [];
  const successful = mode === 'mixed'
    ? notAllowedEvent(inputs.readers, pick).map((branch) => merge(succeeded, branch))
    : privileged.length > 0 ? [merge(succeeded, nest(ISSUER, privileged.map(pick)))] : [];
  return [...successful, { errorCode: [{ prefix: REFUSED.slice(0, -1) }] }];
}

function eventPatternWith(spec: DetectorSpec, inputs: PatternInputs, pick: Pick): Json {
  const mode = readModeOf(spec, inputs);
  const source = spec.eventSource.replace(/\.amazonaws\.com$/, '');
  let detail: Json = { eventSource: [spec.eventSource] };
  if (spec.eventNames.length > 0) {
    detail.eventName = [...spec.eventNames];
  }
  if (spec.successfulOnly && mode === 'allow-list') {
    detail.errorCode = [{ exists: false }];
  }
  if (spec.errorCodes) {
    detail.errorCode = spec.errorCodes.map((c) => (c.endsWith('*') ? { prefix: c.slice(0, -1) } : c));
  }
  if (inputs.accounts.length > 0) {
    detail.recipientAccountId = inputs.accounts.map(pick);
  }
  if (spec.allowList && mode !== 'allow-list') {
    const branches = readEventBranches(mode, inputs, pick);
    if (branches.length === 1) {
      detail = merge(detail, branches[0]);
    } else {
      detail.$or = branches;
    }
  } else if (spec.allowList) {
    detail.$or = notAllowedEvent(spec.allowList === 'readers' ? inputs.readers : inputs.writers, pick);
  }
  return { 'source': [`aws.${source.split('.')[0]}`], 'detail-type': [spec.detailType], detail };
}

/**
 * The EventBridge event pattern of a detector with an allow-list, and the longest it can be
 * once deployed (compact JSON, as EventBridge measures it).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
export function eventPattern(spec: DetectorSpec, inputs: PatternInputs): RenderedPattern<Json> {
  return {
    pattern: eventPatternWith(spec, inputs, actual),
    maxLength: JSON.stringify(eventPatternWith(spec, inputs, worstCase)).length,
  };
}
