/**
 * What the monitor tests build their stacks from: the organisation trail's log group, an existing
 * VPC for RotationFunctions, literal reader roles of a chosen ARN length, a secret without rotation.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { OWNER } from './cloudtrail-records';
import { SecretRotationPolicy } from '../../src';

/** AWS Control Tower's trail log group, imported by name. */
export const orgTrail = (stack: Stack): logs.ILogGroup => logs.LogGroup.fromLogGroupName(stack, 'OrgTrail', 'aws-controltower/CloudTrailLogs');

/** The rotation of a test secret that does not rotate. */
export const noRotation = (): SecretRotationPolicy => SecretRotationPolicy.none('Test secret without rotation');

/** A role ARN of exactly `length` characters in account OWNER. */
export function roleArnOfLength(i: number, length: number): string {
  const prefix = `arn:aws:iam::${OWNER}:role/r${i}-`;
  return prefix + 'x'.repeat(length - prefix.length);
}

/** `n` imported reader roles with literal ARNs of 60 characters: 20 are too many for a metric filter. */
export function literalReaders(stack: Stack, n: number): iam.IRole[] {
  return Array.from({ length: n }, (_, i) => iam.Role.fromRoleArn(stack, `R${i}`, roleArnOfLength(i, 60), { mutable: false }));
}
