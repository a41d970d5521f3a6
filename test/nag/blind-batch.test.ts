import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { PackFinding, packFindings } from './pack-helpers';
import { loadTemplates } from '../../src/cli/load';

/**
 * The blind batch (test/fixtures/blind): templates a reviewer wrote from the credential
 * requirements alone, without seeing the rules, each labelled with the logical ids that carry a
 * hard-coded credential. Every vulnerable one must get a credential error on a listed logical id,
 * and no fine one a credential error. Each template is read as the audit command reads it
 * (SAM and other transforms included).
 */
const BLIND = path.join(__dirname, '..', 'fixtures', 'blind');

interface BlindLabel {
  readonly kind: 'vulnerable' | 'fine';
  readonly credentials: string[];
  readonly note: string;
}

const labels: Record<string, BlindLabel> = JSON.parse(fs.readFileSync(path.join(BLIND, 'labels.json'), 'utf8'));
const files = Object.keys(labels).sort();

/** The rules whose findings are hard-coded credentials. */
const CREDENTIAL_RULE = /^HardenedSecrets-(NoCredentialIn\w+|NoAwsAccessKey|NoKnownTokenFormat|NoPrivateKeyMaterial|NoLiteralSecretString)/;

/** The credential errors of the pack on one template, by the logical id each names. */
function credentialErrors(file: string): Array<{ rule: string; logicalId?: string }> {
  const loaded = loadTemplates(path.join(BLIND, file));
  const stack = loaded.app.node.children.find((c): c is Stack => Stack.isStack(c))!;
  return packFindings(stack)
    .filter((f: PackFinding) => f.severity === 'error' && CREDENTIAL_RULE.test(f.rule))
    .map(f => ({ rule: f.rule, logicalId: loaded.locations.get(f.path)?.logicalId ?? f.path.split('/').pop() }));
}

describe('the blind batch: credentials found where the reviewer put them', () => {
  test('every template is labelled and every label has a template', () => {
    const onDisk = fs.readdirSync(BLIND).filter(f => /\.(json|ya?ml)$/.test(f) && f !== 'labels.json').sort();
    expect(onDisk).toEqual(files);
  });

  test.each(files.filter(f => labels[f].kind === 'vulnerable'))('%s: a credential error on a listed logical id', (file) => {
    const found = credentialErrors(file);
    expect({ file, caught: found.some(f => f.logicalId !== undefined && labels[file].credentials.includes(f.logicalId)) })
      .toEqual({ file, caught: true });
  });

  test.each(files.filter(f => labels[f].kind === 'fine'))('%s: no credential error', (file) => {
    expect(credentialErrors(file)).toEqual([]);
  });
});
