import { runCfnGuard } from './cfn-guard';

const RULES = [{
  fileName: 'demo.guard',
  content: [
    'let secrets = Resources.*[ Type == \'AWS::SecretsManager::Secret\' ]',
    'rule Demo_Retained when %secrets !empty {',
    '  %secrets { DeletionPolicy == \'Retain\' << Demo-Retained: not retained >> }',
    '}',
    'let outputs = Outputs.*',
    'rule Demo_NoPasswordOutput when %outputs !empty {',
    '  %outputs { Value != /password/ << Demo-Output: a password in an output >> }',
    '}',
    'rule Demo_Unmarked when %secrets !empty {',
    '  %secrets.Properties.Name exists',
    '}',
  ].join('\n'),
}];

describe('runCfnGuard', () => {
  const run = runCfnGuard(RULES, [
    { name: 'bad', document: { Resources: { A: { Type: 'AWS::SecretsManager::Secret', Properties: {} }, B: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain', Properties: { Name: 'b' } } }, Outputs: { Pw: { Value: 'the password' } } } },
    { name: 'good', document: { Resources: { C: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain', Properties: { Name: 'c' } } } } },
    { name: 'yaml', text: { content: 'Resources:\n  D:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: !Sub "d"\n', extension: '.yaml' } },
  ]);

  test('one run reports on every data file, by the name it was given', () => {
    expect([...run.results.keys()].sort()).toEqual(['bad', 'good', 'yaml']);
    expect(run.milliseconds).toBeGreaterThan(0);
  });

  test('a failure names the logical ids its failing clauses traversed to, in Resources and Outputs', () => {
    const bad = run.results.get('bad')!;
    expect(bad.failures.map(f => [f.rule, f.logicalIds])).toEqual(expect.arrayContaining([
      ['Demo_Retained', ['A']],
      ['Demo_NoPasswordOutput', ['Pw']],
      ['Demo_Unmarked', ['A']],
    ]));
    expect(bad.failures.find(f => f.rule === 'Demo_NoPasswordOutput')!.resourceIds).toEqual([]);
    expect(bad.failures.find(f => f.rule === 'Demo_Retained')!.resourceIds).toEqual(['A']);
  });

  test('a compliant file has no failure; a file without the resource skips the rule', () => {
    const good = run.results.get('good')!;
    expect(good.failures).toEqual([]);
    expect(good.compliant).toEqual(expect.arrayContaining(['Demo_Retained']));
    expect(good.notApplicable).toEqual(expect.arrayContaining(['Demo_NoPasswordOutput']));
  });

  test('a YAML file with short forms is read by cfn-guard itself', () => {
    expect(run.results.get('yaml')!.failures.map(f => [f.rule, f.logicalIds])).toEqual([['Demo_Retained', ['D']]]);
  });

  test('with a marker, only the checks whose messages hold it count', () => {
    const marked = runCfnGuard(RULES, [{ name: 'bad', document: { Resources: { A: { Type: 'AWS::SecretsManager::Secret', Properties: {} } } } }], { marker: 'Demo-' });
    expect(marked.results.get('bad')!.failures.map(f => [f.rule, f.logicalIds])).toEqual([['Demo_Retained', ['A']]]);
  });

  test('a rule file cfn-guard cannot parse throws with what the binary printed', () => {
    expect(() => runCfnGuard([{ fileName: 'broken.guard', content: 'rule {' }], [{ name: 'x', document: { Resources: {} } }]))
      .toThrow(/cfn-guard failed/);
  });
});
