import { App, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Analysed, analyse, envStack, idOf } from './report-fixtures';
import { findingEntries, findingsBySecret, relatedSecrets } from '../../src/report/findings';
import { FindingEntry } from '../../src/report/model';
import { identityReaders, roleUsage } from '../../src/report/readers';
import { RecordingChecks } from '../../src/report/recording-checks';
import { exportsOf } from '../../src/report/references';
import { inlineFunction } from '../nag/rule-fixtures';

function relatedOf(analysed: Analysed) {
  const { stacks, indexes, templates, run, secrets } = analysed;
  return relatedSecrets(secrets, identityReaders(indexes, secrets, exportsOf(stacks, templates, run), roleUsage(indexes)));
}

/** The report's findings of `app`: the pack's, recorded, with the secrets each concerns. */
function findingsOf(app: App): FindingEntry[] {
  const analysed = analyse(app);
  const recorded = new RecordingChecks({ warnings: [] }).record(undefined, app);
  return findingEntries(recorded, analysed.run, relatedOf(analysed));
}


describe('relatedSecrets', () => {
  test("a secret's key, resource policy, rotation schedule and rotation permission, and the policies granting read on it, belong to it", () => {
    // GIVEN a secret with its own key, resource policy, Lambda rotation and a reader
    const app = new App();
    const stack = envStack(app);
    const key = new kms.Key(stack, 'Key');
    const secret = new secretsmanager.Secret(stack, 'Db', { encryptionKey: key });
    secret.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY, actions: ['secretsmanager:DeleteSecret'], resources: ['*'], principals: [new iam.AnyPrincipal()],
    }));
    const fn = inlineFunction(stack, 'Rotator');
    const schedule = secret.addRotationSchedule('Rotation', { rotationLambda: fn, automaticallyAfter: Duration.days(30) });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    secret.grantRead(role);
    // WHEN
    const analysed = analyse(app);
    const related = relatedOf(analysed);
    // THEN each of those resources is related to the secret, and nothing else is
    const permission = analysed.indexes[0].ofType('AWS::Lambda::Permission').map(p => `Stack/${p.logicalId}`);
    const ofSecret = [...related.entries()].filter(([, secrets]) => secrets.includes(idOf(secret))).map(([resource]) => resource);
    expect(ofSecret.sort()).toEqual([
      idOf(secret),
      idOf(secret.node.findChild('Policy')),
      idOf(schedule),
      ...permission,
      idOf(key),
      idOf(role.node.findChild('DefaultPolicy')),
      // the rotation function reads the secret too
      idOf(fn.role!.node.findChild('DefaultPolicy')),
    ].sort());
    expect(related.get(idOf(fn))).toBeUndefined();
    expect(related.get(idOf(role))).toBeUndefined();
  });

  test('a policy that reads every secret by wildcard belongs to none of them; a key shared by two secrets belongs to both', () => {
    const app = new App();
    const stack = envStack(app);
    const key = new kms.Key(stack, 'Shared');
    const a = new secretsmanager.Secret(stack, 'A', { encryptionKey: key });
    const b = new secretsmanager.Secret(stack, 'B', { encryptionKey: key });
    const everything = new iam.Role(stack, 'Everything', { assumedBy: new iam.AccountRootPrincipal() });
    everything.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'] }));
    const analysed = analyse(app);
    const related = relatedOf(analysed);
    expect(related.get(idOf(key))).toEqual([idOf(a), idOf(b)]);
    const policy = analysed.indexes[0].ofType('AWS::IAM::Policy')[0];
    expect(related.get(`Stack/${policy.logicalId}`)).toBeUndefined();
  });
});

describe('findingEntries', () => {
  test('a finding names its resource as Stack/LogicalId and the secrets that resource belongs to', () => {
    // GIVEN a key without rotation, shared by two secrets
    const app = new App();
    const stack = envStack(app);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: false });
    const a = new secretsmanager.Secret(stack, 'A', { encryptionKey: key });
    const b = new secretsmanager.Secret(stack, 'B', { encryptionKey: key });
    // WHEN
    const rotation = findingsOf(app).filter(f => f.ruleName === 'SecretKeyRotation');
    // THEN the key's finding concerns both secrets
    expect(rotation).toEqual([expect.objectContaining({
      rule: 'HardenedSecrets-SecretKeyRotation',
      level: 'error',
      resource: idOf(key),
      resourceType: 'AWS::KMS::Key',
      constructPath: 'Stack/Key/Resource',
      acknowledged: false,
      reason: null,
      secrets: [idOf(a), idOf(b)],
    })]);
  });

  test('an acknowledged finding is listed with its reason; a finding on a resource of no secret concerns none', () => {
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db');
    Validations.of(secret).acknowledge({ id: 'HardenedSecrets-SecretRotationConfigured', reason: 'the vendor offers no rotation API' });
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    admin.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:*'], resources: ['*'] }));
    const findings = findingsOf(app);
    expect(findings.find(f => f.ruleName === 'SecretRotationConfigured')).toMatchObject({
      resource: idOf(secret), acknowledged: true, reason: 'the vendor offers no rotation API', secrets: [idOf(secret)],
    });
    expect(findings.find(f => f.ruleName === 'IamNoBroadSecretAccess')).toMatchObject({ acknowledged: false, secrets: [] });
  });
});

describe('findingsBySecret', () => {
  test("each secret gets the findings of the resources that belong to it, in the pack's order", () => {
    const f = (rule: string, secrets: string[]) => ({ rule, secrets } as unknown as FindingEntry);
    const onKey = f('key', ['S/A', 'S/B']);
    const onA = f('a', ['S/A']);
    const onNothing = f('none', []);
    const bySecret = findingsBySecret([onKey, onA, onNothing]);
    expect(bySecret.get('S/A')).toEqual([onKey, onA]);
    expect(bySecret.get('S/B')).toEqual([onKey]);
    expect([...bySecret.keys()]).toEqual(['S/A', 'S/B']);
  });
});
