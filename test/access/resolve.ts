/**
 * Resolves the intrinsics of synthesised templates to the concrete values CloudFormation would
 * give them in one account and region, so that a policy engine can evaluate the policies as AWS
 * sees them after deployment. Unknown intrinsics fail loudly: a guessed value would make every
 * decision that depends on it meaningless.
 */

/** The input: one synthesised stack. */
export interface StackTemplate {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly template: {
    Resources?: Record<string, RawResource>;
    Outputs?: Record<string, RawOutput>;
    Parameters?: Record<string, { Default?: unknown }>;
  };
}

interface RawResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

interface RawOutput {
  readonly Value: unknown;
  readonly Export?: { Name: unknown };
}

/** One resource with its properties resolved. */
export interface ResolvedResource {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly logicalId: string;
  readonly type: string;
  /** What `Ref` returns. */
  readonly ref: string;
  /** What `Fn::GetAtt [id, Arn]` returns. */
  readonly arn: string;
  /** Aliases that name this key (`alias/...`), for keys. */
  readonly aliases: string[];
  readonly properties: Record<string, unknown>;
  readonly deletionPolicy?: string;
}

/** One stack with resolved resources. */
export interface ResolvedStack {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly resources: Record<string, ResolvedResource>;
}

const PARTITION = 'aws';

/** A stable fake id derived from a logical id (KMS key ids, endpoint ids look like this once deployed). */
function fakeId(logicalId: string): string {
  return logicalId.toLowerCase();
}

interface Identity {
  readonly ref: string;
  readonly arn: string;
}

function identityOf(stack: StackTemplate, logicalId: string, resource: RawResource): Identity {
  const { account, region } = stack;
  const props = resource.Properties ?? {};
  const literal = (name: string): string | undefined => (typeof props[name] === 'string' ? props[name] as string : undefined);
  switch (resource.Type) {
    case 'AWS::IAM::Role': {
      const name = literal('RoleName') ?? logicalId;
      const path = literal('Path') ?? '/';
      return { ref: name, arn: `arn:${PARTITION}:iam::${account}:role${path}${name}` };
    }
    case 'AWS::IAM::User': {
      const name = literal('UserName') ?? logicalId;
      return { ref: name, arn: `arn:${PARTITION}:iam::${account}:user/${name}` };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const name = literal('ManagedPolicyName') ?? logicalId;
      const arn = `arn:${PARTITION}:iam::${account}:policy/${name}`;
      return { ref: arn, arn };
    }
    case 'AWS::SecretsManager::Secret': {
      const arn = `arn:${PARTITION}:secretsmanager:${region}:${account}:secret:${literal('Name') ?? logicalId}-AbCdEf`;
      return { ref: arn, arn };
    }
    case 'AWS::KMS::Key':
      return { ref: fakeId(logicalId), arn: `arn:${PARTITION}:kms:${region}:${account}:key/${fakeId(logicalId)}` };
    case 'AWS::SNS::Topic': {
      const arn = `arn:${PARTITION}:sns:${region}:${account}:${literal('TopicName') ?? logicalId}`;
      return { ref: arn, arn };
    }
    case 'AWS::Lambda::Function': {
      const name = literal('FunctionName') ?? logicalId;
      return { ref: name, arn: `arn:${PARTITION}:lambda:${region}:${account}:function:${name}` };
    }
    case 'AWS::EC2::VPCEndpoint':
      return { ref: `vpce-${fakeId(logicalId)}`, arn: `arn:${PARTITION}:ec2:${region}:${account}:vpc-endpoint/vpce-${fakeId(logicalId)}` };
    case 'AWS::Logs::LogGroup': {
      const name = literal('LogGroupName') ?? logicalId;
      return { ref: name, arn: `arn:${PARTITION}:logs:${region}:${account}:log-group:${name}:*` };
    }
    case 'AWS::S3::Bucket': {
      const name = (literal('BucketName') ?? logicalId).toLowerCase();
      return { ref: name, arn: `arn:${PARTITION}:s3:::${name}` };
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = literal('AlarmName') ?? logicalId;
      return { ref: name, arn: `arn:${PARTITION}:cloudwatch:${region}:${account}:alarm:${name}` };
    }
    case 'AWS::CloudTrail::Trail': {
      const name = literal('TrailName') ?? logicalId;
      return { ref: name, arn: `arn:${PARTITION}:cloudtrail:${region}:${account}:trail/${name}` };
    }
    default:
      return { ref: logicalId, arn: `arn:${PARTITION}:cloudformation:${region}:${account}:resource/${logicalId}` };
  }
}

/** Resolves every stack of an app; `Fn::ImportValue` reads the other stacks' exports. */
export function resolveTemplates(stacks: StackTemplate[]): ResolvedStack[] {
  const identities = new Map<string, Map<string, Identity>>();
  for (const stack of stacks) {
    const ids = new Map<string, Identity>();
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      ids.set(logicalId, identityOf(stack, logicalId, resource));
    }
    identities.set(stack.name, ids);
  }

  const exports = new Map<string, unknown>();
  const resolvers = new Map<string, (value: unknown) => unknown>();
  for (const stack of stacks) {
    resolvers.set(stack.name, (value) => resolveValue(value, stack, identities.get(stack.name)!, exports));
  }
  // Exports first (they may refer to other exports only through resources of their own stack).
  for (const stack of stacks) {
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export) {
        const resolve = resolvers.get(stack.name)!;
        exports.set(String(resolve(output.Export.Name)), resolve(output.Value));
      }
    }
  }

  return stacks.map((stack) => {
    const resolve = resolvers.get(stack.name)!;
    const ids = identities.get(stack.name)!;
    const resources: Record<string, ResolvedResource> = {};
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      resources[logicalId] = {
        stack: stack.name,
        account: stack.account,
        region: stack.region,
        logicalId,
        type: resource.Type,
        ref: ids.get(logicalId)!.ref,
        arn: ids.get(logicalId)!.arn,
        aliases: [],
        properties: resolve(resource.Properties ?? {}) as Record<string, unknown>,
        deletionPolicy: resource.DeletionPolicy,
      };
    }
    for (const alias of Object.values(resources).filter((r) => r.type === 'AWS::KMS::Alias')) {
      const target = Object.values(resources).find((r) => r.type === 'AWS::KMS::Key'
        && (r.arn === alias.properties.TargetKeyId || r.ref === alias.properties.TargetKeyId));
      const name = String(alias.properties.AliasName);
      target?.aliases.push(name, `arn:${PARTITION}:kms:${stack.region}:${stack.account}:${name}`);
    }
    return { name: stack.name, account: stack.account, region: stack.region, resources };
  });
}

function resolveValue(value: unknown, stack: StackTemplate, ids: Map<string, Identity>, exports: Map<string, unknown>): unknown {
  const recurse = (v: unknown): unknown => resolveValue(v, stack, ids, exports);
  if (Array.isArray(value)) {
    return value.map(recurse).filter((v) => v !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    switch (fn) {
      case 'Ref':
        return ref(String(arg), stack, ids);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg as string[] : String(arg).split('.');
        return getAtt(id, attr, ids);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (recurse(parts) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Sub':
        return sub(arg, stack, ids, recurse);
      case 'Fn::Select': {
        const [i, list] = arg as [unknown, unknown];
        return (recurse(list) as unknown[])[Number(recurse(i))];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return String(recurse(source)).split(sep);
      }
      case 'Fn::ImportValue': {
        const name = String(recurse(arg));
        if (!exports.has(name)) {
          throw new Error(`${stack.name}: no stack of the app exports ${name}`);
        }
        return exports.get(name);
      }
      case 'Fn::If':
      case 'Fn::GetAZs':
      case 'Fn::FindInMap':
      case 'Fn::Base64':
      case 'Fn::Cidr':
        // Never in the policies this model evaluates; the engine refuses a policy that holds one.
        return `${UNRESOLVED}${fn}>`;
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const resolved = recurse(v);
    if (resolved !== NO_VALUE) {
      out[k] = resolved;
    }
  }
  return out;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The mark of an intrinsic the model does not resolve; a policy that holds one is refused. */
export const UNRESOLVED = '<unresolved ';

function ref(name: string, stack: StackTemplate, ids: Map<string, Identity>): unknown {
  switch (name) {
    case 'AWS::AccountId': return stack.account;
    case 'AWS::Region': return stack.region;
    case 'AWS::Partition': return PARTITION;
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return stack.name;
    case 'AWS::NoValue': return NO_VALUE;
    default: break;
  }
  const id = ids.get(name);
  if (id) {
    return id.ref;
  }
  const param = stack.template.Parameters?.[name];
  if (param && param.Default !== undefined) {
    return param.Default;
  }
  throw new Error(`${stack.name}: cannot resolve Ref ${name}`);
}

function getAtt(logicalId: string, attr: string, ids: Map<string, Identity>): unknown {
  const id = ids.get(logicalId);
  if (!id) {
    throw new Error(`Fn::GetAtt on ${logicalId}, which is not in the stack`);
  }
  switch (attr) {
    case 'Arn':
    case 'TopicArn':
      return id.arn;
    case 'RoleId':
      return `AROA${logicalId.toUpperCase().slice(0, 17)}`;
    case 'KeyId':
      return id.ref;
    default:
      return `${logicalId}.${attr}`;
  }
}

function sub(arg: unknown, stack: StackTemplate, ids: Map<string, Identity>, recurse: (v: unknown) => unknown): string {
  const [text, vars] = Array.isArray(arg) ? arg as [string, Record<string, unknown>] : [arg as string, {}];
  const resolvedVars = recurse(vars) as Record<string, unknown>;
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
    if (name in resolvedVars) {
      return String(resolvedVars[name]);
    }
    if (name.includes('.')) {
      const [id, attr] = name.split('.');
      return String(getAtt(id, attr, ids));
    }
    return String(ref(name, stack, ids));
  });
}
