/**
 * docs/monitoring.md: a monitor of RESTRICTIVE secrets, one reader role per secret. The read
 * detector lists no reader: it alarms on refused reads and on the secrets' break-glass reads.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HardenedSecret, SecretAccessMode, SecretAccessMonitor, SecretRotationPolicy } from '../../src';

/** What `RestrictiveReaders` is given. */
export interface RestrictiveReadersProps {
  /** The functions, each reading a secret of its own. */
  readonly functions: lambda.IFunction[];
  /** How each secret rotates. */
  readonly rotation: SecretRotationPolicy;
  /** The organisation's break-glass role. */
  readonly breakGlass: iam.IRole;
}

/** A secret per function, RESTRICTIVE, all watched by one monitor. */
export class RestrictiveReaders extends Construct {
  constructor(scope: Construct, id: string, props: RestrictiveReadersProps) {
    super(scope, id);
    const { functions, rotation, breakGlass } = props;
    const monitor = new SecretAccessMonitor(this, 'SecretAccessMonitor', {
      cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(this, 'OrgTrail', 'aws-controltower/CloudTrailLogs'),
    });
    for (const fn of functions) {
      const secret = new HardenedSecret(this, `${fn.node.id}Secret`, {
        rotation, breakGlassRoles: [breakGlass], accessMode: SecretAccessMode.RESTRICTIVE,
      });
      secret.grantRead(fn); // one reader role per secret: nothing grows in the monitor
      monitor.watch(secret); // its break-glass role's reads alarm too
    }
  }
}
