import { normaliseTemplate, stackIdFor } from '../../src/cli/normalise';
import { withQuietWarnings } from '../../src/cli/quiet';

const secret = (props: object = {}) => ({ Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'n', ...props } });

describe('AWS::LanguageExtensions', () => {
  test('Fn::ForEach in Resources, nested, with ${} and &{} in keys, Ref and Fn::Sub of the identifier in values', () => {
    const { template, partial, generatedFrom } = normaliseTemplate({
      Transform: 'AWS::LanguageExtensions',
      Parameters: { Apps: { Type: 'CommaDelimitedList', Default: 'orders, billing' } },
      Resources: {
        'Fn::ForEach::Apps': ['App', { Ref: 'Apps' }, {
          'Fn::ForEach::Envs': ['Env', ['prod', 'dev-eu'], {
            '${App}&{Env}Secret': secret({ Name: { 'Fn::Sub': '${Env}/${App}/db' }, Description: { Ref: 'App' } }),
          }],
        }],
      },
    }, 'yaml');
    expect(partial).toEqual([]);
    expect(template.Transform).toBeUndefined();
    expect(template.Resources).toEqual({
      ordersprodSecret: secret({ Name: { 'Fn::Sub': 'prod/orders/db' }, Description: 'orders' }),
      ordersdeveuSecret: secret({ Name: { 'Fn::Sub': 'dev-eu/orders/db' }, Description: 'orders' }),
      billingprodSecret: secret({ Name: { 'Fn::Sub': 'prod/billing/db' }, Description: 'billing' }),
      billingdeveuSecret: secret({ Name: { 'Fn::Sub': 'dev-eu/billing/db' }, Description: 'billing' }),
    });
    expect(generatedFrom.get('billingdeveuSecret')).toBe('Fn::ForEach::Apps');
  });

  test('Fn::ForEach inside properties, Outputs and Conditions', () => {
    const { template } = normaliseTemplate({
      Transform: ['AWS::LanguageExtensions'],
      Conditions: { 'Fn::ForEach::C': ['X', ['A', 'B'], { 'Is${X}': { 'Fn::Equals': [{ Ref: 'X' }, 'A'] } }] },
      Resources: { S: secret({ Tags: [], Nested: { 'Fn::ForEach::T': ['K', ['a', 'b'], { '${K}': { 'Fn::Sub': 'v-${K}' } }] } }) },
      Outputs: { 'Fn::ForEach::O': ['K', ['a'], { 'Out${K}': { Value: 'x' } }] },
    }, 'json');
    expect(template.Conditions).toEqual({ IsA: { 'Fn::Equals': ['A', 'A'] }, IsB: { 'Fn::Equals': ['B', 'A'] } });
    expect((template.Resources as any).S.Properties.Nested).toEqual({ a: { 'Fn::Sub': 'v-a' }, b: { 'Fn::Sub': 'v-b' } });
    expect(template.Outputs).toEqual({ Outa: { Value: 'x' } });
  });

  test('Fn::Length, Fn::ToJsonString (intrinsics kept, joined), Fn::FindInMap with a DefaultValue, DeletionPolicy from a parameter', () => {
    const { template, partial } = normaliseTemplate({
      Transform: 'AWS::LanguageExtensions',
      Parameters: { Policy: { Type: 'String', Default: 'Retain' }, L: { Type: 'CommaDelimitedList', Default: 'a,b,c' } },
      Mappings: { M: { prod: { size: 3 } } },
      Resources: {
        S: {
          ...secret({
            SecretString: { 'Fn::ToJsonString': { user: 'app', password: 'literal-pw', host: { Ref: 'Host' } } },
            Description: { 'Fn::ToJsonString': ['a', 1] },
            Count: { 'Fn::Length': [1, 2] },
            CountParam: { 'Fn::Length': { Ref: 'L' } },
            Found: { 'Fn::FindInMap': ['M', 'dev', 'size', { DefaultValue: 1 }] },
          }),
          DeletionPolicy: { Ref: 'Policy' },
        },
      },
    }, 'yaml');
    const s = (template.Resources as any).S;
    expect(s.Properties.SecretString).toEqual({ 'Fn::Join': ['', ['{"user":"app","password":"literal-pw","host":"', { Ref: 'Host' }, '"}']] });
    expect(s.Properties.Description).toBe('["a",1]');
    expect([s.Properties.Count, s.Properties.CountParam, s.Properties.Found]).toEqual([2, 3, 1]);
    expect(s.DeletionPolicy).toBe('Retain');
    expect(partial).toEqual([]);
  });

  test('a collection known only at deployment: the loop is not expanded, and that is said', () => {
    const { template, partial } = normaliseTemplate({
      Transform: 'AWS::LanguageExtensions',
      Parameters: { Names: { Type: 'CommaDelimitedList' } },
      Resources: { 'Keep': secret(), 'Fn::ForEach::Loop': ['N', { Ref: 'Names' }, { '${N}': secret() }] },
    }, 'yaml');
    expect(Object.keys(template.Resources as object)).toEqual(['Keep']);
    expect(partial).toEqual(['Fn::ForEach::Loop loops over a collection known only at deployment, and was not expanded']);
  });
});

describe('AWS::Serverless-2016-10-31', () => {
  const sam = (fn: object, extra: object = {}) => normaliseTemplate({
    Transform: 'AWS::Serverless-2016-10-31',
    Globals: { Function: { Runtime: 'python3.12', Environment: { Variables: { A: '1' } } } },
    Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'h', CodeUri: 'src/', ...fn } }, ...extra },
  }, 'yaml');

  test('a function becomes AWS::Lambda::Function with Globals merged, and the role SAM creates from its Policies', () => {
    const { template, partial, generatedFrom } = sam({
      Environment: { Variables: { B: '2' } },
      Policies: [
        'PowerUserAccess',
        'arn:aws:iam::123456789012:policy/Custom',
        { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
        { AWSSecretsManagerGetSecretValuePolicy: { SecretArn: { Ref: 'S' } } },
        { DynamoDBCrudPolicy: { TableName: 't' } },
      ],
    });
    const r = template.Resources as any;
    expect(r.Fn.Type).toBe('AWS::Lambda::Function');
    expect(r.Fn.Properties).toMatchObject({ Runtime: 'python3.12', Handler: 'h', Environment: { Variables: { A: '1', B: '2' } }, Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } });
    expect(r.FnRole.Type).toBe('AWS::IAM::Role');
    expect(r.FnRole.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess' },
      'arn:aws:iam::123456789012:policy/Custom',
    ]);
    expect(r.FnRole.Properties.Policies).toEqual([
      { PolicyName: 'FnRolePolicy0', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
      { PolicyName: 'FnRolePolicy1', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { 'Fn::Sub': ['${secretArn}', { secretArn: { Ref: 'S' } }] } }] } },
    ]);
    expect(generatedFrom.get('FnRole')).toBe('Fn');
    expect(partial).toEqual(['the SAM policy template DynamoDBCrudPolicy of Fn was not expanded']);
    expect(template.Globals).toBeUndefined();
  });

  test('Api and HttpApi events without an API: ServerlessRestApi with its deployment and Prod stage, ServerlessHttpApi with its default stage', () => {
    const { template } = sam({
      Events: { Get: { Type: 'Api', Properties: { Path: '/x', Method: 'GET' } }, Http: { Type: 'HttpApi' } },
    });
    const types = Object.fromEntries(Object.entries(template.Resources as any).map(([id, b]: [string, any]) => [id.replace(/[0-9a-f]{10}$/, '<hash>'), b.Type]));
    expect(types).toEqual({
      'Fn': 'AWS::Lambda::Function',
      'FnRole': 'AWS::IAM::Role',
      'FnGetPermissionProd': 'AWS::Lambda::Permission',
      'FnHttpPermission': 'AWS::Lambda::Permission',
      'ServerlessRestApi': 'AWS::ApiGateway::RestApi',
      'ServerlessRestApiDeployment<hash>': 'AWS::ApiGateway::Deployment',
      'ServerlessRestApiProdStage': 'AWS::ApiGateway::Stage',
      'ServerlessHttpApi': 'AWS::ApiGatewayV2::Api',
      'ServerlessHttpApiApiGatewayDefaultStage': 'AWS::ApiGatewayV2::Stage',
    });
    expect((template.Resources as any).ServerlessRestApi.Properties.Body.paths['/x'].get).toBeDefined();
  });

  test('AutoPublishAlias: the version and alias SAM creates, and Ref Fn.Alias / ${Fn.Version} pointing at them', () => {
    const { template } = normaliseTemplate({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'h', Runtime: 'nodejs22.x', InlineCode: 'x', AutoPublishAlias: 'live' } },
        Hook: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Fn.Alias' }, Action: { 'Fn::Sub': 'v-${Fn.Version}' } } },
      },
    }, 'yaml');
    const r = template.Resources as any;
    const version = Object.keys(r).find(k => /^FnVersion[0-9a-f]{10}$/.test(k))!;
    expect(r.FnAliaslive).toEqual({ Type: 'AWS::Lambda::Alias', Properties: { Name: 'live', FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': [version, 'Version'] } } });
    expect(r.Hook.Properties).toEqual({ FunctionName: { Ref: 'FnAliaslive' }, Action: { 'Fn::Sub': `v-\${${version}}` } });
  });

  test('a function with its own Role gets no generated role; a serverless type not expanded is said', () => {
    const { template, partial } = sam({ Role: 'arn:aws:iam::1:role/r' }, { Machine: { Type: 'AWS::Serverless::StateMachine', Properties: {} } });
    expect(Object.keys(template.Resources as object).sort()).toEqual(['Fn', 'Machine']);
    expect(partial).toEqual(['Machine (AWS::Serverless::StateMachine) was read as declared: the resources SAM generates from it were not']);
  });
});

describe('what cannot be expanded, and Fn::If over resources', () => {
  test('an unknown Transform and Fn::Transform are named, and taken out; the SecretsManager transform needs nothing', () => {
    const { template, partial } = normaliseTemplate({
      Transform: ['AWS::SecretsManager-2020-07-23', { Name: 'Acme::Tags', Parameters: {} }],
      Resources: {
        'S': secret({ Tags: { 'Fn::Transform': { Name: 'Acme::TagList' } }, Other: { 'Fn::Transform': { Name: 'AWS::Include' }, 'Kept': 1 } }),
        'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } },
      },
    }, 'yaml');
    expect(template.Resources).toEqual({ S: secret({ Other: { Kept: 1 } }) });
    expect(partial).toEqual(['needs macro Acme::Tags', 'needs macro AWS::Include', 'needs macro Acme::TagList']);
  });

  test('Properties under Fn::If: one resource per branch; AWS::NoValue branches are dropped; a resource under Fn::If likewise', () => {
    const { template, generatedFrom } = normaliseTemplate({
      Resources: {
        A: { Type: 'T', Condition: 'C', Properties: { 'Fn::If': ['C', { X: 1 }, { 'Fn::If': ['D', { X: 2 }, { Ref: 'AWS::NoValue' }] }] } },
        B: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, { Type: 'T', Properties: { Y: 1 } }] },
        E: { Type: 'T', Properties: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, { Ref: 'AWS::NoValue' }] } },
      },
    }, 'json');
    expect(template.Resources).toEqual({
      A: { Type: 'T', Condition: 'C', Properties: { X: 1 } },
      AIfFalse: { Type: 'T', Condition: 'C', Properties: { X: 2 } },
      B: { Type: 'T', Properties: { Y: 1 } },
      E: { Type: 'T' },
    });
    expect(generatedFrom.get('AIfFalse')).toBe('A');
  });

  test.each([
    [[1, 2], 'json', 'not a CloudFormation template: the document is not an object'],
    [{ Resources: [] }, 'json', 'not a CloudFormation template: it has no Resources section'],
    [['a'], 'yaml', 'not a CloudFormation template: it has no top-level Resources section'],
  ])('%j (%s) is not a template', (document, format, reason) => {
    expect(() => normaliseTemplate(document, format as 'json' | 'yaml')).toThrow(reason);
  });

  test('a resource without a Type is left out, and that is said', () => {
    const { template, partial } = normaliseTemplate({ Resources: { A: { Properties: {} }, B: secret() } }, 'json');
    expect(Object.keys(template.Resources as object)).toEqual(['B']);
    expect(partial).toEqual(['resource A has no Type and was not read']);
  });
});

describe('stackIdFor', () => {
  test.each([
    ['01-network.yaml', 'T-01-network'],
    ['cdk.out/Orders.template.json', 'Orders'],
    ['my stack.v2.yml', 'my-stack-v2'],
    ['.yaml', 'Template'],
    [`${'a'.repeat(300)}.json`, 'a'.repeat(120)],
  ])('%s -> %s: a valid stack name', (file, id) => {
    expect(stackIdFor(file)).toBe(id);
    expect(stackIdFor(file)).toMatch(/^[A-Za-z][A-Za-z0-9-]{0,127}$/);
  });
});

describe('withQuietWarnings', () => {
  test('YAML and deprecation warnings are dropped inside, others pass; everything is restored after, even on a throw', () => {
    const original = process.emitWarning;
    const mode = process.env.JSII_DEPRECATED;
    const seen: string[] = [];
    const recorder = ((w: string | Error, type?: unknown) => {
      seen.push(typeof w === 'string' ? `${type}: ${w}` : `${w.name}: ${w.message}`);
    }) as typeof process.emitWarning;
    process.emitWarning = recorder;
    try {
      expect(() => withQuietWarnings(() => {
        expect(process.env.JSII_DEPRECATED).toBe('quiet');
        process.emitWarning('tag unavailable', 'YAMLWarning');
        process.emitWarning(Object.assign(new Error('old API'), { name: 'DeprecationWarning' }));
        process.emitWarning('kept', { type: 'OtherWarning' });
        throw new Error('boom');
      })).toThrow('boom');
      expect(process.emitWarning).toBe(recorder);
    } finally {
      process.emitWarning = original;
    }
    expect(process.env.JSII_DEPRECATED).toBe(mode);
    expect(seen).toEqual(['[object Object]: kept']);
  });
});
