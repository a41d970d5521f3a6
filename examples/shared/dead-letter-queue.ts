import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { serviceKey } from './service-key';

/** A function's dead-letter queue and the key that encrypts it. */
export interface DeadLetterQueue {
  readonly queue: sqs.Queue;
  readonly key: kms.Key;
}

/**
 * A dead-letter queue for the function `functionName`: encrypted with a key of its own (`keyId`),
 * TLS only, messages kept 14 days.
 */
export function deadLetterQueue(scope: Construct, id: string, keyId: string, functionName: string): DeadLetterQueue {
  const key = serviceKey(scope, keyId, `Encrypts the dead-letter queue of the ${functionName} function`);
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // Marks the queue as a dead-letter queue (Control Tower CT.SQS.PR.1); allowAll is also
    // what SQS does without a RedriveAllowPolicy.
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  return { queue, key };
}

/** Lambda sends failed events to the KMS-encrypted queue with the execution role. */
export function allowDeadLetterQueueKey(role: iam.IRole, key: kms.IKey): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(role).region}.amazonaws.com` } },
  }));
}

/** Why a dead-letter queue has no redrive policy (Serverless-SQSRedrivePolicy), for `functionName`. */
export function deadLetterQueueRedriveReason(functionName: string): string {
  return `This queue is the dead-letter queue of ${functionName} (RedriveAllowPolicy marks it as one); a redrive policy on it would ` +
    'only move the same failed events to yet another queue. Messages are kept 14 days for inspection and redrive.';
}
