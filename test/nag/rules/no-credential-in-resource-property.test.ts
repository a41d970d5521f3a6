import * as fs from 'fs';
import * as path from 'path';
import { CfnMapping, CfnParameter, CfnResource, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { withCredentialTable } from '../../../build-tools/credential-table';
import { ANY_RESOURCE, CREDENTIAL_PROPERTIES, CredentialProperty, credentialPropertiesOf, credentialResourceTypes } from '../../../src/analysis/credential-properties';
import { NoCredentialInResourceProperty } from '../../../src/nag/rules/no-credential-in-resource-property';
import { newStack } from '../../helpers/stacks';
import { PackFinding, pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInResourceProperty';
const ID = `HardenedSecrets-${RULE}`;
const VALUE = 'Hunter2-literal-value';
const DYNAMIC = '{{resolve:secretsmanager:prod/app/credentials:SecretString:password}}';

/** Map keys standing for `*` in a catalogue path, in order; the last `*` of a path is a credential name. */
const SAMPLE_KEYS = ['config', '/etc/app/settings.json'];

/** The concrete path a row's path takes in the test resources: `Users[0].Password`, `...ConnectionProperties.DB_PASSWORD`. */
function concreteSegments(row: CredentialProperty): string[] {
  const segments = row.path.split('.');
  let sample = 0;
  return segments.map((s, i) => (s === '*' ? (i === segments.length - 1 ? 'DB_PASSWORD' : SAMPLE_KEYS[sample++] ?? 'entry') : s.replace(/\[\]$/, '[0]')));
}

function concretePath(row: CredentialProperty): string {
  return concreteSegments(row).join('.');
}

/** `{ a: { b: [ { c: value } ] } }` from `['a', 'b[0]', 'c']`. */
function objectAt(segments: string[], value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let current: Record<string, unknown> = out;
  segments.forEach((segment, i) => {
    const list = segment.endsWith('[0]');
    const name = list ? segment.slice(0, -3) : segment;
    const last = i === segments.length - 1;
    const child: Record<string, unknown> = {};
    if (list) {
      current[name] = [last ? value : child];
    } else {
      current[name] = last ? value : child;
    }
    current = child;
  });
  return out;
}

/** A resource of `type` with `value` at the row's path (in Properties, or in Metadata). */
function resourceWith(stack: Stack, id: string, type: string, row: CredentialProperty, value: unknown): CfnResource {
  const segments = concreteSegments(row);
  if (segments[0] === 'Metadata') {
    const resource = new CfnResource(stack, id, { type, properties: {} });
    resource.cfnOptions.metadata = objectAt(segments.slice(1), value);
    return resource;
  }
  return new CfnResource(stack, id, { type, properties: objectAt(segments, value) });
}

function ids(findings: PackFinding[], constructPath: string): string[] {
  return findings.filter(f => f.path === constructPath).map(f => `${f.severity} ${f.rule}`);
}

/** Rows for every type are tried on an instance and on a wait condition handle (cfn-init reads either). */
const CASES = CREDENTIAL_PROPERTIES.flatMap(row => row.resourceTypes
  .flatMap(type => (type === ANY_RESOURCE ? ['AWS::EC2::Instance', 'AWS::CloudFormation::WaitConditionHandle'] : [type]))
  .map(type => [`${type} ${row.path}`, type, row] as const));

describe('NoCredentialInResourceProperty', () => {
  describe('the catalogue', () => {
    test('its resource types are the rule\'s', () => {
      expect(NoCredentialInResourceProperty.resourceTypes).toEqual(credentialResourceTypes());
    });

    test.each([
      ['AWS::RDS::DBInstance', 'MasterUserPassword'],
      ['AWS::RDS::DBCluster', 'MasterUserPassword'],
      ['AWS::DocDB::DBCluster', 'MasterUserPassword'],
      ['AWS::Redshift::Cluster', 'MasterUserPassword'],
      ['AWS::RedshiftServerless::Namespace', 'AdminUserPassword'],
      ['AWS::DMS::Endpoint', 'OracleSettings.SecurityDbEncryption'],
      ['AWS::AmazonMQ::Broker', 'Users[].Password'],
      ['AWS::DirectoryService::SimpleAD', 'Password'],
      ['AWS::IAM::User', 'LoginProfile.Password'],
      ['AWS::ElastiCache::ReplicationGroup', 'AuthToken'],
      ['AWS::ElastiCache::User', 'Passwords[]'],
      ['AWS::Elasticsearch::Domain', 'AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword'],
      ['AWS::Amplify::Branch', 'BasicAuthConfig.Password'],
      ['Alexa::ASK::Skill', 'AuthenticationConfiguration.RefreshToken'],
      ['AWS::Events::Connection', 'AuthParameters.OAuthParameters.ClientParameters.ClientSecret'],
      ['AWS::CodePipeline::Webhook', 'AuthenticationConfiguration.SecretToken'],
      ['AWS::CodeBuild::SourceCredential', 'Token'],
      ['AWS::KinesisFirehose::DeliveryStream', 'SnowflakeDestinationConfiguration.KeyPassphrase'],
      ['AWS::Pinpoint::APNSVoipSandboxChannel', 'TokenKey'],
      ['AWS::Glue::Connection', 'ConnectionInput.ConnectionProperties.PASSWORD'],
      ['AWS::DataSync::LocationAzureBlob', 'SasConfiguration.Token'],
      ['AWS::QuickSight::DataSource', 'Credentials.CredentialPair.Password'],
      ['AWS::EC2::Instance', 'Metadata.AWS::CloudFormation::Authentication.*.secretKey'],
      ['AWS::CloudFormation::WaitConditionHandle', 'Metadata.AWS::CloudFormation::Authentication.*.password'],
    ])('lists %s %s', (type, propertyPath) => {
      expect(credentialPropertiesOf(type).map(r => r.path)).toContain(propertyPath);
    });

    test('docs/credentials.md lists the catalogue as it is', () => {
      // Regenerate with: ts-node --project tsconfig.dev.json build-tools/credential-table.ts --write
      const page = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'credentials.md'), 'utf8');
      expect(page).toEqual(withCredentialTable(page));
      expect(page).toContain('| [AWS::RDS::DBInstance](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html) | `MasterUserPassword` | password |');
    });

    test('every row names its source page, its kind and what it accepts instead of a literal', () => {
      for (const row of CREDENTIAL_PROPERTIES) {
        expect({ path: row.path, source: row.source }).toEqual({ path: row.path, source: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\/AWSCloudFormation\/latest\/TemplateReference\/[a-z0-9-]+\.html$/) });
        const metadata = row.path.startsWith('Metadata.');
        // NoEcho does not hide Metadata; everywhere else a secretsmanager reference resolves.
        expect({ path: row.path, noEcho: row.noEchoParameter, secretsmanager: row.dynamicReferences.includes('secretsmanager') })
          .toEqual({ path: row.path, noEcho: !metadata, secretsmanager: !metadata });
        expect(['password', 'token', 'client secret', 'API key', 'key material', 'access key']).toContain(row.kind);
      }
    });
  });

  describe.each(CASES)('%s', (_name, type, row) => {
    let findings: PackFinding[];
    const suffix = `${ID}[${concretePath(row)}]`;

    beforeAll(() => {
      // GIVEN one resource per way of giving the value, in one stack
      const stack = newStack();
      const noEcho = new CfnParameter(stack, 'NoEchoSecret', { noEcho: true });
      const noEchoWithDefault = new CfnParameter(stack, 'NoEchoWithDefault', { noEcho: true, default: VALUE });
      const echoed = new CfnParameter(stack, 'Echoed');
      resourceWith(stack, 'Literal', type, row, VALUE);
      resourceWith(stack, 'Dynamic', type, row, DYNAMIC);
      resourceWith(stack, 'NoEcho', type, row, noEcho.valueAsString);
      resourceWith(stack, 'NoEchoDefault', type, row, noEchoWithDefault.valueAsString);
      resourceWith(stack, 'Echo', type, row, echoed.valueAsString);
      if (row.managed) {
        new CfnResource(stack, 'Managed', { type, properties: objectAt(row.managed.property.replace(/\[\]/g, '[0]').split('.'), row.managed.value) });
      }
      // WHEN
      findings = ruleFindings(stack, RULE);
    });

    test('a literal is an error naming the path, never the value', () => {
      expect(ids(findings, 'Stack/Literal')).toEqual([`error ${suffix}`]);
      expect(findings.find(f => f.path === 'Stack/Literal')?.description).toContain(concretePath(row));
      expect(findings.every(f => !f.description.includes(VALUE))).toBe(true);
    });

    test('a {{resolve:secretsmanager:...}} dynamic reference is not a finding', () => {
      expect(ids(findings, 'Stack/Dynamic')).toEqual([]);
    });

    test(`a NoEcho parameter without a Default is ${row.noEchoParameter ? 'not a finding' : 'an error (NoEcho does not hide Metadata)'}`, () => {
      expect(ids(findings, 'Stack/NoEcho')).toEqual(row.noEchoParameter ? [] : [`error ${suffix}`]);
    });

    test('a NoEcho parameter with a Default is an error (the default is in the template)', () => {
      expect(ids(findings, 'Stack/NoEchoDefault')).toEqual([`error ${suffix}`]);
    });

    test('a parameter that is not NoEcho is an error (DescribeStacks shows it)', () => {
      expect(ids(findings, 'Stack/Echo')).toEqual([`error ${suffix}`]);
    });

    if (row.managed) {
      test(`the managed alternative ${row.managed.property} is not a finding`, () => {
        expect(findings.map(f => f.path)).toContain('Stack/Literal');
        expect(ids(findings, 'Stack/Managed')).toEqual([]);
      });
    }
  });

  describe('values built with intrinsics', () => {
    function db(stack: Stack, id: string, password: unknown): CfnResource {
      return new CfnResource(stack, id, { type: 'AWS::RDS::DBInstance', properties: { Engine: 'postgres', MasterUsername: 'app', MasterUserPassword: password } });
    }

    test('Noncompliance: Fn::Sub and Fn::Join that write the credential around a reference', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      db(stack, 'Sub', Fn.sub(`${VALUE}-\${AWS::Region}`));
      db(stack, 'Join', Fn.join('', ['Pa55word', Fn.ref('AWS::AccountId')]));
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([
        [`${ID}[MasterUserPassword]`, 'Stack/Join'],
        [`${ID}[MasterUserPassword]`, 'Stack/Sub'],
      ]);
    });

    test('Noncompliance: Fn::FindInMap to a literal map value', () => {
      // GIVEN
      const stack = newStack();
      const mapping = new CfnMapping(stack, 'Passwords', { mapping: { prod: { db: VALUE } } });
      // WHEN
      db(stack, 'Db', mapping.findInMap('prod', 'db'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[`${ID}[MasterUserPassword]`, 'Stack/Db']]);
      expect(findings[0].description).toContain('Mappings');
      expect(findings[0].description).not.toContain(VALUE);
    });

    test('Compliance: a dynamic reference built with Fn::Join, Ref and GetAtt to resources', () => {
      // GIVEN
      const stack = newStack();
      const secret = new secretsmanager.CfnSecret(stack, 'Secret', { generateSecretString: { generateStringKey: 'password', secretStringTemplate: '{"username":"app"}' } });
      // WHEN
      db(stack, 'Joined', Fn.join('', ['{{resolve:secretsmanager:', secret.ref, ':SecretString:password}}']));
      db(stack, 'Ref', secret.ref);
      db(stack, 'GetAtt', Fn.getAtt('Secret', 'Id'));
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance: a {{resolve:ssm:...}} reference to a plain String parameter (not ssm-secure)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      db(stack, 'Db', '{{resolve:ssm:/prod/orders/db-password}}');
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[`${ID}[MasterUserPassword]`, 'Stack/Db']]);
      expect(findings[0].description).toContain('plain String SSM parameter');
    });

    test('Unproven: an Fn::ImportValue is a warning that says why', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      db(stack, 'Db', Fn.importValue('shared-db-password'));
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(findings.map(f => [f.severity, f.rule])).toEqual([['warning', `${ID}[MasterUserPassword]`]]);
      expect(findings[0].description).toContain('Fn::ImportValue');
    });

    test('Compliance: a CodeBuild source credential that names a Secrets Manager secret', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new CfnResource(stack, 'GitHub', {
        type: 'AWS::CodeBuild::SourceCredential',
        properties: { AuthType: 'SECRETS_MANAGER', ServerType: 'GITHUB', Token: Fn.sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ci/github-token') },
      });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance: every list item is checked on its own (Users[1].Password)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new CfnResource(stack, 'Broker', {
        type: 'AWS::AmazonMQ::Broker',
        properties: { Users: [{ Username: 'app', Password: DYNAMIC }, { Username: 'admin', Password: VALUE }] },
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Users[1].Password]`, 'Stack/Broker']]);
    });

    test('Compliance: Glue connection keys that do not hold a credential, whatever their value', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new CfnResource(stack, 'Jdbc', {
        type: 'AWS::Glue::Connection',
        properties: {
          CatalogId: '111111111111',
          ConnectionInput: {
            ConnectionType: 'JDBC',
            ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.example.com:5432/app', USERNAME: 'etl', SECRET_ID: 'prod/etl/postgres' },
          },
        },
      });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });

  describe('cfn-init Authentication with an IAM access key of the template', () => {
    test('Noncompliance: Metadata holding the key\'s SecretAccessKey (DescribeStackResource returns it resolved)', () => {
      // GIVEN
      const stack = newStack();
      const user = new CfnResource(stack, 'DeployUser', { type: 'AWS::IAM::User', properties: {} });
      const key = new CfnResource(stack, 'DeployKey', { type: 'AWS::IAM::AccessKey', properties: { UserName: user.ref } });
      const instance = new CfnResource(stack, 'Web', { type: 'AWS::EC2::Instance', properties: { ImageId: 'ami-0123456789abcdef0' } });
      // WHEN
      instance.cfnOptions.metadata = {
        'AWS::CloudFormation::Authentication': {
          Deploy: { type: 'S3', buckets: ['acme-deploy'], accessKeyId: key.ref, secretKey: key.getAtt('SecretAccessKey') },
        },
      };
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[`${ID}[Metadata.AWS::CloudFormation::Authentication.Deploy.secretKey]`, 'Stack/Web']]);
      expect(findings[0].description).toContain('SecretAccessKey of an AWS::IAM::AccessKey');
    });

    test('Compliance: the same attribute passed to a resource property (CloudFormation hands it to the service)', () => {
      // GIVEN
      const stack = newStack();
      const key = new CfnResource(stack, 'DeployKey', { type: 'AWS::IAM::AccessKey', properties: { UserName: 'deploy' } });
      // WHEN
      new CfnResource(stack, 'Store', {
        type: 'AWS::DataSync::LocationObjectStorage',
        properties: { ServerHostname: 'objects.example.com', BucketName: 'scans', AgentArns: ['arn:aws:datasync:eu-west-1:111111111111:agent/agent-0123456789abcdef0'], AccessKey: key.ref, SecretKey: key.getAtt('SecretAccessKey') },
      });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });

  test('a finding says what the property takes instead of the literal', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CfnResource(stack, 'Db', { type: 'AWS::RDS::DBInstance', properties: { Engine: 'postgres', MasterUsername: 'app', MasterUserPassword: VALUE } });
    new CfnResource(stack, 'Endpoint', { type: 'AWS::DMS::Endpoint', properties: { EndpointType: 'source', EngineName: 'mongodb', MongoDbSettings: { Password: VALUE } } });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(findings.find(f => f.path === 'Stack/Db')?.description)
      .toContain('Use ManageMasterUserPassword: true, or {{resolve:secretsmanager:...}}, or {{resolve:ssm-secure:...}}, or a NoEcho parameter without Default instead.');
    expect(findings.find(f => f.path === 'Stack/Endpoint')?.description).toContain('Use a secret in MongoDbSettings.SecretsManagerSecretId, or');
  });

  describe('CDK constructs', () => {
    test('Noncompliance: rds.DatabaseInstance with Credentials.fromPassword and a plain-text value', () => {
      // GIVEN
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc');
      // WHEN
      new rds.DatabaseInstance(stack, 'Db', {
        engine: rds.DatabaseInstanceEngine.POSTGRES,
        vpc,
        credentials: rds.Credentials.fromPassword('app', SecretValue.unsafePlainText(VALUE)),
      });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[`${ID}[MasterUserPassword]`, 'Stack/Db/Resource']]);
      expect(findings[0].description).not.toContain(VALUE);
    });

    test('Compliance: rds.DatabaseInstance with its generated secret (the default)', () => {
      // GIVEN
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc');
      // WHEN
      new rds.DatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.POSTGRES, vpc });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });
});
