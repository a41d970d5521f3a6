import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { AuditFinding } from './finding';
import type { SourceLocation } from './load';
import { securitySeverity } from './profiles';
import { packageVersion } from '../report/build';

/** The base id of the repository root (the `%SRCROOT%` convention of SARIF producers). */
export const SRCROOT = '%SRCROOT%';

/** Where the rule catalogue is published when package.json names no repository. */
const DEFAULT_REPOSITORY = 'https://github.com/cdk-hardened-secrets/cdk-hardened-secrets';

/** The texts of one rule: written once, in `tool.driver.rules`. */
export interface RuleHelp {
  /** One sentence: what a compliant resource looks like. */
  readonly short: string;
  /** The requirement and the controls it gives evidence for. */
  readonly full: string;
  /** Requirement, why and fix. */
  readonly help: string;
  /** The rule's entry in RULES.md. */
  readonly helpUri?: string;
}

/**
 * The id of a rule's row in RULES.md (`build-tools/rules-table.ts` writes an anchor with it
 * into the row), as GitHub resolves `#<id>` to it.
 */
export function ruleAnchor(ruleName: string): string {
  return `hardenedsecrets-${ruleName.toLowerCase()}`;
}

/** The https URL of the repository (package.json `repository`), without `.git`. */
export function repositoryUrl(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    if (typeof url === 'string' && /^(git\+)?https:\/\//.test(url)) {
      return url.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
    }
  } catch {
    // fall through: the published location
  }
  return DEFAULT_REPOSITORY;
}

/** The https URL of a rule's row in RULES.md. */
export function ruleHelpUri(ruleName: string): string {
  return `${repositoryUrl()}/blob/main/RULES.md#${ruleAnchor(ruleName)}`;
}

/**
 * The root of the git work tree that holds `input` (a template file or a cloud assembly
 * directory), as `git rev-parse --show-toplevel` run in its directory says; the working
 * directory when git is absent or the input is in no work tree.
 */
export function repositoryRoot(input: string): string {
  const resolved = path.resolve(input);
  const dir = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? resolved : path.dirname(resolved);
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
    if (top !== '') {
      return top;
    }
  } catch {
    // no git, or not a work tree
  }
  return process.cwd();
}

/** A path with its symbolic links resolved, when it exists (git prints the resolved root). */
function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * A template file as a SARIF `artifactLocation` (SARIF 2.1.0 §3.4.3: `uri` is a URI reference,
 * never a file-system path). Below `root` (the repository root): a reference relative to it
 * (forward slashes, each segment percent-encoded), which is what GitHub code scanning expects:
 * it ignores `originalUriBaseIds`, so the `uri` alone must name the file from the root. The
 * `%SRCROOT%` base id is kept for viewers that resolve it. Elsewhere: a `file:` URL.
 *
 * Segments are encoded with encodeURIComponent rather than encodeURI: encodeURI leaves `#`
 * and `?` (which would start a fragment or a query) and `:` (which would make a first segment
 * such as `c:x.json` a scheme) as they are.
 */
export function artifactLocation(location: SourceLocation, root: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(real(root), real(location.absolutePath));
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(location.absolutePath).href };
}

/**
 * What a result says: the finding without the rule's why and fix, which the rule carries once.
 * The pack's findings read `<Type> <LogicalId>: <what> Why: ... Fix: ...`; a cdk-nag pack's
 * finding is its rule's description, whose first sentence is kept.
 */
export function resultMessage(f: AuditFinding): string {
  const cut = f.message.indexOf(' Why: ');
  let text = cut > 0 ? f.message.slice(0, cut) : f.message;
  if (cut < 0) {
    const sentence = /^(.+?[.!?])(\s|$)/s.exec(text);
    text = sentence ? sentence[1] : text;
  }
  text = text.replace(/\s+/g, ' ').trim();
  return f.ruleId === f.rule ? text : `${f.ruleId.slice(f.rule.length)} ${text}`;
}

/**
 * A SARIF 2.1.0 log of the findings, for code-scanning UIs (GitHub code scanning reads it with
 * `github/codeql-action/upload-sarif`). The rules' texts (description, help with the fix, link
 * to RULES.md, `security-severity`) are written once in `tool.driver.rules`; each result names
 * its rule by `ruleId` and `ruleIndex` and says in a short message what is wrong with its
 * resource, at the template file (relative to the repository root `root`), the line of the
 * logical id, and the resource as a logical location. A finding the template suppresses, and
 * the audit honoured (`--honor-suppressions`), is a result with an in-source suppression and
 * the template's reason as justification (SARIF 2.1.0 §3.27.23, §3.35); a suppression the
 * audit did not honour is named in the result's properties only.
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * @see https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export function sarifLog(findings: AuditFinding[], help: Map<string, RuleHelp>, root: string): object {
  const ruleIds = [...new Set(findings.map(f => f.rule))].sort();
  const rules = ruleIds.map(id => {
    const h = help.get(id) ?? { short: id, full: id, help: id };
    // The rule's level as this run reports it: an error if any of its findings is one.
    const level = findings.some(f => f.rule === id && f.level === 'error') ? 'error' : 'warning';
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: h.short },
      fullDescription: { text: h.full },
      help: { text: h.help },
      ...(h.helpUri ? { helpUri: h.helpUri } : {}),
      defaultConfiguration: { level },
      properties: { 'tags': ['security', 'secrets'], 'security-severity': securitySeverity(id, level) },
    };
  });
  const results = findings.map(f => {
    const artifact = f.location ? artifactLocation(f.location, root) : undefined;
    return {
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: f.level,
      message: { text: resultMessage(f) },
      locations: [{
        ...(f.location && artifact ? {
          physicalLocation: {
            artifactLocation: artifact,
            region: { startLine: f.location.line ?? 1 },
          },
        } : {}),
        logicalLocations: [{
          name: f.location?.logicalId ?? f.constructPath.split('/').pop(),
          fullyQualifiedName: f.constructPath,
          kind: 'resource',
        }],
      }],
      // The file as the repository names it, so an alert keeps its identity whatever the
      // directory the audit ran from.
      partialFingerprints: { 'resourceRule/v1': `${artifact?.uri ?? ''}#${f.location?.logicalId ?? f.constructPath}#${f.ruleId}` },
      ...(f.suppression?.honoured ? { suppressions: [{ kind: 'inSource', justification: f.suppression.justification }] } : {}),
      ...(f.suppression && !f.suppression.honoured ? {
        properties: { templateSuppressionNotHonoured: { justification: f.suppression.justification, reason: f.suppression.notHonouredBecause } },
      } : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk-hardened-secrets',
          version: packageVersion(),
          informationUri: repositoryUrl(),
          rules,
        },
      },
      originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${real(root).replace(/[\\/]+$/, '')}/`).href } },
      results,
    }],
  };
}
