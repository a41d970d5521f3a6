import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { buildRestrictiveGuardrailsApp, PAYMENTS_ORGANIZATION_ID } from '../../examples/access-modes/restrictive-guardrails';
import { AccessModel, ADMINISTRATOR_ACCESS, Decision } from '../access/engine';
import { DEPLOYMENT_ROLE_ARN } from '../access/matrices/principals';
import { TEST_ENV } from '../helpers/stacks';
import { packFindings } from '../nag/pack-helpers';

const EXTERNAL_MONITOR = 'Organisation trail with Secrets Manager alarms in the security account';
const READ = 'secretsmanager:GetSecretValue';
const IN_ORG = { principalOrgId: PAYMENTS_ORGANIZATION_ID };

/**
 * examples/access-modes/restrictive-guardrails.ts, which docs/access-modes.md quotes: a plain
 * aws-cdk-lib secret made restrictive by SecretGuardrails, evaluated by the IAM engine.
 */
describe('examples/access-modes/restrictive-guardrails.ts', () => {
  let built: ReturnType<typeof buildRestrictiveGuardrailsApp>;
  let model: AccessModel;
  beforeAll(() => {
    built = buildRestrictiveGuardrailsApp(new App());
    model = AccessModel.of(built.app);
  });

  test.each<[string, (m: AccessModel) => ReturnType<AccessModel['role']>, string, Decision]>([
    ['the task role granted with grantRead reads', (m) => m.role(built.task), READ, 'Allowed'],
    ['break glass reads', (m) => m.external(built.breakGlass.roleArn, [ADMINISTRATOR_ACCESS], 'break glass'), READ, 'Allowed'],
    ['the deployment role updates', (m) => m.external(DEPLOYMENT_ROLE_ARN, [ADMINISTRATOR_ACCESS], 'deployment'), 'secretsmanager:UpdateSecret', 'Allowed'],
    ['an administrator is denied', (m) => m.external(`arn:aws:iam::${TEST_ENV.account}:role/Administrator`, [ADMINISTRATOR_ACCESS], 'admin'), READ, 'ExplicitlyDenied'],
    ['the account root is denied', (m) => m.external(`arn:aws:iam::${TEST_ENV.account}:root`, [], 'root'), READ, 'ExplicitlyDenied'],
  ])('%s', async (_label, who, action, expected) => {
    const result = await model.secretRequest(who(model), action, built.apiKey, IN_ORG);
    expect(result.decision).toBe(expected);
  });

  test('the task role outside the organisation is denied', async () => {
    expect((await model.secretRequest(model.role(built.task), READ, built.apiKey)).decision).toBe('ExplicitlyDenied');
  });

  test('nobody is locked out: the only errors left are the decision ENFORCE leaves to the team (rotation)', () => {
    const errors = Annotations.fromStack(built.stack).findError('*', Match.stringLikeRegexp('SecretGuardrails'));
    expect(errors.map((e) => String(e.entry.data))).toEqual([expect.not.stringContaining('SecretRestrictivePolicyComplete')]);
    const app = buildRestrictiveGuardrailsApp(new App()).app;
    const findings = packFindings(app, { externalMonitor: EXTERNAL_MONITOR }).filter((f) => f.severity === 'error');
    expect(findings.map((f) => f.rule)).toEqual(['HardenedSecrets-SecretRotationConfigured']);
  });
});
