import { lineAt, lineStarts, parseTemplateText, TemplateTextError } from '../../src/cli/template-text';

describe('parseTemplateText: YAML', () => {
  test('short forms become their long forms, as CfnInclude reads them', () => {
    const { document } = parseTemplateText([
      'Resources:',
      '  Secret:',
      '    Type: AWS::SecretsManager::Secret',
      '    Properties:',
      '      Name: !Sub "prod/${App}/db"',
      '      KmsKeyId: !GetAtt Key.Arn',
      '      Description: !If [IsProd, !Ref Desc, !Join ["-", [a, b]]]',
      '      Tags: [{ Key: n, Value: !Ref 123 }]',
      '    Condition: !Condition Other',
    ].join('\n'), 't.yaml');
    expect((document as any).Resources.Secret).toEqual({
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Name: { 'Fn::Sub': 'prod/${App}/db' },
        KmsKeyId: { 'Fn::GetAtt': 'Key.Arn' },
        Description: { 'Fn::If': ['IsProd', { Ref: 'Desc' }, { 'Fn::Join': ['-', ['a', 'b']] }] },
        Tags: [{ Key: 'n', Value: { Ref: '123' } }],
      },
      Condition: { Condition: 'Other' },
    });
  });

  test('a repeated key keeps the last value, at every depth; the line is that of the last definition', () => {
    const parsed = parseTemplateText([
      'Resources:',
      '  A:',
      '    Type: First',
      '    Type: Second',
      '  A:',
      '    Type: Third',
    ].join('\n'), 't.yaml');
    expect(parsed.document).toEqual({ Resources: { A: { Type: 'Third' } } });
    expect([...parsed.resourceLines]).toEqual([['A', 5]]);
  });

  test('anchors and aliases are expanded, each a copy', () => {
    const { document } = parseTemplateText('Resources:\n  A: &a\n    Type: T\n  B: *a\n', 't.yaml');
    const resources = (document as any).Resources;
    expect(resources.B).toEqual({ Type: 'T' });
    expect(resources.B).not.toBe(resources.A);
  });

  test('a key named __proto__ is a key, not a prototype', () => {
    const { document } = parseTemplateText('Resources:\n  __proto__:\n    Type: T\n', 't.yaml');
    expect(Object.keys((document as any).Resources)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf((document as any).Resources)).toBe(Object.prototype);
  });

  test.each([
    ['Resources:\n  Fn: [unclosed\n', /^not valid YAML \(/],
    ['  \n', /^the file is empty$/],
  ])('%j is refused: %s', (text, reason) => {
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(TemplateTextError);
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(reason);
  });
});

describe('resource lines: the line of the logical id as a key directly under Resources', () => {
  test('YAML: a Lambda variable named Secret, before the secret, does not take its line', () => {
    const text = [
      'Resources:', //                 1
      '  Fn:', //                      2
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Environment:',
      '        Variables:',
      '          Secret: !Ref Secret', // 7
      '  Secret:', //                  8
      '    Type: AWS::SecretsManager::Secret',
      'Outputs:',
      '  Secret:',
      '    Value: !Ref Secret',
    ].join('\n');
    expect(Object.fromEntries(parseTemplateText(text, 't.yaml').resourceLines)).toEqual({ Fn: 2, Secret: 8 });
  });

  test('JSON: the same, with strings holding braces, escaped quotes and a repeated Resources section (the last one is read)', () => {
    const text = [
      '{', //                                                        1
      '  "Description": "a { \\"Resources\\": [ } string",', //        2
      '  "Resources": { "Old": { "Type": "T" } },', //                3
      '  "Resources": {', //                                          4
      '    "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "Environment": { "Variables": {', // 5
      '      "Secret": { "Ref": "Secret" } } } } },', //              6
      '    "Secret":', //                                             7
      '      { "Type": "AWS::SecretsManager::Secret", "Properties": { "Tags": [ { "Key": "a" }, "Secret" ] } }', // 8
      '  },', //                                                      9
      '  "Outputs": { "Secret": { "Value": 1 } }', //                 10
      '}',
    ].join('\n');
    const parsed = parseTemplateText(text, 't.json');
    expect(Object.fromEntries(parsed.resourceLines)).toEqual({ Fn: 5, Secret: 7 });
    expect(Object.keys((parsed.document as any).Resources)).toEqual(['Fn', 'Secret']);
  });

  test('linear: 4 times the resources take about 4 times as long, not 16 (best of 3 runs)', () => {
    const template = (n: number) => {
      const resources: Record<string, object> = {};
      for (let i = 0; i < n; i++) {
        resources[`Secret${i}`] = { Type: 'AWS::SecretsManager::Secret', Properties: { Name: `s${i}`, Tags: [{ Key: `Secret${i + 1}`, Value: 'x' }] } };
      }
      return JSON.stringify({ Resources: resources }, undefined, 2);
    };
    const best = (text: string) => Math.min(...[0, 1, 2].map(() => {
      const start = process.hrtime.bigint();
      parseTemplateText(text, 't.json');
      return Number(process.hrtime.bigint() - start);
    }));
    const small = template(5_000);
    const large = template(20_000);
    best(small);
    expect(best(large) / best(small)).toBeLessThan(8);
    const lines = parseTemplateText(large, 't.json').resourceLines;
    const textLines = large.split('\n');
    expect(lines.size).toBe(20_000);
    for (const [id, line] of lines) {
      expect(textLines[line - 1]).toBe(`    "${id}": {`);
    }
  });

  test('lineAt finds the line of any offset', () => {
    const text = 'a\nbc\n\nd';
    const starts = lineStarts(text);
    expect([0, 1, 2, 3, 4, 5, 6].map(o => lineAt(starts, o))).toEqual([1, 1, 2, 2, 2, 3, 4]);
  });
});
