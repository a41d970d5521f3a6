import { TemplateIndex } from './template-index';
import { PLACEHOLDER, flatten, literalText } from './values';

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
