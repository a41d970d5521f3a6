/**
 * Every cfn-lint warning (W) and informational finding (I) on the templates of
 * test/cfn-lint/cfn-lint.test.ts that is not fixed, with the reason. Errors (E) are never
 * accepted: they are fixed. The test fails on a finding no entry matches, and on an entry that no
 * longer matches any finding.
 */

/** One accepted cfn-lint finding, or a family of them. */
export interface AcceptedWarning {
  /** The cfn-lint rule, `W…` or `I…`. */
  readonly rule: string;
  /** The templates: matched against `<source> <stack>`, e.g. `examples/rotation/api-token.ts ApiTokenRotationExample` or `integ/integ.monitor.ts SecretAccessMonitorInteg`. */
  readonly template: RegExp;
  /** The resource: matched against `<type> <logical id>`, e.g. `AWS::Lambda::Function TokenRotationFunction5E13E70D`. */
  readonly resource: RegExp;
  /** The finding's message, where the rule and the resource do not say enough. */
  readonly message?: RegExp;
  /** Why it stays; the cfn-lint or aws-cdk issue when there is one. */
  readonly reason: string;
}

/** Every template. */
const ANY = /./;

export const ACCEPTED_WARNINGS: readonly AcceptedWarning[] = [
  {
    rule: 'W3005',
    template: ANY,
    resource: /^AWS::Lambda::Function /,
    message: /dependency already enforced by a 'GetAtt' at 'Resources\/\w+\/Properties\/Role'$/,
    reason: "aws-cdk-lib's lambda.Function makes the function depend on its execution role construct (the role and its " +
      'default policy, which the Role GetAtt alone would not order). The role half is redundant and harmless. Every ' +
      'function of the library (RotationFunction) and of the examples is an aws-cdk-lib lambda.Function. ' +
      'aws/aws-cdk#24578 (open).',
  },
  {
    rule: 'W3005',
    template: /^(integ\/integ\.monitor\.ts |access: SecretAccessMonitor )/,
    resource: /^AWS::CloudTrail::Trail MonitorTrail[0-9A-F]{8}$/,
    message: /^'MonitorTrailLogsRole[0-9A-F]{8}' dependency already enforced by a 'GetAtt' at 'Resources\/MonitorTrail[0-9A-F]{8}\/Properties\/CloudWatchLogsRoleArn'$/,
    reason: "aws-cdk-lib's cloudtrail.Trail makes the trail depend on its CloudWatch Logs role construct (the role and its " +
      'default policy, which CloudTrail checks on creation). The role half is redundant and harmless.',
  },
  {
    rule: 'W3005',
    template: /^(integ\/integ\.monitor\.ts |access: SecretAccessMonitor )/,
    resource: /^AWS::CloudTrail::Trail MonitorTrail[0-9A-F]{8}$/,
    message: /^'MonitorKey[0-9A-F]{8}' dependency already enforced by a 'GetAtt' at 'Resources\/MonitorTrail[0-9A-F]{8}\/Properties\/KMSKeyId'$/,
    reason: "SecretAccessMonitor's own trail (src/monitoring/monitor-trail.ts) depends on its key explicitly so that the " +
      'key policy exists when CloudTrail validates the key; the KMSKeyId GetAtt orders that already (the key policy is ' +
      'part of the AWS::KMS::Key resource). Redundant, harmless; removing the addDependency changes no logical id.',
  },
  {
    rule: 'W3691',
    template: /^examples\/consumers\/lambda-and-ecs\.ts SecretConsumers$/,
    resource: /^AWS::RDS::DBInstance Database[0-9A-F]{8}$/,
    message: /^Engine version '16' for engine 'postgres' is deprecated/,
    reason: "A false positive: EngineVersion '16' (rds.PostgresEngineVersion.VER_16) names the major version only, and RDS " +
      'then creates the instance with a recent minor release of it ("If a major version is specified but a minor version ' +
      'is not, Amazon RDS defaults to a recent release of the major version"). cfn-lint\'s deprecated-version data lists the ' +
      "bare majors '15', '16' and '17'. Same cause as aws-cloudformation/cfn-lint#3849 (E3691, fixed by #3850); no issue " +
      'for W3691 yet.',
  },
  {
    rule: 'I1022',
    template: /^integ\//,
    resource: ANY,
    reason: 'aws-cdk-lib renders strings with tokens as Fn::Join with an empty delimiter. cfn-lint skips this rule on ' +
      'templates it recognises as CDK (aws:cdk:path metadata, which cdk synth writes and the apps of this test are ' +
      'synthesised with), but the committed integ snapshots carry no path metadata, so it reports every such join there.',
  },
];
