import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';

const RULE = 'NoCredentialInHeader';
const ID = `HardenedSecrets-${RULE}`;

// Fake values, assembled at run time so that secret scanners leave this file alone.
const SHARED_SECRET = 'Zq8Lm2' + 'Xv9Tn4Wc7Yh1Bd';
const DYNAMIC = '{{resolve:secretsmanager:prod/edge/origin-verify:SecretString:value}}';

/** A CloudFront distribution with one origin sending `headers`. */
function distribution(stack: Stack, headers: Record<string, string>): cloudfront.CfnDistribution {
  return new cloudfront.CfnDistribution(stack, 'Cdn', {
    distributionConfig: {
      enabled: true,
      origins: [{
        id: 'alb',
        domainName: 'alb.example.com',
        customOriginConfig: { originProtocolPolicy: 'https-only' },
        originCustomHeaders: Object.entries(headers).map(([headerName, headerValue]) => ({ headerName, headerValue })),
      }],
      defaultCacheBehavior: { targetOriginId: 'alb', viewerProtocolPolicy: 'https-only' },
    },
  });
}

/** An ALB listener rule forwarding requests whose header `name` is one of `values`. */
function listenerRule(stack: Stack, name: string, values: string[]): elbv2.CfnListenerRule {
  return new elbv2.CfnListenerRule(stack, 'Rule', {
    listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2',
    priority: 1,
    conditions: [{ field: 'http-header', httpHeaderConfig: { httpHeaderName: name, values } }],
    actions: [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '200' } }],
  });
}

describe('NoCredentialInHeader', () => {
  describe('header names and values (CloudFront origin custom headers)', () => {
    test.each([
      ['X-Origin-Verify', SHARED_SECRET],
      ['X-Api-Key', 'partner-key-2024'],
      ['Authorization', 'Basic dXNlcjpodW50ZXIy'],
      ['X-Custom-Secret', SHARED_SECRET],
      ['X-Upstream-Token', SHARED_SECRET],
      ['x-origin-verify', SHARED_SECRET],
      ['X-Auth-Client', SHARED_SECRET],
    ])('Noncompliance 1: %s with a literal value', (name, value) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      distribution(stack, { [name]: value });
      // THEN
      const findings = ruleFindings(stack, RULE);
      expect(pairs(findings)).toEqual([[`${ID}[DistributionConfig.Origins[0].OriginCustomHeaders[0].HeaderValue]`, 'Stack/Cdn']]);
      expect(findings[0].severity).toBe('error');
      expect(findings[0].description).toContain(`Header '${name}'`);
      expect(findings[0].description).not.toContain(value);
    });

    test.each([
      ['a credential header from a dynamic reference', 'X-Origin-Verify', DYNAMIC],
      ['a header that is not a credential', 'X-Forwarded-Region', 'eu-west-1'],
      ['a version header', 'X-Docs-Version', '2024-06'],
      ['a weak name (auth) with a word for a value', 'X-Auth-Mode', 'strict'],
      ['a weak name (auth) with a short word', 'X-Auth-Realm', 'partners'],
      ['a key id, not a key', 'X-Api-Key-Id', 'kid-2024-06'],
      ['a credential header set to a boolean word', 'X-Origin-Verify', 'true'],
    ])('Compliance 1: %s', (_case, name, value) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      distribution(stack, { [name]: value });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Compliance 2: the value from a NoEcho parameter without a default', () => {
      // GIVEN
      const stack = newStack();
      const verify = new CfnParameter(stack, 'OriginVerify', { noEcho: true });
      // WHEN
      distribution(stack, { 'X-Origin-Verify': verify.valueAsString });
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });

    test('Noncompliance 2: the value from a parameter default', () => {
      // GIVEN
      const stack = newStack();
      const verify = new CfnParameter(stack, 'OriginVerify', { default: SHARED_SECRET });
      // WHEN
      distribution(stack, { 'X-Origin-Verify': verify.valueAsString });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[DistributionConfig.Origins[0].OriginCustomHeaders[0].HeaderValue]`, 'Stack/Cdn']]);
    });
  });

  describe('ALB listener rule header conditions', () => {
    test('Noncompliance 3: the accepted value of X-Origin-Verify is written in the rule', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      listenerRule(stack, 'X-Origin-Verify', [SHARED_SECRET]);
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Conditions[0].HttpHeaderConfig.Values[0]]`, 'Stack/Rule']]);
    });

    test.each([
      ['User-Agent', ['Amazon CloudFront']],
      ['X-Origin-Verify', [DYNAMIC]],
      ['Host', ['shop.example.com']],
    ])('Compliance 3: %s %j', (name, values) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      listenerRule(stack, name, values);
      // THEN
      expect(ruleFindings(stack, RULE)).toEqual([]);
    });
  });

  describe('API Gateway integrations', () => {
    test.each([
      ["'static' value of a REST integration", "'" + SHARED_SECRET + "'", true],
      ['request mapping of a REST integration', 'method.request.header.x-api-key', false],
      ['context mapping of a REST integration', 'context.authorizer.apiKey', false],
    ])('REST API: x-api-key from a %s', (_case, value, expected) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new apigateway.CfnMethod(stack, 'Method', {
        restApiId: 'abc123',
        resourceId: 'def456',
        httpMethod: 'GET',
        authorizationType: 'AWS_IAM',
        integration: {
          type: 'HTTP_PROXY',
          integrationHttpMethod: 'GET',
          uri: 'https://partner.example.com/v1',
          requestParameters: { 'integration.request.header.x-api-key': value },
        },
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual(expected ? [[`${ID}[Integration.RequestParameters.integration.request.header.x-api-key]`, 'Stack/Method']] : []);
    });

    test.each([
      ['a static value', 'Bearer ' + SHARED_SECRET, true],
      ['the caller\'s header', '$request.header.Authorization', false],
      ['a stage variable', '$stageVariables.upstreamAuthorization', false],
    ])('HTTP API: Authorization from %s', (_case, value, expected) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new apigatewayv2.CfnIntegration(stack, 'Integration', {
        apiId: 'abc123',
        integrationType: 'HTTP_PROXY',
        integrationMethod: 'ANY',
        integrationUri: 'https://orders.example.com',
        payloadFormatVersion: '1.0',
        requestParameters: { 'overwrite:header.Authorization': value, 'append:header.X-Request-Source': 'http-api' },
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual(expected ? [[`${ID}[RequestParameters.overwrite:header.Authorization]`, 'Stack/Integration']] : []);
    });
  });

  describe('EventBridge and Pipes HTTP parameters', () => {
    test('Noncompliance 4: a connection header and query string parameter, whether or not marked IsValueSecret', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new events.CfnConnection(stack, 'Connection', {
        authorizationType: 'API_KEY',
        authParameters: {
          apiKeyAuthParameters: { apiKeyName: 'X-Api-Key', apiKeyValue: '{{resolve:secretsmanager:prod/ledger/api-key}}' },
          invocationHttpParameters: {
            headerParameters: [
              { key: 'X-Tenant', value: 'acme-eu' },
              { key: 'X-Session-Token', value: SHARED_SECRET, isValueSecret: true },
            ],
            queryStringParameters: [{ key: 'api_key', value: SHARED_SECRET }],
          },
        },
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([
        [`${ID}[AuthParameters.InvocationHttpParameters.HeaderParameters[1].Value]`, 'Stack/Connection'],
        [`${ID}[AuthParameters.InvocationHttpParameters.QueryStringParameters[0].Value]`, 'Stack/Connection'],
      ]);
    });

    test('Noncompliance 5: rule targets and pipes', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new events.CfnRule(stack, 'Rule', {
        eventPattern: { source: ['acme.orders'] },
        targets: [{
          id: 'api',
          arn: 'arn:aws:execute-api:eu-west-1:111111111111:abc123/prod/POST/orders',
          httpParameters: { headerParameters: { 'X-Api-Key': SHARED_SECRET, 'X-Source': 'events' } },
        }],
      });
      new pipes.CfnPipe(stack, 'Pipe', {
        roleArn: 'arn:aws:iam::111111111111:role/pipe',
        source: 'arn:aws:sqs:eu-west-1:111111111111:orders',
        target: 'arn:aws:execute-api:eu-west-1:111111111111:abc123/prod/POST/orders',
        targetParameters: { httpParameters: { headerParameters: { Authorization: 'Bearer ' + SHARED_SECRET } } },
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual([
        [`${ID}[TargetParameters.HttpParameters.HeaderParameters.Authorization]`, 'Stack/Pipe'],
        [`${ID}[Targets[0].HttpParameters.HeaderParameters.X-Api-Key]`, 'Stack/Rule'],
      ]);
    });
  });

  describe('CloudFront functions', () => {
    test.each([
      [`request.headers['x-origin-verify'] = { value: '${SHARED_SECRET}' };`, true],
      ['request.headers["x-forwarded-region"] = { value: "eu-west-1" };', false],
      ['request.headers[\'x-origin-verify\'] = { value: request.headers.host.value };', false],
    ])('%s', (code, expected) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new cloudfront.CfnFunction(stack, 'Fn', {
        name: 'add-header',
        autoPublish: true,
        functionConfig: { comment: 'adds a header', runtime: 'cloudfront-js-2.0' },
        functionCode: `function handler(event) { var request = event.request; ${code} return request; }`,
      });
      // THEN
      expect(pairs(ruleFindings(stack, RULE))).toEqual(expected ? [[`${ID}[FunctionCode:x-origin-verify]`, 'Stack/Fn']] : []);
    });
  });
});
