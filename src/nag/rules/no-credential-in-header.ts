import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { credentialHeaderStrength, isCredentialName, isLiteralCredential, looksRandom } from '../../analysis/credentials';
import { TemplateIndex, asArray, isObject } from '../../analysis/template-index';
import { PLACEHOLDER, flatten, literalText } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule, finding } from '../rule';

/** A header (or query parameter) a resource sends or matches, with the value the template gives it. */
interface SentValue {
  readonly name: string;
  readonly value: unknown;
  readonly path: string;
  readonly kind: 'header' | 'query string parameter';
  /**
   * How the value is written: `plain` (the string is the value), `quoted` (API Gateway REST
   * integrations: a static value is in single quotes, anything else is read from the request),
   * `mapped` (HTTP APIs: a value starting with `$` is read from the request or context).
   */
  readonly syntax: 'plain' | 'quoted' | 'mapped';
}

type Extractor = (p: Record<string, any>) => SentValue[];

/** `{ Name: value }` maps of EventBridge and Pipes HTTP parameters. */
function fromMap(map: unknown, path: string, kind: SentValue['kind']): SentValue[] {
  return isObject(map) ? Object.entries(map).map(([name, value]) => ({ name, value, path: `${path}.${name}`, kind, syntax: 'plain' })) : [];
}

/** `[{ Key, Value }]` lists of EventBridge connection parameters. */
function fromPairs(list: unknown, path: string, kind: SentValue['kind']): SentValue[] {
  return asArray(list).filter(isObject).flatMap((p, i) =>
    typeof p.Key === 'string' ? [{ name: p.Key, value: p.Value, path: `${path}[${i}].Value`, kind, syntax: 'plain' as const }] : []);
}

function httpParameters(h: unknown, path: string): SentValue[] {
  return isObject(h)
    ? [...fromMap(h.HeaderParameters, `${path}.HeaderParameters`, 'header'), ...fromMap(h.QueryStringParameters, `${path}.QueryStringParameters`, 'query string parameter')]
    : [];
}

/** Where each resource type writes the value of a header it sends (or, for ALB rules, matches). */
const PLACES: Record<string, Extractor> = {
  // An ALB rule that forwards only requests carrying a shared secret (CloudFront's X-Origin-Verify,
  // an X-Api-Key): the accepted value is the credential.
  'AWS::ElasticLoadBalancingV2::ListenerRule': p => asArray(p.Conditions).filter(isObject).flatMap((c, i) => {
    const config = c.HttpHeaderConfig;
    if (!isObject(config) || typeof config.HttpHeaderName !== 'string') {
      return [];
    }
    return asArray(config.Values).map((value, j) => ({
      name: config.HttpHeaderName, value, path: `Conditions[${i}].HttpHeaderConfig.Values[${j}]`, kind: 'header' as const, syntax: 'plain' as const,
    }));
  }),
  'AWS::CloudFront::Distribution': p => asArray(isObject(p.DistributionConfig) ? p.DistributionConfig.Origins : undefined).filter(isObject).flatMap((o, i) =>
    asArray(o.OriginCustomHeaders).filter(isObject).flatMap((h, j) => (typeof h.HeaderName === 'string'
      ? [{ name: h.HeaderName, value: h.HeaderValue, path: `DistributionConfig.Origins[${i}].OriginCustomHeaders[${j}].HeaderValue`, kind: 'header' as const, syntax: 'plain' as const }]
      : []))),
  // REST API integrations: `integration.request.header.x-api-key: "'value'"`.
  'AWS::ApiGateway::Method': p => (isObject(p.Integration) && isObject(p.Integration.RequestParameters)
    ? Object.entries(p.Integration.RequestParameters).flatMap(([key, value]) => {
      const m = /^integration\.request\.(header|querystring)\.(.+)$/.exec(key);
      return m ? [{ name: m[2], value, path: `Integration.RequestParameters.${key}`, kind: m[1] === 'header' ? 'header' as const : 'query string parameter' as const, syntax: 'quoted' as const }] : [];
    })
    : []),
  // HTTP API integrations: `append:header.Authorization: "Bearer ..."`.
  'AWS::ApiGatewayV2::Integration': p => (isObject(p.RequestParameters)
    ? Object.entries(p.RequestParameters).flatMap(([key, value]) => {
      const m = /^(?:append|overwrite):(header|querystring)\.(.+)$/.exec(key);
      return m ? [{ name: m[2], value, path: `RequestParameters.${key}`, kind: m[1] === 'header' ? 'header' as const : 'query string parameter' as const, syntax: 'mapped' as const }] : [];
    })
    : []),
  'AWS::Events::Connection': p => {
    const h = isObject(p.AuthParameters) ? p.AuthParameters.InvocationHttpParameters : undefined;
    const base = 'AuthParameters.InvocationHttpParameters';
    return isObject(h)
      ? [...fromPairs(h.HeaderParameters, `${base}.HeaderParameters`, 'header'), ...fromPairs(h.QueryStringParameters, `${base}.QueryStringParameters`, 'query string parameter')]
      : [];
  },
  'AWS::Events::Rule': p => asArray(p.Targets).filter(isObject).flatMap((t, i) => httpParameters(t.HttpParameters, `Targets[${i}].HttpParameters`)),
  'AWS::Pipes::Pipe': p => [
    ...httpParameters(isObject(p.TargetParameters) ? p.TargetParameters.HttpParameters : undefined, 'TargetParameters.HttpParameters'),
    ...httpParameters(isObject(p.EnrichmentParameters) ? p.EnrichmentParameters.HttpParameters : undefined, 'EnrichmentParameters.HttpParameters'),
  ],
};

/** A CloudFront function that adds a header: `request.headers['x-origin-verify'] = { value: '...' }`. */
const FUNCTION_HEADER = /headers\s*\[\s*(['"])([^'"]+)\1\s*\]\s*=\s*\{\s*value\s*:\s*(['"])([^'"\n]*)\3/g;

/** No credential-like header (or query string parameter) is given a literal value in the template. */
export const NoCredentialInHeader: SecretsRule = {
  name: 'NoCredentialInHeader',
  level: NagMessageLevel.ERROR,
  resourceTypes: [...Object.keys(PLACES), 'AWS::CloudFront::Function'],
  requirement: 'No header that carries a credential (Authorization, X-Api-Key, X-Origin-Verify, names with key, token, secret or auth) is given a literal value in an ALB '
    + 'listener rule condition, a CloudFront origin custom header or function, an API Gateway integration, or an EventBridge connection, rule or pipe.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: write the value as a {{resolve:secretsmanager:...}} dynamic reference (or a Ref to a NoEcho parameter without Default), keep it in a rotated secret, and rotate the exposed value. CDK: secret.secretValueFromJson(key) of a HardenedSecret, which synthesises that dynamic reference.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const view = index.view(node);
    const out: RuleFinding[] = [];
    if (view.type === 'AWS::CloudFront::Function') {
      const code = flatten(view.properties.FunctionCode, index);
      FUNCTION_HEADER.lastIndex = 0;
      for (let m = FUNCTION_HEADER.exec(code.text); m !== null; m = FUNCTION_HEADER.exec(code.text)) {
        if (isCredentialValue(m[2], m[4], index)) {
          out.push(finding(`FunctionCode sets header '${m[2]}' to a literal value, so the credential is in the template and in the function code anyone with cloudfront:DescribeFunction reads.`, `FunctionCode:${m[2]}`));
        }
      }
      return out;
    }
    for (const sent of PLACES[view.type](view.properties)) {
      if (isCredentialValue(sent.name, written(sent, index), index)) {
        out.push(finding(`${sent.kind} '${sent.name}' (${sent.path}) carries a credential and its value is written into the template.`, sent.path));
      }
    }
    return out;
  },
};

/**
 * The value as the service sends it, or undefined when it is read from the request at run time:
 * API Gateway REST integrations quote static values (`'abc'`); HTTP APIs map `$request...`,
 * `$context...` and `$stageVariables...`.
 */
function written(sent: SentValue, index: TemplateIndex): unknown {
  if (sent.syntax === 'plain') {
    return sent.value;
  }
  const flat = flatten(sent.value, index);
  if (flat.kind !== 'literal') {
    return sent.value;
  }
  const text = flat.text.trim();
  if (sent.syntax === 'quoted') {
    const m = /^'(.*)'$/s.exec(text);
    return m ? (flat.fullyLiteral ? m[1] : sent.value) : undefined;
  }
  return text.startsWith('$') ? undefined : sent.value;
}

/**
 * A value sent under a credential header name: any literal for names that always carry one
 * (`Authorization`, `X-Api-Key`), a random-looking literal for names that may
 * (`X-Auth-Client` could hold a tenant name). A query string parameter counts with a credential name.
 */
function isCredentialValue(name: string, value: unknown, index: TemplateIndex): boolean {
  if (value === undefined) {
    return false;
  }
  const strength = credentialHeaderStrength(name) ?? (isCredentialName(name) ? 'strong' : undefined);
  if (strength === undefined || !isLiteralCredential(value, index)) {
    return false;
  }
  if (strength === 'strong') {
    return true;
  }
  const flat = flatten(value, index);
  return flat.text.split(PLACEHOLDER).some(piece => looksRandom(piece)) || looksRandom(literalText(flat));
}
