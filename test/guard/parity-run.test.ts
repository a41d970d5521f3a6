import { compare, corpusFiles, CORPUS_DIR, differenceKey, finding, guardFindings, shapeCorpus, templateKey, BLIND_DIR } from './parity-run';

describe('the parity run', () => {
  describe('compare', () => {
    const pack = new Map([
      ['templates/a.yaml', new Set([finding('HardenedSecrets-A', 'X'), finding('HardenedSecrets-A', 'Y'), finding('HardenedSecrets-Other', 'X')])],
      ['templates/b.yaml', new Set<string>()],
    ]);
    const guard = new Map([
      ['templates/a.yaml', new Set([finding('HardenedSecrets-A', 'X'), finding('HardenedSecrets-A', 'Z')])],
    ]);
    const c = compare('hook', pack, guard, new Set(['HardenedSecrets-A']));

    test('counts the pack\'s pairs on the exported rules only, Guard\'s pairs and the equal ones', () => {
      expect({ templates: c.templates, pack: c.pack, guard: c.guard, equal: c.equal }).toEqual({ templates: 2, pack: 2, guard: 2, equal: 1 });
    });

    test('names each difference with its direction', () => {
      expect(c.differences.map(differenceKey)).toEqual([
        'hook templates/a.yaml HardenedSecrets-A@Y pack-only',
        'hook templates/a.yaml HardenedSecrets-A@Z guard-only',
      ]);
    });
  });

  describe('the corpora and their shapes', () => {
    test('both corpora are read, keyed by corpus and file', () => {
      expect(corpusFiles(CORPUS_DIR)).toContain('quickstart-app-secret.yaml');
      expect(corpusFiles(BLIND_DIR)).toContain('catalog-docdb.yml');
      expect(templateKey(BLIND_DIR, 'catalog-docdb.yml')).toBe('blind/catalog-docdb.yml');
    });

    test('a hook input names its resource even where the failing clause names none', () => {
      const corpus = shapeCorpus('hook', [{ dir: CORPUS_DIR, file: 'quickstart-app-secret.yaml' }]);
      const rules = [{
        fileName: 'demo.guard',
        ruleIds: ['HardenedSecrets-SecretRetained'],
        resourceTypes: ['AWS::SecretsManager::Secret'],
        content: 'rule HardenedSecrets_SecretRetained when Resources.*.ResourceType == \'AWS::SecretsManager::Secret\' {\n'
          + '  Nothing exists << HardenedSecrets-SecretRetained: demo >>\n}\n',
      }];
      const found = guardFindings('hook', corpus, rules);
      expect([...found.byTemplate.get('templates/quickstart-app-secret.yaml')!]).toEqual(['HardenedSecrets-SecretRetained@MyAppSecret']);
    });
  });
});
