/**
 * Where an exported Guard rule file is evaluated: each target sees a resource in its own shape.
 */
export enum GuardTarget {
  /**
   * A CloudFormation template (`cfn-guard validate -d template.yaml`): `Resources.<id>.Type`,
   * `.Properties`, `.DeletionPolicy`, and the template's other sections.
   */
  TEMPLATE = 'template',
  /**
   * The input of a Guard Hook on a resource operation, as the CloudFormation Hooks user guide
   * documents it: `Resources.<id>.ResourceType` and `.ResourceProperties`, one resource at a time.
   */
  HOOK = 'hook',
  /**
   * An AWS Config configuration item, as an AWS Config custom policy rule receives it:
   * `resourceType` and `configuration`.
   */
  CONFIG = 'config',
}

/** One Guard rule file of an export. */
export interface GuardRuleFile {
  /** The file's name, e.g. `hardened-secrets.guard`. */
  readonly fileName: string;
  /** The ids of the catalogue rules the file holds (`HardenedSecrets-<Rule>`). */
  readonly ruleIds: string[];
  /** The CloudFormation resource types the file's rules look at. */
  readonly resourceTypes: string[];
  /** The Guard 3 text of the file. */
  readonly content: string;
}

/** A catalogue rule that is not (or not fully) exported to a target, and why. */
export interface GuardRuleGap {
  /** The catalogue rule's id (`HardenedSecrets-<Rule>`). */
  readonly ruleId: string;
  /** The targets the rule is missing from, or only partly expressed in. */
  readonly targets: GuardTarget[];
  /** Whether part of the rule is exported (`true`) or none of it (`false`). */
  readonly partial: boolean;
  /** Why Guard, or the target's input, cannot decide what the pack decides. */
  readonly reason: string;
}
