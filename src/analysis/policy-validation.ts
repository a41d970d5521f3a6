import { IAM_REFERENCE, IamAction, IamReference } from './iam-reference';
import { rawStatements } from './policy';
import { IAM_POLICY_TYPES, heldDocuments, statementName } from './resources';
import { ResourceView, TemplateIndex, asArray, isObject } from './template-index';
import { PLACEHOLDER, flatten } from './values';

/**
 * What policy validation finds wrong in a statement, after IAM Access Analyzer's policy checks
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
 *
 * - `unknown-action`: an action (or a wildcard pattern, or its service prefix) names nothing.
 * - `unknown-key`: a condition key that is neither global nor defined by a service.
 * - `key-not-applicable`: a service key that none of the statement's actions supports, so the
 *   request never carries it.
 * - `deny-never-matches`: such a key in a Deny, with an operator that is false when the key is
 *   absent: the Deny applies to no request.
 * - `set-operator-single-valued`: `ForAllValues:` / `ForAnyValue:` on a single-valued key
 *   (Access Analyzer: a security warning).
 */
export type PolicyProblemKind = 'unknown-action' | 'unknown-key' | 'key-not-applicable' | 'deny-never-matches' | 'set-operator-single-valued';

/** One problem of one statement. */
export interface PolicyProblem {
  readonly kind: PolicyProblemKind;
  /** What is wrong, naming the statement and the action, key or operator; never a condition value. */
  readonly message: string;
  /** Property path of the statement element, unique per problem within a resource. */
  readonly suffix: string;
}

/** A policy document a resource holds. */
export interface PolicyLocation {
  readonly document: unknown;
  /** For finding text: `KeyPolicy`, `Policies[0] (ReadDb)`. */
  readonly where: string;
  /** For finding suffixes: `KeyPolicy`, `Policies[0]`. */
  readonly path: string;
}

/** Resource policies, by CloudFormation type: the property that holds the document. */
const RESOURCE_POLICY_PROPERTY: Record<string, string> = {
  'AWS::SecretsManager::ResourcePolicy': 'ResourcePolicy',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::KMS::ReplicaKey': 'KeyPolicy',
  'AWS::EC2::VPCEndpoint': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::ECR::Repository': 'RepositoryPolicyText',
  'AWS::Logs::ResourcePolicy': 'PolicyDocument',
};

/** Every CloudFormation type whose policies are validated: identity, resource, key and endpoint policies. */
export const VALIDATED_POLICY_TYPES: string[] = [...IAM_POLICY_TYPES, ...Object.keys(RESOURCE_POLICY_PROPERTY)];

/** The policy documents a resource holds (none for types that hold none). */
export function policyDocuments(view: ResourceView): PolicyLocation[] {
  if (IAM_POLICY_TYPES.includes(view.type)) {
    return heldDocuments(view);
  }
  const property = RESOURCE_POLICY_PROPERTY[view.type];
  return property !== undefined && view.properties[property] !== undefined
    ? [{ document: view.properties[property], where: property, path: property }]
    : [];
}

/**
 * The problems of every policy a resource holds, computed once per validation run (the index is
 * the run's) and shared by the rules that report them; each rule keeps the kinds it reports.
 */
export function policyProblems(view: ResourceView, index: TemplateIndex, reference: IamReference = IAM_REFERENCE): PolicyProblem[] {
  return index.derive('policy-problems', view, () => policyDocuments(view).flatMap(location => validatePolicy(location, index, reference)));
}

/** The problems of one policy document. Parts the template cannot show (tokens, imports) are skipped. */
export function validatePolicy(location: PolicyLocation, index: TemplateIndex, reference: IamReference = IAM_REFERENCE): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  rawStatements(location.document).forEach((statement, position) => {
    const sid = typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : undefined;
    const name = statementName(sid, position, location.where);
    const at = `${location.path}.Statement[${sid ?? position}]`;
    const actions = checkActions(statement, index, reference, name, at, out);
    checkConditions(statement, actions, reference, name, at, out);
  });
  return out;
}

/**
 * Checks `Action` and `NotAction`, and returns the actions the statement applies to, or
 * `undefined` when they cannot be listed (`*`, `NotAction`, a token, an action that does not
 * exist): then no key can be said to apply to none of them.
 */
function checkActions(
  statement: Record<string, any>, index: TemplateIndex, reference: IamReference, name: string, at: string, out: PolicyProblem[],
): IamAction[] | undefined {
  let listed = statement.NotAction === undefined && statement.Action !== undefined;
  const resolved: IamAction[] = [];
  for (const field of ['Action', 'NotAction']) {
    for (const value of asArray(statement[field])) {
      const text = flatten(value, index).text;
      if (unreadable(text) || text === '*') {
        listed = false;
        continue;
      }
      const colon = text.indexOf(':');
      const service = colon > 0 ? text.slice(0, colon) : '';
      const action = text.slice(colon + 1);
      const problem = (message: string) => out.push({ kind: 'unknown-action', message, suffix: `${at}.${field}::${text}` });
      if (/[*?]/.test(service)) {
        // A wildcard in the service prefix would need every service's actions: not checked.
        listed = false;
      } else if (colon <= 0 || action === '') {
        problem(`${name} names ${field} '${text}', which is not of the form service:action.`);
        listed = false;
      } else if (!reference.hasService(service)) {
        problem(`${name} names ${field} '${text}', but '${service}' is not the prefix of any AWS service.`);
        listed = false;
      } else {
        const matched = reference.actionsMatching(service, action);
        if (matched.length === 0) {
          problem(/[*?]/.test(action)
            ? `${name} names ${field} '${text}', a pattern that matches no ${service} action.`
            : `${name} names ${field} '${text}', which ${service} does not have.`);
          listed = false;
        } else if (field === 'Action') {
          resolved.push(...matched);
        }
      }
    }
  }
  return listed && resolved.length > 0 ? resolved : undefined;
}

function checkConditions(
  statement: Record<string, any>, actions: IamAction[] | undefined, reference: IamReference, name: string, at: string, out: PolicyProblem[],
): void {
  const condition = statement.Condition;
  if (!isObject(condition) || isIntrinsic(condition)) {
    return;
  }
  const deny = statement.Effect === 'Deny';
  for (const [operator, block] of Object.entries(condition)) {
    if (isIntrinsicName(operator) || !isObject(block) || isIntrinsic(block)) {
      continue;
    }
    const setOperator = /^(ForAllValues|ForAnyValue):/i.exec(operator)?.[1];
    for (const key of Object.keys(block)) {
      if (unreadable(key) || isIntrinsicName(key)) {
        continue;
      }
      const suffix = `${at}.Condition::${operator}::${key}`;
      const definition = reference.conditionKey(key);
      if (!definition) {
        out.push({
          kind: 'unknown-key',
          message: `${name} has a condition on '${key}', which is neither a global condition key nor a key of ${keyPrefixText(key, reference)}, so it is never in a request.`,
          suffix,
        });
        continue;
      }
      if (setOperator && !definition.type.startsWith('ArrayOf')) {
        const plain = operator.slice(setOperator.length + 1);
        out.push({
          kind: 'set-operator-single-valued',
          message: `${name} uses ${operator} on '${key}', a single-valued key (${definition.type}): ` + (/^ForAllValues$/i.test(setOperator)
            ? `ForAllValues is also true when the request has no value for the key, so the condition does not require it; use ${plain} (or ${plain}IfExists to accept requests without the key on purpose).`
            : `a set operator is for multi-valued keys; use ${plain}.`),
          suffix,
        });
      }
      if (definition.global || !actions || actions.some(a => a.supports(key))) {
        continue;
      }
      const names = listActions(actions);
      if (deny && falseWhenAbsent(operator)) {
        out.push({
          kind: 'deny-never-matches',
          message: `${name} denies ${names} only when ${operator} on '${key}' holds, but none of those actions supports that key and ${operator} is false when the key is absent: the Deny never applies.`,
          suffix,
        });
      } else {
        out.push({
          kind: 'key-not-applicable',
          message: `${name} has a condition on '${key}', which none of its actions (${names}) supports, so the key is never in the request.`,
          suffix,
        });
      }
    }
  }
}

/**
 * Whether a condition operator is false when the request has no value for its key: not
 * `...IfExists`, not `Null`, not a negated operator (`StringNotEquals`, `ArnNotLike`,
 * `NotIpAddress`: true when the key is absent) and not `ForAllValues:` (true for an empty set).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
function falseWhenAbsent(operator: string): boolean {
  if (/^ForAllValues:/i.test(operator)) {
    return false;
  }
  const base = operator.replace(/^ForAnyValue:/i, '');
  return !/IfExists$/i.test(base) && !/^Null$/i.test(base) && !/Not/i.test(base);
}

/** `secretsmanager`, or "any service" when the prefix is not one. */
function keyPrefixText(key: string, reference: IamReference): string {
  const prefix = key.slice(0, Math.max(key.indexOf(':'), 0));
  return prefix !== '' && reference.hasService(prefix) ? `service '${prefix}'` : 'any AWS service';
}

function listActions(actions: IamAction[]): string {
  const names = [...new Set(actions.map(a => a.name))];
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** A part the template does not show: a reference, an import, an unresolved token. */
function unreadable(text: string): boolean {
  return text.includes(PLACEHOLDER) || text.includes('${Token[');
}

function isIntrinsicName(name: string): boolean {
  return name === 'Ref' || name.startsWith('Fn::');
}

/** `{ "Fn::If": ... }`, `{ "Ref": ... }`: a value CloudFormation computes. */
function isIntrinsic(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && isIntrinsicName(keys[0]);
}
