import { CfnParameter, Fn, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { newStack } from '../../helpers/stacks';
import { pairs, ruleFindings } from '../pack-helpers';
import { inlineFunction, stackWithParameter } from '../rule-fixtures';

const RULE = 'NoPrivateKeyMaterial';
const ID = `HardenedSecrets-${RULE}`;
/** Fake key body: never a real key, and built at run time so that secret scanners leave this file alone. */
const BODY = 'MIIEowIBAAKCAQEAfakefakefakefakefakefakefakefakefakefakefake';
const TLS_PARAMETER = '/prod/app/tls';

function pem(label: string): string {
  const dashes = '-'.repeat(5);
  return `${dashes}BEGIN ${label}${dashes}\n${BODY}\n${dashes}END ${label}${dashes}\n`;
}

describe('NoPrivateKeyMaterial', () => {
  test.each([
    ['a public key', pem('PUBLIC KEY')],
    ['an RSA public key', pem('RSA PUBLIC KEY')],
    ['a certificate', pem('CERTIFICATE')],
    ['an SSH public key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake user@host'],
    ['text about private keys', 'Rotate the PRIVATE KEY yearly'],
  ])('Compliance 1: %s is not private key material', (_name, value) => {
    expect(ruleFindings(stackWithParameter(value, TLS_PARAMETER), RULE)).toEqual([]);
  });

  test('Compliance 2: an EC2 key pair with public key material', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnKeyPair(stack, 'KeyPair', { keyName: 'deploy', publicKeyMaterial: pem('PUBLIC KEY') });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test('Compliance 3: the key passed as a dynamic reference, an import or a parameter without a default', () => {
    // GIVEN
    const stack = newStack();
    const key = new CfnParameter(stack, 'Key', { noEcho: true });
    // WHEN
    new ssm.CfnParameter(stack, 'A', { type: 'String', value: '{{resolve:secretsmanager:prod/app/tls:SecretString:key}}' });
    new ssm.CfnParameter(stack, 'B', { type: 'String', value: Fn.importValue('TlsKey') });
    new ssm.CfnParameter(stack, 'C', { type: 'String', value: key.valueAsString });
    // THEN
    expect(ruleFindings(stack, RULE)).toEqual([]);
  });

  test.each([
    ['PKCS#8', 'PRIVATE KEY'],
    ['RSA', 'RSA PRIVATE KEY'],
    ['DSA', 'DSA PRIVATE KEY'],
    ['EC', 'EC PRIVATE KEY'],
    ['OpenSSH', 'OPENSSH PRIVATE KEY'],
    ['encrypted PKCS#8', 'ENCRYPTED PRIVATE KEY'],
    ['PGP', 'PGP PRIVATE KEY BLOCK'],
  ])('Noncompliance 1: a %s private key in an SSM parameter', (_name, label) => {
    // GIVEN
    const stack = stackWithParameter(pem(label), TLS_PARAMETER);
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[Value]`, 'Stack/Param/Resource']]);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].description).toContain('Value contains a private key block.');
    expect(findings[0].description).not.toContain(BODY);
    expect(findings[0].description).not.toContain('BEGIN');
  });

  test('Noncompliance 2: a PuTTY key file', () => {
    // GIVEN
    const stack = stackWithParameter(`PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${BODY}\n`, TLS_PARAMETER);
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Value]`, 'Stack/Param/Resource']]);
  });

  test('Noncompliance 3: a private key in a secret value (L2 SecretValue.unsafePlainText and L1)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new secretsmanager.Secret(stack, 'Secret', { secretStringValue: SecretValue.unsafePlainText(pem('RSA PRIVATE KEY')) });
    new secretsmanager.CfnSecret(stack, 'Raw', { secretString: JSON.stringify({ key: pem('EC PRIVATE KEY') }) });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[SecretString]`, 'Stack/Raw'],
      [`${ID}[SecretString]`, 'Stack/Secret/Resource'],
    ]);
  });

  test('Noncompliance 4: a private key in a Lambda environment variable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    inlineFunction(stack, 'Fn', { environment: { SIGNING_CERT: pem('PRIVATE KEY') } });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([[`${ID}[Environment.Variables.SIGNING_CERT]`, 'Stack/Fn/Resource']]);
  });

  test('Noncompliance 5: pre-base64-encoded EC2 user data is decoded', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Buffer.from(`#!/bin/bash\ncat > /etc/ssl/app.key <<EOF\n${pem('RSA PRIVATE KEY')}EOF\n`).toString('base64'),
    });
    // THEN
    const findings = ruleFindings(stack, RULE);
    expect(pairs(findings)).toEqual([[`${ID}[UserData]`, 'Stack/Instance']]);
    expect(findings[0].description).not.toContain(BODY);
  });

  test('Noncompliance 6: a key inside Fn.join, Fn.sub and Fn.base64', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ssm.CfnParameter(stack, 'Joined', { type: 'String', value: Fn.join('', [pem('PRIVATE KEY'), stack.region]) });
    new ssm.CfnParameter(stack, 'Subbed', { type: 'String', value: Fn.sub(`\${AWS::Region}\n${pem('EC PRIVATE KEY')}`) });
    new ec2.CfnInstance(stack, 'Instance', {
      imageId: 'ami-0123456789abcdef0',
      userData: Fn.base64(Fn.join('\n', ['#!/bin/bash', `echo '${pem('OPENSSH PRIVATE KEY')}' > /root/.ssh/id_ed25519`])),
    });
    // THEN
    expect(pairs(ruleFindings(stack, RULE))).toEqual([
      [`${ID}[UserData]`, 'Stack/Instance'],
      [`${ID}[Value]`, 'Stack/Joined'],
      [`${ID}[Value]`, 'Stack/Subbed'],
    ]);
  });
});
