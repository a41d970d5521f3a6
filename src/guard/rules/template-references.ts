import { GuardClause, clause, guardString, indent } from '../definition';

/**
 * Guard building blocks for the TEMPLATE target, where a rule sees the whole template and
 * follows `Ref` / `Fn::GetAtt` between resources. Guard has no per-resource handle on a logical
 * id, so a rule collects the ids a property refers to (`let`), then visits
 * `Resources[ keys IN %ids ]`, or checks each logical id with `Resources[ id | ... ]` and
 * `%id IN %ids`. (cfn-guard 3.1 mis-evaluates `keys !IN %list` in a filter when the list has
 * several values; `IN` and a clause's `!IN` are sound, and the blocks below use only those.)
 */

/** Where a resource's property refers to another resource. */
export interface ReferencePath {
  /** A list property whose entries hold the reference (`ReplicaRegions`), if any. */
  readonly list?: string;
  /** The property (of the resource, or of each entry of `list`) that holds it (`KmsKeyId`). */
  readonly property: string;
}

/**
 * `let` statements collecting the logical ids that `path` refers to (`Ref`, and `Fn::GetAtt` in
 * its list form) in the resources of `type`; returns the statements and the variable names.
 */
export function referenceLets(name: string, type: string, path: ReferencePath): { lets: string[]; names: string[] } {
  const select = (extra: string) => `Resources.*[ Type == ${guardString(type)}\n    ${extra} ]`;
  const query = (test: string, pick: string) => path.list === undefined
    ? `${select(`Properties.${path.property}.${test}`)}.Properties.${path.property}.${pick}`
    : `${select(`Properties.${path.list} exists`)}.Properties.${path.list}[ ${path.property}.${test} ].${path.property}.${pick}`;
  return {
    lets: [
      `let ${name}_ref = ${query('Ref exists', 'Ref')}`,
      `let ${name}_getatt = ${query('\'Fn::GetAtt\' is_list', '\'Fn::GetAtt\'[0]')}`,
      // `!GetAtt Key.Arn` in YAML reaches cfn-guard as the string form: the logical id is before the dot.
      `let ${name}_getatt_text = ${query('\'Fn::GetAtt\' is_string', '\'Fn::GetAtt\'')}`,
      `let ${name}_getatt_string = regex_replace(%${name}_getatt_text, '^([^.]+)[.].*$', '\${1}')`,
    ],
    names: [`${name}_ref`, `${name}_getatt`, `${name}_getatt_string`],
  };
}

/**
 * Clauses checked on each resource of `type` whose logical id is in one of the `variables`
 * (a resource reached twice is checked twice: the finding is the same).
 */
export function onReferenced(rule: string, variables: string[], type: string, clauses: GuardClause[]): string {
  return variables.map(v => [
    `when %${v} !empty {`,
    indent(`Resources[ keys IN %${v} ] {`, 1),
    indent(`when Type == ${guardString(type)} {`, 2),
    indent(clauses.map(c => clause(rule, c)).join('\n'), 3),
    indent('}', 2),
    indent('}', 1),
    '}',
  ].join('\n')).join('\n');
}

/**
 * The logical ids of the KMS keys that encrypt a secret of the template, the way the pack finds
 * them: the secret's `KmsKeyId` and its replicas' `KmsKeyId` by `Ref` or `Fn::GetAtt`, and the
 * key an `AWS::KMS::Alias` the secret refers to targets. Returns the `let`s and the variables.
 */
export function secretKeyLets(): { lets: string[]; names: string[] } {
  const direct = referenceLets('secret_key', 'AWS::SecretsManager::Secret', { property: 'KmsKeyId' });
  const replica = referenceLets('replica_key', 'AWS::SecretsManager::Secret', { list: 'ReplicaRegions', property: 'KmsKeyId' });
  const aliasLets = [
    `let secret_key_aliases = Resources[ keys IN %${direct.names[0]} ]`,
    'let aliased_key_ref = %secret_key_aliases[ Type == \'AWS::KMS::Alias\'\n    Properties.TargetKeyId.Ref exists ].Properties.TargetKeyId.Ref',
    'let aliased_key_getatt = %secret_key_aliases[ Type == \'AWS::KMS::Alias\'\n    Properties.TargetKeyId.\'Fn::GetAtt\' is_list ].Properties.TargetKeyId.\'Fn::GetAtt\'[0]',
  ];
  return {
    lets: [...direct.lets, ...replica.lets, ...aliasLets],
    names: [...direct.names, ...replica.names, 'aliased_key_ref', 'aliased_key_getatt'],
  };
}

/** What the TEMPLATE rules on a secret's key leave out of the pack's way of finding that key. */
export const SECRET_KEY_REFERENCE_GAP = 'The key of a secret is found through KmsKeyId (and replica KmsKeyIds) by Ref or Fn::GetAtt (either form), and through an AWS::KMS::Alias the KmsKeyId refers to by Ref; a key named by a literal alias name or ARN is not followed.';

/** Why a rule on the key of a secret is not in a hook or AWS Config. */
export const KEY_OF_A_SECRET = 'Whether a KMS key encrypts a secret is known only from the secret that refers to it: a Guard Hook and AWS Config see the key alone (and checking every key would flag keys that encrypt no secret).';

/** A Guard named rule of the TEMPLATE target on the KMS keys that encrypt a secret. */
export function secretKeyRule(name: string, rule: string, clauses: GuardClause[]): string {
  const { lets, names } = secretKeyLets();
  return [
    `rule ${name} when Resources.*[ Type == 'AWS::SecretsManager::Secret' ] !empty {`,
    indent(lets.join('\n'), 1),
    indent(onReferenced(rule, names, 'AWS::KMS::Key', clauses), 1),
    '}',
  ].join('\n');
}

const SECRET = 'AWS::SecretsManager::Secret';

/** A clause that fails on every resource it is checked on, naming it by `/Resources/<id>/Type`. */
function failOnSecret(rule: string, message: string): string {
  return clause(rule, { check: `Type != ${guardString(SECRET)}`, message });
}

/** The resources of `type` meeting `filter` whose `SecretId` is a `Ref` (or `Fn::GetAtt`) to a resource, as a Guard query of those ids. */
function attachedIds(type: string, filter: string[], intrinsic: 'Ref' | 'Fn::GetAtt' = 'Ref'): string {
  const [key, pick] = intrinsic === 'Ref' ? ['Ref', 'Ref'] : ['\'Fn::GetAtt\'', '\'Fn::GetAtt\'[0]'];
  return `Resources.*[ ${[`Type == ${guardString(type)}`, ...filter, `Properties.SecretId.${key} exists`].join('\n    ')} ].Properties.SecretId.${pick}`;
}

/**
 * A Guard named rule of the TEMPLATE target: every secret has a resource of `type` whose
 * `SecretId` is a `Ref` or an `Fn::GetAtt` to it and that meets one of `filters` (each a list of
 * Guard clauses, one per line, relative to that resource). A secret without one fails, on its
 * own path (`/Resources/<id>/Type`).
 *
 * The secrets' logical ids are bound with `Resources[ secret_id | ... ]`; each list of qualifying
 * ids takes its secrets away in turn (`%ids[ this !IN %list ]`, only when the list is not empty:
 * cfn-guard 3.1 keeps nothing when it is), and the secrets left are visited with
 * `Resources[ keys IN ... ]`.
 */
export function secretsLackingRule(name: string, rule: string, type: string, filters: string[][], message: string): string {
  const lists = filters.flatMap(filter => [attachedIds(type, filter, 'Ref'), attachedIds(type, filter, 'Fn::GetAtt')]);
  const fail = (ids: string | undefined) => ids === undefined
    ? [`Resources.*[ Type == ${guardString(SECRET)} ] {`, indent(failOnSecret(rule, message), 1), '}'].join('\n')
    : [`when %${ids} !empty {`, indent(`Resources[ keys IN %${ids} ] {`, 1), indent(failOnSecret(rule, message), 2), indent('}', 1), '}'].join('\n');
  // `left` is the variable of the secrets no list has taken yet; undefined: all of them.
  const branch = (level: number, left: string | undefined): string => {
    if (level === lists.length) {
      return fail(left);
    }
    const next = `lacking_${level + 1}`;
    return [
      `when %attached_${level + 1} empty {`,
      indent(branch(level + 1, left), 1),
      '}',
      `when %attached_${level + 1} !empty {`,
      indent(`let ${next} = %${left ?? 'secret_id'}[ this !IN %attached_${level + 1} ]`, 1),
      indent(branch(level + 1, next), 1),
      '}',
    ].join('\n');
  };
  return [
    `rule ${name} when Resources.*[ Type == ${guardString(SECRET)} ] !empty {`,
    indent(lists.map((query, i) => `let attached_${i + 1} = ${query}`).join('\n'), 1),
    indent(`Resources[ secret_id | Type == ${guardString(SECRET)} ] {\n  Type exists\n}`, 1),
    indent(branch(0, undefined), 1),
    '}',
  ].join('\n');
}

/**
 * A Guard named rule of the TEMPLATE target: a secret that a resource of `type` meeting `filter`
 * refers to (`SecretId` a `Ref` or an `Fn::GetAtt` to it) fails, on its own path.
 */
export function secretsReferencedByRule(name: string, rule: string, type: string, filter: string[], message: string): string {
  return [
    `rule ${name} when Resources.*[ Type == ${guardString(SECRET)} ] !empty {`,
    ...(['Ref', 'Fn::GetAtt'] as const).map((intrinsic, i) => [
      indent(`let referring_${i + 1} = ${attachedIds(type, filter, intrinsic)}`, 1),
      indent(`when %referring_${i + 1} !empty {`, 1),
      indent(`Resources[ keys IN %referring_${i + 1} ] {`, 2),
      indent(`when Type == ${guardString(SECRET)} {`, 3),
      indent(failOnSecret(rule, message), 4),
      indent('}', 3),
      indent('}', 2),
      indent('}', 1),
    ].join('\n')),
    '}',
  ].join('\n');
}
