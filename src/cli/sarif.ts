import * as path from 'path';
import { pathToFileURL } from 'url';
import type { AuditFinding } from './finding';
import type { SourceLocation } from './load';
import { packageVersion } from '../report/build';

/** The base id of template files below the working directory (GitHub code scanning's convention). */
export const SRCROOT = '%SRCROOT%';

/**
 * A template file as a SARIF `artifactLocation` (SARIF 2.1.0 §3.4.3: `uri` is a URI reference,
 * never a file-system path). Below `cwd`: a relative reference (forward slashes, each segment
 * percent-encoded) against `%SRCROOT%`, which `run.originalUriBaseIds` maps to `cwd`, so code
 * scanning maps it to the file in the repository. Elsewhere: a `file:` URL.
 *
 * Segments are encoded with encodeURIComponent rather than encodeURI: encodeURI leaves `#`
 * and `?` (which would start a fragment or a query) and `:` (which would make a first segment
 * such as `c:x.json` a scheme) as they are.
 */
export function artifactLocation(location: SourceLocation, cwd: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(cwd, location.absolutePath);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(location.absolutePath).href };
}

/**
 * A SARIF 2.1.0 log of the findings, for code-scanning UIs (GitHub code scanning reads it with
 * `github/codeql-action/upload-sarif`). One rule per rule id (without the `[...]` suffix, which
 * goes into the message); each result points at the template file, the line of the logical id
 * and the resource as a logical location. A finding the template suppresses, and the audit
 * honoured (`--honor-suppressions`), is a result with an in-source suppression and the template's
 * reason as justification (SARIF 2.1.0 §3.27.23, §3.35); a suppression the audit did not honour
 * is named in the result's properties only.
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * @see https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export function sarifLog(findings: AuditFinding[], help: Map<string, { short: string; help: string }>, cwd: string): object {
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
          artifactLocation: artifactLocation(f.location, cwd),
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
    ...(f.suppression?.honoured ? { suppressions: [{ kind: 'inSource', justification: f.suppression.justification }] } : {}),
    ...(f.suppression && !f.suppression.honoured ? {
      properties: { templateSuppressionNotHonoured: { justification: f.suppression.justification, reason: f.suppression.notHonouredBecause } },
    } : {}),
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
      originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${cwd.replace(/[\\/]+$/, '')}/`).href } },
      results,
    }],
  };
}
