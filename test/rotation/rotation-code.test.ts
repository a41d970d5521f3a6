import * as fs from 'fs';
import * as path from 'path';
import { App, AssetStaging, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HardenedSecret, RotationCode, RotationFunction, SecretRotationPolicy } from '../../src';
import * as esbuild from '../../src/private/esbuild';
import { HardenedSecretsValidationError } from '../../src/private/validation';
import { importedVpc, ISOLATED_SUBNET_IDS, secretsManagerInterfaceEndpoint } from '../helpers/vpc';
import { newStack } from '../nag-helpers';

// The README's rotator module (examples/rotation/api-token-rotator.ts), as a user writes it.
const FIXTURE = path.join(__dirname, '..', '..', 'examples', 'rotation', 'api-token-rotator.ts');
const ROOT = path.join(__dirname, '..', '..');

/** Creates a rotation function running `code` in a new stack; throws what the construct throws. */
function rotationFunction(code?: RotationCode): { stack: Stack; fn: RotationFunction } {
  const stack = newStack();
  const vpc = importedVpc(stack);
  const fn = new RotationFunction(stack, 'Rotation', { vpc, secretsManagerEndpoint: secretsManagerInterfaceEndpoint(vpc), code });
  return { stack, fn };
}

/** The validation error of a rotation function running `code`. */
function problemOf(code: RotationCode): HardenedSecretsValidationError {
  try {
    rotationFunction(code);
  } catch (e) {
    if (e instanceof HardenedSecretsValidationError) {
      return e;
    }
    throw e;
  }
  throw new Error('the rotation function was created');
}

describe('RotationCode', () => {
  describe('randomValue', () => {
    test('is the default code', () => {
      const withDefault = Template.fromStack(rotationFunction().stack).toJSON();
      const explicit = Template.fromStack(rotationFunction(RotationCode.randomValue()).stack).toJSON();
      expect(explicit).toEqual(withDefault);
    });

    test('the password policy and field become the environment of the built-in rotator', () => {
      const { stack } = rotationFunction(RotationCode.randomValue({
        passwordPolicy: {
          passwordLength: 48,
          excludeCharacters: '"@/\\',
          excludePunctuation: true,
          excludeNumbers: false,
          excludeUppercase: false,
          excludeLowercase: false,
          requireEachIncludedType: true,
        },
        field: 'token',
      }));
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: {
          Variables: {
            ROTATION_PASSWORD_LENGTH: '48',
            ROTATION_EXCLUDE_CHARACTERS: '"@/\\',
            ROTATION_EXCLUDE_PUNCTUATION: 'true',
            ROTATION_EXCLUDE_NUMBERS: 'false',
            ROTATION_EXCLUDE_UPPERCASE: 'false',
            ROTATION_EXCLUDE_LOWERCASE: 'false',
            ROTATION_REQUIRE_EACH_INCLUDED_TYPE: 'true',
            ROTATION_FIELD: 'token',
          },
        },
      });
    });

    test('without options the runtime defaults apply: no environment at all', () => {
      Template.fromStack(rotationFunction(RotationCode.randomValue()).stack)
        .hasResourceProperties('AWS::Lambda::Function', { Environment: Match.absent() });
    });

    const prop = (name: string) => `code \\(RotationCode.randomValue ${name.replace(/\./g, '\\.')}\\)`;
    test.each<[string, () => RotationCode, RegExp]>([
      ['passwordLength 0', () => RotationCode.randomValue({ passwordPolicy: { passwordLength: 0 } }),
        new RegExp(`invalid \`${prop('passwordPolicy.passwordLength')}\`: got 0; allowed: a whole number from 1 to 4096$`)],
      ['passwordLength 4097', () => RotationCode.randomValue({ passwordPolicy: { passwordLength: 4097 } }),
        new RegExp(`invalid \`${prop('passwordPolicy.passwordLength')}\`: got 4097; allowed: a whole number from 1 to 4096$`)],
      ['passwordLength 12.5', () => RotationCode.randomValue({ passwordPolicy: { passwordLength: 12.5 } }),
        new RegExp(`invalid \`${prop('passwordPolicy.passwordLength')}\`: got 12.5; allowed: a whole number from 1 to 4096$`)],
      ['passwordLength 3 with one of each of the 4 classes', () => RotationCode.randomValue({ passwordPolicy: { passwordLength: 3 } }),
        new RegExp(`invalid \`${prop('passwordPolicy.passwordLength')}\`: got 3; allowed: at least 4: requireEachIncludedType asks for one character of each of the 4 classes`)],
      ['excludeCharacters of 4097 characters', () => RotationCode.randomValue({ passwordPolicy: { excludeCharacters: 'a'.repeat(4097) } }),
        new RegExp(`invalid \`${prop('passwordPolicy.excludeCharacters')}\`: got "a{117}\\.\\.\\."; allowed: at most 4096 characters$`)],
      ['every class excluded', () => RotationCode.randomValue({
        passwordPolicy: { excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true },
      }), new RegExp(`invalid \`${prop('passwordPolicy')}\`: got \\{.*\\}; allowed: at least one character class \\(lowercase, uppercase, numbers, punctuation\\)`)],
      ['every digit excluded of the only class left', () => RotationCode.randomValue({
        passwordPolicy: { excludeLowercase: true, excludeUppercase: true, excludePunctuation: true, excludeCharacters: '0123456789' },
      }), new RegExp(`invalid \`${prop('passwordPolicy')}\`: got .*"excludeCharacters":"0123456789".*; allowed: at least one character class`)],
      ['an empty field', () => RotationCode.randomValue({ field: ' ' }),
        new RegExp(`invalid \`${prop('field')}\`: got " "; allowed: the name of a JSON field, not empty$`)],
    ])('%s fails at synth, naming the construct, the prop, the value and the allowed range', (_label, code, message) => {
      const error = problemOf(code());
      expect(error.constructPath).toBe('Stack/Rotation');
      expect(error.message).toMatch(/^Stack\/Rotation: /);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(message);
    });

    test.each<[string, number, boolean | undefined]>([
      ['1 without one of each class', 1, false],
      ['4 with one of each of the 4 classes', 4, undefined],
      ['4096', 4096, undefined],
    ])('length %s is accepted', (_label, passwordLength, requireEachIncludedType) => {
      expect(() => rotationFunction(RotationCode.randomValue({ passwordPolicy: { passwordLength, requireEachIncludedType } }))).not.toThrow();
    });

    test('the factory records its problems and the function reports them all at once', () => {
      // GIVEN a code with two problems: the factory itself does not throw
      const code = RotationCode.randomValue({ passwordPolicy: { passwordLength: 0 }, field: '' });
      // WHEN / THEN
      const error = problemOf(code);
      expect(error.problems).toEqual([
        expect.stringMatching(/^invalid `code \(RotationCode.randomValue passwordPolicy.passwordLength\)`: got 0/),
        expect.stringMatching(/^invalid `code \(RotationCode.randomValue field\)`: got ""/),
      ]);
    });
  });

  describe('fromEntry', () => {
    test('bundles the rotator module with the local esbuild, minified, without the AWS SDK', () => {
      // GIVEN
      const { stack, fn } = rotationFunction(RotationCode.fromEntry(FIXTURE));
      new HardenedSecret(stack, 'Secret', { rotation: SecretRotationPolicy.custom(fn) });
      // THEN the asset is a single local bundle
      const staging = fn.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging)!;
      const files = fs.readdirSync(staging.absoluteStagedPath);
      expect(files).toEqual(['index.js']);
      const code = fs.readFileSync(path.join(staging.absoluteStagedPath, 'index.js'), 'utf8');
      // it holds the rotator and the framework...
      expect(code).toContain('token registered with the service');
      // ...requires the SDK of the runtime and bundles none of it
      expect(code).toMatch(/require\("@aws-sdk\/client-secrets-manager"\)/);
      expect(code.replace(/require\("@aws-sdk\/[a-z-]+"\)/g, '')).not.toMatch(/@aws-sdk/);
      expect(code).not.toMatch(/\n\s*\/\/ node_modules\//); // minified: no module comments
      expect(Buffer.byteLength(code)).toBeLessThan(50 * 1024);
      // AND the function has the same hardening as the built-in one
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        ReservedConcurrentExecutions: 1,
        VpcConfig: Match.objectLike({ SubnetIds: ISOLATED_SUBNET_IDS }),
        Environment: Match.absent(),
      });
      template.hasResourceProperties('AWS::Lambda::Permission', { SourceAccount: '111111111111', SourceArn: Match.anyValue() });
      template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    });

    test('environment and handler name are passed', () => {
      const { stack } = rotationFunction(RotationCode.fromEntry(FIXTURE, {
        handler: 'handler',
        environment: { SERVICE_URL: 'https://api.example.com' },
      }));
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: { Variables: { SERVICE_URL: 'https://api.example.com' } },
      });
    });

    const prop = (name: string) => `code \\(RotationCode.fromEntry ${name}\\)`;
    test.each<[string, () => RotationCode, RegExp]>([
      ['a missing module', () => RotationCode.fromEntry('no/such/rotator.ts'),
        new RegExp(`invalid \`${prop('entry')}\`: got "no/such/rotator.ts"; allowed: the path of an existing .ts or .js module$`)],
      ['a directory', () => RotationCode.fromEntry(path.dirname(FIXTURE)),
        new RegExp(`invalid \`${prop('entry')}\`: got ".*rotation"; allowed: the path of an existing .ts or .js module$`)],
      ['a module of another language', () => RotationCode.fromEntry(path.join(ROOT, 'README.md')),
        new RegExp(`invalid \`${prop('entry')}\`: got ".*README.md"; allowed: a .ts, .mts, .cts, .js, .mjs or .cjs module$`)],
      ['a handler that is not an identifier', () => RotationCode.fromEntry(FIXTURE, { handler: 'index.handler' }),
        new RegExp(`invalid \`${prop('handler')}\`: got "index.handler"; allowed: the name of an export of the module, a JavaScript identifier$`)],
      ['an environment variable name Lambda refuses', () => RotationCode.fromEntry(FIXTURE, { environment: { 'SERVICE-URL': 'x' } }),
        new RegExp(`invalid \`${prop('environment')}\`: got "SERVICE-URL"; allowed: variable names of a letter, then at least one letter, digit or underscore`)],
    ])('%s fails at synth, naming the construct, the prop, the value and the allowed range', (_label, code, message) => {
      const error = problemOf(code());
      expect(error.constructPath).toBe('Stack/Rotation');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(message);
    });

    test('without a local esbuild it fails at synth and never bundles in Docker', () => {
      // GIVEN esbuild is not installed
      const spy = jest.spyOn(esbuild, 'esbuildAvailable').mockReturnValue(false);
      try {
        // WHEN
        const code = RotationCode.fromEntry(FIXTURE);
        const stack = newStack();
        // THEN
        expect(() => new RotationFunction(stack, 'Rotation', { vpc: importedVpc(stack), code }))
          .toThrow(/^Stack\/Rotation: invalid `code \(RotationCode.fromEntry entry\)`: got ".*api-token-rotator.ts"; allowed: a module bundled by a local esbuild, which is not installed: run `npm install --save-dev esbuild` \(RotationCode.fromEntry never falls back to Docker bundling\)$/);
        expect(stack.node.tryFindChild('Rotation')).toBeUndefined();
      } finally {
        spy.mockRestore();
      }
    });

    test('esbuild is found in this repository', () => {
      expect(esbuild.esbuildAvailable(FIXTURE)).toBe(true);
    });
  });

  test('the same code may be used by two functions', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const code = RotationCode.randomValue({ field: 'token' });
    new RotationFunction(stack, 'A', { vpc, code });
    new RotationFunction(stack, 'B', { vpc, code });
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: { Variables: { ROTATION_FIELD: 'token' } } }, 2);
  });

  test('both rotators synthesise the functions of the committed integration snapshot (integ.custom-rotation.ts)', () => {
    // GIVEN the stack of integ/integ.custom-rotation.ts, its two rotation functions only
    const stack = new Stack(new App(), 'CustomRotationInteg');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      restrictDefaultSecurityGroup: false,
    });
    const endpoint = secretsManagerInterfaceEndpoint(vpc);
    new RotationFunction(stack, 'TokenRotation', {
      vpc,
      secretsManagerEndpoint: endpoint,
      code: RotationCode.randomValue({ passwordPolicy: { passwordLength: 48, excludePunctuation: true }, field: 'token' }),
    });
    new RotationFunction(stack, 'PartnerRotation', {
      vpc,
      secretsManagerEndpoint: endpoint,
      code: RotationCode.fromEntry(FIXTURE),
      timeout: Duration.minutes(1),
    });
    // WHEN
    const ofFunctions = (resources: Record<string, Record<string, unknown>>) => Object.fromEntries(Object.entries(resources)
      .filter(([id]) => /^(Token|Partner)Rotation/.test(id))
      .map(([id, { Type, Properties, DependsOn, DeletionPolicy, UpdateReplacePolicy }]) =>
        [id, { Type, Properties, DependsOn, DeletionPolicy, UpdateReplacePolicy }]));
    const synthesised = ofFunctions(Template.fromStack(stack).toJSON().Resources);
    const snapshot = JSON.parse(fs.readFileSync(path.join(ROOT, 'integ', 'integ.custom-rotation.ts.snapshot', 'CustomRotationInteg.template.json'), 'utf8'));
    // THEN the same resources, logical ids and properties (asset hashes aside, as integ/snapshot.ts compares them)
    const normalised = (resources: object) => JSON.parse(JSON.stringify(resources).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
    expect(Object.keys(synthesised)).toHaveLength(16);
    expect(normalised(synthesised)).toEqual(normalised(ofFunctions(snapshot.Resources)));
  });
});
