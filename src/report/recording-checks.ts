import { CfnElement, CfnResource, IPolicyValidationContext, PolicyViolation, Validations } from 'aws-cdk-lib';
import { IApplyRule, NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { PACK_NAME } from '../nag/rule';
import { ElementFinding, SecretsManagerChecks, SecretsManagerChecksProps } from '../nag/secrets-manager-checks';

/** One finding of the pack, acknowledged or not. */
export interface RecordedFinding {
  readonly rule: string;
  readonly ruleName: string;
  readonly level: 'error' | 'warning';
  /** The resource, or the output, parameter or mapping (`section` says which) the finding is about. */
  readonly node: CfnResource | CfnElement;
  /** `Outputs`, `Parameters` or `Mappings` for a finding on a template element; absent for a resource. */
  readonly section?: ElementFinding['element']['section'];
  readonly message: string;
  readonly acknowledgedWith?: string;
}

/**
 * `SecretsManagerChecks` itself, recording every finding it makes, including the acknowledged
 * ones the pack leaves out of its report (an auditor wants both, and the reason of each).
 *
 * The report's findings are the pack's findings, made by the same rules on the same templates
 * with the same options: the two cannot disagree.
 */
export class RecordingChecks extends SecretsManagerChecks {
  public readonly recorded: RecordedFinding[] = [];

  constructor(props: SecretsManagerChecksProps = {}) {
    super(undefined, props);
  }

  public record(context: IPolicyValidationContext | undefined, scope: IConstruct): RecordedFinding[] {
    this.recorded.length = 0;
    if (context) {
      this.validate(context);
    } else {
      this.validateScope(scope);
    }
    return [...this.recorded];
  }

  protected override applyRule(params: IApplyRule): void {
    const ruleName = params.ruleSuffixOverride ?? params.rule.name;
    const base = `${PACK_NAME}-${ruleName}`;
    const result = params.rule(params.node);
    const ids = result === NagRuleCompliance.NON_COMPLIANT ? [base] : Array.isArray(result) ? result.map(s => `${base}[${s}]`) : [];
    for (const rule of ids) {
      this.recorded.push({
        rule,
        ruleName,
        level: params.level === NagMessageLevel.ERROR ? 'error' : 'warning',
        node: params.node,
        message: params.info,
        acknowledgedWith: acknowledgement(params.node, rule),
      });
    }
    super.applyRule(params);
  }

  /** @internal */
  protected override _reportElement(found: ElementFinding): PolicyViolation | undefined {
    this.recorded.push({
      rule: found.ruleId,
      ruleName: found.ruleName,
      level: found.level === NagMessageLevel.ERROR ? 'error' : 'warning',
      node: found.element.node,
      section: found.element.section,
      message: found.info,
      acknowledgedWith: found.acknowledgedWith,
    });
    return super._reportElement(found);
  }
}

/**
 * The reason `rule` is acknowledged on `node` or one of its scopes (as cdk-nag and the CDK
 * validation framework look it up), or undefined.
 */
export function acknowledgement(node: IConstruct, rule: string): string | undefined {
  for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (id.replace(/^annotation::/i, '') === rule) {
          return reason;
        }
      }
    }
  }
  return undefined;
}
