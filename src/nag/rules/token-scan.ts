import { CfnResource } from 'aws-cdk-lib';
import { TokenFormat, decodeBase64Text } from '../../analysis/credentials';
import { ResourceView, TemplateIndex } from '../../analysis/template-index';
import { displayPath, walkStrings } from '../../analysis/values';
import { RuleFinding, finding } from '../rule';

/**
 * Findings for every property string of `node` that contains one of `formats`; literal base64
 * strings (pre-encoded user data) are decoded first. Names the path and the format, never the value.
 */
export function tokenFindings(node: CfnResource, index: TemplateIndex, formats: TokenFormat[]): RuleFinding[] {
  // One finding per property path (its suffix), naming every format found there.
  const found = new Map<string, Set<string>>();
  for (const { path, candidates } of stringsOf(index.view(node), index)) {
    for (const format of formats) {
      if (candidates.some(c => format.pattern.test(c))) {
        const at = displayPath(path);
        found.set(at, (found.get(at) ?? new Set()).add(format.name));
      }
    }
  }
  return [...found.entries()].map(([at, names]) =>
    finding(`${at} contains ${[...names].map(n => `${/^[aeiou]/i.test(n) ? 'an' : 'a'} ${n}`).join(' and ')}.`, at));
}

interface ScannedString {
  readonly path: string;
  /** The string, and its base64 decoding when it is base64 text. */
  readonly candidates: string[];
}

/** The strings of a resource, walked once per index (one validation run) and shared by the scanning rules. */
function stringsOf(view: ResourceView, index: TemplateIndex): ScannedString[] {
  return index.derive('scanned-strings', view, () => {
    const found: ScannedString[] = [];
    const visit = (path: string, text: string) => {
      const decoded = decodeBase64Text(text);
      found.push({ path, candidates: decoded === undefined ? [text] : [text, decoded] });
    };
    walkStrings(view.properties, visit, '', index);
    // cfn-init writes files and runs commands from Metadata: credentials end up there too.
    walkStrings(view.metadata, visit, 'Metadata', index);
    return found;
  });
}
