/**
 * CloudTrail records shaped as the CloudTrail and Secrets Manager documentation shows them:
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html
 */

export const OWNER = '111111111111';
export const OTHER = '222222222222';
export const REGION = 'eu-west-1';
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${OWNER}:secret:prod/orders/db-AbCdEf`;
export const KEY_ARN = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${OWNER}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

export const READER_ROLE = `arn:aws:iam::${OWNER}:role/orders-api`;
export const INTRUDER_ROLE = `arn:aws:iam::${OWNER}:role/ci-runner`;
export const ROTATION_ROLE = `arn:aws:iam::${OWNER}:role/orders-db-rotation`;
export const PARTNER_ROLE = `arn:aws:iam::${OTHER}:role/partner-sync`;
export const STRANGER_ROLE = `arn:aws:iam::${OTHER}:role/unknown`;
export const BREAK_GLASS_ROLE = `arn:aws:iam::${OWNER}:role/break-glass`;
export const READER_USER = `arn:aws:iam::${OWNER}:user/report-bot`;
export const OTHER_USER = `arn:aws:iam::${OWNER}:user/alice`;

export type Record = { [key: string]: unknown };

/** A role session, as `AssumedRole` with the role in `sessionContext.sessionIssuer`. */
export function assumedRole(roleArn: string, session = 'session-1'): Record {
  const [, , , , account, resource] = roleArn.split(':');
  const roleName = resource.split('/').pop()!;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEID:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEKEYID',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: roleArn, accountId: account, userName: roleName },
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

export function iamUser(userArn: string): Record {
  const [, , , , account, resource] = userArn.split(':');
  return { type: 'IAMUser', principalId: 'AIDAEXAMPLEID', arn: userArn, accountId: account, accessKeyId: 'AKIAEXAMPLEKEYID', userName: resource.split('/').pop() };
}

export function root(account = OWNER): Record {
  return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: 'ASIAEXAMPLEKEYID' };
}

export function awsService(service: string): Record {
  return { type: 'AWSService', invokedBy: service };
}

/** An API call record. */
export function apiCall(eventSource: string, eventName: string, userIdentity: Record, extra: Record = {}): Record {
  return {
    eventVersion: '1.09',
    userIdentity,
    eventTime: '2026-01-01T12:00:00Z',
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-sdk-js/3.0.0',
    requestParameters: eventSource === 'kms.amazonaws.com' ? { keyId: KEY_ARN } : { secretId: SECRET_ARN },
    responseElements: null,
    requestID: '11111111-2222-3333-4444-555555555555',
    eventID: '66666666-7777-8888-9999-000000000000',
    readOnly: eventName.startsWith('Get') || eventName.startsWith('BatchGet'),
    resources: eventSource === 'kms.amazonaws.com' ? [{ accountId: OWNER, type: 'AWS::KMS::Key', ARN: KEY_ARN }] : undefined,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: OWNER,
    eventCategory: 'Management',
    ...extra,
  };
}

export function secretsCall(eventName: string, userIdentity: Record, extra: Record = {}): Record {
  return apiCall('secretsmanager.amazonaws.com', eventName, userIdentity, extra);
}

export function kmsCall(eventName: string, userIdentity: Record, extra: Record = {}): Record {
  return apiCall('kms.amazonaws.com', eventName, userIdentity, extra);
}

/** A call refused by IAM or the resource policy. */
export function denied(record: Record): Record {
  return { ...record, errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform: secretsmanager:GetSecretValue', responseElements: null };
}

/**
 * A call refused by the secret's resource policy: a RESTRICTIVE secret's `DenyAllButKnownPrincipals`
 * refusing a principal it does not name. The error message is the one IAM writes for an explicit
 * deny in a resource-based policy; the detectors never look at it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
export function refusedByResourcePolicy(record: Record, secretArn = SECRET_ARN): Record {
  const identity = record.userIdentity as Record;
  return {
    ...record,
    requestParameters: { secretId: secretArn },
    errorCode: 'AccessDenied',
    errorMessage: `User: ${String(identity.arn)} is not authorized to perform: secretsmanager:${String(record.eventName)} on resource: ` +
      `${secretArn} with an explicit deny in a resource-based policy`,
    responseElements: null,
  };
}

/** The `RotationFailed` service event Secrets Manager records. */
export function rotationFailed(account = OWNER): Record {
  return {
    eventVersion: '1.05',
    userIdentity: { accountId: account, invokedBy: 'secretsmanager.amazonaws.com' },
    eventTime: '2026-01-01T12:00:00Z',
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'RotationFailed',
    awsRegion: REGION,
    sourceIPAddress: 'secretsmanager.amazonaws.com',
    userAgent: 'secretsmanager.amazonaws.com',
    requestParameters: null,
    responseElements: null,
    additionalEventData: { SecretId: SECRET_ARN },
    requestID: '11111111-2222-3333-4444-555555555555',
    eventID: '66666666-7777-8888-9999-000000000000',
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

/** The same record as EventBridge delivers it on the default bus. */
export function asEvent(record: Record): Record {
  const source = `aws.${String(record.eventSource).split('.')[0]}`;
  return {
    'version': '0',
    'id': 'abcd1234-ab12-cd34-ef56-abcdef123456',
    'detail-type': record.eventType === 'AwsServiceEvent' ? 'AWS Service Event via CloudTrail' : 'AWS API Call via CloudTrail',
    source,
    'account': record.recipientAccountId,
    'time': record.eventTime,
    'region': record.awsRegion,
    'resources': [],
    'detail': record,
  };
}
