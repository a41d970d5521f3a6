import { RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { validateAccessMode } from './access-mode';
import { DataClassification, HardenedSecretProps } from './hardened-secret-props';
import { validateReplicaRegions } from './replication';
import { validateNoReplicas, validateRequiredEndpoints } from '../network/require-vpc-endpoint';
import { DEFAULTS } from '../private/defaults';
import { deploymentRoleArns } from '../private/deployment';
import { futurePath, isResolved, PropsValidator } from '../private/validation';
import { RotationKind, SecretRotationPolicy } from '../rotation/rotation-policy';

// Tag values: letters, digits, spaces and _.:/=+-@, up to 256 characters.
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Tag.html
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html#SecretsManager-CreateSecret-request-Name
const SECRET_NAME_CHARS = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * Validates the props of a `HardenedSecret` about to be created as `id` under `scope`, with the
 * problems its rotation policy found in its own options; throws them all at once.
 */
export function validateHardenedSecretProps(scope: Construct, id: string, props: HardenedSecretProps): void {
  const v = new PropsValidator(futurePath(scope, id));

  if (props.rotation instanceof SecretRotationPolicy) {
    props.rotation._validate(v);
  } else {
    v.fail('rotation', props.rotation, 'SecretRotationPolicy.hosted(...), .lambda(...), .custom(...) or .none(justification)');
  }

  validateName(v, props);
  validateValue(v, scope, props);

  for (const [prop, value] of [['owner', props.owner], ['environment', props.environment]] as const) {
    if (value !== undefined && isResolved(value)) {
      v.check(TAG_VALUE.test(value), prop, value, '1 to 256 letters, digits, spaces or _.:/=+-@');
    }
  }
  if (props.dataClassification !== undefined) {
    const allowed = Object.values(DataClassification) as string[];
    v.check(allowed.includes(props.dataClassification), 'dataClassification', props.dataClassification, allowed.join(', '));
  }
  if (props.removalPolicy !== undefined) {
    // SNAPSHOT is for data stores; CloudFormation rejects it on secrets and keys.
    const allowed = [RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY];
    v.check(allowed.includes(props.removalPolicy), 'removalPolicy', props.removalPolicy, allowed.join(', '));
  }
  validateReplicaRegions(v, Stack.of(scope), props.replicaRegions);
  if (props.breakGlassRoles !== undefined) {
    v.check(props.breakGlassRoles.length > 0, 'breakGlassRoles', '[]', 'one or more roles, or omit the prop');
  }
  if (props.deploymentRoles !== undefined) {
    v.check(props.deploymentRoles.length > 0, 'deploymentRoles', '[]', 'one or more roles, or omit the prop');
  }
  validateRequiredEndpoints(v, props.requireVpcEndpoint);
  validateAccessMode(v, props.accessMode);
  if (props.accessMode?.isRestrictive && props.rotation instanceof SecretRotationPolicy && props.rotation.kind === RotationKind.HOSTED &&
    props.accessMode._options.rotationRole === undefined) {
    v.fail('accessMode', 'RESTRICTIVE with hosted rotation',
      'hosted rotation with its role as accessMode rotationRole: the AWS::SecretsManager transform creates that role at ' +
      'deployment under a generated name, which a restrictive policy cannot list before it exists (deploy once with STANDARD, then ' +
      "set rotationRole: iam.Role.fromRoleArn(this, 'HostedRotationRole', arn)), or SecretRotationPolicy.custom / .lambda, whose role is known");
  }
  validateNoReplicas(v, props.requireVpcEndpoint, (props.replicaRegions ?? []).map((r) => r?.region), 'replicaRegions');
  if (props.deploymentRoles === undefined && deploymentRoleArns(Stack.of(scope)).length === 0) {
    v.fail(
      'deploymentRoles',
      undefined,
      'the roles CloudFormation deploys as, required when the stack synthesizer is not DefaultStackSynthesizer (otherwise nobody could ever change the resource policy)',
    );
  }
  v.throwIfInvalid();
}

function validateName(v: PropsValidator, props: HardenedSecretProps): void {
  let pattern: RegExp | undefined;
  const source = props.namePattern ?? DEFAULTS.secretNamePattern;
  try {
    pattern = new RegExp(source);
  } catch {
    v.fail('namePattern', source, 'a valid JavaScript regular expression');
  }
  const name = props.secretName;
  if (name === undefined || !isResolved(name)) {
    return;
  }
  v.check(SECRET_NAME_CHARS.test(name), 'secretName', name, '1 to 512 of A-Z a-z 0-9 / _ + = . @ -');
  // A name ending in '-' and six characters is mistaken for the random suffix of a secret ARN.
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen
  v.check(!/-[A-Za-z0-9]{6}$/.test(name), 'secretName', name, "a name not ending in '-' followed by six characters");
  if (pattern) {
    v.check(pattern.test(name), 'secretName', name, `a name matching ${pattern.source} (<environment>/<application>/<name>)`);
  }
  if (props.environment !== undefined && isResolved(props.environment)) {
    const first = name.split('/')[0];
    v.check(first === props.environment, 'secretName', name, `a name whose first segment is the environment '${props.environment}'`);
  }
}

function validateValue(v: PropsValidator, scope: Construct, props: HardenedSecretProps): void {
  const given = [
    props.generateSecretString && 'generateSecretString',
    props.secretStringValue && 'secretStringValue',
    props.secretObjectValue && 'secretObjectValue',
  ].filter((x): x is string => !!x);
  if (given.length > 1) {
    v.conflict(given, 'give at most one way to set the initial value');
  }
  validateGenerator(v, props.generateSecretString);
  const stack = Stack.of(scope);
  const literalFields: string[] = [];
  const values: Array<[string, SecretValue]> = [
    ...(props.secretStringValue ? [['secretStringValue', props.secretStringValue] as [string, SecretValue]] : []),
    ...Object.entries(props.secretObjectValue ?? {}).map(([f, val]) => [`secretObjectValue.${f}`, val] as [string, SecretValue]),
  ];
  for (const [field, value] of values) {
    const resolved: unknown = stack.resolve(value);
    if (typeof resolved !== 'string') {
      continue; // a Ref or Fn::GetAtt: resolved by CloudFormation
    }
    if (resolved.includes('{{resolve:ssm-secure:')) {
      // CloudFormation resolves ssm-secure references only in a short list of resource
      // properties, and AWS::SecretsManager::Secret is not one of them: the deploy would fail.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html
      v.fail(field, 'an ssm-secure reference', 'a reference CloudFormation resolves in a secret: a NoEcho CfnParameter (SecretValue.cfnParameter), SecretValue.secretsManager, or a generated value');
    } else if (!resolved.startsWith('{{resolve:')) {
      literalFields.push(field);
    }
  }
  if (props.plaintextJustification !== undefined) {
    v.check(
      props.plaintextJustification.trim().length >= DEFAULTS.minJustificationLength,
      'plaintextJustification',
      props.plaintextJustification,
      `a justification of at least ${DEFAULTS.minJustificationLength} characters`,
    );
  } else {
    for (const field of literalFields) {
      // Never echo the value itself.
      v.fail(
        field,
        '<a literal value, not shown>',
        'a reference (SecretValue.ssmSecure, .cfnParameter, .secretsManager, .resourceAttribute) or a generated value; set plaintextJustification to a justification to accept a literal',
      );
    }
  }
}

// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
const MAX_PASSWORD_LENGTH = 4096;

function validateGenerator(v: PropsValidator, generator?: secretsmanager.SecretStringGenerator): void {
  if (!generator) {
    return;
  }
  const { secretStringTemplate: template, generateStringKey: key, passwordLength } = generator;
  if ((template === undefined) !== (key === undefined)) {
    v.conflict(
      ['generateSecretString.secretStringTemplate', 'generateSecretString.generateStringKey'],
      'give both (the key is added to the JSON template) or neither',
    );
  }
  if (template !== undefined && isResolved(template)) {
    let isObject = false;
    try {
      const parsed: unknown = JSON.parse(template);
      isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      isObject = false;
    }
    v.check(isObject, 'generateSecretString.secretStringTemplate', template, 'a JSON object, e.g. \'{"username":"app"}\'');
  }
  if (passwordLength !== undefined && isResolved(passwordLength)) {
    v.check(
      Number.isInteger(passwordLength) && passwordLength >= 1 && passwordLength <= MAX_PASSWORD_LENGTH,
      'generateSecretString.passwordLength',
      passwordLength,
      `a whole number from 1 to ${MAX_PASSWORD_LENGTH}`,
    );
  }
}
