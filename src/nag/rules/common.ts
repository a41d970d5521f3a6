import { hasPasswordInUrl, isCredentialName, isLiteralCredential } from '../../analysis/credentials';
import { TemplateIndex } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
import { RuleFinding, finding } from '../rule';

/** A name/value pair of an environment-like property, with its property path. */
export interface NamedValue {
  readonly name: string;
  readonly value: unknown;
  readonly path: string;
}

/**
 * Findings for name/value pairs (environment variables, parameters) that hold a literal
 * credential. The finding names the property path, never the value.
 */
export function literalCredentialFindings(pairs: NamedValue[], index: TemplateIndex, where: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const { name, value, path } of pairs) {
    if (isCredentialName(name) && isLiteralCredential(value, index)) {
      out.push(finding(`${where} '${name}' (${path}) looks like a credential and holds a literal value written into the template.`, path));
    } else if (isCredentialName(name) && flatten(value, index).kind === 'unknown') {
      out.push({
        message: `${where} '${name}' (${path}) looks like a credential and gets its value from outside the template (${flatten(value, index).unknownBecause}); ` +
          'whether a credential ends up in plain text there cannot be proven.',
        suffix: path,
        unproven: true,
      });
    } else if (hasPasswordInUrl(value, index)) {
      out.push(finding(`${where} '${name}' (${path}) holds a URL with a literal password in it.`, path));
    }
  }
  return out;
}

