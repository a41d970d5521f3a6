import { SCHEMA_ID, SCHEMA_VERSION } from './model';

/* eslint-disable quote-props */

const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const bool = { type: 'boolean' };
const count = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: str };
const resourceId = { type: 'string', pattern: '^.+/[^/]+$', description: '`Stack/LogicalId`' };

/** Builds an object schema in which every listed property is required and nothing else is allowed. */
function obj(properties: Record<string, unknown>, description?: string): Record<string, unknown> {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
  };
}

const keyKind = { enum: ['customer-managed', 'aws-managed', 'default', 'unknown'] };
const checkStatus = { enum: ['pass', 'fail', 'warn', 'not-applicable'] };

const principal = {
  principal: str,
  type: { enum: ['role', 'user', 'group', 'account', 'service', 'arn', 'any', 'unknown'] },
  resource: { anyOf: [resourceId, { type: 'null' }] },
  constructPath: strOrNull,
};

const finding = obj({
  rule: { type: 'string', pattern: '^HardenedSecrets-[A-Za-z]+(\\[.*\\])?$' },
  ruleName: str,
  level: { enum: ['error', 'warning'] },
  resource: resourceId,
  resourceType: { type: 'string', pattern: '^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$' },
  constructPath: str,
  message: str,
  acknowledged: bool,
  reason: strOrNull,
  secrets: { type: 'array', items: resourceId },
}, 'One finding of SecretsManagerChecks; acknowledged ones carry the reason.');

/**
 * The JSON Schema (draft-07) of `secrets-compliance.json`, schema version {@link SCHEMA_VERSION}.
 * Shipped as `schema/secrets-compliance.schema.json` and printed by `cdk-hardened-secrets schema`.
 */
export const SECRETS_COMPLIANCE_SCHEMA: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCHEMA_ID,
  title: 'cdk-hardened-secrets compliance report',
  description: 'Inventory, access, coverage and findings of every AWS Secrets Manager secret of a CDK app or set of CloudFormation templates, mapped to SOC 2, PCI DSS 4.0, NIST 800-53 R5 and HIPAA controls.',
  ...obj({
    $schema: { const: SCHEMA_ID },
    schemaVersion: { const: SCHEMA_VERSION },
    generator: obj({ name: { const: 'cdk-hardened-secrets' }, version: str }),
    source: obj({
      kind: { enum: ['cloud-assembly', 'templates'] },
      stacks: { type: 'array', items: obj({ stack: str, template: strOrNull }) },
    }),
    options: obj({
      maxRotationIntervalHours: { type: 'number', exclusiveMinimum: 0 },
      requiredTags: strings,
      externalMonitor: strOrNull,
    }),
    summary: obj({
      stacks: count,
      secrets: count,
      secretsWithCustomerManagedKey: count,
      secretsRotating: count,
      secretsRotationWaived: count,
      secretsWithResourcePolicy: count,
      findings: obj({ error: count, warning: count, acknowledged: count }),
      controls: obj({ pass: count, fail: count, warn: count, notApplicable: count }),
      evidence: obj({ provided: count, partial: count, missing: count }),
    }),
    secrets: {
      type: 'array',
      items: obj({
        id: resourceId,
        stack: str,
        logicalId: { type: 'string', pattern: '^[A-Za-z0-9]+$' },
        constructPath: str,
        name: strOrNull,
        tags: { type: 'object', additionalProperties: strOrNull },
        deletionPolicy: strOrNull,
        key: obj({
          kind: keyKind,
          reference: str,
          resource: { anyOf: [resourceId, { type: 'null' }] },
          rotationEnabled: { type: ['boolean', 'null'] },
          rotationPeriodDays: { type: ['number', 'null'] },
          deletionPolicy: strOrNull,
          admins: { type: 'array', items: obj(principal) },
        }),
        rotation: obj({
          kind: { enum: ['hosted', 'lambda', 'none'] },
          schedule: { anyOf: [resourceId, { type: 'null' }] },
          rotator: strOrNull,
          automaticallyAfterDays: { type: ['number', 'null'] },
          scheduleExpression: strOrNull,
          window: strOrNull,
          worstCaseGapHours: { type: ['number', 'null'] },
          explanation: str,
          withinMaximum: { type: ['boolean', 'null'] },
          waiver: strOrNull,
        }),
        replicas: { type: 'array', items: obj({ region: str, key: obj({ kind: keyKind, reference: str }) }) },
        resourcePolicy: obj({
          policies: { type: 'array', items: resourceId },
          blockPublicPolicy: bool,
          publicAllow: bool,
          denyDelete: bool,
          denyDeleteExceptions: strings,
          tlsRequired: bool,
        }),
        readers: {
          type: 'array',
          items: obj({
            ...principal,
            source: { enum: ['identity-policy', 'aws-managed-policy', 'resource-policy'] },
            policy: str,
            statement: str,
            actions: { type: 'array', items: str, minItems: 1 },
            match: { enum: ['reference', 'import', 'arn-pattern', 'wildcard', 'resource-policy'] },
            conditions: { type: 'object' },
            pinnedToVersionStage: bool,
            usedBy: strings,
          }),
        },
        coverage: obj({
          monitoredBy: strings,
          trails: { type: 'array', items: resourceId },
          networkPaths: { type: 'array', items: obj({ reader: str, vpc: str, endpoint: strOrNull }) },
        }),
        findings: { type: 'array', items: finding },
      }),
    },
    coverage: obj({
      trails: {
        type: 'array',
        items: obj({
          resource: resourceId,
          isLogging: bool,
          multiRegion: bool,
          managementEvents: bool,
          logFileValidation: bool,
          encrypted: bool,
          cloudWatchLogs: bool,
        }),
      },
      monitors: { type: 'array', items: obj({ resource: resourceId, type: str, constructPath: str }) },
      endpoints: { type: 'array', items: obj({ resource: resourceId, vpc: str, privateDns: bool, policy: bool }) },
      externalMonitor: strOrNull,
    }),
    findings: { type: 'array', items: finding },
    controls: {
      type: 'array',
      items: obj({
        framework: { enum: ['SOC 2', 'PCI DSS 4.0', 'NIST 800-53 R5', 'HIPAA'] },
        control: str,
        title: str,
        status: checkStatus,
        checks: {
          type: 'array',
          minItems: 1,
          items: obj({ check: str, source: { enum: ['pack', 'report'] }, status: checkStatus, findings: count, acknowledged: count }),
        },
      }),
    },
    evidence: {
      type: 'array',
      minItems: 6,
      maxItems: 6,
      items: obj({
        id: { enum: ['secrets-inventory', 'rotation-configuration', 'read-access', 'cloudtrail-coverage', 'secret-scanning', 'no-hardcoded-credentials-policy'] },
        title: str,
        status: { enum: ['provided', 'partial', 'missing'] },
        detail: str,
        pointer: { type: 'string', pattern: '^/' },
      }),
    },
  }),
};
