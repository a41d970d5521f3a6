import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GrantToFunctionOptions, SecretsExtensionOptions } from './consumer-options';
import { acknowledge } from '../private/acknowledgements';
import { isResolved, PropsValidator } from '../private/validation';

// https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html (keys: [a-zA-Z]([a-zA-Z0-9_])+);
// AWS_* and a few more are reserved by the runtime:
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
const ENV_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;
const RESERVED_ENV = /^(AWS_|LAMBDA_|_HANDLER$|_X_AMZN_TRACE_ID$|TZ$)/;
/** `SECRETS_MANAGER_TTL` range of the extension. */
const MAX_TTL_SECONDS = 300;
const MAX_CACHE_SIZE = 1000;

/** `DbCredentials` -> `DB_CREDENTIALS_SECRET_ARN`. */
export function defaultEnvironmentVariable(id: string): string {
  const snake = id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  const name = `${snake}_SECRET_ARN`;
  return /^[A-Z]/.test(name) ? name : `SECRET_${name}`;
}

/** What `HardenedSecret.grantToFunction` does; see there. */
export function grantToFunction(secret: secretsmanager.ISecret, fn: lambda.Function, options: GrantToFunctionOptions): iam.Grant {
  const v = new PropsValidator(secret);
  const variable = options.environmentVariable ?? defaultEnvironmentVariable(secret.node.id);
  v.check(
    ENV_NAME.test(variable) && !RESERVED_ENV.test(variable),
    'grantToFunction environmentVariable',
    variable,
    'a letter then letters, digits or _, not reserved by Lambda (AWS_*, LAMBDA_*, _HANDLER, _X_AMZN_TRACE_ID, TZ)',
  );
  const secretRegion = Stack.of(secret).region;
  const fnRegion = Stack.of(fn).region;
  if (Token.compareStrings(secretRegion, fnRegion) === TokenComparison.DIFFERENT) {
    v.fail('grantToFunction fn', `${fn.node.path} (in ${fnRegion})`, `a function in the secret's region ${secretRegion}; for a replica, pass replicaSecretArn(region) to the function yourself`);
  }
  const extension = options.extension;
  let bound: ExtensionBinding | undefined;
  let settings: string | undefined;
  if (extension !== undefined) {
    validateExtension(v, extension);
    v.throwIfInvalid();
    const version = extension.version ?? lambda.ParamsAndSecretsVersions.V1_0_103;
    // What lambda.Function does with its paramsAndSecrets prop, which exists only at construction.
    // (`_bind` is internal to aws-cdk-lib: consumers.test.ts pins what it returns.)
    bound = lambda.ParamsAndSecretsLayerVersion.fromVersion(version, {
      cacheEnabled: true,
      cacheSize: extension.cacheSize,
      secretsManagerTtl: extension.cacheTtl,
    })._bind(fn, fn);
    settings = describeExtension(fn, version, bound);
    const earlier = ExtensionSettings.of(fn);
    if (earlier !== undefined && earlier !== settings) {
      v.fail('grantToFunction extension', settings,
        `the settings of the extension an earlier grantToFunction added to ${fn.node.path} (${earlier}): ` +
        'one extension serves every secret of the function, so every call passes the same settings (or none)');
    } else if (earlier === undefined && fn.node.tryFindChild('ParamsAndSecretsLayer') !== undefined) {
      v.fail('grantToFunction extension', settings,
        `no extension option: ${fn.node.path} was created with its own extension (its paramsAndSecrets prop), which serves ` +
        'this secret too and whose settings a grant cannot see or change; grant without the option and set the cache there');
    }
  }
  v.throwIfInvalid();

  const grant = secret.grantRead(fn);
  fn.addEnvironment(variable, secret.secretArn);
  if (bound !== undefined && ExtensionSettings.of(fn) === undefined) {
    new ExtensionSettings(fn, settings!);
    fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'ParamsAndSecretsLayer', bound.arn));
    for (const [key, value] of Object.entries(bound.environmentVars)) {
      fn.addEnvironment(key, String(value));
    }
  }
  return grant;
}

/** What `ParamsAndSecretsLayerVersion._bind` returns (its type is not exported). */
type ExtensionBinding = ReturnType<lambda.ParamsAndSecretsLayerVersion['_bind']>;

/** The id of the `ExtensionSettings` below a function that `grantToFunction` gave the extension. */
const EXTENSION_SETTINGS_ID = 'HardenedSecretsExtensionSettings';

/**
 * The settings of the extension `grantToFunction` added to a function, as `describeExtension`
 * tells them: a construct below the function, so the tree is the record (no module state).
 */
class ExtensionSettings extends Construct {
  /** The settings recorded below `fn`, if `grantToFunction` added the extension. */
  public static of(fn: lambda.Function): string | undefined {
    const found = fn.node.tryFindChild(EXTENSION_SETTINGS_ID);
    return found instanceof ExtensionSettings ? found.settings : undefined;
  }

  constructor(fn: lambda.Function, public readonly settings: string) {
    super(fn, EXTENSION_SETTINGS_ID);
  }
}

/** The settings that make two extensions differ, defaults applied: `version 1.0.103, cacheTtl 300 s, cacheSize 1000`. */
function describeExtension(fn: lambda.Function, version: string, bound: ExtensionBinding): string {
  const env = Stack.of(fn).resolve(bound.environmentVars) as { [key: string]: unknown };
  return `version ${version}, cacheTtl ${env.SECRETS_MANAGER_TTL} s, cacheSize ${env.PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE}`;
}

function validateExtension(v: PropsValidator, extension: SecretsExtensionOptions): void {
  const ttl = extension.cacheTtl;
  if (ttl !== undefined && !ttl.isUnresolved()) {
    const seconds = ttl.toSeconds({ integral: false });
    v.check(
      Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_TTL_SECONDS,
      'grantToFunction extension.cacheTtl',
      ttl,
      `whole seconds from 0 (no cache) to ${MAX_TTL_SECONDS} (the extension's maximum)`,
    );
  }
  const size = extension.cacheSize;
  if (size !== undefined && isResolved(size)) {
    v.check(Number.isInteger(size) && size >= 0 && size <= MAX_CACHE_SIZE, 'grantToFunction extension.cacheSize', size, `a whole number from 0 to ${MAX_CACHE_SIZE}`);
  }
  if (extension.version !== undefined) {
    const versions = Object.values(lambda.ParamsAndSecretsVersions) as string[];
    v.check(versions.includes(extension.version), 'grantToFunction extension.version', extension.version, versions.join(', '));
  }
}

/** The reason of the `AwsSolutions-IAM5[Resource::*]` acknowledgement `grantBatchRead` places. */
export const BATCH_READ_REASON =
  'BatchGetSecretValue supports no resource-level permission (the Service Authorization Reference lists no resource type ' +
  'for it), so Resource must be "*"; Secrets Manager also checks GetSecretValue on each secret of the batch, which is ' +
  "granted on each secret's ARN only.";

/** The construct id, under the grantee, of the policy that holds `BatchGetSecretValue`. */
export const BATCH_READ_POLICY_ID = 'BatchGetSecretValuePolicy';

/** What `HardenedSecret.grantBatchRead` does; see there. */
export function grantBatchRead(grantee: iam.IGrantable, secrets: secretsmanager.ISecret[]): iam.Grant {
  if (secrets.length === 0) {
    const v = new PropsValidator(grantee.grantPrincipal instanceof iam.Role ? grantee.grantPrincipal : 'grantBatchRead');
    v.fail('grantBatchRead secrets', '[]', 'one or more secrets');
    v.throwIfInvalid();
  }
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
  const batch = { actions: ['secretsmanager:BatchGetSecretValue'], resourceArns: ['*'] };
  const policy = batchReadPolicy(grantee.grantPrincipal);
  let grant = policy !== undefined
    ? iam.Grant.addToPrincipal({ grantee: policy, ...batch })
    // (aws-cdk-lib decides: an imported mutable role gets it in its default policy, an immutable
    // role or a role of another account gets nothing; the finding is not acknowledged)
    : iam.Grant.addToPrincipal({ grantee, ...batch });
  for (const secret of new Set(secrets)) {
    grant = grant.combine(secret.grantRead(grantee));
  }
  return grant;
}

/**
 * The customer-managed policy, attached to `principal`, that holds `BatchGetSecretValue` on "*"
 * and nothing else, so that its `AwsSolutions-IAM5[Resource::*]` acknowledgement (cdk-nag
 * matches findings by id, per resource) cannot hide a later `"*"` statement of the principal's
 * other policies. One per principal: `<principal>/BatchGetSecretValuePolicy`, reused by later
 * calls. Only for a role, user or group created in this app: an imported role may be immutable
 * or in another account, which a policy attached here would override.
 */
function batchReadPolicy(principal: iam.IPrincipal): iam.ManagedPolicy | undefined {
  if (!(principal instanceof iam.Role || principal instanceof iam.User || principal instanceof iam.Group)) {
    return undefined;
  }
  const existing = principal.node.tryFindChild(BATCH_READ_POLICY_ID);
  if (existing instanceof iam.ManagedPolicy) {
    return existing;
  }
  // Attached from the policy side, like the role's own policies: no cycle if the role is named.
  const policy = new iam.ManagedPolicy(principal, BATCH_READ_POLICY_ID, {
    roles: principal instanceof iam.Role ? [principal] : undefined,
    users: principal instanceof iam.User ? [principal] : undefined,
    groups: principal instanceof iam.Group ? [principal] : undefined,
    description: 'BatchGetSecretValue, which has no resource-level permission; each secret of a batch is granted by ARN',
  });
  acknowledge(policy.node.defaultChild!, 'AwsSolutions-IAM5[Resource::*]', BATCH_READ_REASON);
  return policy;
}
