import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { RandomValueRotationFunction } from './random-value-rotation-function';
import { allowedClasses, MAX_PASSWORD_LENGTH } from './runtime/password-policy';
import { PasswordPolicyOptions } from './runtime/password-policy-options';
import { RANDOM_VALUE_ENV } from './runtime/random-value-rotator';
import { esbuildAvailable } from '../private/esbuild';
import { isResolved, PropsValidator } from '../private/validation';

/**
 * Options of the built-in rotator, which rotates a secret (or one field of a JSON secret) to a
 * new random value.
 */
export interface RandomValueRotatorOptions {
  /**
   * How the new value is generated.
   *
   * @default - 32 characters of every class, at least one of each
   */
  readonly passwordPolicy?: PasswordPolicyOptions;

  /**
   * When the secret is a JSON object, the field to rotate; the other fields are kept.
   *
   * @default - the whole secret value is replaced
   */
  readonly field?: string;
}

/**
 * Options of your rotator module.
 */
export interface EntryRotatorOptions {
  /**
   * The name of the exported handler: a JavaScript identifier.
   *
   * @default 'handler'
   */
  readonly handler?: string;

  /**
   * Environment variables of the function; names start with a letter, then letters, digits and
   * underscores (Lambda's rule). Never put a credential here: pass secret ARNs and read them at
   * run time.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };
}

/** The runtime the rotation runtime is built for (projen bundles it with `--target=node22`). */
const RUNTIME = lambda.Runtime.NODEJS_22_X;

/** The extensions esbuild bundles as a module. */
const MODULE_EXTENSION = /\.(ts|js|mjs|cjs|mts|cts)$/;

/** A JavaScript identifier, the name of an export. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Lambda's rule for environment variable names. */
const ENVIRONMENT_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/**
 * The code a `RotationFunction` runs: the built-in random-value rotator, or your rotator module.
 *
 * @example
 * new RotationFunction(this, 'TokenRotation', { vpc, code: RotationCode.randomValue({ field: 'token' }) });
 * new RotationFunction(this, 'PartnerRotation', { vpc, code: RotationCode.fromEntry('rotators/partner.ts') });
 */
export abstract class RotationCode {
  /**
   * The built-in rotator (`RandomValueRotator`): a new value from Secrets Manager's
   * `GetRandomPassword`, for consumers that accept `AWSCURRENT` or `AWSPREVIOUS`. Bundled when
   * the library is built: no bundling in your project.
   *
   * @param options how the value is generated, and the JSON field it goes into
   */
  public static randomValue(options: RandomValueRotatorOptions = {}): RotationCode {
    return new RandomValueCode(options);
  }

  /**
   * Your rotator module (`.ts` or `.js`), which exports `handler` made with
   * `createRotationHandler` from `cdk-hardened-secrets/lib/rotation/runtime`.
   *
   * The module is bundled at synth time by the esbuild installed in your project (`npm install
   * --save-dev esbuild`), never in Docker: synth fails with an explanation when esbuild is not
   * installed. The AWS SDK v3 is left out of the bundle because the Node.js 22 runtime provides it.
   *
   * @param entry the path of the module, relative to the working directory or absolute
   * @param options the handler name and the environment of the function
   */
  public static fromEntry(entry: string, options: EntryRotatorOptions = {}): RotationCode {
    return new EntryCode(entry, options);
  }

  /**
   * The problems the factory found in its options, with prop names under `code`; the rotation
   * function reports them with its own path (the factory cannot know it).
   *
   * @internal
   */
  protected readonly _problems = new PropsValidator('code');

  /**
   * Reports the factory's problems into the validator of the rotation function being built.
   *
   * @internal
   */
  public _validate(v: PropsValidator): void {
    v.adopt(this._problems);
  }

  /**
   * Creates the Lambda function of a validated rotation function. Called once, by the rotation
   * function.
   *
   * @param scope the rotation function
   * @param id the id of the Lambda function
   * @param options the placement, limits and logging of the function
   * @internal
   */
  public abstract _bind(scope: Construct, id: string, options: lambda.FunctionOptions): lambda.Function;
}

class RandomValueCode extends RotationCode {
  constructor(private readonly options: RandomValueRotatorOptions) {
    super();
    validateRandomValueOptions(this._problems, options);
  }

  public _bind(scope: Construct, id: string, options: lambda.FunctionOptions): lambda.Function {
    return new RandomValueRotationFunction(scope, id, { ...options, environment: randomValueEnvironment(this.options) });
  }
}

class EntryCode extends RotationCode {
  private readonly entry: string;

  constructor(entry: string, private readonly options: EntryRotatorOptions) {
    super();
    this.entry = validateEntry(this._problems, entry, options);
  }

  public _bind(scope: Construct, id: string, options: lambda.FunctionOptions): lambda.Function {
    return new nodejs.NodejsFunction(scope, id, {
      ...options,
      entry: this.entry,
      handler: this.options.handler ?? 'handler',
      runtime: RUNTIME,
      environment: this.options.environment,
      bundling: {
        // The Node.js 22 runtime provides SDK v3; bundling it would only grow the function.
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
        minify: true,
        target: 'node22',
      },
    });
  }
}

function validateRandomValueOptions(v: PropsValidator, options: RandomValueRotatorOptions): void {
  const prop = (name: string) => `code (RotationCode.randomValue ${name})`;
  const policy = options.passwordPolicy;
  if (policy !== undefined) {
    // GetRandomPassword's default length is 32.
    const length = policy.passwordLength ?? 32;
    const lengthValid = isResolved(length) && Number.isInteger(length) && length >= 1 && length <= MAX_PASSWORD_LENGTH;
    if (isResolved(length)) {
      v.check(lengthValid, prop('passwordPolicy.passwordLength'), length, `a whole number from 1 to ${MAX_PASSWORD_LENGTH}`);
    }
    if (policy.excludeCharacters !== undefined && isResolved(policy.excludeCharacters)) {
      v.check(policy.excludeCharacters.length <= 4096, prop('passwordPolicy.excludeCharacters'), policy.excludeCharacters, 'at most 4096 characters');
    }
    const classes = isResolved(policy.excludeCharacters) ? allowedClasses(policy).length : undefined;
    if (classes === 0) {
      v.fail(prop('passwordPolicy'), policy,
        'at least one character class (lowercase, uppercase, numbers, punctuation) with characters left after the exclusions');
    } else if (classes !== undefined && lengthValid && (policy.requireEachIncludedType ?? true) && length < classes) {
      // What the runtime refuses at the first rotation (validatePasswordPolicy).
      v.fail(prop('passwordPolicy.passwordLength'), length,
        `at least ${classes}: requireEachIncludedType asks for one character of each of the ${classes} classes the policy includes`);
    }
  }
  if (options.field !== undefined && isResolved(options.field)) {
    v.check(options.field.trim().length > 0, prop('field'), options.field, 'the name of a JSON field, not empty');
  }
}

/** Validates the options of `fromEntry`; returns the absolute path of the module. */
function validateEntry(v: PropsValidator, entry: string, options: EntryRotatorOptions): string {
  const prop = (name: string) => `code (RotationCode.fromEntry ${name})`;
  const resolved = typeof entry === 'string' ? path.resolve(entry) : '';
  if (resolved === '' || !fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
    v.fail(prop('entry'), entry, 'the path of an existing .ts or .js module');
  } else if (!MODULE_EXTENSION.test(resolved)) {
    v.fail(prop('entry'), entry, 'a .ts, .mts, .cts, .js, .mjs or .cjs module');
  } else if (!esbuildAvailable(resolved)) {
    v.fail(prop('entry'), entry,
      'a module bundled by a local esbuild, which is not installed: run `npm install --save-dev esbuild` ' +
      '(RotationCode.fromEntry never falls back to Docker bundling)');
  }
  if (options.handler !== undefined && isResolved(options.handler)) {
    v.check(IDENTIFIER.test(options.handler), prop('handler'), options.handler, 'the name of an export of the module, a JavaScript identifier');
  }
  for (const name of Object.keys(options.environment ?? {})) {
    if (isResolved(name)) {
      v.check(ENVIRONMENT_NAME.test(name), prop('environment'), name,
        'variable names of a letter, then at least one letter, digit or underscore (Lambda\'s rule)');
    }
  }
  return resolved;
}

/** The environment variables of the built-in rotator (read by `RandomValueRotator.fromEnvironment`). */
function randomValueEnvironment(options: RandomValueRotatorOptions): { [key: string]: string } {
  const policy = options.passwordPolicy ?? {};
  const values: Array<[string, string | number | boolean | undefined]> = [
    [RANDOM_VALUE_ENV.passwordLength, policy.passwordLength],
    [RANDOM_VALUE_ENV.excludeCharacters, policy.excludeCharacters],
    [RANDOM_VALUE_ENV.excludePunctuation, policy.excludePunctuation],
    [RANDOM_VALUE_ENV.excludeNumbers, policy.excludeNumbers],
    [RANDOM_VALUE_ENV.excludeUppercase, policy.excludeUppercase],
    [RANDOM_VALUE_ENV.excludeLowercase, policy.excludeLowercase],
    [RANDOM_VALUE_ENV.requireEachIncludedType, policy.requireEachIncludedType],
    [RANDOM_VALUE_ENV.field, options.field],
  ];
  const env: { [key: string]: string } = {};
  for (const [name, value] of values) {
    if (value !== undefined && value !== '') {
      env[name] = String(value);
    }
  }
  return env;
}
