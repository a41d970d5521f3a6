import { App, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Analysed, analyse, envStack, idOf } from './report-fixtures';
import { appCoverage, secretCoverage } from '../../src/report/coverage';
import { AppCoverage } from '../../src/report/model';
import { identityReaders, roleUsage } from '../../src/report/readers';
import { exportsOf } from '../../src/report/references';
import { inlineFunction } from '../nag/rule-fixtures';

function coverageOf(app: App, analysed: Analysed, externalMonitor: string | null = null): AppCoverage {
  return appCoverage(app, analysed.indexes, analysed.run, externalMonitor);
}

function trail(scope: Construct, id: string, props: Partial<cloudtrail.CfnTrailProps> = {}): cloudtrail.CfnTrail {
  return new cloudtrail.CfnTrail(scope, id, { isLogging: true, s3BucketName: 'trail-bucket', ...props });
}


function isolatedVpc(scope: Construct, id: string): ec2.Vpc {
  return new ec2.Vpc(scope, id, { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

describe('appCoverage', () => {
  test('trails: whether each logs Secrets Manager calls (management events), by the selectors it has', () => {
    // GIVEN trails without selectors, excluding management events, and with advanced selectors on data events only
    const app = new App();
    const stack = envStack(app);
    const all = trail(stack, 'All', { isMultiRegionTrail: true, enableLogFileValidation: true, kmsKeyId: 'alias/trail' });
    const dataOnly = trail(stack, 'DataOnly', { eventSelectors: [{ includeManagementEvents: false, readWriteType: 'All' }] });
    const advanced = trail(stack, 'Advanced', {
      advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }] }],
    });
    // WHEN
    const { trails } = coverageOf(app, analyse(app));
    // THEN
    const plain = { isLogging: true, multiRegion: false, logFileValidation: false, encrypted: false, cloudWatchLogs: false };
    expect(trails).toEqual([
      { ...plain, resource: idOf(all), managementEvents: true, multiRegion: true, logFileValidation: true, encrypted: true },
      { ...plain, resource: idOf(dataOnly), managementEvents: false },
      { ...plain, resource: idOf(advanced), managementEvents: false },
    ]);
  });

  test('endpoints: the Secrets Manager interface endpoints only, each with its VPC', () => {
    const app = new App();
    const stack = envStack(app);
    const vpc = isolatedVpc(stack, 'Vpc');
    const endpoint = vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const { endpoints } = coverageOf(app, analyse(app));
    expect(endpoints).toEqual([{ resource: idOf(endpoint), vpc: idOf(vpc), privateDns: true, policy: false }]);
  });

  test('monitors: metric filters and event rules on Secrets Manager calls in any stack; the external monitor as declared', () => {
    // GIVEN a metric filter on Secrets Manager calls in one stack and an event rule in another
    const app = new App();
    const logging = envStack(app, 'Logging');
    const group = new logs.LogGroup(logging, 'TrailLogs');
    const filter = new logs.MetricFilter(logging, 'SecretReads', {
      logGroup: group,
      metricNamespace: 'Secrets',
      metricName: 'Reads',
      filterPattern: logs.FilterPattern.stringValue('$.eventSource', '=', 'secretsmanager.amazonaws.com'),
    });
    new logs.MetricFilter(logging, 'Errors', { logGroup: group, metricNamespace: 'App', metricName: 'Errors', filterPattern: logs.FilterPattern.anyTerm('ERROR') });
    const alerts = envStack(app, 'Alerts');
    const rule = new events.Rule(alerts, 'Deletes', { eventPattern: { source: ['aws.secretsmanager'] } });
    // WHEN
    const coverage = coverageOf(app, analyse(app), 'the organisation trail, alarmed in the security account');
    // THEN
    expect(coverage.monitors).toEqual([
      { resource: idOf(filter), type: 'AWS::Logs::MetricFilter', constructPath: 'Logging/SecretReads/Resource' },
      { resource: idOf(rule), type: 'AWS::Events::Rule', constructPath: 'Alerts/Deletes/Resource' },
    ]);
    expect(coverage.externalMonitor).toBe('the organisation trail, alarmed in the security account');
  });
});

describe('secretCoverage', () => {
  /** A secret read by a function in `readerVpc`; a Secrets Manager endpoint only in `endpointVpc`. */
  function readByVpcFunction(sameVpc: boolean) {
    const app = new App();
    const stack = envStack(app);
    const secret = new secretsmanager.Secret(stack, 'Db');
    const vpc = isolatedVpc(stack, 'Vpc');
    const endpointVpc = sameVpc ? vpc : isolatedVpc(stack, 'Other');
    const endpoint = endpointVpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    const fn = inlineFunction(stack, 'Fn', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    secret.grantRead(fn);
    trail(stack, 'Trail');
    trail(stack, 'DataOnly', { eventSelectors: [{ includeManagementEvents: false }] });
    return { app, stack, secret, vpc, endpoint, fn };
  }

  function coverageOfSecret(app: App, secret: secretsmanager.Secret, externalMonitor: string | null = null) {
    const analysed = analyse(app);
    const roleUse = roleUsage(analysed.indexes);
    const readers = identityReaders(analysed.indexes, analysed.secrets, exportsOf(analysed.stacks, analysed.templates, analysed.run), roleUse);
    const { id, index } = analysed.secret(secret);
    return secretCoverage(readers.get(id)!, coverageOf(app, analysed, externalMonitor), index, analysed.run);
  }

  test('a reading function in a VPC reaches Secrets Manager through the endpoint of that VPC', () => {
    const { app, secret, vpc, endpoint, fn } = readByVpcFunction(true);
    expect(coverageOfSecret(app, secret).networkPaths).toEqual([{ reader: `function ${idOf(fn)}`, vpc: idOf(vpc), endpoint: idOf(endpoint) }]);
  });

  test('an endpoint in another VPC does not serve the function: its path has no endpoint', () => {
    const { app, secret, vpc, fn } = readByVpcFunction(false);
    expect(coverageOfSecret(app, secret).networkPaths).toEqual([{ reader: `function ${idOf(fn)}`, vpc: idOf(vpc), endpoint: null }]);
  });

  test('a secret is watched by every monitor of the app and the declared external one, and logged by trails of management events', () => {
    const { app, stack, secret } = readByVpcFunction(true);
    const rule = new events.Rule(stack, 'Watch', { eventPattern: { source: ['aws.secretsmanager'] } });
    const coverage = coverageOfSecret(app, secret, 'the organisation trail');
    expect(coverage.monitoredBy).toEqual([idOf(rule), 'external: the organisation trail']);
    expect(coverage.trails).toEqual([`${Stack.of(secret).node.path}/Trail`]);
  });
});
