import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';

/** The pack's options after defaults are applied; what every rule receives. */
export interface CheckOptions {
  /** The longest gap between two rotations a schedule may leave, in hours. */
  readonly maxRotationIntervalHours: number;
  /** Whether a role (by its view in the template) is a named admin role allowed broad access. */
  readonly isAdminRole: (node: CfnResource, roleLogicalId: string) => boolean;
  /** Pattern a secret's `Name` must match. */
  readonly namePattern: RegExp;
  /** Tag keys every secret must carry. */
  readonly requiredTags: string[];
  /** A declared monitor outside this app, or undefined. */
  readonly externalMonitor?: string;
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
 * One rule of the `SecretsManagerChecks` pack: a pure function of a `CfnResource` (and the
 * pack's options) that returns what it finds wrong, plus the text the finding carries.
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
  check(node: CfnResource, options: CheckOptions): RuleFinding[];
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
