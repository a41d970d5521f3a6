/**
 * Small apps for the unit tests of the report's parts (`references`, `readers`, `coverage`,
 * `findings`, `secret-entry`): synthesised, then read through an `AnalysisRun` as the report
 * reads them at synth, from the templates synth wrote.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AnalysisRun } from '../../src/analysis/analysis-run';
import { TemplateIndex } from '../../src/analysis/template-index';
import { SecretRef, secretRefs, stacksOf } from '../../src/report/references';

/** The account and region of `envStack`. */
export const ENV = { account: '111111111111', region: 'eu-west-1' };

/** A stack of `app` in `ENV`. */
export function envStack(app: App, id = 'Stack'): Stack {
  return new Stack(app, id, { env: ENV });
}

/** An app, synthesised, and the analysis run the report would read it through. */
export interface Analysed {
  readonly run: AnalysisRun;
  readonly stacks: Stack[];
  /** The index of each stack, in tree order. */
  readonly indexes: TemplateIndex[];
  /** Synthesised templates by stack construct path. */
  readonly templates: Map<string, any>;
  /** Every secret of the app, as the report's parts see them. */
  readonly secrets: SecretRef[];
  /** The secret whose CloudFormation resource is `node` (an L1, or the L2 that holds it). */
  secret(node: IConstruct): SecretRef;
}

/** Synthesises `app` and opens an analysis run on its templates. */
export function analyse(app: App): Analysed {
  const assembly = app.synth({ force: true });
  const stacks = stacksOf(app);
  const templates = new Map<string, any>(stacks.map(s => [s.node.path, assembly.getStackArtifact(s.artifactId).template]));
  const run = new AnalysisRun(templates);
  const indexes = stacks.map(s => run.index(s));
  const secrets = secretRefs(indexes);
  return {
    run,
    stacks,
    indexes,
    templates,
    secrets,
    secret(node) {
      const resource = CfnResource.isCfnResource(node) ? node : node.node.defaultChild;
      const found = secrets.find(s => s.view.node === resource);
      if (!found) {
        throw new Error(`${node.node.path} is not a secret of the app`);
      }
      return found;
    },
  };
}

/** `Stack/LogicalId` of a resource (an L1, or the L2 that holds it), as the report names it. */
export function idOf(node: IConstruct): string {
  const resource = CfnResource.isCfnResource(node) ? node : node.node.defaultChild as CfnResource;
  const stack = Stack.of(resource);
  return `${stack.node.path}/${stack.resolve(resource.logicalId)}`;
}
