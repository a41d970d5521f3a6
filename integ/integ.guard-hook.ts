/**
 * Integration snapshot: the default SecretsGuardHook (the exported rules as a file asset, WARN,
 * a KMS-encrypted log bucket with its access logs bucket) and a second hook in FAIL mode that
 * reads a versioned rules object of an organisation bucket and writes to an existing log bucket.
 * `npx projen integ` compares a fresh synth with the committed snapshot (offline);
 * `npx projen integ:update` refreshes it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GuardHookFailureMode, GuardRulesSource, SecretsGuardHook } from '../src';

const app = new App();
const stack = new Stack(app, 'SecretsGuardHookInteg');

new SecretsGuardHook(stack, 'Guard');

// What an organisation rollout gives each member account: the rules of the security account,
// pinned to a version, and a named role its bucket policy can let read them.
const orgKey = kms.Key.fromKeyArn(stack, 'OrgRulesKey', 'arn:aws:kms:eu-west-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab');
const orgRules = s3.Bucket.fromBucketAttributes(stack, 'OrgRules', { bucketName: 'org-guard-rules-999999999999', encryptionKey: orgKey });
new SecretsGuardHook(stack, 'StrictGuard', {
  alias: 'Private::HardenedSecrets::StrictGuard',
  failureMode: GuardHookFailureMode.FAIL,
  rules: GuardRulesSource.fromBucket(orgRules, 'hook/hardened-secrets.guard', 'EXAMPLEVERSIONID'),
  logBucket: s3.Bucket.fromBucketName(stack, 'Reports', 'org-guard-reports'),
  stackFilters: { excludeStackNames: ['sandbox-*'] },
  cloudControl: false,
});

const integ = new IntegTest(app, 'SecretsGuardHookIntegTest', { testCases: [stack] });
// The assertion stack is empty: these snapshots are compared offline, nothing is deployed.
Validations.of(integ.node.findChild('DefaultTest').node.findChild('DeployAssert')).acknowledge({
  id: 'CloudFormation-Validate::F0001',
  reason: 'Empty assertion stack: the integ test only compares snapshots offline',
});
