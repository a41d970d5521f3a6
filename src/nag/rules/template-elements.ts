import { CfnCondition, CfnElement, CfnMapping, CfnOutput, CfnParameter, CfnRule, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { TemplateIndex } from '../../analysis/template-index';
import { TemplateElement, TemplateSection } from '../rule';

/** The section of the template a construct renders into, if it is an output, a parameter, a mapping, a condition or a rule. */
export function sectionOf(node: IConstruct): TemplateSection | undefined {
  if (node instanceof CfnOutput) {
    return 'Outputs';
  }
  if (node instanceof CfnParameter) {
    return 'Parameters';
  }
  if (node instanceof CfnCondition) {
    return 'Conditions';
  }
  if (node instanceof CfnRule) {
    return 'Rules';
  }
  return node instanceof CfnMapping ? 'Mappings' : undefined;
}

/**
 * The outputs, parameters and mappings of the stack `index` holds, by construct, read once per
 * index (one validation run). Each is rendered the way synth renders it into the template.
 */
export function templateElements(index: TemplateIndex): ReadonlyMap<CfnElement, TemplateElement> {
  return index.fact('template-elements', () => {
    const stack = index.stack;
    const elements = new Map<CfnElement, TemplateElement>();
    for (const c of stack.node.findAll()) {
      const section = sectionOf(c);
      if (section === undefined || Stack.of(c) !== stack) {
        continue;
      }
      const node = c as CfnElement;
      // `_toCloudFormation` is how aws-cdk-lib renders an element into its template section.
      const rendered = (node as unknown as { _toCloudFormation(): Record<string, Record<string, unknown> | undefined> })._toCloudFormation();
      const body = Object.values(rendered[section] ?? {})[0];
      if (typeof body !== 'object' || body === null) {
        continue; // a lazy mapping that nothing reads is not rendered
      }
      elements.set(node, {
        section,
        logicalId: stack.resolve(node.logicalId) as string,
        body: stack.resolve(body) as Record<string, any>,
        node,
      });
    }
    return elements;
  });
}

/** The output, parameter or mapping `node` renders, or undefined for any other construct. */
export function elementOf(node: IConstruct, index: TemplateIndex): TemplateElement | undefined {
  return sectionOf(node) === undefined ? undefined : templateElements(index).get(node as CfnElement);
}
