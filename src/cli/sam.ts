import { createHash } from 'crypto';
import { clone, isObject, Json, onlyKey, parameterDefaults, setKey } from './template-data';

/** What the SAM expansion adds to a template, besides the expanded resources. */
export interface SamExpansion {
  /** Why the template could not be expanded in full, one sentence each. */
  readonly partial: string[];
  /** Each resource SAM generates, with the logical id of the resource it was generated from. */
  readonly generatedFrom: Map<string, string>;
}

/**
 * Expands the `AWS::Serverless-2016-10-31` transform in place, as far as the audit needs it:
 * `Globals`, each `AWS::Serverless::Function` into an `AWS::Lambda::Function` with the execution
 * role SAM creates for it (`<Function>Role`: the basic execution managed policy, the function's
 * `Policies` as managed policy ARNs, inline documents and the Secrets Manager, KMS and SSM policy
 * templates), the implicit `ServerlessRestApi` / `ServerlessHttpApi` with their deployment and
 * stage when a function has `Api` / `HttpApi` events, `AWS::Serverless::Api`, `HttpApi`,
 * `SimpleTable` and `LayerVersion`. Other serverless types are read as declared.
 *
 * @see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html
 * @see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
 */
export function expandServerless(template: Json): SamExpansion {
  const partial: string[] = [];
  const generatedFrom = new Map<string, string>();
  const resources = template.Resources as Json;
  const globals = isObject(template.Globals) ? template.Globals : {};
  delete template.Globals;
  const defaults = parameterDefaults(template);
  const restApi: ApiRoutes = { routes: [], from: undefined };
  const httpApi: ApiRoutes = { routes: [], from: undefined };
  const references = new Map<string, string>();
  const add = (id: string, body: Json, from: string) => {
    setKey(resources, id, body);
    generatedFrom.set(id, from);
  };
  for (const [id, body] of Object.entries(resources)) {
    if (!isObject(body) || typeof body.Type !== 'string' || !body.Type.startsWith('AWS::Serverless::')) {
      continue;
    }
    const type = body.Type;
    const globalProps = isObject(globals[type.slice('AWS::Serverless::'.length)]) ? globals[type.slice('AWS::Serverless::'.length)] as Json : {};
    const props = mergeGlobals(globalProps, isObject(body.Properties) ? body.Properties : {});
    const attributes = resourceAttributes(body);
    switch (type) {
      case 'AWS::Serverless::Function':
        expandFunction(id, props, attributes, { add, partial, restApi, httpApi, references });
        break;
      case 'AWS::Serverless::Api': {
        setKey(resources, id, { ...attributes, Type: 'AWS::ApiGateway::RestApi', Properties: restApiProperties(props) });
        const stage = stageName(props.StageName, defaults) ?? 'Stage';
        const deployment = `${id}Deployment${hash(props.DefinitionBody ?? props.DefinitionUri ?? id).slice(0, 10)}`;
        add(deployment, { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: id }, Description: `RestApi deployment id: ${hash(id)}` } }, id);
        add(`${id}${stage.replace(/[^A-Za-z0-9]/g, '')}Stage`, {
          Type: 'AWS::ApiGateway::Stage',
          Properties: pick({
            DeploymentId: { Ref: deployment },
            RestApiId: { Ref: id },
            StageName: props.StageName ?? stage,
            Variables: props.Variables,
            TracingEnabled: props.TracingEnabled,
            MethodSettings: props.MethodSettings,
            AccessLogSetting: props.AccessLogSetting,
          }),
        }, id);
        break;
      }
      case 'AWS::Serverless::HttpApi':
        setKey(resources, id, { ...attributes, Type: 'AWS::ApiGatewayV2::Api', Properties: pick({ Body: props.DefinitionBody ?? openApi([]), Tags: props.Tags }) });
        add(`${id}ApiGatewayDefaultStage`, { Type: 'AWS::ApiGatewayV2::Stage', Properties: pick({ ApiId: { Ref: id }, StageName: props.StageName ?? '$default', AutoDeploy: true, AccessLogSettings: props.AccessLogSettings, StageVariables: props.StageVariables }) }, id);
        break;
      case 'AWS::Serverless::SimpleTable':
        setKey(resources, id, { ...attributes, Type: 'AWS::DynamoDB::Table', Properties: simpleTable(props) });
        break;
      case 'AWS::Serverless::LayerVersion':
        setKey(resources, id, {
          ...attributes,
          Type: 'AWS::Lambda::LayerVersion',
          Properties: pick({
            Content: s3Location(props.ContentUri),
            LayerName: props.LayerName,
            Description: props.Description,
            CompatibleRuntimes: props.CompatibleRuntimes,
            CompatibleArchitectures: props.CompatibleArchitectures,
            LicenseInfo: props.LicenseInfo,
          }),
        });
        break;
      default:
        partial.push(`${id} (${type}) was read as declared: the resources SAM generates from it were not`);
    }
  }
  if (restApi.routes.length > 0) {
    const body = swagger(restApi.routes);
    const deployment = `ServerlessRestApiDeployment${hash(body).slice(0, 10)}`;
    add('ServerlessRestApi', { Type: 'AWS::ApiGateway::RestApi', Properties: { Body: body } }, restApi.from!);
    add(deployment, { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ServerlessRestApi' }, Description: `RestApi deployment id: ${hash(body)}`, StageName: 'Stage' } }, restApi.from!);
    add('ServerlessRestApiProdStage', { Type: 'AWS::ApiGateway::Stage', Properties: { DeploymentId: { Ref: deployment }, RestApiId: { Ref: 'ServerlessRestApi' }, StageName: 'Prod' } }, restApi.from!);
  }
  if (httpApi.routes.length > 0) {
    add('ServerlessHttpApi', { Type: 'AWS::ApiGatewayV2::Api', Properties: { Body: openApi(httpApi.routes) } }, httpApi.from!);
    add('ServerlessHttpApiApiGatewayDefaultStage', { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'ServerlessHttpApi' }, StageName: '$default', AutoDeploy: true } }, httpApi.from!);
  }
  if (references.size > 0) {
    for (const section of ['Resources', 'Outputs', 'Conditions']) {
      if (isObject(template[section])) {
        template[section] = renameSamReferences(template[section], references);
      }
    }
  }
  return { partial, generatedFrom };
}

/** `{ Ref: 'Fn.Alias' }`, `{ Ref: 'Fn.Version' }` (and in `Fn::Sub`, `Fn::GetAtt`) to the resources SAM generates. */
function renameSamReferences(value: unknown, references: Map<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map(v => renameSamReferences(v, references));
  }
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9]+\.(?:Alias|Version))\}/g, (m, ref: string) => (references.has(ref) ? `\${${references.get(ref)}}` : m));
  }
  if (!isObject(value)) {
    return value;
  }
  if (onlyKey(value) === 'Ref' && typeof value.Ref === 'string' && references.has(value.Ref)) {
    return { Ref: references.get(value.Ref) };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    setKey(out, k, renameSamReferences(v, references));
  }
  return out;
}

interface Route {
  readonly path: string;
  readonly method: string;
  readonly functionId: string;
}
interface ApiRoutes {
  readonly routes: Route[];
  /** The first function with a route: where the generated API is located in the file. */
  from: string | undefined;
}
interface FunctionContext {
  readonly add: (id: string, body: Json, from: string) => void;
  /** SAM's `<Function>.Alias` / `<Function>.Version` references, to the logical ids they name. */
  readonly references: Map<string, string>;
  readonly partial: string[];
  readonly restApi: ApiRoutes;
  readonly httpApi: ApiRoutes;
}

/** The properties an `AWS::Lambda::Function` takes under the same name. */
const LAMBDA_PROPERTIES = [
  'Architectures', 'CodeSigningConfigArn', 'Description', 'Environment', 'EphemeralStorage', 'FileSystemConfigs',
  'FunctionName', 'Handler', 'ImageConfig', 'KmsKeyArn', 'Layers', 'LoggingConfig', 'MemorySize', 'PackageType',
  'RecursiveLoop', 'ReservedConcurrentExecutions', 'Role', 'Runtime', 'RuntimeManagementConfig', 'SnapStart',
  'Timeout', 'VpcConfig',
];

function expandFunction(id: string, props: Json, attributes: Json, context: FunctionContext): void {
  const lambda: Json = {};
  for (const name of LAMBDA_PROPERTIES) {
    if (props[name] !== undefined) {
      setKey(lambda, name, props[name]);
    }
  }
  lambda.Code = props.InlineCode !== undefined ? { ZipFile: props.InlineCode }
    : props.ImageUri !== undefined ? { ImageUri: props.ImageUri } : s3Location(props.CodeUri);
  if (props.Tracing !== undefined) {
    lambda.TracingConfig = { Mode: props.Tracing };
  }
  if (isObject(props.DeadLetterQueue)) {
    lambda.DeadLetterConfig = { TargetArn: props.DeadLetterQueue.TargetArn };
  }
  lambda.Tags = [{ Key: 'lambda:createdBy', Value: 'SAM' }, ...tagList(props.Tags)];
  if (props.Role === undefined) {
    const roleId = `${id}Role`;
    lambda.Role = { 'Fn::GetAtt': [roleId, 'Arn'] };
    context.add(roleId, { ...(attributes.Condition !== undefined ? { Condition: attributes.Condition } : {}), Type: 'AWS::IAM::Role', Properties: executionRole(id, props, context.partial) }, id);
  }
  context.add(id, { ...attributes, Type: 'AWS::Lambda::Function', Properties: lambda }, id);
  if (typeof props.AutoPublishAlias === 'string') {
    // `<Function>.Version` and `<Function>.Alias` in a Ref name these two (see renameSamReferences).
    const version = `${id}Version${hash(lambda).slice(0, 10)}`;
    context.add(version, { Type: 'AWS::Lambda::Version', DeletionPolicy: 'Retain', Properties: { FunctionName: { Ref: id } } }, id);
    context.add(`${id}Alias${props.AutoPublishAlias.replace(/[^A-Za-z0-9]/g, '')}`, {
      Type: 'AWS::Lambda::Alias',
      Properties: { Name: props.AutoPublishAlias, FunctionName: { Ref: id }, FunctionVersion: { 'Fn::GetAtt': [version, 'Version'] } },
    }, id);
    context.references.set(`${id}.Version`, version);
    context.references.set(`${id}.Alias`, `${id}Alias${props.AutoPublishAlias.replace(/[^A-Za-z0-9]/g, '')}`);
  }
  const events = isObject(props.Events) ? props.Events : {};
  for (const [eventId, event] of Object.entries(events)) {
    if (!isObject(event) || (event.Type !== 'Api' && event.Type !== 'HttpApi')) {
      continue;
    }
    const eventProps = isObject(event.Properties) ? event.Properties : {};
    const explicit = event.Type === 'Api' ? eventProps.RestApiId : eventProps.ApiId;
    if (explicit === undefined) {
      const api = event.Type === 'Api' ? context.restApi : context.httpApi;
      api.routes.push({
        path: typeof eventProps.Path === 'string' ? eventProps.Path : event.Type === 'Api' ? '/' : '$default',
        method: typeof eventProps.Method === 'string' ? eventProps.Method.toLowerCase() : 'any',
        functionId: id,
      });
      api.from = api.from ?? id;
    }
    const apiRef = explicit ?? { Ref: event.Type === 'Api' ? 'ServerlessRestApi' : 'ServerlessHttpApi' };
    context.add(`${id}${eventId}Permission${event.Type === 'Api' ? 'Prod' : ''}`, {
      ...(attributes.Condition !== undefined ? { Condition: attributes.Condition } : {}),
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: id },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: { 'Fn::Sub': ['arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/*', { __ApiId__: apiRef }] },
      },
    }, id);
  }
}

/** The role SAM creates for a function without `Role`. */
function executionRole(id: string, props: Json, partial: string[]): Json {
  const basic = props.VpcConfig !== undefined ? 'service-role/AWSLambdaVPCAccessExecutionRole' : 'service-role/AWSLambdaBasicExecutionRole';
  const managed: unknown[] = [managedPolicyArn(basic)];
  const inline: Json[] = [];
  const policies = props.Policies === undefined ? [] : Array.isArray(props.Policies) ? props.Policies : [props.Policies];
  for (const policy of policies) {
    if (typeof policy === 'string') {
      managed.push(policy.startsWith('arn:') ? policy : managedPolicyArn(policy));
    } else if (isObject(policy) && policy.Statement !== undefined) {
      inline.push({ PolicyName: `${id}RolePolicy${inline.length}`, PolicyDocument: policy });
    } else if (isObject(policy) && onlyKey(policy) !== undefined && (onlyKey(policy) === 'Ref' || onlyKey(policy)!.startsWith('Fn::'))) {
      managed.push(policy); // an intrinsic function: a managed policy ARN
    } else if (isObject(policy) && onlyKey(policy) !== undefined) {
      const name = onlyKey(policy)!;
      const document = policyTemplate(name, isObject(policy[name]) ? policy[name] as Json : {});
      if (document) {
        inline.push({ PolicyName: `${id}RolePolicy${inline.length}`, PolicyDocument: document });
      } else {
        partial.push(`the SAM policy template ${name} of ${id} was not expanded`);
      }
    }
  }
  return pick({
    AssumeRolePolicyDocument: props.AssumeRolePolicyDocument ?? {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { Service: ['lambda.amazonaws.com'] } }],
    },
    ManagedPolicyArns: managed,
    Policies: inline.length > 0 ? inline : undefined,
    PermissionsBoundary: props.PermissionsBoundary,
    Path: props.RolePath,
    Tags: [{ Key: 'lambda:createdBy', Value: 'SAM' }, ...tagList(props.Tags)],
  });
}

function managedPolicyArn(name: string): Json {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/${name}` };
}

/** The SAM policy templates the secret rules read; the others are reported as not expanded. */
function policyTemplate(name: string, p: Json): Json | undefined {
  const statement = (s: Json) => ({ Statement: [s] });
  switch (name) {
    case 'AWSSecretsManagerGetSecretValuePolicy':
      return statement({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { 'Fn::Sub': ['${secretArn}', { secretArn: p.SecretArn }] } });
    case 'AWSSecretsManagerRotationPolicy':
      return {
        Statement: [{
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
          Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*' },
          Condition: {
            StringEquals: {
              'secretsmanager:resource/AllowRotationLambdaArn': {
                'Fn::Sub': ['arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}', { functionName: p.FunctionName }],
              },
            },
          },
        }, { Effect: 'Allow', Action: ['secretsmanager:GetRandomPassword'], Resource: '*' }],
      };
    case 'KMSDecryptPolicy':
    case 'KMSEncryptPolicy':
      return statement({
        Effect: 'Allow',
        Action: [name === 'KMSDecryptPolicy' ? 'kms:Decrypt' : 'kms:Encrypt'],
        Resource: { 'Fn::Sub': ['arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}', { keyId: p.KeyId }] },
      });
    case 'SSMParameterReadPolicy':
      return {
        Statement: [
          { Effect: 'Allow', Action: ['ssm:DescribeParameters'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'],
            Resource: { 'Fn::Sub': ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${parameterName}', { parameterName: p.ParameterName }] },
          },
        ],
      };
    default:
      return undefined;
  }
}

/** Globals under a resource's own properties: the resource wins, maps merge, lists add up. */
function mergeGlobals(globals: Json, own: Json): Json {
  const out = clone(globals);
  for (const [key, value] of Object.entries(own)) {
    const g = out[key];
    if (isObject(g) && isObject(value) && onlyKey(value)?.startsWith('Fn::') !== true && onlyKey(value) !== 'Ref') {
      setKey(out, key, mergeGlobals(g, value));
    } else if (Array.isArray(g) && Array.isArray(value)) {
      setKey(out, key, [...g, ...value]);
    } else {
      setKey(out, key, clone(value));
    }
  }
  return out;
}

function resourceAttributes(body: Json): Json {
  const out: Json = {};
  for (const key of ['Condition', 'DependsOn', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy']) {
    if (body[key] !== undefined) {
      setKey(out, key, body[key]);
    }
  }
  return out;
}

/** A SAM `CodeUri` / `ContentUri` as an S3 location (a local path names a package not built yet). */
function s3Location(uri: unknown): Json {
  if (isObject(uri) && onlyKey(uri) === undefined) {
    return pick({ S3Bucket: uri.Bucket, S3Key: uri.Key, S3ObjectVersion: uri.Version });
  }
  const match = typeof uri === 'string' ? /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) : null;
  return match ? { S3Bucket: match[1], S3Key: match[2] } : { S3Bucket: 'sam-local-package', S3Key: typeof uri === 'string' ? uri : 'code' };
}

function tagList(tags: unknown): Json[] {
  return isObject(tags) && onlyKey(tags)?.startsWith('Fn::') !== true ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : [];
}

function restApiProperties(props: Json): Json {
  return pick({
    Name: props.Name,
    Description: props.Description,
    Body: props.DefinitionBody ?? (props.DefinitionUri === undefined ? swagger([]) : undefined),
    BodyS3Location: typeof props.DefinitionUri === 'string' ? undefined : props.DefinitionUri,
    EndpointConfiguration: typeof props.EndpointConfiguration === 'string' ? { Types: [props.EndpointConfiguration] } : props.EndpointConfiguration,
    Policy: props.Policy,
    BinaryMediaTypes: props.BinaryMediaTypes,
    MinimumCompressionSize: props.MinimumCompressionSize,
  });
}

function simpleTable(props: Json): Json {
  const key = isObject(props.PrimaryKey) ? props.PrimaryKey : { Name: 'id', Type: 'String' };
  const type = key.Type === 'Number' ? 'N' : key.Type === 'Binary' ? 'B' : 'S';
  return pick({
    TableName: props.TableName,
    AttributeDefinitions: [{ AttributeName: key.Name, AttributeType: type }],
    KeySchema: [{ AttributeName: key.Name, KeyType: 'HASH' }],
    BillingMode: props.ProvisionedThroughput === undefined ? 'PAY_PER_REQUEST' : undefined,
    ProvisionedThroughput: props.ProvisionedThroughput,
    SSESpecification: props.SSESpecification,
    Tags: tagList(props.Tags).length > 0 ? tagList(props.Tags) : undefined,
  });
}

function stageName(value: unknown, defaults: Map<string, unknown>): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  const ref = isObject(value) && onlyKey(value) === 'Ref' ? defaults.get(String(value.Ref)) : undefined;
  return typeof ref === 'string' ? ref : undefined;
}

function integrationUri(functionId: string): Json {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${functionId}.Arn}/invocations` };
}

function swagger(routes: Route[]): Json {
  const paths: Json = {};
  for (const r of routes) {
    const entry = (isObject(paths[r.path]) ? paths[r.path] : {}) as Json;
    setKey(entry, r.method === 'any' ? 'x-amazon-apigateway-any-method' : r.method, {
      'x-amazon-apigateway-integration': { httpMethod: 'POST', type: 'aws_proxy', uri: integrationUri(r.functionId) },
      'responses': {},
    });
    setKey(paths, r.path, entry);
  }
  return { swagger: '2.0', info: { version: '1.0', title: { Ref: 'AWS::StackName' } }, paths };
}

function openApi(routes: Route[]): Json {
  const paths: Json = {};
  for (const r of routes) {
    const entry = (isObject(paths[r.path]) ? paths[r.path] : {}) as Json;
    setKey(entry, r.method === 'any' ? 'x-amazon-apigateway-any-method' : r.method, {
      'x-amazon-apigateway-integration': { httpMethod: 'POST', type: 'aws_proxy', uri: integrationUri(r.functionId), payloadFormatVersion: '2.0' },
      'responses': {},
    });
    setKey(paths, r.path, entry);
  }
  return { 'openapi': '3.0.1', 'info': { version: '1.0', title: { Ref: 'AWS::StackName' } }, paths, 'x-amazon-apigateway-importexport-version': '1.0' };
}

/** The object without its undefined values. */
function pick(values: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) {
      setKey(out, k, v);
    }
  }
  return out;
}

function hash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value) ?? '').digest('hex');
}
