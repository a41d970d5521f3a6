import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { CredentialProperty, alternativesOf, credentialPropertiesOf, credentialResourceTypes } from '../../analysis/credential-properties';
import { inlineMappings, isCredentialName, isWrittenCredential } from '../../analysis/credentials';
import { TemplateIndex, isObject } from '../../analysis/template-index';
import { flatten } from '../../analysis/values';
import { RuleContext, RuleFinding, SecretsRule, finding } from '../rule';

/** No property of the credential catalogue (`MasterUserPassword`, `AuthToken`, ...) holds a credential written into the template. */
export const NoCredentialInResourceProperty: SecretsRule = {
  name: 'NoCredentialInResourceProperty',
  level: NagMessageLevel.ERROR,
  resourceTypes: credentialResourceTypes(),
  requirement: 'No property that holds a credential (database master passwords, directory and IAM passwords, cache auth tokens, OAuth and webhook secrets, '
    + 'delivery and integration credentials, cfn-init authentication; see docs/credentials.md) is written into the template: each is a dynamic reference, '
    + 'a NoEcho parameter without a Default, a Secrets Manager ARN property, or left to the service to manage.',
  controls: 'SOC 2 CC6.1; PCI DSS 4.0 8.3.2, 8.6.2, 3.5.1; NIST 800-53 IA-5(7), SC-28',
  fix: 'CloudFormation: set the service-managed alternative where there is one (ManageMasterUserPassword: true, ManageMasterPassword, ManageAdminPassword, a SecretsManagerSecretId '
    + 'or SecretArn property), or write {{resolve:secretsmanager:...}} / a NoEcho parameter without Default; with CDK, keep the value in a HardenedSecret and pass '
    + 'secret.secretValueFromJson(...) or the secret ARN. Rotate the exposed value.',
  check(node: CfnResource, context: RuleContext) {
    const index = context.index(node);
    const view = index.view(node);
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const row of credentialPropertiesOf(view.type)) {
      const metadata = row.path.startsWith('Metadata.');
      const root = metadata ? view.metadata : view.properties;
      const path = metadata ? row.path.slice('Metadata.'.length) : row.path;
      for (const hit of valuesAt(inlineMappings(root, index), path, metadata ? 'Metadata' : '')) {
        if (seen.has(hit.path) || (row.credentialNamedKeysOnly && !isCredentialName(hit.key))) {
          continue;
        }
        const problem = judge(hit.value, row, index);
        if (problem) {
          seen.add(hit.path);
          const instead = alternativesOf(row);
          const fix = instead.length > 0 ? ` Use ${instead.join(', or ')} instead.` : ' Fetch the value at boot with the instance role instead.';
          out.push(problem.unproven
            ? { message: `${hit.path} holds a ${row.kind} whose value ${problem.text}.${fix}`, suffix: hit.path, unproven: true }
            : finding(`${hit.path} holds a ${row.kind} and ${problem.text}.${fix}`, hit.path));
        }
      }
    }
    return out;
  },
};

interface Problem {
  readonly text: string;
  readonly unproven?: boolean;
}

/** What is wrong with the value of a credential property, or undefined when nothing is. */
function judge(value: unknown, row: CredentialProperty, index: TemplateIndex): Problem | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const text = flatten(inlineMappings(value, index), index).text;
  if (/\{\{resolve:ssm:/.test(text)) {
    return { text: 'its value comes from a plain String SSM parameter ({{resolve:ssm:...}}), which is neither encrypted nor access-controlled like a secret' };
  }
  if (isWrittenCredential(value, index)) {
    return { text: 'its value is written into the template (literally, in a Mappings entry or as a parameter Default), so it is in every copy of the template' };
  }
  if (!row.noEchoParameter && isSecretAccessKeyAttribute(value, index)) {
    return { text: 'its value is the SecretAccessKey of an AWS::IAM::AccessKey, which Metadata does not hide: DescribeStackResource returns it in plain text' };
  }
  const flat = flatten(inlineMappings(value, index), index);
  if (flat.kind !== 'unknown') {
    return undefined;
  }
  if (flat.fromNoEchoParameters) {
    return row.noEchoParameter
      ? undefined
      : { text: 'its value comes from a NoEcho parameter, which does not hide Metadata: DescribeStackResource returns it in plain text' };
  }
  if (/^it is parameter /.test(flat.unknownBecause ?? '')) {
    return { text: `its value comes from a parameter that is not NoEcho (${flat.unknownBecause}), so the console and DescribeStacks show it in plain text` };
  }
  return { text: `cannot be proven to stay out of plain text: ${flat.unknownBecause}`, unproven: true };
}

/** `Fn::GetAtt: [Key, SecretAccessKey]` of an `AWS::IAM::AccessKey` (the classic cfn-init `Authentication` pattern). */
function isSecretAccessKeyAttribute(value: unknown, index: TemplateIndex): boolean {
  if (!isObject(value) || Object.keys(value).length !== 1 || value['Fn::GetAtt'] === undefined) {
    return false;
  }
  const getAtt = value['Fn::GetAtt'];
  const attribute = Array.isArray(getAtt) ? getAtt[1] : typeof getAtt === 'string' ? getAtt.split('.').slice(1).join('.') : undefined;
  return attribute === 'SecretAccessKey' && index.target(value)?.type === 'AWS::IAM::AccessKey';
}

interface Hit {
  /** The concrete property path: `Users[1].Password`, `Metadata.AWS::CloudFormation::Authentication.S3Creds.secretKey`. */
  readonly path: string;
  /** The last map key the path went through (for `*` rows), or the last property name. */
  readonly key: string;
  readonly value: unknown;
}

/** The values a catalogue path designates in `root`; list items and map keys are expanded. */
function valuesAt(root: unknown, path: string, prefix: string): Hit[] {
  let current: Hit[] = [{ path: prefix, key: '', value: root }];
  for (const segment of path.split('.')) {
    const next: Hit[] = [];
    const list = segment.endsWith('[]');
    const name = list ? segment.slice(0, -2) : segment;
    for (const hit of current) {
      if (!isObject(hit.value) || isIntrinsic(hit.value)) {
        continue;
      }
      const keys = name === '*' ? Object.keys(hit.value) : [name];
      for (const key of keys) {
        const value = hit.value[key];
        if (value === undefined) {
          continue;
        }
        const at = hit.path ? `${hit.path}.${key}` : key;
        if (!list) {
          next.push({ path: at, key, value });
        } else if (Array.isArray(value)) {
          value.forEach((item, i) => next.push({ path: `${at}[${i}]`, key, value: item }));
        }
      }
    }
    current = next;
  }
  return current;
}

function isIntrinsic(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}
