import { CREDENTIAL_KEY_PATTERN, guardRegex } from './credentials-names';
import { PACK_NAME } from '../../nag/rule';
import { GuardShape, guardMessage, guardRuleName, guardString, indent } from '../definition';
import { GuardTarget } from '../shape';

/**
 * The Guard building blocks of the credential rules: how a value the pack would call "written into
 * the template" looks to Guard, in each target.
 *
 * The template target reads intrinsic functions as written, so each one the pack looks through is
 * followed where Guard can: a `Ref` to a parameter (its `Default`, its `NoEcho`), an
 * `Fn::FindInMap` (the mapping's entries), the literal pieces of an `Fn::Join` or an `Fn::Sub`.
 * The hook and the Config targets see values CloudFormation has resolved: a string there is what
 * the service receives.
 */

/** A dynamic reference to a secret value, which CloudFormation resolves only when it calls the service. */
export const SECURE_REFERENCE = '\\{\\{resolve:(?:secretsmanager|ssm-secure):';
/** Any dynamic reference, `{{resolve:ssm:...}}` (a plain String parameter) included. */
export const ANY_REFERENCE = '\\{\\{resolve:(?:secretsmanager|ssm-secure|ssm):';
/** A plain String SSM parameter: the pack flags it in a credential property. */
export const PLAIN_SSM_REFERENCE = '\\{\\{resolve:ssm:';
/** The separators `isWrittenCredential` does not count in a literal piece. */
const PIECE_SEPARATORS = '[\\s\\-_:/.,;|]';
/** What `isLiteralCredential` trims from both ends of a literal piece. */
const EDGE_SEPARATORS = '[\\s\\-_:/.]';

/**
 * A value of a credential property that is not written into the template (`judge` of
 * NoCredentialInResourceProperty): blank, an ARN, or a secure dynamic reference; never a plain
 * String SSM reference. Guard 3 only (look-ahead).
 */
const PROPERTY_OK = `(?s)^(?!.*${PLAIN_SSM_REFERENCE})(?:\\s*$|\\s*arn:|.*${SECURE_REFERENCE})`;
/** The same without look-around, for Guard 2 (AWS Config), where values are resolved: blank, an ARN, a secure reference. */
const PROPERTY_OK_GUARD2 = `^\\s*$|^\\s*arn:|${SECURE_REFERENCE}`;
/** A literal piece of an `Fn::Join` of at least four characters besides separators (`isWrittenCredential`). */
const PIECE_OF_FOUR = `(?:${PIECE_SEPARATORS}*[^\\s\\-_:/.,;|]){4}`;
/** The character of an `Fn::Sub` string that is not the start of a `${Variable}`. */
const SUB_CHAR = '(?:[^$]|\\$(?!\\{[^!]))';
const SUB_NON_SEPARATOR = '(?:[^$\\s\\-_:/.,;|]|\\$(?!\\{[^!]))';
/** A piece of an `Fn::Sub` string (between variables) of at least four characters besides separators. */
const SUB_PIECE_OF_FOUR = `(?:^|\\})(?:${PIECE_SEPARATORS}*${SUB_NON_SEPARATOR}){4}`;
/** An `Fn::Sub` string with a variable in it (`${Name}`, not the literal `${!Name}`). */
const SUB_VARIABLE = '\\$\\{[^!]';

/**
 * A value `isLiteralCredential` does not call a credential: shorter than four characters once
 * trimmed, a boolean-like word, digits, an ARN, a placeholder (`${...}`, `$(...)`, `{{...}}`), or
 * any dynamic reference. No look-around: valid in Guard 2.
 */
export const LITERAL_OK = `(?s)^\\s*(?:\\S(?:.?\\S)?|(?i:true|false|yes|no|none|null|enabled|disabled)|[0-9]+)?\\s*$|^\\s*(?:arn:|\\$\\{|\\$\\(|\\{\\{)|${ANY_REFERENCE}`;
/** A literal piece of at least eight characters between its first and last non-separator (`isLiteralCredential`, partly literal values). */
const PIECE_OF_EIGHT = `[^\\s\\-_:/.]${'[\\s\\S]'}{6,}[^\\s\\-_:/.]`;
const SUB_PIECE_OF_EIGHT = `(?:^|\\})${EDGE_SEPARATORS}*(?:[^$\\s\\-_:/.]|\\$(?!\\{[^!]))${SUB_CHAR}{6,}(?:[^$\\s\\-_:/.]|\\$(?!\\{[^!]))`;
/** `scheme://user:password@host` with a literal password (`hasPasswordInUrl`). */
export const URL_WITH_PASSWORD = '(?i)[a-z][a-z0-9+.\\-]*://[^\\s/:@]+:[^\\s/@$][^\\s/@]*@';

/** How the pack judges a value: a credential property's (`isWrittenCredential`) or a credential-named variable's (`isLiteralCredential`). */
export enum ValueJudgement {
  /** NoCredentialInResourceProperty: any non-blank literal that is not an ARN; parameters that are not NoEcho. */
  WRITTEN = 'written',
  /** Environment variables, SSM parameters: a literal of four characters or more that is not a placeholder. */
  LITERAL = 'literal',
}

/** Options of {@link valueClauses}. */
export interface ValueClauseOptions {
  readonly shape: GuardShape;
  readonly rule: string;
  /** What a failure means (the message adds the rule id and the fix). */
  readonly what: string;
  readonly judgement: ValueJudgement;
  /** Whether a `Ref` to a NoEcho parameter without Default is accepted (false in resource Metadata, which NoEcho does not hide). */
  readonly noEchoAccepted?: boolean;
}

/** `<< HardenedSecrets-<Rule>: what is wrong. >>`: a clause's message without the fix (which the rule's first clause carries). */
export function shortMessage(rule: string, what: string): string {
  return `<< ${PACK_NAME}-${rule}: ${what.replace(/>>/g, '> >')} >>`;
}

/** Variables every template-target rule of this file may use, declared at the top of the rule. */
export const TEMPLATE_VARIABLES = ['let hs_params = Parameters', 'let hs_maps = Mappings', 'let hs_resources = Resources'];

/**
 * The Guard clauses, inside a block on one value (`this`), that fail when the pack would report
 * the value as written into the template (ERROR findings only: a value the template cannot show,
 * an `Fn::ImportValue` or an `Fn::If`, passes).
 */
export function valueClauses(options: ValueClauseOptions): string[] {
  const { shape, judgement } = options;
  // The first clause carries the catalogue's fix; the others (one per intrinsic function) name the rule and the problem only.
  // AWS Config: none does, so that more rules fit a PolicyText of 10,000 characters (the file's header holds the fix).
  const full = shape.guard2 ? shortMessage(options.rule, options.what) : guardMessage(options.rule, options.what);
  const msg = shortMessage(options.rule, options.what);
  const fail = (query: string) => `${query} !exists ${msg}`;
  const block = (condition: string, body: string[]) => [`when ${condition} {`, indent(body.join('\n'), 1), '}'].join('\n');
  const written = judgement === ValueJudgement.WRITTEN;
  const out: string[] = [];
  const stringOk = written ? (shape.guard2 ? PROPERTY_OK_GUARD2 : PROPERTY_OK) : LITERAL_OK;
  out.push(block('this is_string', [`this == ${guardRegex(stringOk)} ${full}`]));
  if (written) {
    // A number or a boolean is written into the template like any text.
    out.push(block('this is_int or this is_float or this is_bool', [fail('this')]));
  }
  if (shape.target === GuardTarget.HOOK || shape.target === GuardTarget.CONFIG) {
    return out;
  }
  // TEMPLATE: the intrinsic functions the pack looks through.
  const noEcho = options.noEchoAccepted ?? true;
  const defaultBad = written ? `Default != ${guardRegex(PROPERTY_OK)}` : `Default is_string\n    Default != ${guardRegex(LITERAL_OK)}`;
  if (written) {
    // A parameter deploys its Default; without one, only NoEcho keeps the value out of DescribeStacks.
    const filter = noEcho
      ? ['Default !exists or ' + defaultBad, 'NoEcho !exists or NoEcho !in [true, \'true\'] or Default exists', 'NoEcho !exists or NoEcho !in [true, \'true\'] or ' + defaultBad]
      : ['Default !exists or ' + defaultBad];
    out.push(block('this.Ref exists', [
      'let hs_ref = this.Ref',
      'let hs_param = %hs_params[ keys == %hs_ref ]',
      block(`%hs_param[ ${filter.join('\n    ')} ] !empty`, [fail('this.Ref')]),
    ]));
  } else {
    out.push(block('this.Ref exists', [
      'let hs_ref = this.Ref',
      'let hs_param = %hs_params[ keys == %hs_ref ]',
      block(`%hs_param[ Default exists\n    ${defaultBad} ] !empty`, [fail('this.Ref')]),
    ]));
  }
  // A Mappings entry is written in the template; every entry of the named mapping counts.
  const entryBad = written ? `this != ${guardRegex(PROPERTY_OK)}` : `this is_string\n    this != ${guardRegex(LITERAL_OK)}`;
  out.push(block('this.\'Fn::FindInMap\' exists', [
    'let hs_map = this.\'Fn::FindInMap\'[0]',
    'let hs_entries = %hs_maps[ keys == %hs_map ].*.*',
    block(`%hs_entries[ ${entryBad} ] !empty`, [fail('this.\'Fn::FindInMap\'')]),
  ]));
  // Literal pieces of Fn::Join and Fn::Sub; a secure dynamic reference among them makes the value a reference.
  const piece = written ? PIECE_OF_FOUR : PIECE_OF_EIGHT;
  const subPiece = written ? SUB_PIECE_OF_FOUR : SUB_PIECE_OF_EIGHT;
  const reference = written ? SECURE_REFERENCE : ANY_REFERENCE;
  out.push(block('this.\'Fn::Join\'[1] exists', [
    'let hs_pieces = this.\'Fn::Join\'[1][ this is_string ]',
    block(`%hs_pieces[ this == ${guardRegex(reference)} ] empty`, [
      `%hs_pieces != ${guardRegex(written ? `${piece}|${PLAIN_SSM_REFERENCE}` : piece)} ${msg}`,
    ]),
  ]));
  // One expression per Fn::Sub form: a secure reference, an ARN, or variables with no long literal piece (and no plain SSM reference).
  const subOk = written
    ? `(?s)^(?!.*${PLAIN_SSM_REFERENCE})(?:.*${SECURE_REFERENCE}|\\s*arn:|\\s*$|(?=.*${SUB_VARIABLE})(?!.*?${subPiece}))`
    : `(?s)^(?:.*${ANY_REFERENCE}|\\s*(?:arn:|\\$\\(|\\{\\{)|(?=.*${SUB_VARIABLE})(?!.*?${subPiece})|${LITERAL_OK.replace('(?s)', '')})`;
  for (const sub of ['this.\'Fn::Sub\'', 'this.\'Fn::Sub\'[0]']) {
    out.push(block(`${sub} is_string`, [`${sub} == ${guardRegex(subOk)} ${msg}`]));
  }
  out.push(block('this.\'Fn::Base64\' is_string', [`this.'Fn::Base64' == ${guardRegex(stringOk)} ${msg}`]));
  return out;
}

/**
 * A catalogue path (`Users[].Password`, `ConnectionProperties.*`, `Metadata.AWS::CloudFormation::Init.*.files.*.content.*`)
 * as a Guard query from `root`, and the plain prefix that must exist before it is read: a list
 * item or a map entry without the next key is filtered out, never a retrieval error.
 */
export function pathQuery(root: string, path: string, credentialNamedKeysOnly = false): { guard: string; query: string } {
  const segments = path.split('.');
  let query = root;
  let guard: string | undefined;
  const key = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : guardString(name));
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    const list = segment.endsWith('[]');
    const name = list ? segment.slice(0, -2) : segment;
    if (name === '*') {
      guard = guard ?? query;
      if (last) {
        // One `keys` comparison per filter: cfn-guard skips a filter with two.
        query = credentialNamedKeysOnly ? `${query}[ keys == ${guardRegex(CREDENTIAL_KEY_PATTERN)} ]` : `${query}.*`;
      } else {
        const next = segments[i + 1];
        const nextLast = i + 1 === segments.length - 1;
        query = `${query}[ ${key(next)} ${nextLast ? 'exists' : 'is_struct'} ].${key(next)}`;
        i++;
      }
      continue;
    }
    query = `${query}.${key(name)}`;
    if (list) {
      guard = guard ?? query;
      if (last) {
        query = `${query}[*]`;
      } else {
        const next = segments[i + 1];
        query = `${query}[ ${key(next)} exists ].${key(next)}`;
        i++;
      }
    }
  }
  return { guard: guard ?? query, query };
}

/** Options of {@link resourceRule}. */
export interface ResourceRuleOptions {
  readonly shape: GuardShape;
  readonly rule: string;
  readonly part?: string;
  /** CloudFormation types; `*` for every resource. */
  readonly types: readonly string[];
  /** Extra filter clauses on the resource (template and hook), e.g. `Metadata exists`. */
  readonly filter?: string[];
  /** The body, evaluated on each resource (`Properties.X` / `configuration.X`). */
  readonly body: string[];
}

/**
 * A named Guard rule over the resources of `types` in any target (`forEachResource` of
 * src/guard/definition.ts, for several types and with the template's sections in variables).
 */
export function resourceRule(options: ResourceRuleOptions): string {
  const { shape } = options;
  const name = guardRuleName(options.rule, options.part);
  const anyType = options.types.includes('*');
  const typeList = `[${options.types.map(guardString).join(', ')}]`;
  if (shape.target === GuardTarget.CONFIG) {
    const when = anyType ? 'configuration exists' : `resourceType in ${typeList}`;
    return [`rule ${name} when ${when} {`, indent(options.body.join('\n'), 1), '}'].join('\n');
  }
  const typeKey = shape.target === GuardTarget.TEMPLATE ? 'Type' : 'ResourceType';
  const conditions = [...(anyType ? [`${typeKey} exists`] : [`${typeKey} in ${typeList}`]), ...(options.filter ?? [])];
  const select = `Resources.*[ ${conditions.join('\n    ')} ]`;
  return [
    `rule ${name} when ${select} !empty {`,
    ...(shape.seesTemplate ? TEMPLATE_VARIABLES.map(v => indent(v, 1)) : []),
    indent(`${select} {`, 1),
    indent(options.body.join('\n'), 2),
    indent('}', 1),
    '}',
  ].join('\n');
}

/** `when <guard> exists { <query> { <clauses> } }`: the clauses on each value a path designates. */
export function onValues(guard: string, query: string, clauses: string[]): string {
  return [`when ${guard} exists {`, indent(`${query} {`, 1), indent(clauses.join('\n'), 2), indent('}', 1), '}'].join('\n');
}
