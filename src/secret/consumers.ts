import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GrantToFunctionOptions, SecretsExtensionOptions } from './consumer-options';
import { acknowledgeOnPolicy } from './replication';
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
  if (extension !== undefined) {
    validateExtension(v, extension);
    if (fn.node.tryFindChild('ParamsAndSecretsLayer') !== undefined) {
      v.fail('grantToFunction extension', 'set', `no extension option: ${fn.node.path} already has the extension (its paramsAndSecrets prop); set the cache there`);
    }
  }
  v.throwIfInvalid();

  const grant = secret.grantRead(fn);
  fn.addEnvironment(variable, secret.secretArn);
  if (extension !== undefined) {
    // What lambda.Function does with its paramsAndSecrets prop, which exists only at construction.
    const layer = lambda.ParamsAndSecretsLayerVersion.fromVersion(extension.version ?? lambda.ParamsAndSecretsVersions.V1_0_103, {
      cacheEnabled: true,
      cacheSize: extension.cacheSize,
      secretsManagerTtl: extension.cacheTtl,
    });
    const bound = layer._bind(fn, fn);
    fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'ParamsAndSecretsLayer', bound.arn));
    for (const [key, value] of Object.entries(bound.environmentVars)) {
      fn.addEnvironment(key, String(value));
    }
  }
  return grant;
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

/** What `HardenedSecret.grantBatchRead` does; see there. */
export function grantBatchRead(grantee: iam.IGrantable, secrets: secretsmanager.ISecret[]): iam.Grant {
  if (secrets.length === 0) {
    const v = new PropsValidator(grantee.grantPrincipal instanceof iam.Role ? grantee.grantPrincipal : 'grantBatchRead');
    v.fail('grantBatchRead secrets', '[]', 'one or more secrets');
    v.throwIfInvalid();
  }
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
  let grant = iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:BatchGetSecretValue'], resourceArns: ['*'] });
  acknowledgeOnPolicy(grantee.grantPrincipal, { statementAdded: grant.success, policyDependable: grant }, 'AwsSolutions-IAM5[Resource::*]', BATCH_READ_REASON);
  for (const secret of new Set(secrets)) {
    grant = grant.combine(secret.grantRead(grantee));
  }
  return grant;
}
