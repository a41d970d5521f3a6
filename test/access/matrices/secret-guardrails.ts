import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardrailMode, SecretAccessMode, SecretGuardrails } from '../../../src';
import { PolicyDocument } from '../engine';
import { AccessRow, ENV, rows, RowContext, Scenario, ScenarioApp } from '../matrix';
import { CLAIMS } from './claims';
import { breakGlassRole } from './fixtures';
import { OUTSIDERS } from './principals';

const READ = 'secretsmanager:GetSecretValue';
/** The role a legacy template's own resource policy lets read its secret. */
const LEGACY_READER_ARN = `arn:aws:iam::${ENV.account}:role/legacy-app`;
/** `UpdateSecret` naming a key other than the one the aspect gave the secret. */
const ANOTHER_KEY: RowContext = { extra: { 'secretsmanager:KmsKeyArn': `arn:aws:kms:${ENV.region}:${ENV.account}:key/attacker-controlled` } };
/** A KMS call Secrets Manager of the stack's region makes for the caller. */
const VIA_SECRETS_MANAGER: RowContext = { viaAwsService: true, extra: { 'kms:ViaService': `secretsmanager.${ENV.region}.amazonaws.com` } };

/**
 * Plain secrets under `SecretGuardrails` ENFORCE: an aws-cdk-lib `Secret` read by a role granted
 * with its own `grantRead` before the aspect ran, a bare `CfnSecret`, and a `CfnSecret` whose
 * template already had a resource policy letting a role read it.
 */
function enforcedApp(accessMode?: SecretAccessMode): ScenarioApp {
  const app = new App();
  const stack = new Stack(app, 'Plain', { env: ENV });
  const breakGlass = breakGlassRole(stack);
  const l2 = new secretsmanager.Secret(stack, 'Secret');
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  l2.grantRead(reader);
  const l1 = new secretsmanager.CfnSecret(stack, 'RawSecret', { generateSecretString: {} });
  const legacy = new secretsmanager.CfnSecret(stack, 'LegacySecret', { generateSecretString: {} });
  new secretsmanager.CfnResourcePolicy(stack, 'LegacyPolicy', {
    secretId: legacy.ref,
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadByApp', Effect: 'Allow', Principal: { AWS: LEGACY_READER_ARN }, Action: READ, Resource: '*' }],
    },
  });
  SecretGuardrails.apply(app, { mode: GuardrailMode.ENFORCE, breakGlassRoles: [breakGlass], accessMode });
  return {
    app,
    secrets: { l2, l1, legacy },
    principals: {
      ...OUTSIDERS,
      breakGlass: (m) => m.role(breakGlass),
      reader: (m) => m.role(reader, 'a role granted with aws-cdk-lib grantRead'),
      legacyReader: (m) => m.external(LEGACY_READER_ARN, [], 'the role the legacy resource policy lets read'),
    },
    resources: {
      key: (m) => {
        const keys = m.resourcesOfType('AWS::KMS::Key');
        if (keys.length !== 1) {
          throw new Error(`expected the one key ENFORCE adds, found ${keys.length}`);
        }
        return { arn: keys[0].arn, policy: keys[0].properties.KeyPolicy as PolicyDocument };
      },
    },
  };
}

/** The denies ENFORCE gives every secret, whatever construct made it. */
function protectionRows(on: string): AccessRow[] {
  const claim = CLAIMS.guardrails;
  return [
    ...['admin', 'root', 'deployment'].flatMap((who) => rows(claim, who, on, ['secretsmanager:DeleteSecret', 'secretsmanager:RemoveRegionsFromReplication'], 'ExplicitlyDenied')),
    ...rows(claim, 'breakGlass', on, ['secretsmanager:DeleteSecret', 'secretsmanager:StopReplicationToReplica'], 'Allowed'),
    ...['admin', 'root'].flatMap((who) => rows(claim, who, on, ['secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy'], 'ExplicitlyDenied')),
    ...rows(claim, 'deployment', on, ['secretsmanager:PutResourcePolicy'], 'Allowed'),
    ...rows(claim, 'breakGlass', on, ['secretsmanager:DeleteResourcePolicy'], 'Allowed'),
    ...['admin', 'breakGlass'].flatMap((who) => rows(claim, who, on, [READ], 'ExplicitlyDenied', { secureTransport: false })),
    // The aspect gave the key, so it knows its ARN: re-encrypting under another key is denied too.
    ...rows(CLAIMS.keySwap, 'admin', on, ['secretsmanager:UpdateSecret'], 'ExplicitlyDenied', ANOTHER_KEY),
    ...rows(CLAIMS.keySwap, 'breakGlass', on, ['secretsmanager:UpdateSecret'], 'Allowed', ANOTHER_KEY),
    ...rows(CLAIMS.keySwap, 'admin', on, ['secretsmanager:UpdateSecret'], 'Allowed', { extra: { 'secretsmanager:Description': 'a new description' } }),
  ];
}

/**
 * SecretGuardrails ENFORCE: L1 and L2 secrets get the deletion, policy-change, TLS and key-swap
 * denies of `HardenedSecret`, with the break-glass exception; readers granted before the aspect
 * (by aws-cdk-lib's `grantRead`, or by the template's own resource policy) still read through
 * the key it adds, whose use Secrets Manager permissions decide, within the account.
 */
const enforceScenario: Scenario = {
  name: 'SecretGuardrails ENFORCE on an L2 Secret and two CfnSecrets',
  build: () => enforcedApp(),
  rows: [
    ...['l2', 'l1', 'legacy'].flatMap(protectionRows),
    // Existing readers keep reading, and only their secret.
    { claim: CLAIMS.guardrails, who: 'reader', action: READ, on: 'l2', expect: 'Allowed' },
    { claim: CLAIMS.guardrails, who: 'reader', action: 'secretsmanager:DescribeSecret', on: 'l2', expect: 'Allowed' },
    { claim: CLAIMS.guardrails, who: 'legacyReader', action: READ, on: 'legacy', expect: 'Allowed' },
    { claim: CLAIMS.tls, who: 'reader', action: READ, on: 'l2', context: { secureTransport: false }, expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.tls, who: 'legacyReader', action: READ, on: 'legacy', context: { secureTransport: false }, expect: 'ExplicitlyDenied' },
    { claim: CLAIMS.readScope, who: 'reader', action: READ, on: 'l1', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.readScope, who: 'legacyReader', action: READ, on: 'l2', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.readScope, who: 'stranger', action: READ, on: 'l2', expect: 'ImplicitlyDenied' },
    { claim: CLAIMS.readScope, who: 'partner', action: READ, on: 'l2', expect: 'ImplicitlyDenied' },
    // The key: usable by the account through Secrets Manager only.
    { claim: CLAIMS.guardrails, who: 'stranger', action: 'kms:Decrypt', on: 'key', context: VIA_SECRETS_MANAGER, expect: 'Allowed' },
    { claim: CLAIMS.guardrails, who: 'partner', action: 'kms:Decrypt', on: 'key', context: VIA_SECRETS_MANAGER, expect: 'ImplicitlyDenied' },
    ...rows(CLAIMS.keyUse, 'admin', 'key', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], 'ImplicitlyDenied'),
    ...rows(CLAIMS.keyUse, 'reader', 'key', ['kms:Decrypt'], 'ImplicitlyDenied'),
  ],
};

/**
 * The same app with `accessMode: SecretAccessMode.RESTRICTIVE`, plus a second reader of the L2
 * secret granted after the aspect was registered (still before synthesis), and a role with
 * `GetSecretValue` on every secret.
 */
function restrictiveApp(): ScenarioApp {
  const scenario = enforcedApp(SecretAccessMode.RESTRICTIVE);
  const stack = Stack.of(scenario.secrets.l2);
  const late = new iam.Role(stack, 'LateReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  (scenario.secrets.l2 as secretsmanager.Secret).grantRead(late);
  const reader = stack.node.findChild('Reader') as iam.Role;
  return {
    ...scenario,
    principals: {
      ...scenario.principals,
      reader: (m) => m.role(reader, 'a role granted with aws-cdk-lib grantRead'),
      lateReader: (m) => m.role(late, 'a role granted after the aspect was registered'),
    },
  };
}

const restrictiveClaim = CLAIMS.guardrailsRestrictive;

/**
 * SecretGuardrails ENFORCE with accessMode RESTRICTIVE: the readers the template shows for each
 * secret keep reading; administrators, the root and everyone else are denied, the key included.
 */
const restrictiveScenario: Scenario = {
  name: 'SecretGuardrails ENFORCE, accessMode RESTRICTIVE',
  build: restrictiveApp,
  rows: [
    ...['reader', 'lateReader'].flatMap((who) => rows(restrictiveClaim, who, 'l2', [READ, 'secretsmanager:DescribeSecret'], 'Allowed')),
    { claim: restrictiveClaim, who: 'legacyReader', action: READ, on: 'legacy', expect: 'Allowed' },
    ...rows(restrictiveClaim, 'breakGlass', 'l2', [READ, 'secretsmanager:DeleteSecret'], 'Allowed'),
    ...rows(restrictiveClaim, 'breakGlass', 'l1', [READ], 'Allowed'),
    ...rows(restrictiveClaim, 'deployment', 'l1', ['secretsmanager:PutResourcePolicy', 'secretsmanager:UpdateSecret'], 'Allowed'),
    ...['l2', 'l1', 'legacy'].flatMap((on) => ['admin', 'root', 'stranger'].flatMap((who) => rows(restrictiveClaim, who, on, [READ, 'secretsmanager:PutSecretValue'], 'ExplicitlyDenied'))),
    // A reader of one secret is denied the others by their resource policies, not only by its IAM policies.
    { claim: restrictiveClaim, who: 'reader', action: READ, on: 'l1', expect: 'ExplicitlyDenied' },
    { claim: restrictiveClaim, who: 'legacyReader', action: READ, on: 'l2', expect: 'ExplicitlyDenied' },
    // The key the aspect adds refuses everyone else even through Secrets Manager.
    ...['admin', 'root', 'stranger'].flatMap((who) => rows(restrictiveClaim, who, 'key', ['kms:Decrypt'], 'ExplicitlyDenied', VIA_SECRETS_MANAGER)),
    ...['reader', 'lateReader', 'breakGlass'].flatMap((who) => rows(restrictiveClaim, who, 'key', ['kms:Decrypt'], 'Allowed', VIA_SECRETS_MANAGER)),
    // Still the protections of ENFORCE.
    ...rows(CLAIMS.guardrails, 'deployment', 'l2', ['secretsmanager:DeleteSecret'], 'ExplicitlyDenied'),
    ...rows(CLAIMS.tls, 'reader', 'l2', [READ], 'ExplicitlyDenied', { secureTransport: false }),
  ],
};

/** Every scenario of `SecretGuardrails`. */
export const GUARDRAIL_SCENARIOS: Scenario[] = [enforceScenario, restrictiveScenario];
