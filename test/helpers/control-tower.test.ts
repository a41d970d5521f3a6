import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { controlTowerViolationsByStack } from './control-tower';
import { newStack } from './stacks';
import { controlTowerViolations } from '../nag-helpers';

describe('controlTowerViolationsByStack', () => {
  test('one cfn-guard run gives each stack its own violations, as a run on that stack alone does', () => {
    // GIVEN a compliant stack and a stack with a function outside a VPC and an unencrypted queue
    const clean = newStack('Clean');
    new sqs.Queue(clean, 'Queue', { encryption: sqs.QueueEncryption.KMS_MANAGED, enforceSSL: true });
    const faulty = newStack('Faulty');
    new lambda.CfnFunction(faulty, 'Fn', { role: 'arn:aws:iam::111111111111:role/fn', code: { zipFile: 'exports.handler = 1' }, handler: 'index.handler', runtime: 'nodejs22.x' });
    new sqs.CfnQueue(faulty, 'Queue', {});

    // WHEN both are checked in one run
    const found = controlTowerViolationsByStack([clean, faulty]);

    // THEN the faulty stack has violations naming its resources, the same as a run on it alone; the clean one none
    expect(found.get(clean)).toEqual(controlTowerViolations(clean));
    expect(found.get(faulty)!.length).toBeGreaterThan(0);
    expect(new Set(found.get(faulty)!.flatMap((v) => v.resources))).toEqual(new Set(['Fn', 'Queue']));
    expect(sortedViolations(found.get(faulty)!)).toEqual(sortedViolations(controlTowerViolations(faulty)));
  });
});

function sortedViolations(violations: Array<{ rule: string; resources: string[] }>): string[] {
  return violations.flatMap((v) => v.resources.map((r) => `${v.rule} ${r}`)).sort();
}
