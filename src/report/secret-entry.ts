/**
 * One secret's entry of the report: its name and tags, key, rotation, replicas, resource
 * policy, readers, coverage and findings, read from the template of its stack.
 */

import { secretCoverage } from './coverage';
import {
  AppCoverage, FindingEntry, KeyEntry, PrincipalRef, ReaderEntry, ReplicaEntry, ResourcePolicyEntry, RotationEntry, SecretEntry,
} from './model';
import { RoleUsage, principalFromText, resourcePolicyReaders } from './readers';
import { SecretRef, display, resourceId } from './references';
import { Indexes } from '../analysis/analysis-run';
import { grants, isConditioned, isPublicPrincipal, statements } from '../analysis/policy';
import { keyReference } from '../analysis/resources';
import { formatHours, scheduleGap } from '../analysis/schedule';
import { ResourceView, TemplateIndex, asArray, isObject } from '../analysis/template-index';
import { flatten, isTrue, literalText } from '../analysis/values';
import { requiresTls } from '../nag/rules/secret-policy-requires-tls';

/** Key policy actions that amount to administering the key. */
const KEY_ADMIN_ACTIONS = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];

/** What a secret's entry is built from besides the secret: what the other parts of the report found. */
export interface SecretContext {
  readonly indexes: Indexes;
  readonly coverage: AppCoverage;
  readonly roleUse: RoleUsage;
  /** The secret's readers through identity policies (its resource-policy readers are added here). */
  readonly identityReaders: ReaderEntry[];
  /** The findings on the secret and the resources that belong to it. */
  readonly findings: FindingEntry[];
}

/** The report's entry of one secret. */
export function secretEntry(s: SecretRef, context: SecretContext): SecretEntry {
  const { index, view } = s;
  const p = view.properties;
  const policies = index.attachedToSecret(view, 'AWS::SecretsManager::ResourcePolicy');
  const readers = [...context.identityReaders, ...resourcePolicyReaders(index, policies, context.roleUse)];
  const name = p.Name === undefined ? undefined : flatten(p.Name, index);
  const tags: { [key: string]: string | null } = {};
  for (const t of asArray(p.Tags).filter(isObject)) {
    if (typeof t.Key === 'string') {
      const v = flatten(t.Value, index);
      tags[t.Key] = v.fullyLiteral ? literalText(v) : null;
    }
  }
  return {
    id: s.id,
    stack: index.stack.node.path,
    logicalId: view.logicalId,
    constructPath: view.node.node.path,
    name: name && name.fullyLiteral ? literalText(name) : null,
    tags,
    deletionPolicy: view.deletionPolicy ?? null,
    key: keyEntry(p.KmsKeyId, index),
    rotation: rotationEntry(s, context.findings),
    replicas: asArray(p.ReplicaRegions).filter(isObject).map((r): ReplicaEntry => {
      const k = keyEntry(r.KmsKeyId, index);
      return { region: display(r.Region), key: { kind: k.kind, reference: k.reference } };
    }),
    resourcePolicy: resourcePolicyEntry(index, policies),
    readers,
    coverage: secretCoverage(readers, context.coverage, index, context.indexes),
    findings: context.findings,
  };
}

/** The key a `KmsKeyId` designates, its rotation and retention, and who administers it by its key policy. */
function keyEntry(value: unknown, index: TemplateIndex): KeyEntry {
  const ref = keyReference(value, index);
  const kind: KeyEntry['kind'] = ref.kind === 'absent' ? 'default' : ref.kind === 'customer' ? 'customer-managed' : ref.kind;
  const key = ref.key;
  const admins: PrincipalRef[] = [];
  if (key) {
    for (const s of statements(key.properties.KeyPolicy, index)) {
      if (s.effect === 'Allow' && KEY_ADMIN_ACTIONS.some(a => grants(s, a))) {
        for (const text of s.hasNotPrincipal ? ['*'] : s.principals) {
          const p = principalFromText(text);
          if (!admins.some(a => a.principal === p.principal)) {
            admins.push(p);
          }
        }
      }
    }
  }
  const period = key?.properties.RotationPeriodInDays;
  return {
    kind,
    reference: ref.kind === 'absent' ? 'aws/secretsmanager (no KmsKeyId)' : key ? resourceId(index, key) : ref.display,
    resource: key ? resourceId(index, key) : null,
    rotationEnabled: key ? isTrue(key.properties.EnableKeyRotation, index) : null,
    rotationPeriodDays: key ? (typeof period === 'number' ? period : isTrue(key.properties.EnableKeyRotation, index) ? 365 : null) : null,
    deletionPolicy: key?.deletionPolicy ?? null,
    admins,
  };
}

/**
 * The secret's rotation schedule and its worst-case gap. Whether the gap is within the maximum
 * is the pack's answer (a `SecretRotationInterval` finding on the schedule), not computed
 * again here; an acknowledged `SecretRotationConfigured` finding is the waiver.
 */
function rotationEntry(s: SecretRef, own: FindingEntry[]): RotationEntry {
  const { index, view } = s;
  const waiver = own.find(f => f.resource === s.id && f.rule === 'HardenedSecrets-SecretRotationConfigured' && f.acknowledged)?.reason ?? null;
  const schedule = index.attachedToSecret(view, 'AWS::SecretsManager::RotationSchedule')[0];
  if (!schedule) {
    return {
      kind: 'none',
      schedule: null,
      rotator: null,
      automaticallyAfterDays: null,
      scheduleExpression: null,
      window: null,
      worstCaseGapHours: null,
      explanation: 'no rotation schedule: the value never changes',
      withinMaximum: false,
      waiver,
    };
  }
  const p = schedule.properties;
  const hosted = p.HostedRotationLambda;
  const fn = index.target(p.RotationLambdaARN);
  const rules = isObject(p.RotationRules) ? p.RotationRules : {};
  const days = rules.AutomaticallyAfterDays === undefined ? undefined : flatten(rules.AutomaticallyAfterDays, index);
  const expression = rules.ScheduleExpression === undefined ? undefined : flatten(rules.ScheduleExpression, index);
  let hours: number | null = null;
  let explanation: string;
  if (expression) {
    if (expression.fullyLiteral) {
      try {
        const gap = scheduleGap(literalText(expression));
        hours = Number.isFinite(gap.hours) ? gap.hours : null;
        explanation = gap.explanation;
      } catch (e) {
        explanation = (e as Error).message;
      }
    } else {
      explanation = 'ScheduleExpression is not written in the template';
    }
  } else if (days && days.fullyLiteral && Number.isFinite(Number(literalText(days)))) {
    hours = Number(literalText(days)) * 24;
    explanation = `AutomaticallyAfterDays ${literalText(days)} rotates every ${formatHours(hours)}`;
  } else {
    explanation = rules.AutomaticallyAfterDays === undefined ? 'RotationRules has no schedule' : 'AutomaticallyAfterDays is not written in the template';
  }
  const window = rules.Duration === undefined ? null : display(rules.Duration);
  const exceeded = own.some(f => f.resource === resourceId(index, schedule) && f.ruleName === 'SecretRotationInterval');
  let rotator: string | null = null;
  if (hosted !== undefined) {
    rotator = isObject(hosted) ? display(hosted.RotationType) : display(hosted);
  } else if (fn) {
    rotator = resourceId(index, fn);
  } else if (p.RotationLambdaARN !== undefined) {
    rotator = display(p.RotationLambdaARN);
  }
  return {
    kind: hosted !== undefined ? 'hosted' : 'lambda',
    schedule: resourceId(index, schedule),
    rotator,
    automaticallyAfterDays: days && days.fullyLiteral && Number.isFinite(Number(literalText(days))) ? Number(literalText(days)) : null,
    scheduleExpression: expression ? display(rules.ScheduleExpression) : null,
    window,
    worstCaseGapHours: hours,
    explanation,
    withinMaximum: hours === null ? (exceeded ? false : null) : !exceeded,
    waiver,
  };
}

/** What the secret's resource policies allow and deny: public access, deletion, insecure transport. */
function resourcePolicyEntry(index: TemplateIndex, policies: ResourceView[]): ResourcePolicyEntry {
  const all = policies.flatMap(p => statements(p.properties.ResourcePolicy, index));
  const denyDelete = all.filter(s => s.effect === 'Deny' && isPublicPrincipal(s) && grants(s, 'secretsmanager:DeleteSecret'));
  const exceptions: string[] = [];
  for (const s of denyDelete) {
    for (const block of Object.values(s.condition)) {
      if (!isObject(block)) {
        continue;
      }
      for (const [key, value] of Object.entries(block)) {
        if (/^aws:(principal|userid$|username$)/i.test(key)) {
          for (const v of asArray(value)) {
            exceptions.push(`${key} ${display(v)}`);
          }
        }
      }
    }
  }
  return {
    policies: policies.map(p => resourceId(index, p)),
    blockPublicPolicy: policies.some(p => isTrue(p.properties.BlockPublicPolicy, index)),
    publicAllow: all.some(s => s.effect === 'Allow' && isPublicPrincipal(s) && !isConditioned(s)),
    denyDelete: denyDelete.length > 0,
    denyDeleteExceptions: [...new Set(exceptions)],
    // The same reading as the rule SecretPolicyRequiresTls, whose findings the controls cite.
    tlsRequired: all.some(requiresTls),
  };
}
