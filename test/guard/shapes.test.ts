import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ACCOUNT, configProactiveShape, configShape, CorpusTemplate, hookShape, NOT_RECORDED_BY_CONFIG, modelledConfigTypes, readCorpusTemplate, REGION, templateShape } from './shapes';

/** A template written to a temporary file and read back as the corpus is read. */
function templateOf(text: string, ext = '.yaml'): CorpusTemplate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shapes-'));
  try {
    const file = path.join(dir, `app${ext}`);
    fs.writeFileSync(file, text);
    return readCorpusTemplate(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const TEMPLATE = `
Parameters:
  Stage:
    Type: String
    Default: prod
  DbPassword:
    Type: String
    NoEcho: true
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
Mappings:
  Env:
    prod: { Days: 30 }
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy: { Version: '2012-10-17', Statement: [] }
  Secret:
    Type: AWS::SecretsManager::Secret
    DeletionPolicy: Retain
    Properties:
      Name: !Sub 'app/\${Stage}/db'
      KmsKeyId: !GetAtt Key.Arn
      Tags: [{ Key: owner, Value: team-a }]
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationLambdaARN: !GetAtt Rotator.Arn
      RotationRules:
        AutomaticallyAfterDays: !FindInMap [Env, !Ref Stage, Days]
        Duration: 2h
  Rotator:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Runtime: python3.12
      Handler: index.handler
      Environment:
        Variables:
          PASSWORD: !Ref DbPassword
          TOKEN: '{{resolve:secretsmanager:app/token}}'
          MODE: !If [IsProd, strict, lax]
          REGION: !Ref AWS::NoValue
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
  RolePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: read
      Roles: [!Ref Role]
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: !Ref Secret }] }
  DevOnly:
    Type: AWS::SSM::Parameter
    Condition: IsDev
    Properties: { Type: String, Value: x }
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      UserData: !Base64 'echo hi'
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: !GetAtt Role.Arn
      Source: { Type: NO_SOURCE, BuildSpec: 'version: 0.2' }
      Artifacts: { Type: NO_ARTIFACTS }
      Environment:
        Type: LINUX_CONTAINER
        Image: aws/codebuild/standard:7.0
        ComputeType: BUILD_GENERAL1_SMALL
        EnvironmentVariables: [{ Name: STAGE, Value: !Ref Stage }]
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{ Name: app, Image: nginx, Environment: [{ Name: STAGE, Value: !Ref Stage }] }]
`;

describe('input shapes of the exported Guard rules', () => {
  const t = templateOf(TEMPLATE);

  describe('TEMPLATE', () => {
    test('is the file as written, which cfn-guard reads itself', () => {
      const [doc] = templateShape(t);
      expect(doc.text).toEqual({ content: TEMPLATE, extension: '.yaml' });
      expect(doc.logicalId).toBeUndefined();
    });
  });

  describe('HOOK', () => {
    const hook = new Map(hookShape(t).map(d => [d.logicalId, d.document as any]));

    test('one document per created resource, Resources.<id>.ResourceType / ResourceProperties', () => {
      expect([...hook.keys()].sort()).toEqual(['Build', 'Instance', 'Key', 'Role', 'RolePolicy', 'Rotator', 'Schedule', 'Secret', 'Task']);
      expect(Object.keys(hook.get('Secret').Resources)).toEqual(['Secret']);
      expect(hook.get('Secret').Resources.Secret.ResourceType).toBe('AWS::SecretsManager::Secret');
    });

    test('a resource whose condition is false has no hook input', () => {
      expect(hook.has('DevOnly')).toBe(false);
    });

    test('intrinsics are resolved as CloudFormation resolves them before the hook runs', () => {
      const secret = hook.get('Secret').Resources.Secret.ResourceProperties;
      expect(secret.Name).toBe('app/prod/db');
      expect(secret.KmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/[0-9a-f-]{36}$`));
      const schedule = hook.get('Schedule').Resources.Schedule.ResourceProperties;
      expect(schedule.SecretId).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/prod\/db-\w{6}$/);
      expect(schedule.RotationRules.AutomaticallyAfterDays).toBe(30);
      expect(schedule.RotationLambdaARN).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:/);
    });

    test('a parameter without default is a placeholder; a dynamic reference is kept; AWS::NoValue drops the key', () => {
      const vars = hook.get('Rotator').Resources.Rotator.ResourceProperties.Environment.Variables;
      expect(vars).toEqual({ PASSWORD: 'parameter-value-DbPassword', TOKEN: '{{resolve:secretsmanager:app/token}}', MODE: 'strict' });
    });

    test('Fn::Base64 gives the encoded text EC2 receives', () => {
      expect(hook.get('Instance').Resources.Instance.ResourceProperties.UserData).toBe(Buffer.from('echo hi').toString('base64'));
    });
  });

  describe('CONFIG (configuration items as AWS Config records them)', () => {
    const items = new Map(configShape(t).map(d => [d.logicalId, d.document as any]));

    test('only recorded, modelled types get an item', () => {
      expect([...items.keys()].sort()).toEqual(['Build', 'Key', 'Role', 'Rotator', 'Secret', 'Task']);
      for (const type of NOT_RECORDED_BY_CONFIG) {
        expect(modelledConfigTypes()).not.toContain(type);
      }
    });

    test('a secret: Secrets Manager API names, rotation from its schedule, tags as a map, no deletion policy', () => {
      const secret = items.get('Secret');
      expect(secret.resourceType).toBe('AWS::SecretsManager::Secret');
      expect(secret.resourceName).toBe('app/prod/db');
      expect(secret.configuration).toMatchObject({ Name: 'app/prod/db', RotationEnabled: true, RotationRules: { AutomaticallyAfterDays: 30, RotationDuration: '2h' } });
      expect(secret.configuration.KMSKeyId).toMatch(/^arn:aws:kms:/);
      expect(secret.configuration.KmsKeyId).toBeUndefined();
      expect(secret.tags).toEqual({ owner: 'team-a' });
      expect(JSON.stringify(secret)).not.toContain('Retain');
    });

    test('a key: rotation in supplementaryConfiguration, no key policy', () => {
      const key = items.get('Key');
      expect(key.supplementaryConfiguration).toEqual({ KeyRotationStatus: true });
      expect(key.configuration.keyManager).toBe('CUSTOMER');
      expect(JSON.stringify(key)).not.toContain('KeyPolicy');
    });

    test('a role: its inline policies (its own and AWS::IAM::Policy resources) URL-encoded in rolePolicyList', () => {
      const role = items.get('Role');
      expect(role.configuration.rolePolicyList).toHaveLength(1);
      const decoded = JSON.parse(decodeURIComponent(role.configuration.rolePolicyList[0].policyDocument));
      expect(decoded.Statement[0].Action).toBe('secretsmanager:GetSecretValue');
      expect(decoded.Statement[0].Resource).toMatch(/^arn:aws:secretsmanager:/);
      expect(JSON.parse(decodeURIComponent(role.configuration.assumeRolePolicyDocument)).Statement[0].Principal.Service).toBe('lambda.amazonaws.com');
    });

    test('a build project: CodeBuild API names; a task definition: the CloudFormation names AWS Config records it in', () => {
      expect(items.get('Build').configuration.environment.environmentVariables).toEqual([{ name: 'STAGE', value: 'prod', type: 'PLAINTEXT' }]);
      expect(items.get('Task').configuration.ContainerDefinitions[0].Environment).toEqual([{ Name: 'STAGE', Value: 'prod' }]);
    });

    test('a function: no environment variables', () => {
      expect(JSON.stringify(items.get('Rotator'))).not.toContain('PASSWORD');
    });
  });

  describe('CONFIG, proactive (CloudFormation schema)', () => {
    test('configuration holds the resolved CloudFormation properties of every created resource', () => {
      const items = new Map(configProactiveShape(t).map(d => [d.logicalId, d.document as any]));
      expect(items.has('DevOnly')).toBe(false);
      expect(items.get('Secret').configuration.KmsKeyId).toMatch(/^arn:aws:kms:/);
      expect(items.get('Key').configuration.EnableKeyRotation).toBe(true);
      expect(items.get('Secret').resourceType).toBe('AWS::SecretsManager::Secret');
    });
  });
});
