import { AccessModel, ADMINISTRATOR_ACCESS, PolicyDocument, RequestPrincipal } from '../engine';
import { ENV, OTHER_ACCOUNT } from '../matrix';

/** The bootstrap CloudFormation execution role of the default synthesizer (AdministratorAccess, as `cdk bootstrap` creates it). */
export const DEPLOYMENT_ROLE_ARN = `arn:aws:iam::${ENV.account}:role/cdk-hnb659fds-cfn-exec-role-${ENV.account}-${ENV.region}`;

/** Principals outside the app that every matrix names. */
export const OUTSIDERS: Record<string, (model: AccessModel) => RequestPrincipal> = {
  admin: (m) => m.external(`arn:aws:iam::${ENV.account}:role/Administrator`, [ADMINISTRATOR_ACCESS], 'an administrator (AdministratorAccess)'),
  root: (m) => m.external(`arn:aws:iam::${ENV.account}:root`, [], 'the account root'),
  deployment: (m) => m.external(DEPLOYMENT_ROLE_ARN, [ADMINISTRATOR_ACCESS], 'the deployment role'),
  stranger: (m) => m.external(`arn:aws:iam::${ENV.account}:role/Stranger`, [], 'a role of the account with no grant'),
  // A role of another account that reads with its own IAM policy, and the same role without one.
  partner: (m) => m.external(`arn:aws:iam::${OTHER_ACCOUNT}:role/Consumer`, [readAnySecretOf(ENV.account)], 'a granted role of another account'),
  partnerWithoutPolicy: (m) => m.external(`arn:aws:iam::${OTHER_ACCOUNT}:role/Consumer`, [], 'the same role without an IAM policy of its own'),
  partnerColleague: (m) => m.external(`arn:aws:iam::${OTHER_ACCOUNT}:role/Colleague`, [readAnySecretOf(ENV.account)], 'an ungranted role of the same other account'),
};

/** An IAM policy that would let its holder read any secret of `account` (what a consumer account writes). */
export function readAnySecretOf(account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `arn:aws:secretsmanager:*:${account}:secret:*` },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:*:${account}:key/*` },
    ],
  };
}
