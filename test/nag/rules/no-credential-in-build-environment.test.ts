import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInBuildEnvironment';
const ID = `HardenedSecrets-${RULE}`;
const VALUE = 'hunter2-literal-value';

function project(stack: Stack, environmentVariables: Record<string, codebuild.BuildEnvironmentVariable>): codebuild.Project {
  return new codebuild.Project(stack, 'Project', {
    buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } }),
    environmentVariables,
  });
}

function l1Project(stack: Stack, environmentVariables: codebuild.CfnProject.EnvironmentVariableProperty[]): codebuild.CfnProject {
  return new codebuild.CfnProject(stack, 'Project', {
    artifacts: { type: 'NO_ARTIFACTS' },
    source: { type: 'NO_SOURCE', buildSpec: 'version: 0.2' },
    serviceRole: 'arn:aws:iam::111111111111:role/build',
    environment: { type: 'LINUX_CONTAINER', computeType: 'BUILD_GENERAL1_SMALL', image: 'aws/codebuild/standard:7.0', environmentVariables },
  });
}

describe('NoCredentialInBuildEnvironment', () => {
  test('Compliance 1: SECRETS_MANAGER and PARAMETER_STORE variables hold names, not values', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    project(stack, {
      DB_PASSWORD: { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: 'prod/app/db:password' },
      API_TOKEN: { type: codebuild.BuildEnvironmentVariableType.PARAMETER_STORE, value: '/prod/app/api-token' },
      STAGE: { value: 'prod' },
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: PLAINTEXT variables that are not credentials or hold references', () => {
    // GIVEN
    const stack = newStack();
    const token = new CfnParameter(stack, 'Token', { noEcho: true });
    // WHEN
    project(stack, {
      SECRET_ARN: { value: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app/db-AbCdEf' },
      TOKEN_URL: { value: 'https://auth.example.com/token' },
      NPM_TOKEN: { value: token.valueAsString },
      API_KEY: { value: Fn.importValue('ApiKey') },
    });
    // THEN
    // no violation: what the template cannot show is a warning that says so
    const findings = ruleFindings(stack, RULE);
    expect(findings.filter(f => f.severity === 'error')).toEqual([]);
    expect(findings.map(f => f.severity)).toEqual(['warning', 'warning']);
    expect(findings.every(f => /cannot be proven/.test(f.description))).toBe(true);
  });

  test('Compliance 3: L1 SECRETS_MANAGER variable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    l1Project(stack, [{ name: 'DB_PASSWORD', type: 'SECRETS_MANAGER', value: 'prod/app/db:password' }]);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: codebuild.Project PLAINTEXT variable (the default type) with a literal', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    project(stack, { DB_PASSWORD: { value: VALUE } });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Environment.EnvironmentVariables.DB_PASSWORD]`, 'Stack/Project/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain("Build environment variable 'DB_PASSWORD' (Environment.EnvironmentVariables.DB_PASSWORD) looks like a credential");
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 2: explicit PLAINTEXT type, one finding per variable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    project(stack, {
      NPM_TOKEN: { type: codebuild.BuildEnvironmentVariableType.PLAINTEXT, value: VALUE },
      DOCKER_PASSWORD: { type: codebuild.BuildEnvironmentVariableType.PLAINTEXT, value: VALUE },
      DB_PASSWORD: { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: 'prod/app/db:password' },
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[Environment.EnvironmentVariables.DOCKER_PASSWORD]`, 'Stack/Project/Resource'],
      [`${ID}[Environment.EnvironmentVariables.NPM_TOKEN]`, 'Stack/Project/Resource'],
    ]);
  });

  test('Noncompliance 3: L1 CfnProject variable without a Type', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    l1Project(stack, [{ name: 'GITHUB_TOKEN', value: VALUE }]);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Environment.EnvironmentVariables.GITHUB_TOKEN]`, 'Stack/Project']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 4: a CfnParameter with a default, Fn.join and Fn.sub with literal text', () => {
    // GIVEN
    const stack = newStack();
    const password = new CfnParameter(stack, 'Password', { noEcho: true, default: VALUE });
    // WHEN
    project(stack, {
      DB_PASSWORD: { value: password.valueAsString },
      API_KEY: { value: Fn.join('', [VALUE, stack.account]) },
      AUTH_TOKEN: { value: Fn.sub(`${VALUE}\${AWS::Region}`) },
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[Environment.EnvironmentVariables.API_KEY]`, 'Stack/Project/Resource'],
      [`${ID}[Environment.EnvironmentVariables.AUTH_TOKEN]`, 'Stack/Project/Resource'],
      [`${ID}[Environment.EnvironmentVariables.DB_PASSWORD]`, 'Stack/Project/Resource'],
    ]);
  });

  test('Noncompliance 5: a connection URL with a literal password in a PLAINTEXT variable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    project(stack, { DATABASE_URL: { value: `postgresql://ci:${VALUE}@db.example.com/ci` } });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Environment.EnvironmentVariables.DATABASE_URL]`, 'Stack/Project/Resource']]);
    expect(findings[0].description).not.toContain(VALUE);
  });
});
