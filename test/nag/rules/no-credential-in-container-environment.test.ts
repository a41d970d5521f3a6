import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInContainerEnvironment';
const ID = `HardenedSecrets-${RULE}`;
const VALUE = 'hunter2-literal-value';
const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:latest');

function task(scope: Construct): ecs.FargateTaskDefinition {
  return new ecs.FargateTaskDefinition(scope, 'Task');
}

function jobDefinition(scope: Construct, environment: Array<{ name: string; value: string }>): batch.CfnJobDefinition {
  return new batch.CfnJobDefinition(scope, 'Job', {
    type: 'container',
    containerProperties: {
      image: 'public.ecr.aws/docker/library/busybox:latest',
      resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '2048' }],
      environment,
    },
  });
}

describe('NoCredentialInContainerEnvironment', () => {
  test('Compliance 1: the credential in the container secrets (ecs.Secret.fromSecretsManager)', () => {
    // GIVEN
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    // WHEN
    task(stack).addContainer('App', {
      image: IMAGE,
      environment: { DB_HOST: 'db.example.com', DB_SECRET_ARN: secret.secretArn },
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') },
    });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 2: dynamic references, imports and parameters without a default', () => {
    // GIVEN
    const stack = newStack();
    const token = new CfnParameter(stack, 'Token', { noEcho: true });
    // WHEN
    task(stack).addContainer('App', {
      image: IMAGE,
      environment: {
        DB_PASSWORD: '{{resolve:secretsmanager:prod/app/db:SecretString:password}}',
        API_KEY: Fn.importValue('ApiKey'),
        AUTH_TOKEN: token.valueAsString,
      },
    });
    // THEN
    // no violation: what the template cannot show is a warning that says so
    const findings = ruleFindings(stack, RULE);
    expect(findings.filter(f => f.severity === 'error')).toEqual([]);
    expect(findings.map(f => f.severity)).toEqual(['warning', 'warning']);
    expect(findings.every(f => /cannot be proven/.test(f.description))).toBe(true);
  });

  test('Compliance 3: Batch job definition without credentials', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    jobDefinition(stack, [{ name: 'TOKEN_URL', value: 'https://auth.example.com/token' }, { name: 'SECRET_NAME', value: 'prod/app/db' }]);
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Noncompliance 1: a literal password in the environment of an ecs.FargateTaskDefinition container', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    task(stack).addContainer('App', { image: IMAGE, environment: { DB_HOST: 'db.example.com', DB_PASSWORD: VALUE } });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[ContainerDefinitions[0].Environment.DB_PASSWORD]`, 'Stack/Task/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain("Container environment variable 'DB_PASSWORD' (ContainerDefinitions[0].Environment.DB_PASSWORD) looks like a credential");
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 2: the container index is part of the property path', () => {
    // GIVEN
    const stack = newStack();
    const def = task(stack);
    // WHEN
    def.addContainer('App', { image: IMAGE, environment: { LOG_LEVEL: 'info' } });
    def.addContainer('Sidecar', { image: IMAGE, environment: { API_TOKEN: VALUE } });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[ContainerDefinitions[1].Environment.API_TOKEN]`, 'Stack/Task/Resource']]);
  });

  test('Noncompliance 3: L1 CfnTaskDefinition, a literal and a URL with a password', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ecs.CfnTaskDefinition(stack, 'Task', {
      containerDefinitions: [{
        name: 'app',
        image: 'nginx',
        environment: [
          { name: 'clientSecret', value: VALUE },
          { name: 'BROKER', value: `amqp://app:${VALUE}@mq.example.com:5672` },
        ],
      }],
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([
      [`${ID}[ContainerDefinitions[0].Environment.BROKER]`, 'Stack/Task'],
      [`${ID}[ContainerDefinitions[0].Environment.clientSecret]`, 'Stack/Task'],
    ]);
    for (const f of findings) {
      expect(f.description).not.toContain(VALUE);
    }
  });

  test('Noncompliance 4: Batch CfnJobDefinition container properties', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    jobDefinition(stack, [{ name: 'API_TOKEN', value: VALUE }]);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[ContainerProperties.Environment.API_TOKEN]`, 'Stack/Job']]);
    expect(findings[0].description).not.toContain(VALUE);
  });

  test('Noncompliance 5: a CfnParameter with a default and Fn.join / Fn.sub with literal text', () => {
    // GIVEN
    const stack = newStack();
    const password = new CfnParameter(stack, 'Password', { default: VALUE });
    // WHEN
    task(stack).addContainer('App', {
      image: IMAGE,
      environment: {
        DB_PASSWORD: password.valueAsString,
        API_KEY: Fn.join('', [VALUE, Fn.importValue('Suffix')]),
        AUTH_TOKEN: Fn.sub(`${VALUE}\${AWS::AccountId}`),
      },
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[ContainerDefinitions[0].Environment.API_KEY]`, 'Stack/Task/Resource'],
      [`${ID}[ContainerDefinitions[0].Environment.AUTH_TOKEN]`, 'Stack/Task/Resource'],
      [`${ID}[ContainerDefinitions[0].Environment.DB_PASSWORD]`, 'Stack/Task/Resource'],
    ]);
  });
});
