/**
 * Keeps secrets out of reports: the keys replay was given, and anything that looks like a bearer
 * token or an OpenAI-style key, wherever it appears (an upstream error that quotes the key, a
 * header copied into a request body, a capture's metadata).
 */
const redacted = '[redacted]';

const secretPatterns: Array<[RegExp, string]> = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/gi, `Bearer ${redacted}`],
  [/\bsk-[A-Za-z0-9_*-]{16,}/g, redacted],
  // `authorization: …`, `"api_key": "…"`, `x-api-key=…`: the name and separator stay, the value goes.
  [/\b(authorization|api[-_]?key|x-api-key)("?\s*[:=]\s*"?)(?!Bearer\b)[^\s",}]{6,}/gi, `$1$2${redacted}`],
];

export type Scrub = (text: string) => string;

export function createScrub(knownSecrets: Array<string | undefined>): Scrub {
  // Longest first, so a key that contains another is removed whole.
  const secrets = [...new Set(knownSecrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4))].sort(
    (left, right) => right.length - left.length,
  );
  return (text) => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join(redacted);
    for (const [pattern, replacement] of secretPatterns) result = result.replace(pattern, replacement);
    return result;
  };
}

/** The same value with every string (keys included) scrubbed. */
export function scrubValue<Value>(value: Value, scrub: Scrub): Value {
  if (typeof value === 'string') return scrub(value) as Value;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubValue(item, scrub)) as Value;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, scrub(key), { value: scrubValue(item, scrub), enumerable: true, writable: true, configurable: true });
  }
  return copy as Value;
}
