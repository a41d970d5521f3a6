import {
  CREDENTIAL_KEY_PATTERN, CREDENTIAL_NAME_PATTERN, JSON_CREDENTIAL_PAIR_PATTERN, REFERENCE_NAME_PATTERN, guardRegex, scriptCredentialName,
} from './credentials-names';
import {
  ANY_REFERENCE, LITERAL_OK, URL_WITH_PASSWORD, ValueJudgement, onValues, pathQuery, resourceRule, shortMessage, valueClauses,
} from './credentials-values';
import { ANY_RESOURCE, CREDENTIAL_PROPERTIES, CredentialProperty } from '../../analysis/credential-properties';
import { AWS_ACCESS_KEY_ID, KNOWN_TOKENS, PRIVATE_KEY_BLOCK, SIGNED_JWT } from '../../analysis/credentials';
import { GuardRuleSource, GuardShape, guardMessage, guardRuleName, guardString, indent } from '../definition';
import { GuardTarget } from '../shape';

const TEMPLATE_AND_HOOK = [GuardTarget.TEMPLATE, GuardTarget.HOOK];
const ALL_TARGETS = [GuardTarget.TEMPLATE, GuardTarget.HOOK, GuardTarget.CONFIG];

/** What the hook sees of a value, for every rule that judges values (the pack reads the template). */
const HOOK_RESOLVED = 'The hook sees the values CloudFormation resolved: a Ref to a NoEcho parameter arrives as the deployer\'s plain text, which '
  + 'the hook cannot tell from a literal, so it flags what the pack accepts (a dynamic reference stays unresolved and passes); a literal in the '
  + 'Default of a parameter, a Mappings entry or an Fn::Join/Fn::Sub reaches it resolved and is judged as a whole.';
/** How the template target approximates what the pack computes on intrinsic functions. */
const TEMPLATE_INTRINSICS = 'Guard cannot concatenate: Fn::Join and Fn::Sub are judged piece by piece (a credential split over two items, '
  + 'a parameter Default named inside Fn::Sub or the variables map of Fn::Sub are not looked at), and Fn::FindInMap counts every entry of the named '
  + 'mapping whatever its keys (the pack follows literal keys to one entry).';
const NO_CONFIG_ITEM = (what: string) => `AWS Config records no ${what}: no configuration item holds what the rule reads.`;

/** `AWS::RDS::DBInstance` + `Users[].Password` → `RDSDBInstanceUsersPassword`, a Guard rule name part. */
function rowPart(row: CredentialProperty): string {
  const type = row.resourceTypes[0] === ANY_RESOURCE ? 'Any' : row.resourceTypes[0].split('::').slice(1).join('');
  return `${type}${row.path.replace(/^Metadata\./, 'Metadata.').replace(/AWS::CloudFormation::/g, '').replace(/[^A-Za-z0-9]/g, '')}`;
}

/** One Guard rule per catalogue row: the row's path, judged like `judge` of NoCredentialInResourceProperty. */
function renderResourceProperty(shape: GuardShape): string[] {
  const rule = 'NoCredentialInResourceProperty';
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const row of CREDENTIAL_PROPERTIES) {
    const base = rowPart(row);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const part = n === 1 ? base : `${base}${n}`;
    const metadata = row.path.startsWith('Metadata.');
    // Guard 2 has no look-ahead for a credential-named key; Metadata is in no input but the template.
    if ((metadata && !shape.seesTemplate) || (shape.guard2 && row.credentialNamedKeysOnly)) {
      continue;
    }
    const root = metadata ? 'Metadata' : shape.properties;
    const { guard, query } = pathQuery(root, metadata ? row.path.slice('Metadata.'.length) : row.path, row.credentialNamedKeysOnly);
    const clauses = valueClauses({
      shape,
      rule,
      what: `${row.path} holds a ${row.kind} written into the template.`,
      judgement: ValueJudgement.WRITTEN,
      noEchoAccepted: row.noEchoParameter,
    });
    if (metadata) {
      const msg = guardMessage(rule, `${row.path} holds the SecretAccessKey of an AWS::IAM::AccessKey, which DescribeStackResource returns in plain text.`);
      clauses.push([
        'when this.\'Fn::GetAtt\'[1] == \'SecretAccessKey\' {',
        '  let hs_target = this.\'Fn::GetAtt\'[0]',
        '  let hs_key = %hs_resources[ keys == %hs_target ]',
        '  when %hs_key[ Type == \'AWS::IAM::AccessKey\' ] !empty {',
        `    this.'Fn::GetAtt' !exists ${msg}`,
        '  }',
        '}',
        'when this.\'Fn::GetAtt\' is_string {',
        `  this.'Fn::GetAtt' != /\\.SecretAccessKey$/ ${msg}`,
        '}',
      ].join('\n'));
    }
    out.push(resourceRule({
      shape,
      rule,
      part,
      types: row.resourceTypes,
      filter: metadata ? ['Metadata exists'] : undefined,
      body: [onValues(guard, query, clauses)],
    }));
  }
  return out;
}

export const NoCredentialInResourcePropertyGuard: GuardRuleSource = {
  rule: 'NoCredentialInResourceProperty',
  resourceTypes: [...new Set(CREDENTIAL_PROPERTIES.flatMap(r => r.resourceTypes).filter(t => t !== ANY_RESOURCE))].sort(),
  targets: ALL_TARGETS,
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: TEMPLATE_INTRINSICS },
    {
      targets: [GuardTarget.HOOK],
      partial: true,
      reason: `${HOOK_RESOLVED} The rows read from resource Metadata (cfn-init authentication and configuration) are not exported: the hook input holds ResourceProperties only.`,
    },
    {
      targets: [GuardTarget.CONFIG],
      partial: true,
      reason: 'The clauses read configuration.<catalogue path> and so decide proactive evaluations, whose configuration holds the CloudFormation '
        + 'properties resolved (any non-blank value that is not an ARN or a secure dynamic reference is plain text there). A recorded configuration '
        + 'item never holds one: every catalogue property is write-only in its CloudFormation schema and AWS Config records what the describe call '
        + 'returns (the Config schema of AWS::AmazonMQ::Broker records Users.Username, not Users.Password). Not exported: the Metadata rows (not '
        + 'recorded) and the rows of credential-named map keys (Glue ConnectionProperties.*, which needs a look-ahead Guard 2 does not have).',
    },
  ],
  render: renderResourceProperty,
};

/** Clauses on every value of a name/value list: literal credentials under credential names, passwords in URLs under any name. */
function namedValues(shape: GuardShape, rule: string, where: string, options: {
  /** A map of names to values (`Environment.Variables`), or a list of `{ <name>: ..., <value>: ... }` entries. */
  readonly map?: string;
  readonly list?: { readonly query: string; readonly guard: string; readonly name: string; readonly value: string; readonly filter?: string[] };
}): string[] {
  const literal = valueClauses({ shape, rule, what: `a ${where} whose name says credential holds a literal value.`, judgement: ValueJudgement.LITERAL });
  const url = `when this is_string {\n  this != ${guardRegex(URL_WITH_PASSWORD)} ${guardMessage(rule, `a ${where} holds a URL with a literal password in it.`)}\n}`;
  if (options.map !== undefined) {
    const named = shape.guard2
      ? undefined
      : onValues(options.map, `${options.map}[ keys == ${guardRegex(CREDENTIAL_KEY_PATTERN)} ]`, literal);
    return [...(named ? [named] : []), onValues(options.map, `${options.map}.*`, [url])];
  }
  const list = options.list!;
  const filter = (list.filter ?? []).map(f => `\n    ${f}`).join('');
  return [
    onValues(list.guard, `${list.query}[ ${list.name} == ${guardRegex(CREDENTIAL_NAME_PATTERN)}\n    ${list.name} != ${guardRegex(REFERENCE_NAME_PATTERN)}`
      + `\n    ${list.value} exists${filter} ].${list.value}`, literal),
    onValues(list.guard, `${list.query}[ ${list.value} exists ].${list.value}`, [url]),
  ];
}

/** A value shaped like an AWS secret access key, under any name (NoCredentialInLambdaEnvironment). Guard 2 syntax. */
function secretAccessKeyShape(rule: string): string {
  return [
    'when this is_string',
    '     this == /^\\s*[A-Za-z0-9\\/+]{40}\\s*$/',
    '     this == /[A-Z]/',
    '     this == /[a-z]/',
    '     this == /[0-9\\/+]/',
    '     this != /^\\s*[0-9a-fA-F]{40}\\s*$/ {',
    `  this !exists ${guardMessage(rule, 'an environment variable holds a value shaped like an AWS secret access key.')}`,
    '}',
  ].join('\n');
}

/** What the name expressions of src/guard/rules/credentials-names.ts leave out. */
const NAME_GAP = 'Credential names are read with regular expressions kept in step with isCredentialName (a test compares them on every naming style); '
  + 'a case change inside a word (passWord) reads as one word there and as two in the pack.';
const LITERAL_GAPS = 'Guard cannot concatenate: a partly literal Fn::Join or Fn::Sub is judged piece by piece (a piece of eight characters '
  + `or more besides separators at its ends), a fully literal one item by item, and an Fn::FindInMap by every entry of the named mapping. ${NAME_GAP}`;

export const NoCredentialInLambdaEnvironmentGuard: GuardRuleSource = {
  rule: 'NoCredentialInLambdaEnvironment',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  targets: TEMPLATE_AND_HOOK,
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: LITERAL_GAPS },
    { targets: [GuardTarget.HOOK], partial: true, reason: HOOK_RESOLVED },
    {
      targets: [GuardTarget.CONFIG],
      partial: false,
      reason: 'The AWS Config configuration item of AWS::Lambda::Function records no environment variables (awslabs/aws-config-resource-schema).',
    },
  ],
  render(shape) {
    if (shape.target === GuardTarget.CONFIG) {
      return [];
    }
    const rule = 'NoCredentialInLambdaEnvironment';
    const map = shape.prop('Environment.Variables');
    return [resourceRule({
      shape,
      rule,
      types: this.resourceTypes,
      body: [...namedValues(shape, rule, 'Lambda environment variable', { map }), onValues(map, `${map}.*`, [secretAccessKeyShape(rule)])],
    })];
  },
};

export const NoCredentialInContainerEnvironmentGuard: GuardRuleSource = {
  rule: 'NoCredentialInContainerEnvironment',
  resourceTypes: ['AWS::ECS::TaskDefinition', 'AWS::Batch::JobDefinition'],
  targets: ALL_TARGETS,
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: LITERAL_GAPS },
    { targets: [GuardTarget.HOOK], partial: true, reason: HOOK_RESOLVED },
    {
      targets: [GuardTarget.CONFIG],
      partial: true,
      reason: 'AWS::ECS::TaskDefinition only: its configuration item follows the CloudFormation schema (configuration.ContainerDefinitions[*].Environment). '
        + 'AWS::Batch::JobDefinition is not a type AWS Config records.',
    },
  ],
  render(shape) {
    const rule = 'NoCredentialInContainerEnvironment';
    const ecs = resourceRule({
      shape,
      rule,
      part: 'Ecs',
      types: ['AWS::ECS::TaskDefinition'],
      body: namedValues(shape, rule, 'container environment variable', {
        list: {
          guard: shape.prop('ContainerDefinitions'),
          query: `${shape.prop('ContainerDefinitions')}[ Environment exists ].Environment`,
          name: 'Name',
          value: 'Value',
        },
      }),
    });
    if (shape.target === GuardTarget.CONFIG) {
      return [ecs];
    }
    return [ecs, resourceRule({
      shape,
      rule,
      part: 'Batch',
      types: ['AWS::Batch::JobDefinition'],
      body: namedValues(shape, rule, 'container environment variable', {
        list: { guard: shape.prop('ContainerProperties.Environment'), query: shape.prop('ContainerProperties.Environment'), name: 'Name', value: 'Value' },
      }),
    })];
  },
};

export const NoCredentialInBuildEnvironmentGuard: GuardRuleSource = {
  rule: 'NoCredentialInBuildEnvironment',
  resourceTypes: ['AWS::CodeBuild::Project'],
  targets: ALL_TARGETS,
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: LITERAL_GAPS },
    { targets: [GuardTarget.HOOK], partial: true, reason: HOOK_RESOLVED },
    {
      targets: [GuardTarget.CONFIG],
      partial: true,
      reason: 'The configuration item of AWS::CodeBuild::Project is the BatchGetProjects shape (configuration.environment.environmentVariables[*].name, '
        + '.type, .value), read as such; its values are resolved, so only literal text is judged.',
    },
  ],
  render(shape) {
    const rule = 'NoCredentialInBuildEnvironment';
    const config = shape.target === GuardTarget.CONFIG;
    const variables = config ? 'configuration.environment.environmentVariables' : shape.prop('Environment.EnvironmentVariables');
    const [name, value, type] = config ? ['name', 'value', 'type'] : ['Name', 'Value', 'Type'];
    return [resourceRule({
      shape,
      rule,
      types: this.resourceTypes,
      body: namedValues(shape, rule, 'PLAINTEXT build environment variable', {
        list: { guard: variables, query: variables, name, value, filter: [`${type} !exists or ${type} == 'PLAINTEXT'`] },
      }),
    })];
  },
};

/** `isCredentialName` on an SSM parameter's logical id once CDK's hash and a trailing `Parameter` are taken off. */
const LOGICAL_ID_END = '(?:Parameter|Param)?(?:[0-9A-F]{8})?$';
function logicalIdPattern(): string {
  // The reference words `param` and `parameter` would match the suffix the pack takes off: left out here.
  const reference = REFERENCE_NAME_PATTERN.replace(/\|[^|]*\(\?i:(?:p|P)?aram(?:eter)?\)[^|]*(?=\||\))/g, '');
  return `^(?!.*(?:${reference.replace(/\$$/, LOGICAL_ID_END)}))(?=.*(?:${CREDENTIAL_NAME_PATTERN.replace(/\$/g, LOGICAL_ID_END)}))`;
}

export const NoCredentialInSsmParameterGuard: GuardRuleSource = {
  rule: 'NoCredentialInSsmParameter',
  resourceTypes: ['AWS::SSM::Parameter'],
  targets: TEMPLATE_AND_HOOK,
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: `${LITERAL_GAPS} A Name built with intrinsic functions is read as written.` },
    { targets: [GuardTarget.HOOK], partial: true, reason: HOOK_RESOLVED },
    { targets: [GuardTarget.CONFIG], partial: false, reason: NO_CONFIG_ITEM('AWS::SSM::Parameter') },
  ],
  render(shape) {
    if (shape.target === GuardTarget.CONFIG) {
      return [];
    }
    const rule = 'NoCredentialInSsmParameter';
    const clauses = valueClauses({ shape, rule, what: 'an SSM parameter whose name says credential holds a literal value.', judgement: ValueJudgement.LITERAL });
    const url = `when this is_string {\n  this != ${guardRegex(URL_WITH_PASSWORD)} ${guardMessage(rule, 'an SSM parameter holds a URL with a literal password in it.')}\n}`;
    const value = shape.prop('Value');
    const named = resourceRule({
      shape,
      rule,
      part: 'Named',
      types: this.resourceTypes,
      filter: [`${shape.prop('Name')} == ${guardRegex(CREDENTIAL_NAME_PATTERN)}`, `${shape.prop('Name')} != ${guardRegex(REFERENCE_NAME_PATTERN)}`],
      body: [onValues(value, value, clauses)],
    });
    const typeKey = shape.target === GuardTarget.TEMPLATE ? 'Type' : 'ResourceType';
    const unnamedName = guardRuleName(rule, 'LogicalId');
    const unnamed = [
      `rule ${unnamedName} when Resources[ keys == ${guardRegex(logicalIdPattern())} ] !empty {`,
      ...(shape.seesTemplate ? ['  let hs_params = Parameters', '  let hs_maps = Mappings'] : []),
      `  let hs_named = Resources[ keys == ${guardRegex(logicalIdPattern())} ]`,
      `  %hs_named[ ${typeKey} == 'AWS::SSM::Parameter'`,
      `    ${shape.prop('Name')} !exists ] {`,
      indent(onValues(value, value, clauses), 2),
      '  }',
      '}',
    ].join('\n');
    const anyName = resourceRule({ shape, rule, part: 'Url', types: this.resourceTypes, body: [onValues(value, value, [url])] });
    return [named, unnamed, anyName];
  },
};

/**
 * Guard clauses that visit every string of `root` down to `depth` levels and check that none
 * matches `pattern` (a regular expression, or a `%variable` holding one): the top level carries `message`, deeper levels
 * `deepMessage` (a file must stay under AWS Config's PolicyText limit).
 */
function everyString(root: string, depth: number, pattern: string, message: string, deepMessage: string, followRefs = false): string {
  // A regular expression, or a variable that holds one (`%hs_script`).
  const expression = pattern.startsWith('%') ? pattern : guardRegex(pattern);
  const check = `this != ${expression}`;
  const level = (d: number): string => {
    const inner = d < depth
      ? ['when this is_struct or this is_list {', '  when this !empty {', indent(`this.* {\n${indent(level(d + 1), 1)}\n}`, 2), '  }', '}'].join('\n')
      : '';
    // A Ref to a parameter deploys its Default: the pack scans the Default where the resource reads it.
    const ref = followRefs
      ? ['when this.Ref exists {', '  let hs_ref = this.Ref', '  let hs_param = %hs_params[ keys == %hs_ref ]',
        `  when %hs_param[ Default is_string\n      Default == ${expression} ] !empty {`, `    this.Ref !exists ${deepMessage}`, '  }', '}'].join('\n')
      : '';
    return [`when this is_string {\n  ${check} ${d === 1 ? message : deepMessage}\n}`, ...(ref ? [ref] : []), ...(inner ? [inner] : [])].join('\n');
  };
  return [`when ${root} is_struct {`, `  when ${root} !empty {`, indent(`${root}.* {\n${indent(level(1), 1)}\n}`, 2), '  }', '}'].join('\n');
}

/** How deep the token rules look into a resource's properties (the pack walks every level). */
export const TOKEN_SCAN_DEPTH = 10;
/** The same in a configuration item: one rule must stay under AWS Config's PolicyText limit of 10,000 characters. */
export const CONFIG_TOKEN_SCAN_DEPTH = 6;

/** A token rule: every string of the properties (and, in a template, Metadata, Outputs and Mappings) against one pattern. */
function tokenRule(rule: string, pattern: string, what: string): GuardRuleSource {
  return {
    rule,
    resourceTypes: [],
    targets: ALL_TARGETS,
    gaps: [
      {
        targets: ALL_TARGETS,
        partial: true,
        reason: `Strings are read down to ${TOKEN_SCAN_DEPTH} levels of nesting (${CONFIG_TOKEN_SCAN_DEPTH} in a configuration item, to keep a rule under AWS Config\'s PolicyText limit; the pack walks every level); literal Base64 strings (pre-encoded user data) `
          + 'are not decoded: Guard has no Base64 decoding. In a template, a Ref to a parameter is followed to its Default, as the pack does.',
      },
      {
        targets: [GuardTarget.TEMPLATE],
        partial: true,
        reason: 'Outputs, Mappings and Parameters are read (findings on /Outputs/<id>, /Mappings/<id>, /Parameters/<id>); Conditions and Rules are not. '
          + 'A parameter Default that a resource reads is the resource\'s finding in the pack and not the parameter\'s; Guard cannot tell which parameters '
          + 'resources read, so it reports such a Default on the resource and on the parameter.',
      },
      { targets: [GuardTarget.CONFIG], partial: true, reason: 'Any recorded type, as its configuration item records it (configuration.*), without template sections.' },
    ],
    render(shape) {
      const depth = shape.guard2 ? CONFIG_TOKEN_SCAN_DEPTH : TOKEN_SCAN_DEPTH;
      const [full, short] = [guardMessage(rule, what), shortMessage(rule, what)];
      const scan = (root: string, followRefs = false) => everyString(root, depth, pattern, full, short, followRefs);
      const resources = resourceRule({
        shape,
        rule,
        part: shape.target === GuardTarget.TEMPLATE ? 'Resources' : undefined,
        types: ['*'],
        body: [scan(shape.properties, shape.seesTemplate), ...(shape.seesTemplate ? [scan('Metadata', true)] : [])],
      });
      if (shape.target !== GuardTarget.TEMPLATE) {
        return [resources];
      }
      const sections = ['Outputs', 'Mappings', 'Parameters'].map(section => [
        `rule ${guardRuleName(rule, section)} when ${section} exists {`,
        indent(scan(section), 1),
        '}',
      ].join('\n'));
      return [resources, ...sections];
    },
  };
}

/** `(?<![A-Z0-9])AKIA...(?![A-Z0-9])` without look-around (Guard 2). */
const ACCESS_KEY_ID = AWS_ACCESS_KEY_ID.pattern.source.replace('(?<![A-Z0-9])', '(?:^|[^A-Z0-9])').replace('(?![A-Z0-9])', '(?:[^A-Z0-9]|$)');

export const NoAwsAccessKeyGuard: GuardRuleSource = {
  ...tokenRule('NoAwsAccessKey', ACCESS_KEY_ID, 'a property contains an AWS access key id.'),
  gaps: [
    ...tokenRule('NoAwsAccessKey', ACCESS_KEY_ID, '').gaps,
    {
      targets: ALL_TARGETS,
      partial: true,
      reason: 'Access key ids (AKIA/ASIA) only: a secret access key is recognised by the pack from its entropy and its context (an access key id or '
        + 'the words "secret access key" in the same text, or a credential name), which a regular expression cannot measure.',
    },
  ],
};

export const NoPrivateKeyMaterialGuard = tokenRule('NoPrivateKeyMaterial', PRIVATE_KEY_BLOCK.pattern.source, 'a property contains a private key block.');

export const NoKnownTokenFormatGuard = tokenRule(
  'NoKnownTokenFormat',
  [...KNOWN_TOKENS, SIGNED_JWT].map(t => `(?:${t.pattern.source})`).join('|'),
  'a property contains a token in a well-known format.',
);

export const NoLiteralSecretStringGuard: GuardRuleSource = {
  rule: 'NoLiteralSecretString',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  targets: TEMPLATE_AND_HOOK,
  gaps: [
    { targets: [GuardTarget.TEMPLATE], partial: true, reason: `${TEMPLATE_INTRINSICS} JSON fields are looked for in each literal piece.` },
    {
      targets: [GuardTarget.HOOK],
      partial: true,
      reason: 'The hook sees SecretString resolved: a Ref to a NoEcho parameter (alone or inside an Fn::Sub) arrives as plain text and is flagged '
        + 'where the pack accepts it; a dynamic reference stays as written and passes.',
    },
    { targets: [GuardTarget.CONFIG], partial: false, reason: 'The configuration item of AWS::SecretsManager::Secret records no secret value (no SecretString, no GenerateSecretString).' },
  ],
  render(shape) {
    if (shape.target === GuardTarget.CONFIG) {
      return [];
    }
    const rule = 'NoLiteralSecretString';
    const literal = guardMessage(rule, 'SecretString holds literal text.');
    const fields = guardMessage(rule, 'SecretString or SecretStringTemplate writes a credential field as literal text.');
    const pair = guardRegex(JSON_CREDENTIAL_PAIR_PATTERN);
    const value = [
      `when this is_string {\n  this == ${guardRegex(ANY_REFERENCE)} ${literal}\n  this != ${pair} ${fields}\n}`,
      `when this is_int or this is_float or this is_bool {\n  this !exists ${literal}\n}`,
      ...(shape.seesTemplate ? [
        'when this.Ref exists {\n  let hs_ref = this.Ref\n  let hs_param = %hs_params[ keys == %hs_ref ]\n'
          + `  when %hs_param[ Default exists ] !empty {\n    this.Ref !exists ${literal}\n  }\n}`,
        `when this.'Fn::Join'[1] exists {\n  this.'Fn::Join'[1][ this !is_string ] !empty ${literal}\n  this.'Fn::Join'[1][ this is_string ] != ${pair} ${fields}\n}`,
        `when this.'Fn::Sub' is_string {\n  this.'Fn::Sub' == /\\$\\{[^!]|${ANY_REFERENCE}/ ${literal}\n  this.'Fn::Sub' != ${pair} ${fields}\n}`,
      ] : []),
    ];
    const template = `when this is_string {\n  this != ${pair} ${fields}\n}`
      + (shape.seesTemplate ? `\nwhen this.'Fn::Sub' is_string {\n  this.'Fn::Sub' != ${pair} ${fields}\n}` : '');
    return [resourceRule({
      shape,
      rule,
      types: this.resourceTypes,
      body: [
        onValues(shape.prop('SecretString'), shape.prop('SecretString'), value),
        `when ${shape.prop('SecretString')} !exists {\n${indent(onValues(shape.prop('GenerateSecretString.SecretStringTemplate'), shape.prop('GenerateSecretString.SecretStringTemplate'), [template]), 1)}\n}`,
      ],
    })];
  },
};

/** Attributes whose value is the credential itself (NoCredentialInOutput). */
const SECRET_ATTRIBUTES: Array<[string, string]> = [
  ['AWS::IAM::AccessKey', 'SecretAccessKey'], ['AWS::AppSync::ApiKey', 'ApiKey'], ['AWS::Cognito::UserPoolClient', 'ClientSecret'],
];

export const NoCredentialInOutputGuard: GuardRuleSource = {
  rule: 'NoCredentialInOutput',
  resourceTypes: [],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    {
      targets: [GuardTarget.TEMPLATE],
      partial: true,
      reason: 'The output\'s Value is read at its top and one level into Fn::Join and Fn::Sub: a NoEcho parameter named inside an Fn::Sub string, '
        + 'a custom resource\'s credential-named attribute and references nested deeper are not found. Findings are on /Outputs/<id>, not on a resource.',
    },
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: 'Outputs are a template section: neither the hook input nor a configuration item has them.' },
  ],
  render(shape) {
    if (shape.target !== GuardTarget.TEMPLATE) {
      return [];
    }
    const rule = 'NoCredentialInOutput';
    const msg = (what: string) => guardMessage(rule, what);
    const attributes = SECRET_ATTRIBUTES.map(([type, attribute]) => [
      `when Value.'Fn::GetAtt'[1] == ${guardString(attribute)} {`,
      '  let hs_target = Value.\'Fn::GetAtt\'[0]',
      '  let hs_resource = %hs_resources[ keys == %hs_target ]',
      `  when %hs_resource[ Type == ${guardString(type)} ] !empty {`,
      `    Value.'Fn::GetAtt' !exists ${msg(`Value is the ${attribute} attribute of an ${type}.`)}`,
      '  }',
      '}',
      `when Value.'Fn::GetAtt' is_string {\n  Value.'Fn::GetAtt' != /\\.${attribute}$/ ${msg(`Value is the ${attribute} attribute of a resource.`)}\n}`,
    ].join('\n'));
    const noEcho = (query: string) => [
      `when ${query} exists {`,
      `  let hs_ref = ${query}`,
      '  let hs_param = %hs_params[ keys == %hs_ref ]',
      '  when %hs_param[ NoEcho in [true, \'true\'] ] !empty {',
      `    ${query} !exists ${msg('Value prints a NoEcho parameter (NoEcho does not mask outputs).')}`,
      '  }',
      '}',
    ].join('\n');
    const secure = guardRegex('\\{\\{resolve:(?:secretsmanager|ssm-secure):');
    return [
      [
        `rule ${guardRuleName(rule)} when Outputs exists {`,
        '  let hs_params = Parameters',
        '  let hs_resources = Resources',
        '  Outputs.* {',
        indent([
          noEcho('Value.Ref'),
          `when Value.'Fn::Join'[1] exists {\n${indent(`Value.'Fn::Join'[1][*] {\n${indent(noEcho('this.Ref'), 1)}\n}`, 1)}\n}`,
          `when Value is_string {\n  Value != ${secure} ${msg('Value holds a dynamic reference to a secret value.')}\n}`,
          `when Value.'Fn::Sub' is_string {\n  Value.'Fn::Sub' != ${secure} ${msg('Value holds a dynamic reference to a secret value.')}\n}`,
          `when Value.'Fn::Join'[1] exists {\n  Value.'Fn::Join'[1][ this is_string ] != ${secure} ${msg('Value holds a dynamic reference to a secret value.')}\n}`,
          ...attributes,
        ].join('\n'), 2),
        '  }',
        `  Outputs[ keys == ${guardRegex(CREDENTIAL_KEY_PATTERN)} ] {`,
        `    when Value is_string {\n      Value == ${guardRegex(LITERAL_OK)} ${msg('Value is a literal written under a credential name.')}\n    }`,
        '  }',
        '}',
      ].join('\n'),
    ];
  },
};

export const NoCredentialInParameterDefaultGuard: GuardRuleSource = {
  rule: 'NoCredentialInParameterDefault',
  resourceTypes: [],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    {
      targets: [GuardTarget.TEMPLATE],
      partial: true,
      reason: 'The pack leaves a parameter that a resource reads to the rule of the place it reaches (one credential, one finding); Guard cannot '
        + 'collect the names a template\'s resources reference (a query for Refs at every depth does not resolve in cfn-guard 3.1), so such a '
        + 'parameter is reported here as well. Findings are on /Parameters/<id>, not on a resource.',
    },
    { targets: [GuardTarget.HOOK, GuardTarget.CONFIG], partial: false, reason: 'Parameters are a template section: neither the hook input nor a configuration item has them.' },
  ],
  render(shape) {
    if (shape.target !== GuardTarget.TEMPLATE) {
      return [];
    }
    const rule = 'NoCredentialInParameterDefault';
    return [[
      `rule ${guardRuleName(rule)} when Parameters exists {`,
      `  Parameters[ keys == ${guardRegex(CREDENTIAL_KEY_PATTERN)} ] {`,
      '    when Default is_string',
      '         Type !exists or Type != /^AWS::/ {',
      `      Default == ${guardRegex(LITERAL_OK)} ${guardMessage(rule, 'Default is a literal value of a parameter whose name says it holds a credential.')}`,
      '    }',
      '  }',
      '}',
    ].join('\n')];
  },
};

export const NoCredentialInHeaderGuard: GuardRuleSource = {
  rule: 'NoCredentialInHeader',
  resourceTypes: [
    'AWS::ApiGateway::Method', 'AWS::ApiGatewayV2::Integration', 'AWS::CloudFront::Distribution', 'AWS::ElasticLoadBalancingV2::ListenerRule',
    'AWS::Events::Connection', 'AWS::Events::Rule', 'AWS::Pipes::Pipe',
  ],
  targets: TEMPLATE_AND_HOOK,
  gaps: [
    {
      targets: TEMPLATE_AND_HOOK,
      partial: true,
      reason: 'Headers whose name always carries a credential (Authorization, X-Api-Key, X-Origin-Verify, names with token, secret, password, '
        + 'signature, session, or a credential name) in CloudFront origin custom headers, ALB listener rule conditions, EventBridge connection '
        + 'parameters, EventBridge rule and Pipes targets, and API Gateway integrations (REST: a quoted static value; HTTP APIs: a value not read from '
        + 'the request with $), the API Gateway values as written strings only. Not exported: names that only may carry one (X-Auth-..., ...-Key), '
        + `which the pack judges by the entropy of the value, and CloudFront function code. ${NAME_GAP}`,
    },
    { targets: [GuardTarget.HOOK], partial: true, reason: HOOK_RESOLVED },
    { targets: [GuardTarget.CONFIG], partial: false, reason: 'The header values are not in the configuration items AWS Config records for these types (the CloudFront origin custom headers of a distribution excepted, not modelled).' },
  ],
  render(shape) {
    if (shape.target === GuardTarget.CONFIG) {
      return [];
    }
    const rule = 'NoCredentialInHeader';
    const clauses = valueClauses({ shape, rule, what: 'a header that carries a credential is given a literal value.', judgement: ValueJudgement.LITERAL });
    const strong = '(?i)^(?:proxy-)?authorization\\s*$|^\\s*cookie\\s*$|api-?key|secret|token|passw(?:or)?d|origin-verify|verify-origin|signature|credential|session';
    const weak = '(?i)auth|(?:^|-)key(?:$|-)';
    const excluded = '(?i)-(?:id|name|mode|type|version)\\s*$';
    const credential = guardRegex(CREDENTIAL_NAME_PATTERN);
    const reference = guardRegex(REFERENCE_NAME_PATTERN);
    /** The three ways a name is a strong credential header (`credentialHeaderStrength` ?? `isCredentialName`). */
    const filters = (name: string) => [
      [`${name} != ${guardRegex(excluded)}`, `${name} == ${guardRegex(strong)}`],
      [`${name} == ${guardRegex(excluded)}`, `${name} == ${credential}`, `${name} != ${reference}`],
      [`${name} != ${guardRegex(strong)}`, `${name} != ${guardRegex(weak)}`, `${name} == ${credential}`, `${name} != ${reference}`],
    ];
    const places = (guard: string, list: string, name: string, value: string) => filters(name).map(f =>
      onValues(guard, `${list}[ ${[...f, `${value} exists`].join('\n    ')} ].${value}`, clauses));
    const origins = shape.prop('DistributionConfig.Origins');
    const conditions = shape.prop('Conditions');
    const http = shape.prop('AuthParameters.InvocationHttpParameters');
    /**
     * A strong credential header name in a map key (Guard 3: look-ahead): `head` matches what
     * precedes the name in the key (`^integration\\.request\\.header`), `lead` the character
     * between (`\\.`, or nothing when the key is the name).
     */
    const headerKey = (head: string, lead: string) => {
      const strongAhead = `${lead}(?i:(?:proxy-)?authorization\\s*$|\\s*cookie\\s*$)|.*(?i:api-?key|secret|token|passw(?:or)?d|origin-verify|verify-origin|signature|credential|session)`;
      const weakAhead = `.*(?i:auth)|(?:${lead}|.*-)(?i:key)(?:$|-)`;
      const excludedAhead = '.*-(?i:id|name|mode|type|version)\\s*$';
      const named = `(?=.*(?:${CREDENTIAL_NAME_PATTERN}))(?!.*(?:${REFERENCE_NAME_PATTERN}))`;
      return [`${head}(?!${excludedAhead})(?=${strongAhead})`, `${head}(?=${excludedAhead})${named}`, `${head}(?!${strongAhead})(?!${weakAhead})${named}`].join('|');
    };
    // API Gateway REST integrations: the name is in the key (`integration.request.header.X-Api-Key`), a static value is quoted.
    const restKey = headerKey('^integration\\.request\\.(?:header|querystring)(?=\\.)', '\\.');
    const quotedLiteral = '(?s)^\\s*\'(?!\\s*(?:\\S(?:.?\\S)?|(?i:true|false|yes|no|none|null|enabled|disabled)|[0-9]+)?\\s*\'\\s*$)'
      + `(?!\\s*(?:arn:|\\$\\{|\\$\\(|\\{\\{))(?!.*${ANY_REFERENCE}).*'\\s*$`;
    // HTTP APIs: `append:header.Authorization`; a value starting with `$` is read from the request or the context.
    const httpApiKey = headerKey('^(?:append|overwrite):(?:header|querystring)(?=\\.)', '\\.');
    const httpApiParameters = shape.prop('RequestParameters');
    /** `{ Name: value }` maps of EventBridge rule and Pipes targets. */
    const httpMaps = (at: string) => ['HeaderParameters', 'QueryStringParameters'].map(map =>
      onValues(`${at}.${map}`, `${at}.${map}[ keys == ${guardRegex(headerKey('^', ''))} ]`, clauses));
    const targets = shape.prop('Targets');
    const requestParameters = shape.prop('Integration.RequestParameters');
    return [
      resourceRule({
        shape,
        rule,
        part: 'RestApiMethod',
        types: ['AWS::ApiGateway::Method'],
        body: [onValues(requestParameters, `${requestParameters}[ keys == ${guardRegex(restKey)} ]`, [
          `when this is_string {\n  this != ${guardRegex(quotedLiteral)} ${guardMessage(rule, 'an API Gateway integration sends a header that carries a credential with a literal value.')}\n}`,
        ])],
      }),
      resourceRule({
        shape,
        rule,
        part: 'HttpApiIntegration',
        types: ['AWS::ApiGatewayV2::Integration'],
        body: [onValues(httpApiParameters, `${httpApiParameters}[ keys == ${guardRegex(httpApiKey)} ]`, [
          `when this is_string {\n  this == ${guardRegex(`^\\s*\\$|${LITERAL_OK}`)} ${guardMessage(rule, 'an HTTP API integration sends a header that carries a credential with a literal value.')}\n}`,
        ])],
      }),
      resourceRule({
        shape,
        rule,
        part: 'EventsRule',
        types: ['AWS::Events::Rule'],
        body: [`when ${targets} exists {\n${indent(`${targets}[ HttpParameters exists ] {\n${indent(httpMaps('HttpParameters').join('\n'), 1)}\n}`, 1)}\n}`],
      }),
      resourceRule({
        shape,
        rule,
        part: 'Pipe',
        types: ['AWS::Pipes::Pipe'],
        body: ['TargetParameters', 'EnrichmentParameters'].flatMap(p => httpMaps(shape.prop(`${p}.HttpParameters`))),
      }),
      resourceRule({
        shape,
        rule,
        part: 'CloudFront',
        types: ['AWS::CloudFront::Distribution'],
        body: places(origins, `${origins}[ OriginCustomHeaders exists ].OriginCustomHeaders`, 'HeaderName', 'HeaderValue'),
      }),
      resourceRule({
        shape,
        rule,
        part: 'ListenerRule',
        types: ['AWS::ElasticLoadBalancingV2::ListenerRule'],
        body: filters('HttpHeaderConfig.HttpHeaderName').map(f =>
          onValues(conditions, `${conditions}[ ${[...f, 'HttpHeaderConfig.Values exists'].join('\n    ')} ].HttpHeaderConfig.Values[*]`, clauses)),
      }),
      resourceRule({
        shape,
        rule,
        part: 'Connection',
        types: ['AWS::Events::Connection'],
        body: ['HeaderParameters', 'QueryStringParameters'].flatMap(list => places(`${http}.${list}`, `${http}.${list}`, 'Key', 'Value')),
      }),
    ];
  },
};

/** A value `isLiteral` of NoCredentialInUserData accepts: four characters or more, not a variable, a reference, a boolean, digits or an ARN. */
const SCRIPT_VALUE_START = '(?![$`%]|\\{\\{|arn:)';
const scriptValue = (chars: string, end: string) =>
  `${SCRIPT_VALUE_START}(?!(?i:true|false|yes|no|none|null)${end}|[0-9]+${end})(?:${chars}|\\$(?!\\{)){4,}${end}`;
const QUOTED_OR_BARE = `(?:"${scriptValue('[^"\\n$]', '"')}|'${scriptValue("[^'\\n$]", "'")}|${scriptValue('[^\\s"\';&|$]', '(?=[\\s"\';&|]|$)')})`;

/**
 * NoCredentialInUserData's patterns in one expression (Guard 3): `NAME=value` and its shell and
 * PowerShell forms, `--name value`, `aws configure set name value`, `curl -u user:password`,
 * `mysql -pPASSWORD`, each with a credential name and a literal value.
 */
const USER_DATA_SCRIPT = '(?m)' + [
  `(?:^|[\\s;&|(>"'])(?:export\\s+|set\\s+|setx\\s+|\\$env:|\\$)?(?=[A-Za-z_])${scriptCredentialName('\\s*(?:=|:\\s|\\s+=\\s+)')}\\s*(?:=|:\\s|\\s+=\\s+)\\s*${QUOTED_OR_BARE}`,
  `(?:^|\\s)--?(?=[A-Za-z])${scriptCredentialName('(?:=|\\s+)')}(?:=|\\s+)(?!-)${QUOTED_OR_BARE}`,
  `\\baws\\s+configure\\s+set\\s+${scriptCredentialName('\\s+')}\\s+["']?${scriptValue('[^\\s"\';&|$]', '')}`,
  `\\bcurl\\b[^\\n]*?\\s(?:-u|--user)\\s*["']?[^:\\s"']+:${scriptValue('[^\\s"\'@$]', '')}`,
  `\\bmysql(?:admin|dump)?\\b[^\\n]*?\\s-p${scriptValue('[^\\s"\';&|$]', '')}`,
].map(p => `(?:${p})`).join('|');

export const NoCredentialInUserDataGuard: GuardRuleSource = {
  rule: 'NoCredentialInUserData',
  resourceTypes: ['AWS::EC2::Instance', 'AWS::AutoScaling::LaunchConfiguration', 'AWS::EC2::LaunchTemplate'],
  targets: [GuardTarget.TEMPLATE],
  gaps: [
    {
      targets: [GuardTarget.TEMPLATE],
      partial: true,
      reason: 'User data written as Fn::Base64 of a string, an Fn::Sub or an Fn::Join, and every string of cfn-init metadata (AWS::CloudFormation::Init, '
        + `down to ${TOKEN_SCAN_DEPTH} levels), each string on its own: Guard cannot join the pieces of a script, so an assignment split over two Fn::Join `
        + `items is missed; a parameter named in Fn::Sub is not substituted; user data written pre-encoded (a literal Base64 string) is not decoded. ${NAME_GAP}`,
    },
    {
      targets: [GuardTarget.HOOK, GuardTarget.CONFIG],
      partial: false,
      reason: 'The hook receives UserData as CloudFormation resolved it, Base64 text, which Guard cannot decode, and no Metadata (cfn-init); the '
        + 'configuration items of instances and launch templates hold no user data.',
    },
  ],
  render(shape) {
    if (shape.target !== GuardTarget.TEMPLATE) {
      return [];
    }
    const rule = 'NoCredentialInUserData';
    const what = 'the user data script or cfn-init metadata assigns a literal value to a credential-like variable, flag or config key.';
    const [full, short] = [guardMessage(rule, what), shortMessage(rule, what)];
    const scriptOk = (query: string) => `when ${query} is_string {\n  ${query} != %hs_script ${full}\n}`;
    const scripts = (userData: string) => {
      const base64 = `${userData}.'Fn::Base64'`;
      return [
        scriptOk(base64),
        scriptOk(`${base64}.'Fn::Sub'`),
        scriptOk(`${base64}.'Fn::Sub'[0]`),
        `when ${base64}.'Fn::Join'[1] exists {\n  ${base64}.'Fn::Join'[1][ this is_string ] != %hs_script ${full}\n}`,
      ];
    };
    const types: Array<[string, string]> = [
      ['AWS::EC2::Instance', 'Properties.UserData'],
      ['AWS::AutoScaling::LaunchConfiguration', 'Properties.UserData'],
      ['AWS::EC2::LaunchTemplate', 'Properties.LaunchTemplateData.UserData'],
    ];
    const script = `let hs_script = ${guardRegex(USER_DATA_SCRIPT)}`;
    const userData = types.map(([type, at]) => resourceRule({
      shape,
      rule,
      part: type.split('::').slice(1).join(''),
      types: [type],
      body: [script, ...scripts(at)],
    }));
    const init = resourceRule({
      shape,
      rule,
      part: 'CfnInit',
      types: ['*'],
      filter: ['Metadata exists'],
      body: [script, everyString('Metadata.\'AWS::CloudFormation::Init\'', TOKEN_SCAN_DEPTH, '%hs_script', full, short)],
    });
    return [...userData, init];
  },
};

/** The credential rules of the catalogue, written as Guard rules. */
export const CREDENTIAL_GUARD_RULES: readonly GuardRuleSource[] = [
  NoCredentialInResourcePropertyGuard,
  NoCredentialInLambdaEnvironmentGuard,
  NoCredentialInContainerEnvironmentGuard,
  NoCredentialInBuildEnvironmentGuard,
  NoCredentialInSsmParameterGuard,
  NoCredentialInUserDataGuard,
  NoCredentialInHeaderGuard,
  NoCredentialInOutputGuard,
  NoCredentialInParameterDefaultGuard,
  NoLiteralSecretStringGuard,
  NoAwsAccessKeyGuard,
  NoPrivateKeyMaterialGuard,
  NoKnownTokenFormatGuard,
];
