/**
 * A parser and evaluator for the subset of the CloudWatch Logs JSON filter pattern syntax that
 * SecretAccessMonitor generates, so that tests can run each pattern against CloudTrail records.
 *
 *   pattern    := '{' expr '}'
 *   expr       := term ( '&&' term )* | term ( '||' term )*     (mixing needs parentheses)
 *   term       := '(' expr ')' | selector op value | selector 'NOT EXISTS' | selector 'IS NULL'
 *   selector   := '$' ( '.' name | '[' index ']' )*
 *   op         := '=' | '!='
 *   value      := '"' chars '"' (with '*' as a wildcard) | bare number or word
 *
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */

export type Node =
  | { readonly kind: 'cmp'; readonly path: (string | number)[]; readonly op: '=' | '!='; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'notExists' | 'isNull'; readonly path: (string | number)[] }
  | { readonly kind: 'and' | 'or'; readonly items: Node[] };

export interface EvaluateOptions {
  /**
   * What `!=` does when the record lacks the field. The documentation does not say; the monitor's
   * patterns are written so that the answer never matters, and the tests check both.
   */
  readonly notEqualsOnMissing: 'match' | 'no-match';
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  public parse(): Node {
    this.skip();
    this.expect('{');
    const expr = this.expr();
    this.expect('}');
    this.skip();
    if (this.pos !== this.text.length) {
      this.fail('end of pattern');
    }
    return expr;
  }

  private expr(): Node {
    const items = [this.term()];
    let op: '&&' | '||' | undefined;
    for (;;) {
      this.skip();
      const next = this.text.startsWith('&&', this.pos) ? '&&' : this.text.startsWith('||', this.pos) ? '||' : undefined;
      if (!next) {
        break;
      }
      if (op && op !== next) {
        this.fail('parentheses around mixed && and ||');
      }
      op = next;
      this.pos += 2;
      items.push(this.term());
    }
    if (items.length === 1) {
      return items[0];
    }
    return { kind: op === '&&' ? 'and' : 'or', items };
  }

  private term(): Node {
    this.skip();
    if (this.text[this.pos] === '(') {
      this.pos++;
      const inner = this.expr();
      this.expect(')');
      return inner;
    }
    const path = this.selector();
    this.skip();
    if (this.text.startsWith('NOT EXISTS', this.pos)) {
      this.pos += 'NOT EXISTS'.length;
      return { kind: 'notExists', path };
    }
    if (this.text.startsWith('IS NULL', this.pos)) {
      this.pos += 'IS NULL'.length;
      return { kind: 'isNull', path };
    }
    let op: '=' | '!=';
    if (this.text.startsWith('!=', this.pos)) {
      op = '!=';
      this.pos += 2;
    } else if (this.text[this.pos] === '=') {
      op = '=';
      this.pos += 1;
    } else {
      return this.fail("'=', '!=', 'NOT EXISTS' or 'IS NULL'");
    }
    this.skip();
    if (this.text[this.pos] === '"') {
      return { kind: 'cmp', path, op, value: this.quoted(), quoted: true };
    }
    const bare = /^[^\s()&|}]+/.exec(this.text.slice(this.pos));
    if (!bare) {
      return this.fail('a value');
    }
    this.pos += bare[0].length;
    return { kind: 'cmp', path, op, value: bare[0], quoted: false };
  }

  private selector(): (string | number)[] {
    this.expect('$');
    const path: (string | number)[] = [];
    for (;;) {
      if (this.text[this.pos] === '.') {
        const m = /^\.([A-Za-z0-9_-]+)/.exec(this.text.slice(this.pos));
        if (!m) {
          this.fail('a property name');
        }
        path.push(m![1]);
        this.pos += m![0].length;
      } else if (this.text[this.pos] === '[') {
        const m = /^\[(\d+)\]/.exec(this.text.slice(this.pos));
        if (!m) {
          this.fail('an array index');
        }
        path.push(Number(m![1]));
        this.pos += m![0].length;
      } else {
        break;
      }
    }
    if (path.length === 0) {
      this.fail('a property after $');
    }
    return path;
  }

  private quoted(): string {
    this.pos++;
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === '\\') {
        this.pos++;
      }
      out += this.text[this.pos++];
    }
    this.expect('"');
    return out;
  }

  private skip(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) {
      this.pos++;
    }
  }

  private expect(c: string): void {
    this.skip();
    if (this.text[this.pos] !== c) {
      this.fail(`'${c}'`);
    }
    this.pos++;
  }

  private fail(expected: string): never {
    throw new Error(`filter pattern: expected ${expected} at ${this.pos}: ${this.text.slice(this.pos, this.pos + 40)}`);
  }
}

/** Parses a JSON filter pattern; throws on syntax outside the subset. */
export function parseFilterPattern(text: string): Node {
  return new Parser(text).parse();
}

function lookup(record: unknown, path: (string | number)[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function equals(actual: unknown, expected: string): boolean {
  if (typeof actual === 'string') {
    return wildcard(expected).test(actual);
  }
  if (typeof actual === 'number' || typeof actual === 'boolean') {
    return expected === '*' || String(actual) === expected;
  }
  return false;
}

function evaluate(node: Node, record: unknown, options: EvaluateOptions): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((i) => evaluate(i, record, options));
    case 'or':
      return node.items.some((i) => evaluate(i, record, options));
    case 'notExists':
      return lookup(record, node.path) === undefined;
    case 'isNull':
      return lookup(record, node.path) === null;
    case 'cmp': {
      const value = lookup(record, node.path);
      if (value === undefined) {
        return node.op === '!=' && options.notEqualsOnMissing === 'match';
      }
      return node.op === '=' ? equals(value, node.value) : !equals(value, node.value);
    }
  }
}

/** Whether `record` (a CloudTrail record as CloudWatch Logs receives it) matches the pattern. */
export function filterMatches(pattern: string, record: unknown, options: EvaluateOptions = { notEqualsOnMissing: 'no-match' }): boolean {
  return evaluate(parseFilterPattern(pattern), record, options);
}
