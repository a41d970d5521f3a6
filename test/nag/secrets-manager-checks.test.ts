import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Fn, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagMessageLevel } from 'cdk-nag';
import { packFindings } from './pack-helpers';
import { rulesTable } from '../../build-tools/rules-table';
import { HardenedSecret, SecretRotationPolicy, SecretsManagerChecks } from '../../src';
import { RULES } from '../../src/nag/rules';
import { newStack } from '../helpers/stacks';
import { acknowledgements } from '../nag-helpers';

describe('SecretsManagerChecks', () => {
  describe('options', () => {
    test.each([
      [{ maxRotationInterval: Duration.hours(3) }, /invalid `maxRotationInterval`: got "3 hours"; allowed: from 4 hours to 365 days/],
      [{ maxRotationInterval: Duration.days(366) }, /invalid `maxRotationInterval`: got "366 days"; allowed: from 4 hours to 365 days/],
      [{ secretNamePattern: '([a-z' }, /invalid `secretNamePattern`: got "\(\[a-z"; allowed: a JavaScript regular expression/],
      [{ warnings: ['SecretRetained'] }, /invalid `warnings`: got "SecretRetained"; allowed: SecretPolicyRequiresTls, SecretRetainedOnReplace, IamReadPinnedToCurrent/],
      [{ externalMonitor: 'trail' }, /invalid `externalMonitor`: got "trail"; allowed: a description of the monitor of at least 10 characters/],
      [{ requiredTags: [''] }, /invalid `requiredTags`: got ""; allowed: tag keys of 1-128/],
    ])('%j is refused at construction', (props, message) => {
      expect(() => new SecretsManagerChecks(new App(), props)).toThrow(message);
    });

    test('every problem is reported at once, under the path of the scope', () => {
      const app = new App();
      const stack = new Stack(app, 'Governed');
      expect(() => new SecretsManagerChecks(stack, { maxRotationInterval: Duration.hours(1), warnings: ['Nope'] }))
        .toThrow(/^Governed\/SecretsManagerChecks: 2 invalid props:\n {2}- invalid `maxRotationInterval`.*\n {2}- invalid `warnings`/);
    });

    test('warnings selects which warning rules run; error rules always run', () => {
      const stack = newStack();
      new secretsmanager.CfnSecret(stack, 'Raw', { generateSecretString: {} });
      const rules = new Set(packFindings(stack, { warnings: ['SecretTags'] }).map(f => f.rule));
      expect(rules.has('HardenedSecrets-SecretTags')).toBe(true);
      expect(rules.has('HardenedSecrets-SecretAccessMonitored')).toBe(false);
      expect(rules.has('HardenedSecrets-SecretRetained')).toBe(true);
      const none = packFindings(stack, { warnings: [] });
      expect(none.filter(f => f.severity === 'warning')).toEqual([]);
    });
  });

  describe('findings', () => {
    test('each resource gets its own description, not the first resource\'s', () => {
      // GIVEN two secrets failing the same rule
      const stack = newStack();
      new secretsmanager.CfnSecret(stack, 'First', { generateSecretString: {} });
      new secretsmanager.CfnSecret(stack, 'Second', { generateSecretString: {} });
      // WHEN
      const retained = packFindings(stack).filter(f => f.rule === 'HardenedSecrets-SecretRetained');
      // THEN each description names its own resource
      expect(retained.map(f => [f.path, f.description.split(': ')[0]])).toEqual([
        ['Stack/First', 'AWS::SecretsManager::Secret First'],
        ['Stack/Second', 'AWS::SecretsManager::Secret Second'],
      ]);
    });

    test('each validation run reads the tree afresh: a fix made after a run is seen by the next', () => {
      // GIVEN a pack that has found a secret without a customer-managed key
      const stack = newStack();
      const secret = new secretsmanager.CfnSecret(stack, 'Raw', { generateSecretString: {} });
      const pack = new SecretsManagerChecks(undefined, { warnings: [] });
      const keyFindings = () => pack.validateScope(stack).violations
        .filter(v => v.ruleName === 'HardenedSecrets-SecretCustomerManagedKey')
        .flatMap(v => v.violatingResources.map(r => r.constructPath));
      expect(keyFindings()).toEqual(['Stack/Raw']);
      // WHEN the secret is given a key by ARN (no resource is added: only a new run can see the change)
      secret.kmsKeyId = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      // THEN the same pack no longer finds it
      expect(keyFindings()).toEqual([]);
    });

    test('a finding says what is wrong, why (controls) and how to fix it', () => {
      const stack = newStack();
      new secretsmanager.CfnSecret(stack, 'Raw', { generateSecretString: {} });
      const [finding] = packFindings(stack).filter(f => f.rule === 'HardenedSecrets-SecretCustomerManagedKey');
      expect(finding.description).toMatch(/^AWS::SecretsManager::Secret Raw: KmsKeyId is not set.* Why: SOC 2 CC6\.1.*NIST 800-53 SC-12.* Fix: CloudFormation: set KmsKeyId.* CDK: /);
    });

    test('what the template cannot prove is reported as a warning, saying why', () => {
      // GIVEN a key imported from another stack, and one written in the template that is AWS managed
      const stack = newStack();
      new secretsmanager.CfnSecret(stack, 'Imported', { kmsKeyId: Fn.importValue('PlatformSecretsKeyArn') });
      new secretsmanager.CfnSecret(stack, 'Managed', { kmsKeyId: 'alias/aws/secretsmanager' });
      // WHEN
      const cmk = packFindings(stack).filter(f => f.rule === 'HardenedSecrets-SecretCustomerManagedKey');
      // THEN the import is a warning that names the import; the AWS managed key an error
      expect(cmk.map(f => [f.path, f.severity])).toEqual([['Stack/Imported', 'warning'], ['Stack/Managed', 'error']]);
      expect(cmk[0].description).toMatch(/cannot be proven to be a customer-managed key: it is an Fn::ImportValue from another stack/);
    });

    test('a literal accepted with plaintextJustification is acknowledged with the justification', () => {
      const stack = newStack();
      new HardenedSecret(stack, 'Fixture', {
        secretStringValue: SecretValue.unsafePlainText('not-a-real-password'),
        plaintextJustification: 'Test fixture for the local emulator; grants nothing',
        rotation: SecretRotationPolicy.none('Fixture value for the local emulator only'),
      });
      expect(packFindings(stack, { warnings: [] })).toEqual([]);
      expect(acknowledgements(stack).filter(a => a.rule.startsWith('HardenedSecrets-NoLiteral'))).toEqual([{
        path: 'Stack/Fixture/Resource',
        rule: 'HardenedSecrets-NoLiteralSecretString[SecretString]',
        reason: 'Literal value accepted: Test fixture for the local emulator; grants nothing',
      }]);
    });

    test('the pack runs as a validation plugin: cdk synth fails on an unacknowledged error', () => {
      const app = new App();
      const stack = new Stack(app, 'Plain');
      new secretsmanager.Secret(stack, 'Secret');
      Validations.of(app).addPlugins(new SecretsManagerChecks(app, { warnings: [] }));
      try {
        expect(() => app.synth()).toThrow(/HardenedSecrets-SecretCustomerManagedKey/);
      } finally {
        // synth set process.exitCode = 1 as the CLI should; this test expected it.
        process.exitCode = 0;
      }
    });
  });

  describe('catalogue', () => {
    test('RULE_NAMES lists every rule once, in catalogue order', () => {
      expect(SecretsManagerChecks.RULE_NAMES).toEqual(RULES.map(r => r.name));
      expect(new Set(SecretsManagerChecks.RULE_NAMES).size).toBe(RULES.length);
    });

    test('each rule lives in its own file under src/nag/rules, named after it', () => {
      const files = fs.readdirSync(path.join(__dirname, '../../src/nag/rules'));
      for (const rule of RULES) {
        const file = `${rule.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`;
        expect({ rule: rule.name, exists: files.includes(file) }).toEqual({ rule: rule.name, exists: true });
      }
    });

    test('RULES.md holds the rule table rendered from the catalogue', () => {
      // Regenerate with: ts-node --project tsconfig.dev.json build-tools/rules-table.ts --write
      const readme = fs.readFileSync(path.join(__dirname, '../../RULES.md'), 'utf8');
      expect(readme).toContain(rulesTable());
    });

    test('RULES.md lists every rule with its level', () => {
      const readme = fs.readFileSync(path.join(__dirname, '../../RULES.md'), 'utf8');
      for (const rule of RULES) {
        const level = rule.level === NagMessageLevel.ERROR ? 'error' : 'warning';
        // (each row opens with the anchor the SARIF helpUri links to)
        expect(readme).toContain(`| <a id="hardenedsecrets-${rule.name.toLowerCase()}"></a>\`HardenedSecrets-${rule.name}\` | ${level} |`);
      }
    });

    test('every rule says what it requires, which controls it serves and how to fix a finding', () => {
      for (const rule of RULES) {
        expect({ rule: rule.name, controls: /SOC 2|PCI DSS|NIST 800-53/.test(rule.controls), fix: rule.fix.length > 20, requirement: rule.requirement.length > 20 })
          .toEqual({ rule: rule.name, controls: true, fix: true, requirement: true });
      }
    });
  });
});
