import { CfnResource } from 'aws-cdk-lib';
import { TokenFormat, decodeBase64Text } from '../credentials';
import { RuleFinding, finding } from '../rule';
import { TemplateIndex } from '../template-index';
import { displayPath, walkStrings } from '../values';

/**
 * Findings for every property string of `node` that contains one of `formats`; literal base64
 * strings (pre-encoded user data) are decoded first. Names the path and the format, never the value.
 */
export function tokenFindings(node: CfnResource, formats: TokenFormat[]): RuleFinding[] {
  const view = TemplateIndex.of(node).view(node);
  const out = new Map<string, RuleFinding>();
  walkStrings(view.properties, (path, text) => {
    const candidates = [text];
    const decoded = decodeBase64Text(text);
    if (decoded !== undefined) {
      candidates.push(decoded);
    }
    for (const format of formats) {
      if (candidates.some(c => format.pattern.test(c))) {
        const at = displayPath(path);
        const key = `${at}:${format.name}`;
        if (!out.has(key)) {
          out.set(key, finding(`${at} contains ${/^[aeiou]/i.test(format.name) ? 'an' : 'a'} ${format.name}.`, at));
        }
      }
    }
  });
  return [...out.values()];
}
