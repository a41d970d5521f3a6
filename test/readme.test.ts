/**
 * "Documentation examples compile": every ```ts block of README.md, RULES.md, CONTRIBUTING.md and
 * every page of docs/ is a contiguous excerpt of a file
 * under examples/, which tsconfig.dev.json type-checks and the examples tests synthesise.
 * Lines are compared trimmed (indentation differs between a README block and a function body);
 * blank lines at both ends of a block are dropped, blank lines inside it must match.
 *
 * Exempt: Lambda runtime code whose first line says so (`// handler.ts: runtime code, ...`):
 * it uses packages the library does not depend on.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
/** Every Markdown page users read: the front page, the rules, the contributing guide, docs/. */
const PAGES = ['README.md', 'RULES.md', 'CONTRIBUTING.md',
  ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f))];
const EXAMPLES = path.join(ROOT, 'examples');
const EXEMPT = /^\/\/ \S+: runtime code/;

/** One ```ts block of a Markdown text. */
interface CodeBlock {
  /** 1-based line number of the first code line (the line after the fence). */
  readonly line: number;
  /** The code, trimmed line by line, without blank lines at both ends. */
  readonly lines: string[];
  /** The page it is on, when not README.md. */
  readonly page?: string;
}

/** Every ```ts block of `markdown` (or of the fence language `lang`: python, java). */
function tsBlocks(markdown: string, page = 'README.md', lang = 'ts'): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const all = markdown.split('\n');
  const fence = new RegExp(`^\\s*\`\`\`${lang}\\s*$`);
  for (let i = 0; i < all.length; i++) {
    if (fence.test(all[i])) {
      const start = i + 1;
      let end = start;
      while (end < all.length && !/^\s*```\s*$/.test(all[end])) {
        end++;
      }
      if (end === all.length) {
        throw new Error(`${page}:${i + 1}: a \`\`\`${lang} block is never closed`);
      }
      const raw = all.slice(start, end).map((l) => l.trim());
      const first = raw.findIndex((l) => l !== '');
      const last = raw.length - 1 - [...raw].reverse().findIndex((l) => l !== '');
      blocks.push({ line: start + 1 + Math.max(first, 0), lines: first === -1 ? [] : raw.slice(first, last + 1), ...(page !== 'README.md' ? { page } : {}) });
      i = end;
    }
  }
  return blocks;
}

/** The `ext` (.ts) files below `dir`, relative to the repository root, trimmed line by line. */
function exampleFiles(dir: string, ext = '.ts'): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'target' && entry.name !== 'node_modules') {
      exampleFiles(file, ext).forEach((lines, name) => files.set(name, lines));
    } else if (entry.isFile() && entry.name.endsWith(ext)) {
      files.set(path.relative(ROOT, file), fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()));
    }
  }
  return files;
}

/** Where `block` is a contiguous excerpt, or the closest match for the failure message. */
interface Match {
  readonly file: string;
  /** How many leading lines of the block match there. */
  readonly matched: number;
}

/** The file holding `block` as a contiguous run of lines (matched = block length), else the longest partial match. */
function findExcerpt(block: string[], files: Map<string, string[]>): Match | undefined {
  let best: Match | undefined;
  for (const [file, lines] of files) {
    for (let start = 0; start + Math.min(block.length, 1) <= lines.length; start++) {
      let n = 0;
      while (n < block.length && start + n < lines.length && lines[start + n] === block[n]) {
        n++;
      }
      if (n === block.length) {
        return { file, matched: n };
      }
      if (n > 0 && (!best || n > best.matched)) {
        best = { file, matched: n };
      }
    }
  }
  return best;
}

/** Why `block` fails, or undefined when it is an excerpt of an example. */
function excerptProblem(block: CodeBlock, files: Map<string, string[]>): string | undefined {
  const where = `${block.page ?? 'README.md'}:${block.line}, the ts block starting "${block.lines[0] ?? ''}"`;
  if (block.lines.length === 0) {
    return `${where} is empty`;
  }
  const match = findExcerpt(block.lines, files);
  if (match && match.matched === block.lines.length) {
    return undefined;
  }
  const closest = match
    ? `; closest: ${match.file} matches its first ${match.matched} line(s), then ${block.page ?? 'README.md'}:${block.line + match.matched} differs: "${block.lines[match.matched]}"`
    : '; not even its first line is in a file';
  return `${where}, is not a contiguous excerpt of any file under examples/${closest}`;
}

const files = exampleFiles(EXAMPLES);
const blocks = PAGES.flatMap((page) => tsBlocks(fs.readFileSync(path.join(ROOT, page), 'utf8'), page));
const checked = blocks.filter((b) => !EXEMPT.test(b.lines[0] ?? ''));
const exempt = blocks.filter((b) => EXEMPT.test(b.lines[0] ?? ''));

describe('ts blocks of README, RULES, CONTRIBUTING and docs/ are excerpts of compiled examples', () => {
  test('the pages have ts blocks to check, and the exempt ones are runtime code only', () => {
    expect(checked.length).toBeGreaterThan(0);
    for (const b of exempt) {
      expect(b.lines[0]).toMatch(/^\/\/ handler\.ts: runtime code, runs in Lambda$/);
    }
  });

  test.each(checked.map((b) => [`${b.page ?? 'README.md'}:${b.line} ${b.lines[0] ?? '(empty)'}`, b] as const))('%s', (_name, block) => {
    const problem = excerptProblem(block, files);
    if (problem) {
      throw new Error(problem);
    }
  });
});

/**
 * The Python and Java blocks are excerpts of the smoke apps, which test/smoke/bindings.test.ts runs
 * against the packaged bindings: examples/python/*.py and examples/java/**\/*.java.
 */
const BINDING_LANGUAGES = [
  { lang: 'python', dir: path.join(EXAMPLES, 'python'), ext: '.py' },
  { lang: 'java', dir: path.join(EXAMPLES, 'java'), ext: '.java' },
] as const;

describe.each(BINDING_LANGUAGES)('$lang blocks of README and docs/ are excerpts of the $lang smoke app', ({ lang, dir, ext }) => {
  const langFiles = exampleFiles(dir, ext);
  const langBlocks = PAGES.flatMap((page) => tsBlocks(fs.readFileSync(path.join(ROOT, page), 'utf8'), page, lang));

  test('the README shows the main example in this language', () => {
    expect(langFiles.size).toBeGreaterThan(0);
    expect(langBlocks.filter((b) => !b.page).length).toBeGreaterThan(0);
  });

  test.each(langBlocks.map((b) => [`${b.page ?? 'README.md'}:${b.line} ${b.lines[0] ?? '(empty)'}`, b] as const))('%s', (_name, block) => {
    const problem = excerptProblem(block, langFiles);
    if (problem) {
      throw new Error(problem.replace('the ts block', `the ${lang} block`).replace('any file under examples/', `any file under examples/${lang}/`));
    }
  });
});

describe('the excerpt check itself', () => {
  const sample = new Map([['examples/sample.ts', [
    'export function f(): number {',
    'const a = 1;',
    '',
    'return a + 1;',
    '}',
  ]]]);

  test('blocks are found with their README line, trimmed, without blank lines at both ends', () => {
    const md = ['# t', '', '```ts', '', '  const a = 1;  ', '', 'return a + 1;', '', '```', 'text', '```sh', 'ls', '```'].join('\n');
    expect(tsBlocks(md)).toEqual([{ line: 5, lines: ['const a = 1;', '', 'return a + 1;'] }]);
  });

  test('a contiguous, re-indented excerpt passes', () => {
    expect(excerptProblem({ line: 10, lines: ['const a = 1;', '', 'return a + 1;'] }, sample)).toBeUndefined();
  });

  test('a block with a changed line fails, naming its first line, its README line and where it differs', () => {
    expect(excerptProblem({ line: 10, lines: ['const a = 1;', '', 'return a + 2;'] }, sample))
      .toBe('README.md:10, the ts block starting "const a = 1;", is not a contiguous excerpt of any file under examples/; ' +
        'closest: examples/sample.ts matches its first 2 line(s), then README.md:12 differs: "return a + 2;"');
  });

  test('lines that are all in the file but not contiguous fail', () => {
    expect(excerptProblem({ line: 3, lines: ['const a = 1;', 'return a + 1;'] }, sample)).toMatch(/is not a contiguous excerpt/);
  });

  test('a block found nowhere and an empty block fail', () => {
    expect(excerptProblem({ line: 1, lines: ['nope();'] }, sample)).toMatch(/"nope\(\);", is not a contiguous excerpt .*not even its first line/);
    expect(excerptProblem({ line: 1, lines: [] }, sample)).toMatch(/is empty/);
  });

  test('a block of a docs page is reported with its page', () => {
    expect(tsBlocks(['```ts', 'nope();', '```'].join('\n'), 'docs/x.md')).toEqual([{ line: 2, lines: ['nope();'], page: 'docs/x.md' }]);
    expect(excerptProblem({ line: 2, lines: ['nope();'], page: 'docs/x.md' }, sample)).toMatch(/^docs\/x\.md:2, the ts block/);
  });

  test('python and java blocks are found by their fence only', () => {
    const md = ['```ts', 'a();', '```', '```python', 'b()', '```', '```java', 'c();', '```'].join('\n');
    expect(tsBlocks(md, 'README.md', 'python')).toEqual([{ line: 5, lines: ['b()'] }]);
    expect(tsBlocks(md, 'README.md', 'java')).toEqual([{ line: 8, lines: ['c();'] }]);
    expect(tsBlocks(md)).toEqual([{ line: 2, lines: ['a();'] }]);
  });

  test('every docs page is checked', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'RULES.md', 'docs/monitoring.md', 'docs/custom-rotation.md']));
  });

  test('the exemption matches runtime code only', () => {
    expect(EXEMPT.test('// handler.ts: runtime code, runs in Lambda')).toBe(true);
    expect(EXEMPT.test('// api-token-rotator.ts: rotates the `token` field of a JSON secret')).toBe(false);
  });
});
