import { CfnResource, Stack } from 'aws-cdk-lib';
import { ShapeDetector, decodeBase64Text, referencedIds } from '../../analysis/credentials';
import { ResourceView, TemplateIndex } from '../../analysis/template-index';
import { displayPath, walkStrings } from '../../analysis/values';
import { RuleFinding, TemplateElement, finding } from '../rule';

/**
 * Findings for every property string of `node` that contains one of `shapes`; literal base64
 * strings (pre-encoded user data) are decoded first. Names the path and the shape, never the value.
 */
export function tokenFindings(node: CfnResource, index: TemplateIndex, shapes: ShapeDetector[]): RuleFinding[] {
  return findingsFor(stringsOf(index.view(node), index), shapes);
}

/**
 * The same scan over an output (`Value`, `Export.Name`, `Description`), a parameter (`Default`,
 * `AllowedValues`, `Description`), a mapping (every value, as `TopKey.Key`), a condition or a
 * rule (every string of its expressions and assertions).
 *
 * A parameter's `Default` that a resource reads is left out: the scan of that resource follows the
 * `Ref` into the default and reports it where it is deployed, and one key is one finding.
 */
export function elementTokenFindings(element: TemplateElement, index: TemplateIndex, shapes: ShapeDetector[]): RuleFinding[] {
  return findingsFor(elementStringsOf(element, index), shapes);
}

interface ScannedString {
  readonly path: string;
  /** The string, and its base64 decoding when it is base64 text. */
  readonly candidates: string[];
  /** The name the string is stored under (the last word of its path), for shapes that need context. */
  readonly name?: string;
}

function findingsFor(strings: ScannedString[], shapes: ShapeDetector[]): RuleFinding[] {
  // One finding per property path (its suffix), naming every shape found there.
  const found = new Map<string, Set<string>>();
  for (const { path, candidates, name } of strings) {
    for (const shape of shapes) {
      if (candidates.some(c => shape.matches(c, name))) {
        const at = displayPath(path);
        found.set(at, (found.get(at) ?? new Set()).add(shape.name));
      }
    }
  }
  return [...found.entries()].map(([at, names]) =>
    finding(`${at} contains ${[...names].map(n => `${/^[aeiou]/i.test(n) ? 'an' : 'a'} ${n}`).join(' and ')}.`, at));
}

function scanned(path: string, text: string, name?: string): ScannedString {
  const decoded = decodeBase64Text(text);
  return { path, candidates: decoded === undefined ? [text] : [text, decoded], name: name ?? lastWord(path) };
}

/** `Environment.Variables.DB_PASSWORD` → `DB_PASSWORD`; `Tags[0].Value` → `Value`. */
function lastWord(path: string): string | undefined {
  return displayPath(path).replace(/\[\d+\]/g, '').split('.').pop() || undefined;
}

/** The strings of a resource, walked once per index (one validation run) and shared by the scanning rules. */
function stringsOf(view: ResourceView, index: TemplateIndex): ScannedString[] {
  return index.derive('scanned-strings', view, () => {
    const found: ScannedString[] = [];
    const visit = (path: string, text: string) => found.push(scanned(path, text));
    walkStrings(view.properties, visit, '', index);
    // cfn-init writes files and runs commands from Metadata: credentials end up there too.
    walkStrings(view.metadata, visit, 'Metadata', index);
    return found;
  });
}

/** The strings of an output, a parameter or a mapping. References are not followed: what they reach is scanned where it is written. */
function elementStringsOf(element: TemplateElement, index: TemplateIndex): ScannedString[] {
  const found: ScannedString[] = [];
  const { body } = element;
  switch (element.section) {
    case 'Outputs':
      for (const key of ['Value', 'Export', 'Description']) {
        walkStrings(body[key], (path, text) => found.push(scanned(path, text, element.logicalId)), key);
      }
      break;
    case 'Parameters':
      for (const key of ['Default', 'AllowedValues', 'Description']) {
        if (key === 'Default' && parametersReadByResources(index).has(element.logicalId)) {
          continue;
        }
        walkStrings(body[key], (path, text) => found.push(scanned(path, text, element.logicalId)), key);
      }
      break;
    case 'Mappings':
      walkStrings(body, (path, text) => found.push(scanned(path, text)));
      break;
    case 'Conditions':
      // A condition is one expression: `Fn::Equals` of a parameter and a literal to compare it with.
      walkStrings(body, (path, text) => found.push(scanned(path, text, element.logicalId)), 'Condition');
      break;
    case 'Rules':
      walkStrings(body, (path, text) => found.push(scanned(path, text, element.logicalId)));
      break;
  }
  return found;
}

/** The parameters whose value a resource of the stack reads (in its properties or metadata). */
export function parametersReadByResources(index: TemplateIndex): ReadonlySet<string> {
  return index.fact('parameters-read-by-resources', () => {
    const read = new Set<string>();
    for (const c of index.stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === index.stack && index.has(c)) {
        const view = index.view(c);
        referencedIds(view.properties, read);
        referencedIds(view.metadata, read);
      }
    }
    return read;
  });
}
