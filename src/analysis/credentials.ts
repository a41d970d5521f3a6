import { TemplateIndex } from './template-index';
import { PLACEHOLDER, flatten, literalText, templateMappings } from './values';

/**
 * Names that say "this holds a credential": `DB_PASSWORD`, `PGPASSWORD`, `apiKey`,
 * `/prod/app/token`. Long words match anywhere in the name (`PGPASSWORD`, `DBSECRET`);
 * short ones only as whole words, so `DB_PASS` matches but `PASSPORT` and `BYPASS` do not.
 */
const CREDENTIAL_SUBSTRINGS = /password|passwd|passphrase|secrets?(?=_|$)|secret_?key|tokens?(?=_|$)|api_?key|private_?key|access_?key|credential|signing_?key|encryption_?key|connection_?string|client_?secret/;
const CREDENTIAL_WORDS = /(^|_)(pwd|pass|pw|psk)(_|$)/;

/**
 * Name endings that say "this is about a credential, not the credential": an ARN, a name, an
 * id, a URL, a length, a TTL. `SECRET_ARN` points at a secret; it does not hold one.
 */
const REFERENCE_SUFFIX = /_(arn|arns|name|names|id|ids|url|uri|endpoint|host|port|path|dir|prefix|region|ttl|expiry|expiration|length|len|size|min|max|count|type|mode|level|version|stage|field|key_id|param|parameter|file|location|enabled|disabled|rotation|policy|issuer|audience|scope|scopes|algorithm|alg|user|username|table|bucket|queue|topic|stream|header_name|timeout|interval|schedule)$/;

/** Splits camelCase, kebab-case, dotted and path names into `snake_case` words. */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Whether a variable or parameter name looks like it holds a credential. */
export function isCredentialName(name: string): boolean {
  const w = words(name);
  if (REFERENCE_SUFFIX.test(w)) {
    return false;
  }
  return CREDENTIAL_SUBSTRINGS.test(w) || CREDENTIAL_WORDS.test(w);
}

/**
 * `JSON "key": "value"` pairs of a partly literal text whose key looks like a credential and
 * whose value is written in the text (`{"password":"hunter2","host":"${Host}"}`).
 */
export function literalCredentialKeys(text: string): string[] {
  const keys: string[] = [];
  const pair = /"([^"\\]+)"\s*:\s*"([^"\\]*)"/g;
  for (let m = pair.exec(text); m !== null; m = pair.exec(text)) {
    const [, key, value] = m;
    if (isCredentialName(key) && value.length >= 4 && !value.includes(PLACEHOLDER) && !value.startsWith('{{resolve:') && !value.startsWith('${')) {
      keys.push(key);
    }
  }
  return keys;
}

/** `scheme://user:password@host`: a password written into a connection URL. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/i;

/**
 * Whether `value`, assigned to a credential-like name, is a literal credential rather than a
 * reference: not a `Ref`/`GetAtt`, not `{{resolve:...}}`, not empty, not a boolean or a number.
 */
export function isLiteralCredential(value: unknown, index: TemplateIndex): boolean {
  const flat = flatten(value, index);
  if (flat.kind !== 'literal') {
    return false;
  }
  if (!flat.fullyLiteral) {
    // Built from references and literal text: a credential only if a literal piece is long
    // enough to be one ('Bearer ' + a reference is not; 'hunter2-prod-' + a region is).
    return flat.text.split(PLACEHOLDER).some(piece => piece.replace(/^[\s\-_:/.]+|[\s\-_:/.]+$/g, '').length >= 8);
  }
  const text = literalText(flat).trim();
  if (text.length < 4 || /^(true|false|yes|no|none|null|enabled|disabled)$/i.test(text) || /^\d+$/.test(text)) {
    return false;
  }
  // Pointers to a secret, not the secret: ARNs, parameter paths to resolve, env placeholders.
  if (/^arn:/.test(text) || /^(\$\{|\$\(|\{\{)/.test(text) || flat.text.startsWith(PLACEHOLDER)) {
    return false;
  }
  return true;
}

/** Whether a literal value is a connection URL with a password in it. */
export function hasPasswordInUrl(value: unknown, index: TemplateIndex): boolean {
  const flat = flatten(value, index);
  const m = URL_WITH_PASSWORD.exec(flat.text);
  return m !== null && !m[1].includes(PLACEHOLDER) && !m[1].startsWith('$');
}

/** Credential formats that are recognisable anywhere, whatever property holds them. */
export interface TokenFormat {
  readonly name: string;
  readonly pattern: RegExp;
}

/** AWS access key ids: long-term (`AKIA`) and temporary (`ASIA`). */
export const AWS_ACCESS_KEY_ID: TokenFormat = { name: 'AWS access key id', pattern: /(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ };

/** PEM-encoded private keys of any algorithm, and PuTTY keys. */
export const PRIVATE_KEY_BLOCK: TokenFormat = {
  name: 'private key block',
  pattern: /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----|PuTTY-User-Key-File-\d/,
};

/** Tokens of well-known services, by their documented prefixes. */
export const KNOWN_TOKENS: TokenFormat[] = [
  { name: 'GitHub token', pattern: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/ },
  { name: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{40,}\b/ },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'Slack webhook URL', pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/ },
  { name: 'Stripe key', pattern: /\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}\b/ },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { name: 'SendGrid key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/ },
  { name: 'Twilio key', pattern: /\bSK[0-9a-fA-F]{32}\b/ },
];

/**
 * Decodes a literal base64 string (EC2 user data is often written pre-encoded); returns
 * `undefined` when it is not base64 of mostly printable text.
 */
export function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 16 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return undefined;
  }
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const printable = decoded.replace(/[^\x09\x0a\x0d\x20-\x7e]/g, '');
  return printable.length >= decoded.length * 0.95 ? decoded : undefined;
}

/**
 * Shannon entropy of `text`, in bits per character: about 3 for English words, 3.7 for a
 * lowercase hex digest, 4.5 and more for random base64 of 40 characters.
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) {
    return 0;
  }
  const counts = new Map<string, number>();
  for (const c of text) {
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Whether a literal looks machine-generated (a key, a token, a random password) rather than a
 * word, a setting or an identifier: one unbroken run of at least 16 characters, several character
 * classes, and high entropy. Only meaningful where a name already says "credential": alone it
 * would flag every hash and UUID.
 */
export function looksRandom(text: string): boolean {
  const t = text.trim();
  if (t.length < 16 || /\s/.test(t) || /^arn:/.test(t) || /^[0-9a-f-]+$/i.test(t)) {
    return false;
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(c => c.test(t)).length;
  return classes >= 3 && shannonEntropy(t) >= 3.5;
}

/**
 * A credential shape that can be recognised in any string. Some shapes are only credentials in
 * context: `name` is the name the string is stored under (a variable, a property, a header), when
 * there is one.
 */
export interface ShapeDetector {
  readonly name: string;
  matches(text: string, name?: string): boolean;
}

/** A detector for a format recognisable by its pattern alone. */
export function formatDetector(format: TokenFormat): ShapeDetector {
  return { name: format.name, matches: text => format.pattern.test(text) };
}

/**
 * 40 characters of base64 alphabet, not part of a longer run of base64 or base64url (a certificate
 * body, a blob, the tail of a `ghp_...` token) nor followed by padding; `key=` may precede it.
 */
const SECRET_ACCESS_KEY_CANDIDATE = /(?<![A-Za-z0-9/+_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g;
/** Words that put a secret access key next to the string: `aws_secret_access_key =`, `SecretAccessKey:`. */
const SECRET_ACCESS_KEY_CONTEXT = /secret[_\s-]?access[_\s-]?key|aws[_-]?secret/i;

/**
 * AWS secret access keys: 40 random base64 characters. A 40-character string alone is as likely a
 * hash or an encoded id, so it counts only next to an access key id (`AKIA`/`ASIA` in the same
 * text), after the words "secret access key" in the same text, or stored under a credential name;
 * and even then only if it is not hex (a SHA-1 is 40 hex characters) and looks random.
 */
export const AWS_SECRET_ACCESS_KEY: ShapeDetector = {
  name: 'AWS secret access key',
  matches(text: string, name?: string): boolean {
    const context = AWS_ACCESS_KEY_ID.pattern.test(text) || SECRET_ACCESS_KEY_CONTEXT.test(text) || (name !== undefined && isCredentialName(name));
    if (!context) {
      return false;
    }
    for (const m of text.matchAll(SECRET_ACCESS_KEY_CANDIDATE)) {
      const key = m[0];
      if (!/^[0-9a-f]+$/i.test(key) && /[a-z]/.test(key) && /[A-Z]/.test(key) && /[0-9]/.test(key) && shannonEntropy(key) >= 4.2) {
        return true;
      }
    }
    return false;
  },
};

/**
 * Signed JSON Web Tokens (`eyJ<header>.eyJ<claims>.<signature>`). A signed JWT is a bearer
 * credential: whoever holds it is whoever it names until it expires, and tokens written into
 * templates are the long-lived service kind. Unsigned tokens (`alg: none`, empty signature) prove
 * nothing and are left alone.
 */
export const SIGNED_JWT: TokenFormat = {
  name: 'signed JSON Web Token',
  pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/,
};

/**
 * HTTP header names whose value is a credential whatever it looks like: `Authorization`,
 * `X-Api-Key`, the shared secret CloudFront sends to prove a request came through it
 * (`X-Origin-Verify`, `X-Custom-Secret`), tokens and passwords.
 */
const STRONG_CREDENTIAL_HEADER = /^(proxy-)?authorization$|^cookie$|api-?key|secret|token|passw(or)?d|origin-verify|verify-origin|signature|credential|session/i;
/** Header names that may hold a credential (`X-Auth-...`, `X-...-Key`) or a setting (`X-Auth-Mode`). */
const WEAK_CREDENTIAL_HEADER = /auth|(^|-)key($|-)/i;

/**
 * How sure a header name is to carry a credential: `strong` (any literal value is a credential),
 * `weak` (only a random-looking literal is) or `undefined` (not a credential header).
 */
export function credentialHeaderStrength(headerName: string): 'strong' | 'weak' | undefined {
  const name = headerName.trim();
  if (/-(id|name|mode|type|version)$/i.test(name)) {
    return undefined;
  }
  if (STRONG_CREDENTIAL_HEADER.test(name)) {
    return 'strong';
  }
  return WEAK_CREDENTIAL_HEADER.test(name) ? 'weak' : undefined;
}

/**
 * The logical ids a template tree names with `Ref` or in an `Fn::Sub` string (`${Name}`,
 * not `${Name.Attr}` nor `${!Literal}`).
 */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(v => referencedIds(v, into));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string') {
        into.add(v);
      } else if (k === 'Fn::Sub') {
        const template = Array.isArray(v) ? v[0] : v;
        if (typeof template === 'string') {
          for (const m of template.matchAll(/\$\{([^}!.][^}.]*)\}/g)) {
            into.add(m[1]);
          }
        }
        referencedIds(Array.isArray(v) ? v.slice(1) : [], into);
      } else {
        referencedIds(v, into);
      }
    }
  }
  return into;
}

/**
 * `value` with every `Fn::FindInMap` whose map and keys are written in the template replaced by
 * the map's value, so that a credential kept in `Mappings` is judged like one written in place.
 * Lookups the template cannot settle (a key from a parameter, an unknown map) are left as they are.
 */
export function inlineMappings(value: unknown, index: TemplateIndex): unknown {
  if (Array.isArray(value)) {
    return value.map(v => inlineMappings(v, index));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const record = value as Record<string, unknown>;
  const lookup = record['Fn::FindInMap'];
  if (Object.keys(record).length === 1 && Array.isArray(lookup)) {
    const [map, first, second] = lookup.map(part => literalKey(part, index));
    const found = map === undefined || first === undefined || second === undefined ? undefined : mappingsOf(index)[map]?.[first]?.[second];
    return found === undefined ? value : found;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, inlineMappings(v, index)]));
}

function literalKey(part: unknown, index: TemplateIndex): string | undefined {
  if (typeof part === 'string') {
    return part;
  }
  const flat = flatten(part, index);
  return flat.fullyLiteral ? literalText(flat) : undefined;
}

/** The template's `Mappings` (read once per index, by `templateMappings`). */
function mappingsOf(index: TemplateIndex): Record<string, Record<string, Record<string, unknown>>> {
  return Object.fromEntries(templateMappings(index)) as Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Whether a value written into a property known to hold a credential (`MasterUserPassword`,
 * `AuthToken`) puts the credential, or part of it, in the template: literal text, literal
 * pieces of an `Fn::Join`/`Fn::Sub`, or a parameter default. Dynamic references, `Ref`/`GetAtt`
 * to resources and ARNs (a secret or connection given in the credential's place) are not.
 * Parameters without a default are judged by the caller (`flatten(...).kind === 'unknown'`).
 */
export function isWrittenCredential(value: unknown, index: TemplateIndex): boolean {
  const flat = flatten(inlineMappings(value, index), index);
  if (flat.kind !== 'literal') {
    return false;
  }
  const written = literalText(flat).trim();
  if (/^arn:/.test(flat.text.trim()) || written.length === 0) {
    return false;
  }
  if (flat.fullyLiteral) {
    return true;
  }
  // Literal pieces around references: separators alone ('-', ':') are not a credential.
  return flat.text.split(PLACEHOLDER).some(piece => piece.replace(/[\s\-_:/.,;|]+/g, '').length >= 4);
}

/**
 * AWS secret access keys: 40 characters of the base64 alphabet. Upper and lower case and a digit
 * or `/`/`+` are required, so hex digests (git commit ids, SHA-1 sums) and words do not match.
 */
export function looksLikeAwsSecretAccessKey(text: string): boolean {
  const t = text.trim();
  return /^[A-Za-z0-9/+]{40}$/.test(t) && /[A-Z]/.test(t) && /[a-z]/.test(t) && /[0-9/+]/.test(t) && !/^[0-9a-fA-F]{40}$/.test(t);
}
