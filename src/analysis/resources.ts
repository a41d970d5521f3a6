import { ResourceView, TemplateIndex, asArray, isObject } from './template-index';
import { flatten, literalText } from './values';

/** What a `KmsKeyId` value designates. */
export interface KeyReference {
  readonly kind: 'absent' | 'aws-managed' | 'customer' | 'unknown';
  /** The key resource, when it is in this stack. */
  readonly key?: ResourceView;
  /** Why the kind is `unknown`. */
  readonly because?: string;
  /** How the template names the key, for finding text. */
  readonly display: string;
}

/**
 * Resolves a `KmsKeyId` (key id, key ARN, alias name or alias ARN; literal, `Ref`,
 * `Fn::GetAtt`, parameter or import) to what it designates.
 */
export function keyReference(value: unknown, index: TemplateIndex): KeyReference {
  if (value === undefined || value === null || value === '') {
    return { kind: 'absent', display: 'no key' };
  }
  const target = index.target(value);
  if (target?.type === 'AWS::KMS::Key' || target?.type === 'AWS::KMS::ReplicaKey') {
    return { kind: 'customer', key: target, display: `key ${target.logicalId}` };
  }
  if (target?.type === 'AWS::KMS::Alias') {
    const key = index.target(target.properties.TargetKeyId);
    return { kind: 'customer', key, display: `alias ${target.logicalId}` };
  }
  const flat = flatten(value, index);
  if (flat.fullyLiteral && literalText(flat).trim() === '') {
    return { kind: 'absent', display: 'no key' };
  }
  if (flat.kind === 'unknown') {
    return { kind: 'unknown', because: flat.unknownBecause, display: 'a key the template does not define' };
  }
  const text = literalText(flat);
  // An AWS managed key by its alias (`alias/aws/secretsmanager`, its ARN) or written without
  // `alias/` (`aws/secretsmanager`): no customer-managed key can be named that way.
  if (/alias\/aws\//.test(text) || /^aws\/[a-z0-9-]+$/.test(text.trim())) {
    return { kind: 'aws-managed', display: text };
  }
  const alias = /alias\/(.+)$/.exec(text);
  if (alias) {
    const aliasResource = index
      .ofType('AWS::KMS::Alias')
      .find(a => literalText(flatten(a.properties.AliasName, index)) === `alias/${alias[1]}`);
    const key = aliasResource ? index.target(aliasResource.properties.TargetKeyId) : undefined;
    return { kind: 'customer', key, display: text };
  }
  return { kind: 'customer', display: text };
}

/** Logical ids of the KMS keys of this stack that encrypt a secret (primary or replica), once per index. */
export function secretKeyIds(index: TemplateIndex): Set<string> {
  return index.fact('secret-key-ids', () => {
    const ids = new Set<string>();
    for (const secret of index.ofType('AWS::SecretsManager::Secret')) {
      const refs = [secret.properties.KmsKeyId, ...asArray(secret.properties.ReplicaRegions).filter(isObject).map(r => r.KmsKeyId)];
      for (const ref of refs) {
        const key = keyReference(ref, index).key;
        if (key) {
          ids.add(key.logicalId);
        }
      }
    }
    return ids;
  });
}

/**
 * Logical ids of the roles of this stack's rotation functions, once per index. Rotation code
 * must read `AWSPENDING`, so its grants are exempt from the `AWSCURRENT` pin.
 */
export function rotationRoleIds(index: TemplateIndex): Set<string> {
  return index.fact('rotation-role-ids', () => {
    const ids = new Set<string>();
    for (const schedule of index.ofType('AWS::SecretsManager::RotationSchedule')) {
      const fn = index.target(schedule.properties.RotationLambdaARN);
      const role = fn ? index.targetId(fn.properties.Role) : undefined;
      if (role) {
        ids.add(role);
      }
    }
    return ids;
  });
}

/** A policy document held by an IAM resource, and where in the resource it sits. */
export interface HeldDocument {
  readonly document: unknown;
  /** Where the document sits, for finding text: `PolicyDocument`, `Policies[0] (ReadDb)`. */
  readonly where: string;
  /** Its property path, for finding suffixes: `PolicyDocument`, `Policies[0]`. */
  readonly path: string;
}

/** The policy documents an IAM resource holds (inline policies of roles, users and groups included). */
export function heldDocuments(view: ResourceView): HeldDocument[] {
  if (view.properties.PolicyDocument !== undefined) {
    return [{ document: view.properties.PolicyDocument, where: 'PolicyDocument', path: 'PolicyDocument' }];
  }
  return asArray(view.properties.Policies)
    .filter(isObject)
    .map((p, i) => ({
      document: p.PolicyDocument,
      where: `Policies[${i}]${typeof p.PolicyName === 'string' ? ` (${p.PolicyName})` : ''}`,
      path: `Policies[${i}]`,
    }));
}

/** The roles, users and groups (logical ids of this stack) an IAM resource's permissions apply to. */
export function holders(view: ResourceView, index: TemplateIndex): string[] {
  if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(view.type)) {
    return [view.logicalId];
  }
  const out: string[] = view.type === 'AWS::IAM::ManagedPolicy' ? [...index.managedPolicyHolders(view.logicalId)] : [];
  for (const key of ['Roles', 'Users', 'Groups', 'RoleName', 'UserName', 'GroupName']) {
    for (const t of asArray(view.properties[key])) {
      const id = index.targetId(t);
      if (id) {
        out.push(id);
      }
    }
  }
  return out;
}

/** The CloudFormation types that hold IAM identity policies. */
export const IAM_POLICY_TYPES = [
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
];

/** How a statement is named in finding text: its Sid, or its position. */
export function statementName(sid: string | undefined, position: number, where: string): string {
  return sid ? `statement '${sid}' in ${where}` : `statement ${position + 1} in ${where}`;
}

/**
 * Whether a DeletionPolicy keeps the resource when its stack is deleted: `Retain`, or
 * `RetainExceptOnCreate` (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE), which deletes only a
 * resource whose creation failed and so never held a value.
 */
export function isRetained(deletionPolicy: string | undefined): boolean {
  return deletionPolicy === 'Retain' || deletionPolicy === 'RetainExceptOnCreate';
}
