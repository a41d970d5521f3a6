import { CfnElement, CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { AnalysisRun, Indexes } from '../analysis/analysis-run';
import { TemplateIndex } from '../analysis/template-index';

/** The pack's options after defaults are applied; what every rule receives in its context. */
export interface CheckOptions {
  /** The longest gap between two rotations a schedule may leave, in hours. */
  readonly maxRotationIntervalHours: number;
  /** Whether a role of the stack `index` holds (by logical id) is a named admin role allowed broad access. */
  readonly isAdminRole: (index: TemplateIndex, roleLogicalId: string) => boolean;
  /** Pattern a secret's `Name` must match. */
  readonly namePattern: RegExp;
  /** Tag keys every secret must carry. */
  readonly requiredTags: string[];
  /** A declared monitor outside this app, or undefined. */
  readonly externalMonitor?: string;
}

/**
 * What a rule receives besides the resource: the pack's options, and the indexes of the
 * analysis in progress (`index(node)`, `appIndex(node)`), shared by every rule of the run.
 */
export interface RuleContext extends Indexes {
  readonly options: CheckOptions;
}

/** The context of the rules run with `options` in `run`. */
export function ruleContext(options: CheckOptions, run: AnalysisRun): RuleContext {
  return {
    options,
    index: node => run.index(node),
    appIndex: node => run.appIndex(node),
  };
}

/** One thing a rule found wrong with one resource. */
export interface RuleFinding {
  /** What is wrong with this resource, in one or two sentences. Never contains a secret value. */
  readonly message: string;
  /**
   * A finding-specific suffix (a property path) that makes the finding acknowledgeable on its own:
   * the rule id becomes `HardenedSecrets-Rule[suffix]`.
   */
  readonly suffix?: string;
  /**
   * The template cannot show whether the resource complies (an `Fn::ImportValue`, a parameter
   * without a default). Reported as a warning whatever the rule's level: it names what could
   * not be checked without claiming a violation.
   */
  readonly unproven?: boolean;
}

/**
 * One rule of the `SecretsManagerChecks` pack: a pure function of a `CfnResource` (read through
 * the run's indexes, with the pack's options) that returns what it finds wrong, plus the text
 * the finding carries.
 */
export interface SecretsRule {
  /** The rule's name; its id is `HardenedSecrets-<name>`. */
  readonly name: string;
  readonly level: NagMessageLevel;
  /** CloudFormation types the rule looks at; `'*'` for every resource. */
  readonly resourceTypes: string[] | '*';
  /** What a compliant resource looks like, in one sentence. */
  readonly requirement: string;
  /** The controls the rule gives evidence for. */
  readonly controls: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** Template sections besides `Resources` the rule looks at (see {@link TemplateElement}). */
  readonly sections?: TemplateSection[];
  check(node: CfnResource, context: RuleContext): RuleFinding[];
  /** What the rule finds wrong with an output, a parameter or a mapping of `sections`. */
  checkElement?(element: TemplateElement, context: RuleContext): RuleFinding[];
}

/** The sections of a template that hold strings but no resource. */
export type TemplateSection = 'Outputs' | 'Parameters' | 'Mappings' | 'Conditions' | 'Rules';

/**
 * An output, a parameter or a mapping as CloudFormation sees it. These carry strings (an output's
 * `Value`, a parameter's `Default`, a mapping's values) but are not `CfnResource`s: in an app
 * they are `CfnOutput`, `CfnParameter` and `CfnMapping` elements (`CfnInclude` makes one per
 * entry of an included template), each with a logical id and a construct path.
 */
export interface TemplateElement {
  readonly section: TemplateSection;
  readonly logicalId: string;
  /** The element's body in the template: `{ Value, Export }`, `{ Type, Default, NoEcho }`, `{ TopKey: { Key: value } }`. */
  readonly body: Record<string, any>;
  readonly node: CfnElement;
}

/** The prefix of every rule id of the pack. */
export const PACK_NAME = 'HardenedSecrets';

/** A finding for what the template cannot prove either way (reported as a warning). */
export function unproven(message: string): RuleFinding {
  return { message, unproven: true };
}

/** Shorthand for a finding without a suffix. */
export function finding(message: string, suffix?: string): RuleFinding {
  return suffix === undefined ? { message } : { message, suffix };
}
