import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AccessModel, RequestContext } from './engine';
import { buildRestrictiveSecretApp, ORGANIZATION_ID } from '../../examples/access-modes/restrictive-secret';
import { buildExampleApp } from '../../examples/app';
import { buildConsumersApp } from '../../examples/consumers/lambda-and-ecs';
import { buildPrivateSecretsApp } from '../../examples/network/private-secrets';
import { buildApiTokenApp } from '../../examples/rotation/api-token';
import { HardenedSecret } from '../../src';

/**
 * No lock-out in any example: every reader, writer and rotation role a HardenedSecret of an
 * example knows (granted through it, before or after the policy was written) is Allowed by the
 * IAM engine, on the secret and, for reads and writes, on its key through Secrets Manager.
 * Principals that are roles of the app are evaluated with all their identity policies.
 */
/** An example app and the context its principals call in: their organisation, the VPC endpoint they call through. */
interface ExampleUnderTest {
  readonly app: App;
  readonly context?: RequestContext;
}

const APPS: Array<[string, () => ExampleUnderTest]> = [
  ['examples/app.ts', () => ({ app: buildExampleApp(new App()).app })],
  // The account is in the example's organisation: its principals carry aws:PrincipalOrgID.
  ['examples/access-modes/restrictive-secret.ts', () => ({ app: buildRestrictiveSecretApp(new App()).app, context: { principalOrgId: ORGANIZATION_ID } })],
  ['examples/consumers/lambda-and-ecs.ts', () => ({ app: buildConsumersApp(new App()).app })],
  // Reads are allowed only through the endpoint (requireVpcEndpoint): the workloads are in the VPC.
  ['examples/network/private-secrets.ts', () => {
    const built = buildPrivateSecretsApp(new App());
    return { app: built.app, context: { viaEndpoint: built.endpoint.endpoint } };
  }],
  ['examples/rotation/api-token.ts', () => ({ app: buildApiTokenApp(new App()).app })],
];

/** The role of the app behind a grantee, when it is one (a role, or a function's role). */
function roleOf(grantee: iam.IGrantable): iam.Role | undefined {
  const principal = grantee.grantPrincipal as unknown as IConstruct;
  return principal instanceof iam.Role ? principal : undefined;
}

describe.each(APPS)('%s: every principal a HardenedSecret knows is Allowed', (_file, build) => {
  test('readers read, writers write, rotation roles read AWSPENDING and write', async () => {
    const { app, context: base = {} } = build();
    const model = AccessModel.of(app);
    const secrets = app.node.findAll().filter((c): c is HardenedSecret => c instanceof HardenedSecret && Stack.of(c).nested === false);
    const denied: string[] = [];
    let evaluated = 0;
    const expectAllowed = async (role: iam.Role, action: string, secret: HardenedSecret, context: RequestContext = {}) => {
      evaluated++;
      const result = await model.secretRequest(model.role(role), action, secret, { ...base, ...context });
      if (result.decision !== 'Allowed') {
        denied.push(`${role.node.path} ${action} ${secret.node.path}: ${result.decision} by ${result.decidedBy}`);
      }
    };
    for (const secret of secrets) {
      for (const role of secret.grantedReaders.map(roleOf).filter((r): r is iam.Role => r !== undefined)) {
        await expectAllowed(role, 'secretsmanager:GetSecretValue', secret);
      }
      for (const role of secret.grantedWriters.map(roleOf).filter((r): r is iam.Role => r !== undefined)) {
        await expectAllowed(role, 'secretsmanager:PutSecretValue', secret);
      }
      const rotation = secret.rotationFunction?.role;
      if (rotation instanceof iam.Role) {
        await expectAllowed(rotation, 'secretsmanager:GetSecretValue', secret, { versionStage: 'AWSPENDING' });
        await expectAllowed(rotation, 'secretsmanager:PutSecretValue', secret);
      }
    }
    expect(denied).toEqual([]);
    // (a sweep that found nobody would prove nothing)
    expect(evaluated).toBeGreaterThan(0);
  });
});
