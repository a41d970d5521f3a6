import { decodeBase64Text, isCredentialName } from '../../src/analysis/credentials';

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

describe('isCredentialName', () => {
  test.each([
    ['DB_PASSWORD'],
    ['apiKey'],
    ['/prod/app/token'],
    ['client-secret'],
    ['GITHUB_TOKEN'],
    ['password'],
    ['DbPassword'],
    ['db.passwd'],
    ['SMTP_PASS'],
    ['PRIVATE_KEY'],
    ['aws_secret_access_key'],
    ['connectionString'],
  ])('%s holds a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  test.each([
    ['SECRET_ARN'],
    ['SECRET_NAME'],
    ['TOKEN_URL'],
    ['PASSPORT'],
    ['PASSWORD_LENGTH'],
    ['KEY'],
    ['secretArn'],
    ['/prod/app/db-password-arn'],
    ['TOKEN_TTL'],
    ['KMS_KEY_ID'],
    ['PASSWORD_ROTATION'],
    ['DB_USER'],
    ['BYPASS'],
    ['TOKENIZER'],
    [''],
  ])('%p does not hold a credential', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });
});

describe('decodeBase64Text', () => {
  test('decodes base64 of printable text', () => {
    const script = '#!/bin/bash\nexport DB_PASSWORD=hunter2\n';
    expect(decodeBase64Text(base64(script))).toBe(script);
  });

  test('ignores whitespace and line breaks in the encoded text', () => {
    const script = '#!/bin/bash\necho hello world from user data\n';
    const wrapped = base64(script).replace(/(.{16})/g, '$1\n  ');
    expect(decodeBase64Text(wrapped)).toBe(script);
  });

  test.each([
    ['15 characters', 'QUJDREVGR0hJSktM'.slice(0, 15)],
    ['12 characters of valid base64', base64('abcdefghi')],
  ])('is undefined below 16 characters (%s)', (_name, text) => {
    expect(text.length).toBeLessThan(16);
    expect(decodeBase64Text(text)).toBeUndefined();
  });

  test('decodes exactly 16 characters', () => {
    expect(base64('abcdefghijkl')).toHaveLength(16);
    expect(decodeBase64Text(base64('abcdefghijkl'))).toBe('abcdefghijkl');
  });

  test('is undefined when the length is not a multiple of 4', () => {
    expect(decodeBase64Text(`${base64('abcdefghijkl')}A`)).toBeUndefined();
  });

  test.each([
    ['plain text', 'export DB_PASSWORD=hunter2'],
    ['base64url characters', 'YWJj-ZGVm_Z2hpamts'],
    ['padding in the middle', 'YWJj=ZGVmZ2hpamtsbW5v'],
    ['too much padding', 'YWJjZGVmZ2hpams==='],
  ])('is undefined for %s', (_name, text) => {
    expect(decodeBase64Text(text)).toBeUndefined();
  });

  test('is undefined for base64 of binary data', () => {
    const binary = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 37) % 256)).toString('base64');
    expect(decodeBase64Text(binary)).toBeUndefined();
  });

  test('an alphanumeric word of 16 characters that is not text once decoded is undefined', () => {
    expect(decodeBase64Text('AKIAIOSFODNN7EXA')).toBeUndefined();
  });
});
