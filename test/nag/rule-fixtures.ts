/**
 * Fixtures and assertions shared by the rule tests in `test/nag/rules/`.
 *
 * Kept apart from `pack-helpers.ts` because these use Jest's `expect`, and `pack-helpers.ts` is
 * also loaded outside Jest (by `bench/corpus.ts`).
 */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { PackFinding, pairs, ruleFindings } from './pack-helpers';
import { HardenedSecret, HardenedSecretProps, SecretRotationPolicy, SecretsManagerChecksProps } from '../../src';
import { newStack } from '../helpers/stacks';

/** Asserts that a rule has exactly one finding, on `path`, and returns it. */
export type SingleFinding = (scope: IConstruct, path: string, props?: SecretsManagerChecksProps) => PackFinding;

/**
 * `single(scope, path)` for `rule` (its name, without the pack prefix): the findings of the rule,
 * asserting they are exactly one, on `path`. Use as `const single = singleFinding(RULE);`.
 */
export function singleFinding(rule: string): SingleFinding {
  return (scope, path, props) => {
    const found = ruleFindings(scope, rule, props);
    expect(pairs(found)).toEqual([[`HardenedSecrets-${rule}`, path]]);
    return found[0];
  };
}

/** An L1 secret with a generated value, optionally named. */
export function cfnSecret(scope: Construct, id = 'Secret', name?: string): secretsmanager.CfnSecret {
  return new secretsmanager.CfnSecret(scope, id, { name, generateSecretString: {} });
}

/** An L1 secret with a generated value, encrypted with `kmsKeyId` (a key ARN, id or alias). */
export function cfnSecretWithKey(scope: Construct, kmsKeyId: string, id = 'Secret'): secretsmanager.CfnSecret {
  return new secretsmanager.CfnSecret(scope, id, { kmsKeyId, generateSecretString: {} });
}

/** A `HardenedSecret` rotated by the hosted PostgreSQL single-user function; `props` adds to that. */
export function hostedRotationSecret(scope: Construct, id = 'Db', props: Partial<HardenedSecretProps> = {}): HardenedSecret {
  return new HardenedSecret(scope, id, {
    rotation: SecretRotationPolicy.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
    ...props,
  });
}

/** A Node.js 22 function with an empty inline handler; `props` adds to (or replaces) that. */
export function inlineFunction(scope: Construct, id = 'Fn', props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...props,
  });
}

/** A test stack (see `testStack`) holding one SSM String parameter `Param` with `value`. */
export function stackWithParameter(value: string, parameterName = '/prod/app/config'): Stack {
  const stack = newStack();
  new ssm.StringParameter(stack, 'Param', { parameterName, stringValue: value });
  return stack;
}
