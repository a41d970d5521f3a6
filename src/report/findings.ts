/**
 * The pack's findings as the report lists them: each names its resource as `Stack/LogicalId`
 * and the secrets that resource belongs to, so a finding on a key, a policy or a rotation
 * permission shows up under every secret it weakens.
 */

import { CfnResource } from 'aws-cdk-lib';
import { FindingEntry, ReaderEntry } from './model';
import { RecordedFinding } from './recording-checks';
import { SecretRef, addOnce, resourceId } from './references';
import { Indexes } from '../analysis/analysis-run';
import { keyReference } from '../analysis/resources';
import { asArray, isObject } from '../analysis/template-index';

/** Resource (`Stack/LogicalId`) → the ids of the secrets it belongs to. */
export type RelatedSecrets = ReadonlyMap<string, string[]>;

/**
 * For each resource, the secrets it belongs to: the secret itself, its resource policies,
 * rotation schedules and target attachments, the permission that lets Secrets Manager invoke
 * its rotation function, its keys (primary and replica), and the identity policies that grant
 * read on it by name (not by wildcard).
 *
 * @param readers identity-policy readers by secret id
 */
export function relatedSecrets(secrets: SecretRef[], readers: ReadonlyMap<string, ReaderEntry[]>): RelatedSecrets {
  const related = new Map<string, string[]>();
  const add = (resource: string, secret: string) => addOnce(related, resource, secret);
  for (const s of secrets) {
    const { index, view } = s;
    add(s.id, s.id);
    for (const type of ['AWS::SecretsManager::ResourcePolicy', 'AWS::SecretsManager::RotationSchedule', 'AWS::SecretsManager::SecretTargetAttachment']) {
      for (const r of index.attachedToSecret(view, type)) {
        add(resourceId(index, r), s.id);
        const fn = index.target(r.properties.RotationLambdaARN);
        if (fn) {
          for (const permission of index.ofType('AWS::Lambda::Permission')) {
            if (index.targetId(permission.properties.FunctionName) === fn.logicalId) {
              add(resourceId(index, permission), s.id);
            }
          }
        }
      }
    }
    for (const ref of [view.properties.KmsKeyId, ...asArray(view.properties.ReplicaRegions).filter(isObject).map(r => r.KmsKeyId)]) {
      const key = keyReference(ref, index).key;
      if (key) {
        add(resourceId(index, key), s.id);
      }
    }
    for (const r of readers.get(s.id) ?? []) {
      if (r.source === 'identity-policy' && r.match !== 'wildcard') {
        add(r.policy, s.id);
      }
    }
  }
  return related;
}

/** The report's entry of each recorded finding, acknowledged or not, in the order the pack made them. */
export function findingEntries(recorded: RecordedFinding[], indexes: Indexes, related: RelatedSecrets): FindingEntry[] {
  return recorded.map(f => {
    const index = indexes.index(f.node);
    const resource = CfnResource.isCfnResource(f.node)
      ? resourceId(index, index.view(f.node))
      : resourceId(index, { logicalId: index.stack.resolve(f.node.logicalId) as string });
    return {
      rule: f.rule,
      ruleName: f.ruleName,
      level: f.level,
      resource,
      // An output, parameter or mapping has no resource type: it is named after its template
      // section (AWS::CloudFormation::Output, ::Parameter, ::Mapping), in the schema's shape.
      resourceType: CfnResource.isCfnResource(f.node) ? f.node.cfnResourceType : `AWS::CloudFormation::${(f.section ?? 'Outputs').replace(/s$/, '')}`,
      constructPath: f.node.node.path,
      message: f.message,
      acknowledged: f.acknowledgedWith !== undefined,
      reason: f.acknowledgedWith ?? null,
      secrets: related.get(resource) ?? [],
    };
  });
}

/** The findings of each secret (those whose resource belongs to it), by secret id. */
export function findingsBySecret(findings: FindingEntry[]): Map<string, FindingEntry[]> {
  const bySecret = new Map<string, FindingEntry[]>();
  for (const f of findings) {
    for (const id of f.secrets) {
      bySecret.set(id, [...(bySecret.get(id) ?? []), f]);
    }
  }
  return bySecret;
}
