/**
 * The three shapes in which the exported Guard rules meet a resource (and AWS Config's proactive
 * input, see `configProactiveShape`), built from a corpus template (test/fixtures/templates,
 * test/fixtures/blind).
 *
 * 1. TEMPLATE: the template file itself, exactly what `cfn-guard validate -d template.yaml` reads.
 *    The file is handed to cfn-guard as written, YAML short forms included: cfn-guard reads
 *    `!GetAtt A.Arn` as the string `A.Arn` where CloudFormation (and `CfnInclude`) read
 *    `[A, Arn]`, and rules must hold on what users actually feed the binary.
 *
 * 2. HOOK: one document per resource, `{ Resources: { <LogicalId>: { ResourceType,
 *    ResourceProperties } } }`. Source: CloudFormation Hooks user guide, "Write Guard rules to
 *    evaluate resources for Guard Hooks", section "Guard resource input syntax" (the resource
 *    input also carries `HookContext` and `Previous`, left out here: the exported rules do not
 *    read them). The hook runs at CREATE_PRE_PROVISION / UPDATE_PRE_PROVISION, when CloudFormation
 *    has already resolved the template for that resource, so the properties are given as
 *    CloudFormation would hand them over (the page's example input holds plain values, no
 *    intrinsic functions):
 *    - `Ref` to a parameter: its `Default` (a parameter without one: the placeholder
 *      `parameter-value-<Name>`, which is what "a value the deployer typed" looks like to a rule:
 *      plain text in no known credential format and no ARN, so a credential-named property that
 *      holds it is flagged as the real hook flags the deployer's plaintext); `List<...>`/`CommaDelimitedList` defaults split on ",";
 *      `AWS::SSM::Parameter::Value<...>`: `ssm-parameter-value-<Name>`;
 *    - pseudo parameters: account 123456789012, us-east-1, partition aws, `AWS::NoValue` drops
 *      the key;
 *    - `Ref` / `Fn::GetAtt` to a resource of the template: a placeholder physical id or ARN in the
 *      format the resource type returns (`refValue` / `attValue` below: a secret's `Ref` is its
 *      ARN, a key's `Ref` its key id, a role's `Ref` its name, ...). The resource they point at is
 *      not in the hook's input: a rule sees an ARN, never the other resource;
 *    - `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If` (conditions
 *      evaluated on the defaults), `Fn::GetAZs`, `Fn::ImportValue` (`imported-<name>`),
 *      `Fn::Base64` (the Base64 text: what EC2 receives as `UserData`), `Fn::ToJsonString`;
 *    - dynamic references (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`,
 *      `{{resolve:ssm:...}}`) are kept as written: CloudFormation resolves secure dynamic
 *      references only when it calls the resource's provider, and a hook that received the
 *      plaintext would write it to the hook's logs. The user guide does not say either way; a
 *      reference kept as is is also what the pack treats as "a reference, not a literal".
 *    A resource whose `Condition` is false is not created, so it has no hook input. SAM
 *    (`AWS::Serverless-2016-10-31`) is expanded first (src/cli/sam.ts), as CloudFormation does
 *    before any hook runs.
 *
 * 3. CONFIG: one AWS Config configuration item per resource of a type AWS Config records and this
 *    file models (`CONFIG_TYPES`), `{ version, accountId, awsRegion, resourceType, resourceId,
 *    resourceName, arn, configurationItemStatus, configuration, supplementaryConfiguration, tags,
 *    relationships }`. An AWS Config custom policy (Guard) rule is evaluated on the configuration
 *    item JSON as recorded, keys at the top level (`resourceType`, `configuration.*`). Sources:
 *    - AWS Config developer guide, "Creating AWS Config Custom Policy Rules"
 *      (evaluate-config_develop-rules_cfn-guard) and AWS Prescriptive Guidance "Create AWS Config
 *      custom rules by using AWS CloudFormation Guard policies" (a rule reads the item's keys,
 *      `resourceType` as the filter, `configuration.<key>` for what the service returns);
 *    - awslabs/aws-config-resource-schema, config/properties/resource-types/<Type>.properties.json
 *      (the recorded keys of each type): AWS::SecretsManager::Secret (`configuration.Name`,
 *      `.KMSKeyId`, `.RotationEnabled`, `.RotationLambdaARN`, `.RotationRules.AutomaticallyAfterDays`,
 *      `.RotationRules.RotationScheduleExpression`, `.RotationRules.RotationDuration`; no resource
 *      policy, no replicas, no deletion policy), AWS::KMS::Key (`configuration.keyId`, `.arn`,
 *      `.keyManager`, `.keyState`, `.keyUsage`, ...; `supplementaryConfiguration.KeyRotationStatus`;
 *      no key policy), AWS::IAM::Role / User (`rolePolicyList` / `userPolicyList`,
 *      `attachedManagedPolicies`), AWS::IAM::Policy (= the CloudFormation
 *      `AWS::IAM::ManagedPolicy`: `policyVersionList.document`, `defaultVersionId`),
 *      AWS::Lambda::Function (`functionName`, `role`, `kmskeyArn`, `vpcConfig.*`; no environment
 *      variables), AWS::EC2::VPCEndpoint (`serviceName`, `vpcEndpointType`, `vpcId`, `subnetIds`,
 *      `groups.groupId`, `privateDnsEnabled`), AWS::CodeBuild::Project (`environment.
 *      environmentVariables[*].name / value / type`, `source.*`), AWS::ECS::TaskDefinition (recorded
 *      in the CloudFormation schema's names: `ContainerDefinitions[*].Environment[*].Name / Value`);
 *    - IAM API reference (GetRolePolicy, GetPolicyVersion, GetAccountAuthorizationDetails): policy
 *      documents come back URL-encoded (RFC 3986), and AWS Config records them as returned, so
 *      `configuration.rolePolicyList[*].policyDocument` is a URL-encoded JSON string, not an
 *      object.
 *    Not recorded by AWS Config at all (no configuration item, so no Config rule can see them):
 *    AWS::SecretsManager::ResourcePolicy, AWS::SecretsManager::RotationSchedule (its effect is in
 *    the secret's `RotationEnabled` / `RotationRules`, filled in here from the schedule that
 *    targets the secret), AWS::SSM::Parameter, inline `AWS::IAM::Policy` /
 *    `AWS::IAM::RolePolicy` / `UserPolicy` / `GroupPolicy` (recorded inside the role's, user's or
 *    group's item, whose logical id the item carries here), `AWS::IAM::AccessKey`, and template
 *    sections (Parameters, Outputs, Mappings). Recorded types this file does not model (their
 *    configuration is the service's describe output, e.g. EC2 instances, RDS, ElastiCache) get no
 *    item: `modelledConfigTypes` says which types are modelled, so a missing item is a listed
 *    difference, never a silent pass.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { expandLanguageExtensions } from '../../src/cli/language-extensions';
import { expandServerless } from '../../src/cli/sam';
import { clone, isObject, Json } from '../../src/cli/template-data';
import { parseTemplateText } from '../../src/cli/template-text';

/** The placeholder account, region and partition every resolved value uses. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const PARTITION = 'aws';

/** A data document for one of the shapes, and the logical id it stands for (none for a template). */
export interface ShapedDocument {
  /** Unique within a template. */
  readonly name: string;
  /** The resource the document is about; undefined for the whole template. */
  readonly logicalId?: string;
  readonly document: unknown;
  /** The template file's own text and extension (TEMPLATE only): what cfn-guard reads from disk. */
  readonly text?: { readonly content: string; readonly extension: string };
}

/** A corpus template read from disk. */
export interface CorpusTemplate {
  readonly file: string;
  readonly text: string;
  /** As CloudFormation reads it: long-form intrinsics, the last of repeated keys. */
  readonly document: Json;
}

export function readCorpusTemplate(file: string): CorpusTemplate {
  const content = fs.readFileSync(file, 'utf8');
  const document = parseTemplateText(content, file).document;
  if (!isObject(document)) {
    throw new Error(`${file}: not a template`);
  }
  return { file, text: content, document };
}

// ---------------------------------------------------------------------------------------------
// 1. The template
// ---------------------------------------------------------------------------------------------

export function templateShape(t: CorpusTemplate): ShapedDocument[] {
  return [{ name: path.basename(t.file), document: t.document, text: { content: t.text, extension: path.extname(t.file) } }];
}

// ---------------------------------------------------------------------------------------------
// 2. The Guard Hook resource input
// ---------------------------------------------------------------------------------------------

export function hookShape(t: CorpusTemplate): ShapedDocument[] {
  const resolver = new Resolver(deployable(t.document), path.basename(t.file).replace(/\.\w+$/, ''));
  const out: ShapedDocument[] = [];
  for (const [id, resource] of Object.entries(resolver.resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string' || !resolver.created(resource)) {
      continue;
    }
    const properties = resolver.resolve(resource.Properties ?? {});
    out.push({
      name: `${id}.hook`,
      logicalId: id,
      document: { Resources: { [id]: { ResourceType: resource.Type, ResourceProperties: isObject(properties) ? properties : {} } } },
    });
  }
  return out;
}

/** The template CloudFormation deploys: the SAM and language-extension transforms expanded. */
function deployable(document: Json): Json {
  const template = clone(document);
  const transforms = ([] as unknown[]).concat(template.Transform ?? []);
  if (transforms.includes('AWS::LanguageExtensions')) {
    expandLanguageExtensions(template);
  }
  if (transforms.includes('AWS::Serverless-2016-10-31') && isObject(template.Resources)) {
    expandServerless(template);
  }
  delete template.Transform;
  return template;
}

/** A name CloudFormation would generate for a resource without one: `<stack>-<LogicalId>-<suffix>`. */
function generatedName(stack: string, id: string): string {
  return `${stack}-${id}-${suffixOf(id, 12).toUpperCase()}`;
}

/** A stable pseudo-random suffix from a logical id (no randomness: documents are byte-stable). */
function suffixOf(id: string, length: number): string {
  return BigInt(`0x${createHash('sha256').update(id).digest('hex')}`).toString(36).slice(0, length);
}

function keyIdOf(id: string): string {
  const hex = [...suffixOf(`${id}#key`, 40)].map(c => (parseInt(c, 36) % 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Resolves intrinsic functions as CloudFormation does at deploy time, with placeholder physical
 * ids for the template's resources and the defaults for its parameters.
 */
class Resolver {
  public readonly resources: Json;
  private readonly parameters: Json;
  private readonly mappings: Json;
  private readonly conditions: Json;
  private readonly conditionValues = new Map<string, boolean>();

  constructor(template: Json, private readonly stack: string) {
    this.resources = isObject(template.Resources) ? template.Resources : {};
    this.parameters = isObject(template.Parameters) ? template.Parameters : {};
    this.mappings = isObject(template.Mappings) ? template.Mappings : {};
    this.conditions = isObject(template.Conditions) ? template.Conditions : {};
  }

  /** Whether CloudFormation creates the resource (its `Condition`, if any, holds). */
  public created(resource: Json): boolean {
    return typeof resource.Condition !== 'string' || this.condition(resource.Condition);
  }

  /** The deploy-time value; `undefined` for `AWS::NoValue`. */
  public resolve(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map(v => this.resolve(v)).filter(v => v !== undefined);
    }
    if (!isObject(value)) {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      return this.intrinsic(keys[0], value[keys[0]]);
    }
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = this.resolve(v);
      if (resolved !== undefined) {
        out[k] = resolved;
      }
    }
    return out;
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.att(id, attr.join('.'));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Join': {
        const [sep, list] = arg as [unknown, unknown];
        const items = this.resolve(list);
        return (Array.isArray(items) ? items : [items]).map(text).join(text(this.resolve(sep)));
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list);
        return Array.isArray(items) ? items[Number(this.resolve(index))] : undefined;
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [unknown, unknown];
        return text(this.resolve(source)).split(text(this.resolve(sep)));
      }
      case 'Fn::FindInMap': {
        const [map, top, second, options] = arg as unknown[];
        const table = this.mappings[text(this.resolve(map))];
        const row = isObject(table) ? table[text(this.resolve(top))] : undefined;
        const found = isObject(row) ? row[text(this.resolve(second))] : undefined;
        if (found === undefined && isObject(options) && options.DefaultValue !== undefined) {
          return this.resolve(options.DefaultValue);
        }
        return this.resolve(found);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Base64':
        return Buffer.from(text(this.resolve(arg)), 'utf8').toString('base64');
      case 'Fn::GetAZs':
        return [`${REGION}a`, `${REGION}b`, `${REGION}c`];
      case 'Fn::ImportValue':
        return `imported-${text(this.resolve(arg))}`;
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(arg));
      case 'Fn::Length': {
        const items = this.resolve(arg);
        return Array.isArray(items) ? items.length : 0;
      }
      case 'Fn::Cidr': {
        const [, count] = arg as [unknown, unknown];
        return Array.from({ length: Number(this.resolve(count)) || 1 }, (_, i) => `10.0.${i}.0/24`);
      }
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map(v => JSON.stringify(this.resolve(v)));
        return a === b;
      }
      case 'Fn::Not':
        return !this.truthy((arg as unknown[])[0]);
      case 'Fn::And':
        return (arg as unknown[]).every(v => this.truthy(v));
      case 'Fn::Or':
        return (arg as unknown[]).some(v => this.truthy(v));
      default:
        return { [name]: this.resolve(arg) };
    }
  }

  private truthy(value: unknown): boolean {
    const resolved = this.resolve(value);
    return resolved === true || resolved === 'true';
  }

  private condition(name: string): boolean {
    let value = this.conditionValues.get(name);
    if (value === undefined) {
      this.conditionValues.set(name, false); // a cycle is false, never a stack overflow
      value = this.truthy(this.conditions[name]);
      this.conditionValues.set(name, value);
    }
    return value;
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::Region': return REGION;
      case 'AWS::Partition': return PARTITION;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stack;
      case 'AWS::StackId': return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${this.stack}/${keyIdOf(this.stack)}`;
      case 'AWS::NotificationARNs': return [];
      case 'AWS::NoValue': return undefined;
    }
    const parameter = this.parameters[name];
    if (isObject(parameter)) {
      const type = String(parameter.Type ?? 'String');
      if (type.startsWith('AWS::SSM::Parameter::Value')) {
        return `ssm-parameter-value-${name}`;
      }
      if (parameter.Default === undefined) {
        return type.startsWith('List<') || type === 'CommaDelimitedList' ? [`parameter-value-${name}`] : `parameter-value-${name}`;
      }
      const value = this.resolve(parameter.Default);
      return (type.startsWith('List<') || type === 'CommaDelimitedList') && typeof value === 'string'
        ? value.split(',').map(s => s.trim()) : value;
    }
    const resource = this.resources[name];
    return isObject(resource) ? refValue(String(resource.Type), name, this.nameOf(name, resource), this.stack) : name;
  }

  private att(id: string, attribute: string): unknown {
    const resource = this.resources[id];
    if (!isObject(resource)) {
      return `${id}.${attribute}`;
    }
    return attValue(String(resource.Type), id, attribute, this.nameOf(id, resource), this.stack);
  }

  /** The resource's name property, resolved, when it has one. */
  private nameOf(id: string, resource: Json): string | undefined {
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const key = NAME_PROPERTY[String(resource.Type)];
    if (key === undefined || properties[key] === undefined) {
      return undefined;
    }
    const value = this.resolve(properties[key]);
    return typeof value === 'string' ? value : `${id}`;
  }

  private sub(arg: unknown): string {
    const [template, vars] = Array.isArray(arg) ? arg as [unknown, unknown] : [arg, {}];
    const variables = isObject(vars) ? vars : {};
    return String(template).replace(/\$\{([^}]+)\}/g, (_whole, expr: string) => {
      if (expr.startsWith('!')) {
        return `\${${expr.slice(1)}}`;
      }
      if (variables[expr] !== undefined) {
        return text(this.resolve(variables[expr]));
      }
      if (expr.includes('.') && !expr.startsWith('AWS::')) {
        const [id, ...attr] = expr.split('.');
        return text(this.att(id, attr.join('.')));
      }
      return text(this.ref(expr));
    });
  }
}

function text(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  return Array.isArray(value) ? value.map(text).join(',') : isObject(value) ? JSON.stringify(value) : String(value);
}

/** The property holding the name CloudFormation gives the physical resource, by type. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Events::Rule': 'Name',
};

/** The service and resource part of an ARN, by type (the default is the type's own words). */
function arnOf(type: string, id: string, name: string | undefined, stack: string): string {
  const n = name ?? generatedName(stack, id);
  switch (type) {
    case 'AWS::SecretsManager::Secret': return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${n}-${suffixOf(id, 6)}`;
    case 'AWS::KMS::Key': return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyIdOf(id)}`;
    case 'AWS::KMS::Alias': return `arn:aws:kms:${REGION}:${ACCOUNT}:${n}`;
    case 'AWS::IAM::Role': return `arn:aws:iam::${ACCOUNT}:role/${n}`;
    case 'AWS::IAM::User': return `arn:aws:iam::${ACCOUNT}:user/${n}`;
    case 'AWS::IAM::Group': return `arn:aws:iam::${ACCOUNT}:group/${n}`;
    case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${ACCOUNT}:policy/${n}`;
    case 'AWS::IAM::InstanceProfile': return `arn:aws:iam::${ACCOUNT}:instance-profile/${n}`;
    case 'AWS::Lambda::Function': return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${n}`;
    case 'AWS::SSM::Parameter': return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${n.replace(/^\//, '')}`;
    case 'AWS::SNS::Topic': return `arn:aws:sns:${REGION}:${ACCOUNT}:${n}`;
    case 'AWS::SQS::Queue': return `arn:aws:sqs:${REGION}:${ACCOUNT}:${n}`;
    case 'AWS::S3::Bucket': return `arn:aws:s3:::${n.toLowerCase()}`;
    case 'AWS::Logs::LogGroup': return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n}:*`;
    case 'AWS::Events::Rule': return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${n}`;
  }
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  return `arn:aws:${service.toLowerCase()}:${REGION}:${ACCOUNT}:${kind.toLowerCase()}/${n}`;
}

/** What `Ref` returns for a resource of `type` (the resource type reference's "Return values"). */
function refValue(type: string, id: string, name: string | undefined, stack: string): string {
  switch (type) {
    case 'AWS::SecretsManager::Secret':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::SNS::Topic':
      return arnOf(type, id, name, stack);
    case 'AWS::KMS::Key': return keyIdOf(id);
    case 'AWS::SQS::Queue': return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name ?? generatedName(stack, id)}`;
    case 'AWS::EC2::VPC': return `vpc-${suffixOf(id, 17)}`;
    case 'AWS::EC2::Subnet': return `subnet-${suffixOf(id, 17)}`;
    case 'AWS::EC2::SecurityGroup': return `sg-${suffixOf(id, 17)}`;
    case 'AWS::EC2::VPCEndpoint': return `vpce-${suffixOf(id, 17)}`;
    case 'AWS::EC2::Instance': return `i-${suffixOf(id, 17)}`;
    case 'AWS::EC2::RouteTable': return `rtb-${suffixOf(id, 17)}`;
    case 'AWS::EC2::LaunchTemplate': return `lt-${suffixOf(id, 17)}`;
  }
  return name ?? generatedName(stack, id);
}

/** What `Fn::GetAtt` returns: ARNs in their type's format, other attributes as a labelled placeholder. */
function attValue(type: string, id: string, attribute: string, name: string | undefined, stack: string): unknown {
  if (attribute === 'Arn' || attribute.endsWith('Arn') && attribute.length > 3 && attribute !== 'KeyArn' && type !== 'AWS::KMS::Key') {
    return arnOf(type, id, name, stack);
  }
  if (type === 'AWS::KMS::Key' && (attribute === 'KeyId')) {
    return keyIdOf(id);
  }
  if (type === 'AWS::KMS::Key' && attribute === 'KeyArn') {
    return arnOf(type, id, name, stack);
  }
  if (type === 'AWS::EC2::SecurityGroup' && attribute === 'GroupId') {
    return refValue(type, id, name, stack);
  }
  if (type === 'AWS::SecretsManager::Secret' && attribute === 'Id') {
    return arnOf(type, id, name, stack);
  }
  if (attribute === 'Name' || attribute.endsWith('Name')) {
    return name ?? generatedName(stack, id);
  }
  return `${id}-${attribute.replace(/\W/g, '-')}-value`;
}

// ---------------------------------------------------------------------------------------------
// 3. AWS Config configuration items
// ---------------------------------------------------------------------------------------------

/** A CloudFormation type AWS Config records, and the resourceType of its items. */
const CONFIG_TYPES: Record<string, string> = {
  'AWS::SecretsManager::Secret': 'AWS::SecretsManager::Secret',
  'AWS::KMS::Key': 'AWS::KMS::Key',
  'AWS::IAM::Role': 'AWS::IAM::Role',
  'AWS::IAM::User': 'AWS::IAM::User',
  'AWS::IAM::Group': 'AWS::IAM::Group',
  'AWS::IAM::ManagedPolicy': 'AWS::IAM::Policy',
  'AWS::Lambda::Function': 'AWS::Lambda::Function',
  'AWS::EC2::VPCEndpoint': 'AWS::EC2::VPCEndpoint',
  'AWS::CodeBuild::Project': 'AWS::CodeBuild::Project',
  'AWS::ECS::TaskDefinition': 'AWS::ECS::TaskDefinition',
};

/** The CloudFormation types this file turns into configuration items. */
export function modelledConfigTypes(): string[] {
  return Object.keys(CONFIG_TYPES);
}

/**
 * CloudFormation types AWS Config does not record (no item exists, whatever the harness): a rule
 * on them cannot run as a Config rule. Inline policies are recorded inside their principals' items.
 */
export const NOT_RECORDED_BY_CONFIG: readonly string[] = [
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::SecretsManager::RotationSchedule',
  'AWS::SecretsManager::SecretTargetAttachment',
  'AWS::SSM::Parameter',
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
  'AWS::IAM::AccessKey',
  'AWS::Lambda::Permission',
  'AWS::Logs::MetricFilter',
  'AWS::CDK::Metadata',
];

/** RFC 3986 encoding, as the IAM API returns policy documents (and AWS Config records them). */
function urlEncodedJson(value: unknown): string {
  return encodeURIComponent(JSON.stringify(value)).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** `Tags: [{ Key, Value }]` (or a SAM-style map) as a configuration item's `tags` map. */
function tagMap(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const t of tags) {
      if (isObject(t) && t.Key !== undefined) {
        out[text(t.Key)] = text(t.Value);
      }
    }
  } else if (isObject(tags)) {
    for (const [k, v] of Object.entries(tags)) {
      out[k] = text(v);
    }
  }
  return out;
}

/** Does `value` (unresolved) point at resource `id` (`Ref`, `Fn::GetAtt`, or inside `Fn::Sub`)? */
function pointsAt(value: unknown, id: string): boolean {
  if (!isObject(value)) {
    return false;
  }
  if (value.Ref === id) {
    return true;
  }
  const att = value['Fn::GetAtt'];
  if (att !== undefined) {
    return (Array.isArray(att) ? String(att[0]) : String(att).split('.')[0]) === id;
  }
  return false;
}

export function configShape(t: CorpusTemplate): ShapedDocument[] {
  const stack = path.basename(t.file).replace(/\.\w+$/, '');
  const template = deployable(t.document);
  const resolver = new Resolver(template, stack);
  const resources = resolver.resources;
  const entries = Object.entries(resources).filter((e): e is [string, Json] => isObject(e[1]) && resolver.created(e[1]));
  const props = (r: Json): Json => (isObject(r.Properties) ? r.Properties : {});

  /** Inline policies of principal `id` declared as separate resources, resolved. */
  const inlinePolicies = (id: string, principalKey: 'Roles' | 'Users' | 'Groups', singleKey: string, singleType: string) =>
    entries.flatMap(([, r]) => {
      const p = props(r);
      if (r.Type === 'AWS::IAM::Policy' && asList(p[principalKey]).some(v => pointsAt(v, id))) {
        return [{ policyName: text(resolver.resolve(p.PolicyName)), policyDocument: urlEncodedJson(resolver.resolve(p.PolicyDocument)) }];
      }
      if (r.Type === singleType && pointsAt(p[singleKey], id)) {
        return [{ policyName: text(resolver.resolve(p.PolicyName)), policyDocument: urlEncodedJson(resolver.resolve(p.PolicyDocument)) }];
      }
      return [];
    });
  const ownPolicies = (p: Json) => asList(p.Policies).filter(isObject).map(policy => ({
    policyName: text(resolver.resolve(policy.PolicyName)),
    policyDocument: urlEncodedJson(resolver.resolve(policy.PolicyDocument)),
  }));
  const managed = (p: Json) => asList(resolver.resolve(p.ManagedPolicyArns)).map(arn => ({
    policyArn: text(arn),
    policyName: text(arn).split('/').pop(),
  }));

  const out: ShapedDocument[] = [];
  for (const [id, resource] of entries) {
    const type = String(resource.Type);
    const resourceType = CONFIG_TYPES[type];
    if (resourceType === undefined) {
      continue;
    }
    const p = props(resource);
    const r = (v: unknown) => resolver.resolve(v);
    const physicalName = text(resolver.resolve({ Ref: id }));
    const arn = text(resolver.resolve({ 'Fn::GetAtt': [id, 'Arn'] }));
    let configuration: Json;
    let supplementaryConfiguration: Json = {};
    let resourceId = physicalName;
    let resourceName: string | undefined = physicalName;
    switch (type) {
      case 'AWS::SecretsManager::Secret': {
        const schedule = entries.find(([, s]) => s.Type === 'AWS::SecretsManager::RotationSchedule' && pointsAt(props(s).SecretId, id));
        const rules = schedule ? props(schedule[1]).RotationRules : undefined;
        const rotation = schedule ? props(schedule[1]) : undefined;
        const rotationRules = isObject(rules) ? r(rules) as Json : undefined;
        resourceId = arn;
        resourceName = text(r(p.Name)) || physicalName.split(':').pop()!.replace(/-\w{6}$/, '');
        configuration = prune({
          ARN: arn,
          Name: resourceName,
          Description: r(p.Description),
          KMSKeyId: p.KmsKeyId === undefined ? undefined : kmsKeyArn(r(p.KmsKeyId)),
          RotationEnabled: rotation !== undefined
            && (rotation.RotationRules !== undefined || rotation.HostedRotationLambda !== undefined || rotation.RotationLambdaARN !== undefined),
          RotationLambdaARN: rotation?.RotationLambdaARN === undefined ? undefined : r(rotation.RotationLambdaARN),
          // The recorded names (aws-config-resource-schema), not DescribeSecret's ScheduleExpression / Duration.
          RotationRules: rotationRules === undefined ? undefined : prune({
            AutomaticallyAfterDays: rotationRules.AutomaticallyAfterDays,
            RotationScheduleExpression: rotationRules.ScheduleExpression,
            RotationDuration: rotationRules.Duration,
          }),
          Deleted: false,
        });
        break;
      }
      case 'AWS::KMS::Key': {
        resourceId = keyIdOf(id);
        resourceName = undefined;
        configuration = prune({
          keyId: keyIdOf(id),
          arn,
          awsaccountId: ACCOUNT,
          description: r(p.Description),
          enabled: p.Enabled === undefined ? true : r(p.Enabled),
          keyManager: 'CUSTOMER',
          keyState: 'Enabled',
          keyUsage: r(p.KeyUsage) ?? 'ENCRYPT_DECRYPT',
          customerMasterKeySpec: r(p.KeySpec) ?? 'SYMMETRIC_DEFAULT',
          keySpec: r(p.KeySpec) ?? 'SYMMETRIC_DEFAULT',
          origin: r(p.Origin) ?? 'AWS_KMS',
          multiRegion: r(p.MultiRegion) ?? false,
        });
        supplementaryConfiguration = { KeyRotationStatus: r(p.EnableKeyRotation) === true || r(p.EnableKeyRotation) === 'true' };
        break;
      }
      case 'AWS::IAM::Role':
        configuration = prune({
          roleName: physicalName,
          arn,
          path: r(p.Path) ?? '/',
          assumeRolePolicyDocument: p.AssumeRolePolicyDocument === undefined ? undefined : urlEncodedJson(r(p.AssumeRolePolicyDocument)),
          rolePolicyList: [...ownPolicies(p), ...inlinePolicies(id, 'Roles', 'RoleName', 'AWS::IAM::RolePolicy')],
          attachedManagedPolicies: managed(p),
          permissionsBoundary: p.PermissionsBoundary === undefined
            ? undefined : { permissionsBoundaryArn: r(p.PermissionsBoundary), permissionsBoundaryType: 'Policy' },
        });
        break;
      case 'AWS::IAM::User':
        configuration = prune({
          userName: physicalName,
          arn,
          path: r(p.Path) ?? '/',
          userPolicyList: [...ownPolicies(p), ...inlinePolicies(id, 'Users', 'UserName', 'AWS::IAM::UserPolicy')],
          attachedManagedPolicies: managed(p),
          groupList: asList(r(p.Groups)).map(text),
        });
        break;
      case 'AWS::IAM::Group':
        configuration = prune({
          groupName: physicalName,
          arn,
          path: r(p.Path) ?? '/',
          groupPolicyList: [...ownPolicies(p), ...inlinePolicies(id, 'Groups', 'GroupName', 'AWS::IAM::GroupPolicy')],
          attachedManagedPolicies: managed(p),
        });
        break;
      case 'AWS::IAM::ManagedPolicy':
        resourceName = arn.split('/').pop();
        configuration = prune({
          policyName: resourceName,
          arn,
          path: r(p.Path) ?? '/',
          description: r(p.Description),
          defaultVersionId: 'v1',
          isAttachable: true,
          policyVersionList: [{ document: urlEncodedJson(r(p.PolicyDocument)), versionId: 'v1', isDefaultVersion: true }],
        });
        break;
      case 'AWS::Lambda::Function': {
        const vpc = isObject(p.VpcConfig) ? r(p.VpcConfig) as Json : undefined;
        configuration = prune({
          functionName: physicalName,
          functionArn: arn,
          runtime: r(p.Runtime),
          role: r(p.Role),
          handler: r(p.Handler),
          description: r(p.Description),
          kmskeyArn: p.KmsKeyArn === undefined ? undefined : r(p.KmsKeyArn),
          timeout: r(p.Timeout) ?? 3,
          memorySize: r(p.MemorySize) ?? 128,
          packageType: r(p.PackageType) ?? 'Zip',
          vpcConfig: vpc === undefined ? undefined : { subnetIds: asList(vpc.SubnetIds), securityGroupIds: asList(vpc.SecurityGroupIds) },
        });
        break;
      }
      case 'AWS::EC2::VPCEndpoint': {
        const type_ = r(p.VpcEndpointType) ?? 'Gateway';
        configuration = prune({
          vpcEndpointId: physicalName,
          vpcEndpointType: type_,
          vpcId: r(p.VpcId),
          serviceName: r(p.ServiceName),
          subnetIds: asList(r(p.SubnetIds)),
          groups: asList(r(p.SecurityGroupIds)).map(g => ({ groupId: text(g) })),
          privateDnsEnabled: r(p.PrivateDnsEnabled) ?? false,
          policyDocument: p.PolicyDocument === undefined ? undefined : JSON.stringify(r(p.PolicyDocument)),
          ownerId: ACCOUNT,
          state: 'available',
        });
        break;
      }
      case 'AWS::CodeBuild::Project': {
        const env = isObject(p.Environment) ? r(p.Environment) as Json : {};
        const source = isObject(p.Source) ? r(p.Source) as Json : {};
        configuration = prune({
          name: physicalName,
          arn,
          serviceRole: r(p.ServiceRole),
          encryptionKey: r(p.EncryptionKey),
          environment: prune({
            type: env.Type,
            image: env.Image,
            computeType: env.ComputeType,
            privilegedMode: env.PrivilegedMode ?? false,
            environmentVariables: asList(env.EnvironmentVariables).filter(isObject)
              .map(v => prune({ name: v.Name, value: v.Value, type: v.Type ?? 'PLAINTEXT' })),
          }),
          source: prune({ type: source.Type, location: source.Location, buildSpec: source.BuildSpec }),
        });
        break;
      }
      case 'AWS::ECS::TaskDefinition':
        // A type AWS Config records in the CloudFormation schema's own names (ContainerDefinitions[*].Environment[*].Name / Value).
        resourceId = arn;
        configuration = { ...(r(p) as Json), TaskDefinitionArn: arn, Status: 'ACTIVE' };
        break;
      default:
        continue;
    }
    out.push({
      name: `${id}.config`,
      logicalId: id,
      document: prune({
        version: '1.3',
        accountId: ACCOUNT,
        configurationItemStatus: 'ResourceDiscovered',
        resourceType,
        resourceId,
        resourceName,
        arn,
        awsRegion: REGION,
        configuration,
        supplementaryConfiguration,
        tags: tagMap(r(p.Tags)),
        relationships: [],
      }),
    });
  }
  return out;
}

/**
 * The same resources as AWS Config's proactive evaluation presents them: `StartResourceEvaluation`
 * takes `ResourceDetails.ResourceConfiguration` in the CloudFormation resource schema
 * (`ResourceConfigurationSchemaType: CFN_RESOURCE_SCHEMA`; the AWS Config API reference and the
 * developer guide's "Turning on Proactive Evaluation"), so `configuration` holds the resource's
 * CloudFormation properties, resolved as for the hook. One item per created resource of any type:
 * which types proactive evaluation accepts is AWS Config's list, not modelled here.
 */
export function configProactiveShape(t: CorpusTemplate): ShapedDocument[] {
  const stack = path.basename(t.file).replace(/\.\w+$/, '');
  const resolver = new Resolver(deployable(t.document), stack);
  const out: ShapedDocument[] = [];
  for (const [id, resource] of Object.entries(resolver.resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string' || !resolver.created(resource)) {
      continue;
    }
    const configuration = resolver.resolve(resource.Properties ?? {});
    out.push({
      name: `${id}.proactive`,
      logicalId: id,
      document: {
        resourceType: resource.Type,
        resourceId: text(resolver.resolve({ Ref: id })),
        awsRegion: REGION,
        configuration: isObject(configuration) ? configuration : {},
      },
    });
  }
  return out;
}

/** A key reference as Secrets Manager records it: an alias name or ARN stays, a key id becomes its ARN. */
function kmsKeyArn(value: unknown): unknown {
  const v = text(value);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(v) ? `arn:aws:kms:${REGION}:${ACCOUNT}:key/${v}` : value;
}

/** Drops undefined values (JSON would drop them too; explicit for the byte-stable documents). */
function prune(value: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}
