import type { AuditFinding } from './audit';
import { packageVersion } from '../report/build';

/**
 * A SARIF 2.1.0 log of the findings, for code-scanning UIs (GitHub code scanning reads it with
 * `github/codeql-action/upload-sarif`). One rule per rule id (without the `[...]` suffix, which
 * goes into the message); each result points at the template file, the line of the logical id
 * and the resource as a logical location.
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * @see https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export function sarifLog(findings: AuditFinding[], help: Map<string, { short: string; help: string }>): object {
  const ruleIds = [...new Set(findings.map(f => f.rule))].sort();
  const rules = ruleIds.map(id => {
    const h = help.get(id) ?? { short: id, help: id };
    const level = findings.find(f => f.rule === id)?.level ?? 'warning';
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: h.short },
      fullDescription: { text: h.help },
      help: { text: h.help },
      defaultConfiguration: { level },
      properties: { tags: ['security', 'secrets'] },
    };
  });
  const results = findings.map(f => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: f.level,
    message: { text: `${f.ruleId === f.rule ? '' : `${f.ruleId}: `}${f.message}` },
    locations: [{
      ...(f.location ? {
        physicalLocation: {
          artifactLocation: { uri: f.location.file },
          region: { startLine: f.location.line ?? 1 },
        },
      } : {}),
      logicalLocations: [{
        name: f.location?.logicalId ?? f.constructPath.split('/').pop(),
        fullyQualifiedName: f.constructPath,
        kind: 'resource',
      }],
    }],
    partialFingerprints: { 'resourceRule/v1': `${f.location?.file ?? ''}#${f.location?.logicalId ?? f.constructPath}#${f.ruleId}` },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk-hardened-secrets',
          version: packageVersion(),
          informationUri: 'https://github.com/cdk-hardened-secrets/cdk-hardened-secrets',
          rules,
        },
      },
      results,
    }],
  };
}
