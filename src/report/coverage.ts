/**
 * What watches and carries secret access, for the whole app (CloudTrail trails, monitors of
 * Secrets Manager calls, Secrets Manager VPC endpoints) and for one secret (who monitors it,
 * which trails log its reads, and which endpoint each reading function in a VPC would use).
 */

import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AppCoverage, ReaderEntry, SecretCoverage, TrailEntry } from './model';
import { display, resourceId } from './references';
import { Indexes } from '../analysis/analysis-run';
import { TemplateIndex, asArray, isObject, refOrGetAttId } from '../analysis/template-index';
import { flatten, isTrue } from '../analysis/values';

/** The trails, monitors and endpoints of the app, and the monitor declared outside it. */
export function appCoverage(root: IConstruct, stacks: TemplateIndex[], indexes: Indexes, externalMonitor: string | null): AppCoverage {
  const trails: TrailEntry[] = [];
  const endpoints: AppCoverage['endpoints'] = [];
  for (const index of stacks) {
    for (const trail of index.ofType('AWS::CloudTrail::Trail')) {
      const p = trail.properties;
      trails.push({
        resource: resourceId(index, trail),
        isLogging: isTrue(p.IsLogging, index),
        multiRegion: isTrue(p.IsMultiRegionTrail, index),
        managementEvents: logsManagementEvents(p),
        logFileValidation: isTrue(p.EnableLogFileValidation, index),
        encrypted: p.KMSKeyId !== undefined,
        cloudWatchLogs: p.CloudWatchLogsLogGroupArn !== undefined,
      });
    }
    for (const endpoint of index.ofType('AWS::EC2::VPCEndpoint')) {
      if (!/secretsmanager/.test(flatten(endpoint.properties.ServiceName, index).text)) {
        continue;
      }
      endpoints.push({
        resource: resourceId(index, endpoint),
        vpc: vpcName(endpoint.properties.VpcId, index),
        privateDns: isTrue(endpoint.properties.PrivateDnsEnabled, index),
        policy: endpoint.properties.PolicyDocument !== undefined,
      });
    }
  }
  const monitors: AppCoverage['monitors'] = [];
  for (const path of indexes.appIndex(root).monitors) {
    const node = root.node.findAll().find(c => c.node.path === path);
    if (node && CfnResource.isCfnResource(node)) {
      const index = indexes.index(node);
      monitors.push({ resource: resourceId(index, index.view(node)), type: node.cfnResourceType, constructPath: path });
    }
  }
  return { trails, monitors, endpoints, externalMonitor };
}

/**
 * Whether a trail logs management events (Secrets Manager API calls are management events):
 * with no selectors it does; event selectors must not set IncludeManagementEvents: false;
 * advanced selectors must select the Management category.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html
 */
function logsManagementEvents(p: Record<string, any>): boolean {
  if (p.AdvancedEventSelectors !== undefined) {
    return /Management/.test(JSON.stringify(p.AdvancedEventSelectors));
  }
  if (p.EventSelectors === undefined) {
    return true;
  }
  return asArray(p.EventSelectors).some(s => !isObject(s) || (s.IncludeManagementEvents !== false && s.IncludeManagementEvents !== 'false'));
}

/** `Stack/LogicalId` of a VPC of the app, or the value as written. */
function vpcName(value: unknown, index: TemplateIndex): string {
  const id = refOrGetAttId(value);
  return id !== undefined && index.resource(id) ? `${index.stack.node.path}/${id}` : display(value);
}

/**
 * One secret's coverage: the app's monitors and management-event trails (they watch every
 * secret), and for each reading function in a VPC (`usedBy` `function Stack/LogicalId`), the
 * VPC and the Secrets Manager endpoint there, if any.
 *
 * @param index the index of the secret's stack
 */
export function secretCoverage(readers: ReaderEntry[], coverage: AppCoverage, index: TemplateIndex, indexes: Indexes): SecretCoverage {
  const monitoredBy = [
    ...coverage.monitors.map(m => m.resource),
    ...(coverage.externalMonitor !== null ? [`external: ${coverage.externalMonitor}`] : []),
  ];
  const trails = coverage.trails.filter(t => t.managementEvents).map(t => t.resource);
  const networkPaths: SecretCoverage['networkPaths'] = [];
  for (const r of readers) {
    for (const use of r.usedBy) {
      const m = /^function (.+)\/([^/]+)$/.exec(use);
      if (!m) {
        continue;
      }
      const stack = stackByPath(index, m[1]);
      const fnIndex = stack ? indexes.index(stack) : undefined;
      const fn = fnIndex?.resource(m[2]);
      const vpcConfig = fn?.properties.VpcConfig;
      if (!fnIndex || !isObject(vpcConfig) || asArray(vpcConfig.SubnetIds).length === 0) {
        continue;
      }
      const subnet = asArray(vpcConfig.SubnetIds).map(v => fnIndex.target(v)).find(v => v !== undefined);
      const vpc = subnet ? vpcName(subnet.properties.VpcId, fnIndex) : 'a VPC the template does not define';
      const endpoint = coverage.endpoints.find(e => e.vpc === vpc) ?? (subnet ? undefined : coverage.endpoints[0]);
      if (!networkPaths.some(n => n.reader === use)) {
        networkPaths.push({ reader: use, vpc, endpoint: endpoint?.resource ?? null });
      }
    }
  }
  return { monitoredBy, trails, networkPaths };
}

/** The stack of the app at construct path `path` (the stack of `index` itself, or found from the root). */
function stackByPath(index: TemplateIndex, path: string): Stack | undefined {
  if (index.stack.node.path === path) {
    return index.stack;
  }
  const root = index.stack.node.root;
  const found = path === '' ? root : root.node.tryFindChild(path.split('/')[0]);
  if (!found) {
    return undefined;
  }
  let current: IConstruct | undefined = found;
  for (const part of path.split('/').slice(1)) {
    current = current?.node.tryFindChild(part);
  }
  return current && Stack.isStack(current) ? current : undefined;
}
