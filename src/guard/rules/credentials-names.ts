/**
 * `isCredentialName` (src/analysis/credentials.ts) as regular expressions on the raw name, for
 * Guard: Guard cannot split `dbPassword` into `db_password` first, so the word boundaries the
 * pack gets from that split (a separator, or a lower-case letter or digit followed by a capital)
 * are written into the expressions. Neither expression looks around (AWS Config's Guard 2 runtime
 * has no look-around), and both are kept in step with the pack's word lists by
 * test/guard/credential-rules.test.ts, which compares them with `isCredentialName` on generated
 * names in every naming style (snake, SCREAMING_SNAKE, camel, Pascal, kebab, dotted, paths).
 *
 * Not reproduced: a case change inside a word (`passWord`, `credEntial`), which the pack splits
 * into two words and these expressions read as one.
 */

/** Words that say "credential" wherever they are in a name (`PGPASSWORD`, `DBSECRET` is not one: `secret` must end a word). */
const ANYWHERE = ['password', 'passwd', 'passphrase', 'credential'];
/** Words that say "credential" at the end of a word: `secrets?(?=_|$)`, `tokens?(?=_|$)`. */
const WORD_END = ['secret', 'token'];
/** Two words, joined or not: `secret_?key`, `api_?key`, ... */
const PAIRS: Array<[string, string]> = [
  ['secret', 'key'], ['api', 'key'], ['private', 'key'], ['access', 'key'], ['signing', 'key'],
  ['encryption', 'key'], ['connection', 'string'], ['client', 'secret'],
];
/** Short words that count only as whole words: `DB_PASS`, not `PASSPORT`. */
const WHOLE_WORDS = ['pwd', 'pass', 'pw', 'psk'];
/** Name endings that point at a credential rather than hold one (`SECRET_ARN`), one or two words. */
const REFERENCE_SUFFIXES = [
  'arn', 'arns', 'name', 'names', 'id', 'ids', 'url', 'uri', 'endpoint', 'host', 'port', 'path', 'dir', 'prefix', 'region', 'ttl',
  'expiry', 'expiration', 'length', 'len', 'size', 'min', 'max', 'count', 'type', 'mode', 'level', 'version', 'stage', 'field',
  'key_id', 'param', 'parameter', 'file', 'location', 'enabled', 'disabled', 'rotation', 'policy', 'issuer', 'audience', 'scope',
  'scopes', 'algorithm', 'alg', 'user', 'username', 'table', 'bucket', 'queue', 'topic', 'stream', 'header_name', 'timeout',
  'interval', 'schedule',
];

const ci = (word: string) => (word === '' ? '' : `(?i:${word})`);
const upper = (c: string) => c.toUpperCase();

/** Where a name starts and ends, and what separates its words: the whole string, or a JSON key inside a text. */
interface NameContext {
  readonly start: string;
  readonly end: string;
  readonly sep: string;
}

const WHOLE_STRING: NameContext = { start: '^', end: '$', sep: '[^A-Za-z0-9]' };
/** A key of a JSON object written in a string (`"db_password": ...`): the key's quotes bound it. */
const JSON_KEY: NameContext = { start: '(?<=")', end: '(?=")', sep: '[^A-Za-z0-9"\\\\]' };

function credentialPattern(c: NameContext): string {
  const { start, end, sep } = c;
  /** A word that ends a word of the name: followed by a separator, the end, or a capital after its lower-case last letter. */
  const endingWord = (word: string) => `${ci(word)}(?:${sep}|${end})|${ci(word.slice(0, -1))}${word.slice(-1)}[A-Z]`;
  /** A whole word: both boundaries, each a separator, an end or a change to a capital. */
  const wholeWord = (word: string) => {
    const head = word.slice(0, -1);
    const last = word.slice(-1);
    return [
      `(?:${start}|${sep})${ci(word)}(?:${sep}|${end})`,
      `(?:${start}|${sep})${ci(head)}${last}[A-Z]`,
      `[a-z0-9]${upper(word[0])}${ci(word.slice(1))}(?:${sep}|${end})`,
      `[a-z0-9]${upper(word[0])}${ci(word.slice(1, -1))}${last}[A-Z]`,
    ];
  };
  return [
    ...ANYWHERE.map(ci),
    ...WORD_END.map(w => endingWord(`${w}s`)),
    ...WORD_END.map(w => endingWord(w)),
    ...PAIRS.map(([a, b]) => `${ci(a)}${sep}*${ci(b)}`),
    ...WHOLE_WORDS.flatMap(wholeWord),
  ].join('|');
}

function referencePattern(c: NameContext): string {
  const { end, sep } = c;
  return `(?:${REFERENCE_SUFFIXES.flatMap(suffix => {
    const [first, second] = suffix.split('_');
    if (second === undefined) {
      return [`${sep}${ci(first)}`, `[a-z0-9]${upper(first[0])}${ci(first.slice(1))}`];
    }
    // Both boundaries (before the first word, between the two) as a separator or a capital.
    const between = [`${sep}+${ci(second)}`, `${upper(second[0])}${ci(second.slice(1))}`];
    const lastOfFirst = [ci(first.slice(-1)), first.slice(-1)];
    return [`${sep}${ci(first.slice(0, -1))}`, `[a-z0-9]${upper(first[0])}${ci(first.slice(1, -1))}`].flatMap(left =>
      between.map((middle, i) => `${left}${lastOfFirst[i]}${middle}`));
  }).join('|')})${sep}*${end}`;
}

/** The name says it holds a credential (before the reference suffixes are taken out). No look-around: Guard 2. */
export const CREDENTIAL_NAME_PATTERN = credentialPattern(WHOLE_STRING);

/** The name ends with a word that says it points at a credential (`_ARN`, `Name`, `KeyId`): not a credential. No look-around: Guard 2. */
export const REFERENCE_NAME_PATTERN = referencePattern(WHOLE_STRING);

/**
 * Both in one expression, for a map-key filter (Guard 3 only: look-ahead), where cfn-guard
 * evaluates one `keys` comparison only.
 */
export const CREDENTIAL_KEY_PATTERN = `^(?!.*(?:${REFERENCE_NAME_PATTERN}))(?=.*(?:${CREDENTIAL_NAME_PATTERN}))`;

/** A name in a shell or PowerShell script (`DB_PASSWORD`, `db.password`, `api-key`): bounded by the characters a name holds. */
const SCRIPT_NAME: NameContext = { start: '(?<![A-Za-z0-9_.\\-])', end: '(?![A-Za-z0-9_.\\-])', sep: '[_.\\-]' };
const NAME_CHARS = '[A-Za-z0-9_.\\-]';

/**
 * The part of a script name before an assignment or a value that says credential: a look-ahead
 * from the name's first character (Guard 3 only), then the name itself.
 */
export function scriptCredentialName(after: string): string {
  return `(?=${NAME_CHARS}*?(?:${credentialPattern(SCRIPT_NAME)})${NAME_CHARS}*${after})(?!${NAME_CHARS}*?(?:${referencePattern(SCRIPT_NAME)})${after})${NAME_CHARS}+`;
}

/**
 * A credential-named key of a JSON object written in a string, with its value written literally:
 * `"password": "hunter2"` (`literalCredentialKeys`: the value of four characters or more, not a
 * `{{resolve:...}}` reference nor a `${...}` placeholder). Guard 3 only (look-around).
 */
export const JSON_CREDENTIAL_PAIR_PATTERN = `"(?![^"\\\\]*(?:${referencePattern(JSON_KEY)}))(?=[^"\\\\]*(?:${credentialPattern(JSON_KEY)}))`
  + '[^"\\\\]+"\\s*:\\s*"(?!\\{\\{resolve:|\\$\\{)[^"\\\\$]{4,}"';

/** A Guard regex literal (`/.../`): Guard ends the literal at `/`, so it is escaped. */
export function guardRegex(pattern: string): string {
  return `/${pattern.replace(/\//g, '\\/')}/`;
}

/**
 * Guard clauses (one per line) that hold when `selector` (`keys` in a map filter, `Name` in a
 * list filter) is a credential name as the pack reads it.
 */
export function credentialNameClauses(selector: string): string[] {
  return [`${selector} == ${guardRegex(CREDENTIAL_NAME_PATTERN)}`, `${selector} != ${guardRegex(REFERENCE_NAME_PATTERN)}`];
}

/** Whether `name` is a credential name by these expressions (what Guard decides), for tests and tools. */
export function guardCredentialName(name: string): boolean {
  return jsRegex(CREDENTIAL_NAME_PATTERN).test(name) && !jsRegex(REFERENCE_NAME_PATTERN).test(name);
}

/** The Rust-regex pattern as a JavaScript RegExp: `(?i:x)` groups become explicit character classes. */
export function jsRegex(pattern: string): RegExp {
  const expanded = pattern.replace(/\(\?i:([^()]*)\)/g, (_m, body: string) =>
    `(?:${body.replace(/[a-z]/gi, c => `[${c.toLowerCase()}${c.toUpperCase()}]`)})`);
  return new RegExp(expanded);
}
