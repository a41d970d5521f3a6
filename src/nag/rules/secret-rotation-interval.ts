import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { formatHours, scheduleGap } from '../../analysis/schedule';
import { isObject } from '../../analysis/template-index';
import { flatten, literalText } from '../../analysis/values';
import { RuleContext, SecretsRule, finding, unproven } from '../rule';

/** A rotation schedule's worst-case gap between rotations is within the maximum. */
export const SecretRotationInterval: SecretsRule = {
  name: 'SecretRotationInterval',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SecretsManager::RotationSchedule'],
  requirement: 'The longest gap the schedule allows between two rotations (AutomaticallyAfterDays, rate() or cron(), worst case) is at most the maximum (default 30 days).',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.9, 8.6.3; NIST 800-53 IA-5(1)',
  fix: 'CloudFormation: shorten RotationRules of the AWS::SecretsManager::RotationSchedule (AutomaticallyAfterDays, or a ScheduleExpression rate() or cron() whose longest gap is within the maximum), or raise the maximum (--max-rotation-days). CDK: automaticallyAfter on the rotation policy, or maxRotationInterval on SecretsManagerChecks.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const rules = index.view(node).properties.RotationRules;
    if (!isObject(rules)) {
      return []; // SecretRotationConfigured reports a schedule without rules
    }
    const limit = context.options.maxRotationIntervalHours;
    let hours: number;
    let how: string;
    if (rules.ScheduleExpression !== undefined) {
      const flat = flatten(rules.ScheduleExpression, index);
      if (!flat.fullyLiteral) {
        return [unproven(`the rotation interval cannot be proven: ScheduleExpression is not written in the template (${flat.unknownBecause ?? 'part of it is a reference'}).`)];
      }
      try {
        const gap = scheduleGap(literalText(flat));
        hours = gap.hours;
        how = gap.explanation;
      } catch (e) {
        return [finding(`the rotation interval cannot be proven: ${(e as Error).message}.`)];
      }
    } else if (rules.AutomaticallyAfterDays !== undefined) {
      const flat = flatten(rules.AutomaticallyAfterDays, index);
      const days = flat.fullyLiteral && literalText(flat).trim() !== '' ? Number(literalText(flat)) : NaN;
      if (!Number.isFinite(days)) {
        return [unproven(`the rotation interval cannot be proven: AutomaticallyAfterDays is not a number written in the template (${flat.unknownBecause ?? 'it is a reference'}).`)];
      }
      hours = days * 24;
      how = `AutomaticallyAfterDays ${days} rotates every ${formatHours(hours)}`;
    } else {
      return [finding('RotationRules has neither ScheduleExpression nor AutomaticallyAfterDays, so no rotation is scheduled.')];
    }
    if (hours > limit) {
      return [finding(`${how}, more than the maximum of ${formatHours(limit)}.`)];
    }
    return [];
  },
};
