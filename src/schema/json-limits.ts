import { invalidRequest } from '../errors.js';
import type { Steps } from '../yielding.js';

/**
 * Deeper than any Chat request needs (a tool's JSON Schema nests a few dozen levels at most).
 * Free-form fields (`parameters`, `schema`, `moderation`…) accept any JSON, and a body nested a
 * few thousand levels deep overflows the stack of the JSON.stringify that sends it upstream.
 */
export const MAX_NESTING_DEPTH = 100;

/** Values walked between two pauses (a few milliseconds of work). */
const VALUES_PER_STEP = 50_000;

/** One container being walked: its keys (none for an array: its indexes), and the next one to visit. */
interface Frame {
  container: object;
  keys: string[] | undefined;
  /** Children are visited from the last to the first (the order the walk has always reported in). */
  next: number;
}

/**
 * Refuses JSON no Chat request needs: nesting beyond MAX_NESTING_DEPTH, and `__proto__` keys, which
 * free-form maps would silently drop (assigning one sets the prototype instead of a key). Walks the
 * body depth first without recursion, so it cannot overflow, keeping only the path it is on (at most
 * MAX_NESTING_DEPTH containers), so a list of 800,000 messages costs no memory per message.
 */
export function* checkJsonLimits(body: object, formatParam: (path: PropertyKey[]) => string): Steps<void> {
  const path: Frame[] = [];
  let walked = 0;
  let value: unknown = body;
  for (;;) {
    if (value !== null && typeof value === 'object') {
      if (path.length >= MAX_NESTING_DEPTH) {
        const param = formatParam(keysOf(path));
        throw invalidRequest(`Invalid '${param}': JSON nested more than ${MAX_NESTING_DEPTH} levels deep.`, param, 'invalid_value');
      }
      const keys = Array.isArray(value) ? undefined : Object.keys(value);
      if (keys?.includes('__proto__')) {
        const param = formatParam([...keysOf(path), '__proto__']);
        throw invalidRequest(`Invalid '${param}': keys named __proto__ are not accepted.`, param, 'invalid_value');
      }
      path.push({ container: value, keys, next: (keys ?? (value as unknown[])).length - 1 });
    }
    if (++walked % VALUES_PER_STEP === 0) yield;
    // The next child to visit: of the innermost container that has one left.
    let frame = path.at(-1);
    while (frame !== undefined && frame.next < 0) {
      path.pop();
      frame = path.at(-1);
    }
    if (frame === undefined) return;
    const key = frame.keys === undefined ? frame.next : frame.keys[frame.next]!;
    frame.next--;
    value = (frame.container as Record<PropertyKey, unknown>)[key];
  }
}

/** The path of the value being visited: in each container on the way, the key of the child taken last. */
function keysOf(path: Frame[]): PropertyKey[] {
  return path.map((frame) => (frame.keys === undefined ? frame.next + 1 : frame.keys[frame.next + 1]!));
}
