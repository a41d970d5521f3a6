import { CfnResource } from 'aws-cdk-lib';
import { PACK_NAME } from '../nag/rule';
import { RULES } from '../nag/rules';

/** One `rules_to_suppress` entry of a template resource (`Metadata.cdk_nag`). */
export interface TemplateSuppression {
  /** The rule id as written, with its `[...]` suffix if any. */
  readonly id: string;
  readonly reason: string;
}

/** What the audit made of a template's suppression of one finding. */
export interface FindingSuppression {
  /** The reason the template gives. */
  readonly justification: string;
  /** Whether the finding counts as suppressed (left out of the exit code). */
  readonly honoured: boolean;
  /** Why the suppression was not honoured. */
  readonly notHonouredBecause?: string;
}

/**
 * The credential rules: a credential written into a template is exposed in the template, the
 * cloud assembly and every copy of them, whatever the template says about it. A suppression
 * in the template can never silence these, with or without `--honor-suppressions`.
 */
const CREDENTIAL_RULE_NAME = /^(NoLiteralSecretString|NoAwsAccessKey|NoKnownTokenFormat|NoPrivateKeyMaterial|NoCredentialIn[A-Za-z]+)$/;

/** Ids (without suffix) of the rules a template can never suppress. */
export const UNSUPPRESSIBLE_RULES: ReadonlySet<string> = new Set(
  RULES.filter(r => CREDENTIAL_RULE_NAME.test(r.name)).map(r => `${PACK_NAME}-${r.name}`),
);

/** A rule id without its `[...]` suffix and without the `annotation::` namespace CDK may add. */
export function baseRuleId(id: string): string {
  return id.replace(/^annotation::/i, '').replace(/\[.*$/s, '');
}

/** The `rules_to_suppress` entries that cdk-nag (`writeSuppressionsToCloudFormation`) wrote into a resource. */
export function templateSuppressions(resource: CfnResource): TemplateSuppression[] {
  const meta = resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown } | undefined;
  const rules = Array.isArray(meta?.rules_to_suppress) ? meta.rules_to_suppress : [];
  return rules
    .filter((r): r is { id: string; reason: string } => typeof r?.id === 'string' && typeof r?.reason === 'string')
    .map(r => ({ id: r.id.replace(/^annotation::/i, ''), reason: r.reason }));
}

/**
 * Whether the audit honours a template suppression: only when asked to (the templates are
 * audited, so what they say about themselves is a claim, not evidence), and never for a
 * credential rule.
 */
export function judgeSuppression(entry: TemplateSuppression, honorSuppressions: boolean): FindingSuppression {
  if (UNSUPPRESSIBLE_RULES.has(baseRuleId(entry.id))) {
    return { justification: entry.reason, honoured: false, notHonouredBecause: 'credential rules cannot be suppressed in a template' };
  }
  if (!honorSuppressions) {
    return { justification: entry.reason, honoured: false, notHonouredBecause: 'template suppressions are honoured only with --honor-suppressions' };
  }
  return { justification: entry.reason, honoured: true };
}

/** The template's suppression of `ruleId` (matched exactly, as cdk-nag matches acknowledgements), judged. */
export function suppressionOf(
  entries: readonly TemplateSuppression[] | undefined, ruleId: string, honorSuppressions: boolean,
): FindingSuppression | undefined {
  const entry = entries?.find(e => e.id === ruleId);
  return entry ? judgeSuppression(entry, honorSuppressions) : undefined;
}
