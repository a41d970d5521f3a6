import * as fs from 'fs';
import { CfnResource, IPolicyValidationContext, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AppIndex, SynthesisedTemplate, TemplateIndex } from './template-index';

/**
 * The indexes one analysis reads a construct tree through: the index of each stack and the
 * app index.
 */
export interface Indexes {
  /** The index of the stack that holds `node`. */
  index(node: IConstruct): TemplateIndex;
  /** Facts about the whole app `node` belongs to. */
  appIndex(node: IConstruct): AppIndex;
}

/**
 * One analysis of a construct tree: a validation run of the pack, one report, one stack visited
 * by the guardrails aspect. It owns every index of the analysis (one per stack, one per app) and
 * the templates synth wrote; each index owns what is derived from it. Whoever analyses creates
 * a run, reads the tree through it while the tree stands still, and drops it: nothing is kept
 * between runs, and two runs never share a cache.
 */
export class AnalysisRun implements Indexes {
  /**
   * The templates the validation framework hands a plugin, by stack construct path; a file that
   * cannot be read as a template is left out (its stack is resolved resource by resource).
   */
  public static templatesOf(context: IPolicyValidationContext | undefined): Map<string, SynthesisedTemplate> {
    const templates = new Map<string, SynthesisedTemplate>();
    for (const stack of context?.stackTemplates ?? []) {
      try {
        templates.set(stack.stackConstructPath, JSON.parse(fs.readFileSync(stack.templatePath, 'utf8')));
      } catch {
        // Not a template an analysis can read.
      }
    }
    return templates;
  }

  private readonly templates: ReadonlyMap<string, SynthesisedTemplate>;
  private readonly stacks = new Map<Stack, TemplateIndex>();
  private readonly apps = new Map<IConstruct, AppIndex>();

  /**
   * @param templates templates CDK has just synthesised, by stack construct path (the validation
   * framework hands plugins these files): a stack with one is read from it instead of being
   * resolved resource by resource
   */
  constructor(templates: ReadonlyMap<string, SynthesisedTemplate> = new Map()) {
    this.templates = templates;
  }

  /** The index of the stack that holds `node`, built on first use in this run. */
  public index(node: IConstruct): TemplateIndex {
    const stack = Stack.of(node);
    let index = this.stacks.get(stack);
    if (!index || (CfnResource.isCfnResource(node) && !index.has(node))) {
      // First use in this run, or the resource was added after the stack was indexed.
      index = new TemplateIndex(stack, this.templates.get(stack.node.path));
      this.stacks.set(stack, index);
    }
    return index;
  }

  /** Facts about the whole app `node` belongs to, gathered on first use in this run. */
  public appIndex(node: IConstruct): AppIndex {
    const root = node.node.root;
    let index = this.apps.get(root);
    if (!index) {
      index = new AppIndex(root, resource => this.index(resource));
      this.apps.set(root, index);
    }
    return index;
  }
}
