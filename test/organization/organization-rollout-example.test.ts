import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildRolloutApp } from '../../examples/guard/organization-rollout';
import { GuardHookFailureMode } from '../../src';
import { nagFindings } from '../nag-helpers';

/** The member template the example's stack set deploys. */
function memberTemplate(app: App, memberStack: unknown): Template {
  const assembly = app.synth({ force: true, validateOnSynthesis: false });
  const file = path.join(assembly.directory, (memberStack as { templateFile: string }).templateFile);
  return Template.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
}

describe('examples/guard/organization-rollout.ts (docs: organisation rollout)', () => {
  test('GIVEN the first deployment (no rules published) THEN the stack set deploys the Config rules and the monitor, and synthesis says how to publish', () => {
    const { app, stack } = buildRolloutApp();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'hardened-secrets-guard',
      CallAs: 'DELEGATED_ADMIN',
      StackInstancesGroup: [{
        DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-w0rkl0ad', 'ou-a1b2-s4ndb0x1'] },
        Regions: ['eu-west-1', 'eu-central-1', 'us-east-1'],
      }],
    });
    Annotations.fromStack(stack).hasWarning('/SecretsGuardRollout/SecretsGuard', Match.stringLikeRegexp('rulesVersionId'));
    const member = memberTemplate(app, stack.rollout.memberStack);
    member.resourceCountIs('AWS::CloudFormation::GuardHook', 0);
    member.hasResourceProperties('AWS::Logs::MetricFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs' });
    expect(Object.keys(member.findResources('AWS::Config::ConfigRule')).length).toBeGreaterThan(0);
  });

  test.each([GuardHookFailureMode.WARN, GuardHookFailureMode.FAIL])('GIVEN published rules in %s THEN every account\'s hook pins them', (failureMode) => {
    const { app, stack } = buildRolloutApp(new App(), { rulesVersionId: 'Lf7cQ0m1o.J2Xz_3kq8Hw9vD4yT5uR6s', failureMode });
    memberTemplate(app, stack.rollout.memberStack).hasResourceProperties('AWS::CloudFormation::GuardHook', {
      FailureMode: failureMode,
      RuleLocation: { VersionId: 'Lf7cQ0m1o.J2Xz_3kq8Hw9vD4yT5uR6s' },
    });
    expect(nagFindings(stack)).toEqual([]);
  });
});
