import { GuardClause, GuardRuleSource, GuardShape, clause, forEachResource, guardMessage, guardRegex, guardRuleName, indent } from '../definition';
import { GuardTarget } from '../shape';

/**
 * An AWS managed key as the pack's `keyReference` sees one in a literal `KmsKeyId`: empty (no
 * key), `alias/aws/...` (or its ARN), or `aws/...` written without `alias/`.
 */
const AWS_MANAGED_KEY = guardRegex('(^\\s*$)|(alias/aws/)|(^\\s*aws/[a-z0-9-]+\\s*$)');

/** A literal `KmsKeyId` (`key` a property path relative to the scope) names a customer-managed key. */
function literalKeyClauses(rule: string, key: string, shape: GuardShape, what: string): GuardClause[] {
  const clauses: GuardClause[] = [
    { check: `${key} exists`, message: `${what} has no KmsKeyId, so it is encrypted with the AWS managed key aws/secretsmanager, whose key policy nobody can restrict.` },
    { when: `${key} is_string`, check: `${key} != ${AWS_MANAGED_KEY}`, message: `${what} names an AWS managed key (alias/aws/...), whose key policy nobody can restrict.` },
  ];
  if (shape.seesTemplate) {
    // A hook and AWS Config see resolved values; in a template an Fn::Sub still shows its text.
    clauses.push({
      when: `${key}.'Fn::Sub' is_string`,
      check: `${key}.'Fn::Sub' != ${guardRegex('alias/aws/')}`,
      message: `${what} names an AWS managed key (alias/aws/...) through Fn::Sub.`,
    });
    clauses.push({
      when: `${key}.'Fn::Join' exists`,
      check: `${key}.'Fn::Join'[1][*] {\n  when this is_string {\n    this != ${guardRegex('alias/aws/')}\n    ${guardMessage(rule, `${what} names an AWS managed key (alias/aws/...) through Fn::Join.`)}\n  }\n}`,
    });
  }
  return clauses;
}

/**
 * TEMPLATE only: a `KmsKeyId` that is a `Ref` to a parameter whose default names an AWS managed
 * key (the pack reads a parameter's default as the value). The parameters' logical ids are
 * collected with `Parameters[ id | ... ]`, then each secret's `Ref` is checked against them.
 */
function parameterDefaultRule(rule: string, keyPaths: Array<{ when?: string; ref: string; scope?: string }>, what: string): string {
  const checks = keyPaths.map(({ when, ref, scope }) => {
    const c = clause(rule, { when: `${ref} exists`, check: `${ref} !IN %aws_managed_default`, message: `${what} is a parameter whose default names an AWS managed key (or no key).` });
    const scoped = scope === undefined ? c : `${scope} {\n${indent(c, 1)}\n}`;
    return when === undefined ? scoped : `when ${when} {\n${indent(scoped, 1)}\n}`;
  });
  return [
    `rule ${guardRuleName(rule, 'ParameterDefault')} when Parameters exists`,
    '    Parameters[ Default exists',
    `      Default == ${AWS_MANAGED_KEY} ] !empty`,
    '    Resources.*[ Type == \'AWS::SecretsManager::Secret\' ] !empty {',
    indent(`Parameters[ aws_managed_default | Default exists\n  Default == ${AWS_MANAGED_KEY} ] {\n  Default exists\n}`, 1),
    indent('Resources.*[ Type == \'AWS::SecretsManager::Secret\' ] {', 1),
    indent(checks.join('\n'), 2),
    indent('}', 1),
    '}',
  ].join('\n');
}

/** Why a CONFIG rule decides only AWS Config's proactive evaluations. */
export const PROACTIVE_ONLY = 'In AWS Config the rule decides proactive evaluations (StartResourceEvaluation, whose configuration is the resource\'s CloudFormation properties) only.';

const FROM_TEMPLATE_ONLY = 'A KmsKeyId that is a Ref to a parameter is checked against the parameter\'s default in a template only; a hook and AWS Config see the resolved value.';

/** `HardenedSecrets-SecretCustomerManagedKey`. */
export const SecretCustomerManagedKeyGuard: GuardRuleSource = {
  rule: 'SecretCustomerManagedKey',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
  gaps: [{
    targets: [GuardTarget.TEMPLATE],
    partial: true,
    reason: `A KmsKeyId given by Fn::FindInMap, or built with Fn::Join from pieces that split alias/aws/, is not read (the pack joins the literal parts and reads the mapping). ${FROM_TEMPLATE_ONLY}`,
  }],
  render(shape) {
    // A configuration item recorded by AWS Config holds the key as `configuration.KMSKeyId`
    // (DescribeSecret's); a proactive evaluation's holds the CloudFormation `KmsKeyId`.
    const clauses = shape.target === GuardTarget.CONFIG
      ? [
        { check: 'configuration.KMSKeyId exists or configuration.KmsKeyId exists', message: 'The secret has no KmsKeyId, so it is encrypted with the AWS managed key aws/secretsmanager, whose key policy nobody can restrict.' },
        ...literalKeyClauses(this.rule, 'configuration.KMSKeyId', shape, 'The secret').slice(1),
        ...literalKeyClauses(this.rule, 'configuration.KmsKeyId', shape, 'The secret').slice(1),
      ]
      : literalKeyClauses(this.rule, shape.prop('KmsKeyId'), shape, 'The secret');
    const out = [forEachResource(shape, { rule: this.rule, type: 'AWS::SecretsManager::Secret', clauses })];
    if (shape.seesTemplate) {
      out.push(parameterDefaultRule(this.rule, [{ ref: 'Properties.KmsKeyId.Ref' }], 'The secret\'s KmsKeyId'));
    }
    return out;
  },
};

/** `HardenedSecrets-ReplicaCustomerManagedKey`. */
export const ReplicaCustomerManagedKeyGuard: GuardRuleSource = {
  rule: 'ReplicaCustomerManagedKey',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG],
  gaps: [{
    targets: [GuardTarget.TEMPLATE],
    partial: true,
    reason: `A replica KmsKeyId given by Fn::FindInMap, or built with Fn::Join from pieces that split alias/aws/, is not read. ${FROM_TEMPLATE_ONLY}`,
  }, {
    targets: [GuardTarget.CONFIG],
    partial: true,
    reason: `${PROACTIVE_ONLY} The configuration item AWS Config records for an AWS::SecretsManager::Secret does not hold its replicas or their keys.`,
  }],
  render(shape) {
    const replicas = shape.prop('ReplicaRegions');
    const out = [forEachResource(shape, {
      rule: this.rule,
      type: 'AWS::SecretsManager::Secret',
      filter: `${replicas} exists`,
      clauses: [{
        when: `${replicas} !empty`,
        check: `${replicas}[*] {\n${indent(literalKeyClauses(this.rule, 'KmsKeyId', shape, 'A replica region')
          .map(c => clause(this.rule, c)).join('\n'), 1)}\n}`,
      }],
    })];
    if (shape.seesTemplate) {
      out.push(parameterDefaultRule(this.rule, [{
        when: 'Properties.ReplicaRegions exists',
        scope: 'Properties.ReplicaRegions[*]',
        ref: 'KmsKeyId.Ref',
      }], 'A replica region\'s KmsKeyId'));
    }
    return out;
  },
};
