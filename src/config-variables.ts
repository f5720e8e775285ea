/**
 * The kinds of environment variable the configuration is made of, as zod schemas from the raw
 * string (or its absence) to the value. An unset or empty variable takes its default. A bad value
 * is one issue whose message says what the variable must be, with an example; the config's loader
 * puts the variable's name in front (`PORT must be a port number 0-65535, e.g. PORT=8080`).
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** What an issue carries besides its message, for the one-line start-up error. */
export interface ProblemParams {
  example: string;
  /** The value as given; left out for keys and URLs, which may hold a password. */
  got?: string;
}

type Variable<T> = z.ZodType<T, string | undefined>;

interface Described {
  /** What the value must be, after "must be": `a port number 0-65535`. */
  problem: string;
  /** A value that would do, shown as `NAME=example`. */
  example: string;
  secret?: boolean;
}

/** What is wrong with a value, when the variable's general `problem` would not say it well. */
export class Problem {
  constructor(readonly message: string) {}
}

/** A variable read by `parse`, which returns undefined (or a Problem) for a bad value. */
export function variable<T>(described: Described, fallback: T, parse: (raw: string) => T | Problem | undefined): Variable<T> {
  return z
    .string()
    .optional()
    .transform((raw, context) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = parse(raw.trim());
      if (value === undefined || value instanceof Problem) {
        const params: ProblemParams = { example: described.example, got: described.secret || value !== undefined ? undefined : raw };
        context.addIssue({ code: 'custom', message: value === undefined ? `must be ${described.problem}` : (value as Problem).message, params });
        return z.NEVER;
      }
      return value;
    });
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Strict: 1/0, true/false, yes/no, on/off (any case); anything else is an error, not "off". */
export function flag(fallback: boolean): Variable<boolean> {
  const example = fallback ? 'off' : '1';
  return variable({ problem: 'one of 1, 0, true, false, yes, no, on, off', example }, fallback, (raw) => {
    const value = raw.toLowerCase();
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    return undefined;
  });
}

export function integer(fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER, unit = '' } = {}): Variable<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a whole number, 0 or more' : `a whole number, ${min} or more`) : `a whole number ${min}-${max}`;
  return variable({ problem: `${range}${unit}`, example: String(fallback === 0 ? Math.max(min, 1) : fallback) }, fallback, (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const value = Number(raw);
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
  });
}

export function port(fallback: number): Variable<number> {
  return variable({ problem: 'a port number 0-65535', example: String(fallback) }, fallback, (raw) => {
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return value >= 0 && value <= 65535 ? value : undefined;
  });
}

export function oneOf<const T extends string>(values: readonly T[], fallback: T, example = values.find((value) => value !== fallback) ?? fallback): Variable<T> {
  const list = `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  return variable({ problem: `one of ${list}`, example }, fallback, (raw) => values.find((value) => value === raw.toLowerCase()));
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size such as `512kb` or `16mb`, in bytes. */
export function size(fallback: string, example: string): Variable<number> {
  const read = (raw: string): number | undefined => {
    const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw);
    const value = match ? Math.floor(Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!) : 0;
    return value >= 1 ? value : undefined;
  };
  return variable({ problem: 'a size in b, kb, mb or gb', example }, read(fallback)!, read);
}

export function pattern(fallback: RegExp, example: string): Variable<RegExp> {
  return variable({ problem: 'a regular expression', example }, fallback, (raw) => {
    try {
      return new RegExp(raw, 'i');
    } catch {
      return undefined;
    }
  });
}

/** A key, or a comma-separated list of them: printable characters, no spaces (they go in a header). */
const KEY = /^[\x21-\x7e]+$/;

export function secret(example: string): Variable<string | undefined> {
  return variable({ problem: 'one key without spaces or control characters', example, secret: true }, undefined, (raw) =>
    KEY.test(raw) ? raw : undefined,
  );
}

export function secretList(example: string): Variable<string[]> {
  return variable({ problem: 'comma-separated keys without spaces or control characters', example, secret: true }, [], (raw) => {
    const keys = raw
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '');
    return keys.every((key) => KEY.test(key)) ? keys : undefined;
  });
}

/** An interface to bind: an IP address or a host name, without brackets, scheme or port. */
export function host(example: string): Variable<string | undefined> {
  return variable({ problem: 'an IP address or host name to bind, without scheme, brackets or port', example }, undefined, (raw) =>
    isIP(raw) !== 0 || /^[A-Za-z0-9.-]+$/.test(raw) ? raw : undefined,
  );
}

/** An http(s) base URL; its trailing slashes are dropped. `key` is the variable credentials belong in. */
export function baseUrl(fallback: string): Variable<string>;
export function baseUrl(fallback: undefined, options: { example: string; key: string }): Variable<string | undefined>;
export function baseUrl(fallback: string | undefined, { example = fallback ?? '', key = 'UPSTREAM_API_KEY' } = {}): Variable<string | undefined> {
  const described = { problem: 'an http or https URL', example, secret: true };
  return variable<string | undefined>(described, fallback, (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return new Problem('must be an http or https URL (it is not a URL)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return new Problem(`must be an http or https URL, not ${url.protocol.slice(0, -1)}`);
    // The URL is logged at start-up, and the transport would send the credentials nowhere.
    if (url.username !== '' || url.password !== '') return new Problem(`must not contain credentials; set ${key} instead`);
    if (url.search !== '' || url.hash !== '') return new Problem('must have no query or fragment');
    return url.toString().replace(/\/+$/, '');
  });
}

/** `redis://` or `rediss://`, for a later feature. */
export function redisUrl(example: string): Variable<string | undefined> {
  return variable({ problem: 'a redis:// or rediss:// URL', example, secret: true }, undefined, (raw) => {
    try {
      const url = new URL(raw);
      return url.protocol === 'redis:' || url.protocol === 'rediss:' ? raw : undefined;
    } catch {
      return undefined;
    }
  });
}

/** `gpt-4o=gpt-5.2,gpt-4=gpt-5-pro`: comma-separated `client-model=upstream-model` pairs, one `=` each. */
export function aliases(example: string): Variable<Map<string, string>> {
  const problem = 'comma-separated client-model=upstream-model pairs';
  return variable({ problem, example }, new Map<string, string>(), (raw) => {
    const map = new Map<string, string>();
    for (const pair of raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')) {
      const parts = pair.split('=').map((part) => part.trim());
      if (parts.length !== 2 || parts.some((part) => part === '' || /\s/.test(part))) {
        return new Problem(`must be ${problem} (one = in each), not '${pair}'`);
      }
      if (map.has(parts[0]!)) return new Problem(`names ${parts[0]} twice`);
      map.set(parts[0]!, parts[1]!);
    }
    return map;
  });
}

/** Free text (a file name); unset or empty is the default. */
export function text<T extends string | undefined>(fallback: T): Variable<string | T> {
  return variable<string | T>({ problem: 'text', example: fallback ?? 'value' }, fallback, (raw) => raw);
}

/** A share such as 0.05: a number from 0 to 1. */
export function fraction(fallback: number): Variable<number> {
  return variable({ problem: 'a number from 0 to 1', example: String(fallback) }, fallback, (raw) => {
    const value = /^\d*\.?\d+$/.test(raw) ? Number(raw) : NaN;
    return value >= 0 && value <= 1 ? value : undefined;
  });
}

/**
 * A variable read by a function that throws its own error for a bad value (`NAME must be …`): the
 * same message, in the one-line form, with an example.
 */
export function checked<T>(name: string, read: (raw: string | undefined) => T, example: string): Variable<T> {
  return variable({ problem: 'valid', example }, read(undefined), (raw) => {
    try {
      return read(raw);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      const message = error.message.startsWith(`${name} `) ? error.message.slice(name.length + 1) : error.message;
      return new Problem(message.replace(/\.$/, ''));
    }
  });
}
