import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError, invalidRequest } from '../../src/errors.js';
import { checkJsonLimits, MAX_NESTING_DEPTH } from '../../src/schema/json-limits.js';
import { formatParam } from '../../src/schema/validate.js';
import { runAtOnce, type Steps } from '../../src/yielding.js';
import { runs } from '../reliability/fuzz-runs.js';

/**
 * The walk as it was before it kept only its path (a stack of every value still to visit, which a
 * list of 800,000 messages filled with 800,000 entries): the oracle for which fault is reported.
 */
function previousWalk(body: object): void {
  interface Node {
    value: unknown;
    depth: number;
    key: PropertyKey | undefined;
    parent: Node | undefined;
  }
  const pathOf = (node: Node): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let current: Node | undefined = node; current?.key !== undefined; current = current.parent) path.unshift(current.key);
    return path;
  };
  const stack: Node[] = [{ value: body, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (value === null || typeof value !== 'object') continue;
    if (node.depth >= MAX_NESTING_DEPTH) {
      const param = formatParam(pathOf(node));
      throw invalidRequest(`Invalid '${param}': JSON nested more than ${MAX_NESTING_DEPTH} levels deep.`, param, 'invalid_value');
    }
    for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      const childNode = { value: child, depth: node.depth + 1, key, parent: node };
      if (key === '__proto__') {
        const param = formatParam(pathOf(childNode));
        throw invalidRequest(`Invalid '${param}': keys named __proto__ are not accepted.`, param, 'invalid_value');
      }
      stack.push(childNode);
    }
  }
}

function outcome(check: () => void): unknown {
  try {
    check();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { message: error.message, param: error.param };
  }
}

/** JSON text with `__proto__` keys and values nested around the depth limit, parsed as a body would be. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('1', '"x"', 'null', 'true'),
    fc.array(tie('value'), { maxLength: 4 }).map((entries) => `[${entries.join(',')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', 'c', '0'), tie('value')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([key, value]) => `"${key}":${value}`).join(',')}}`),
    fc.tuple(fc.constantFrom(94, 97, 99, 100), tie('value')).map(([depth, value]) => `${'['.repeat(depth)}${value}${']'.repeat(depth)}`),
  ),
})).value;

function pauses(steps: Steps<void>): number {
  let count = 0;
  while (!steps.next().done) count++;
  return count;
}

describe('the JSON limits walk', () => {
  it('reports what the previous walk reported, for any body (property)', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const body = { model: 'm', messages: [JSON.parse(text), JSON.parse(text)], extra: JSON.parse(text) };
        expect(outcome(() => runAtOnce(checkJsonLimits(body, formatParam)))).toEqual(outcome(() => previousWalk(body)));
      }),
      { numRuns: runs(1500) },
    );
  });

  it('pauses along a long list', () => {
    const messages = Array.from({ length: 100_000 }, (_, index) => ({ role: 'user', content: `m${index}` }));
    expect(pauses(checkJsonLimits({ model: 'm', messages }, formatParam))).toBeGreaterThan(3);
    expect(pauses(checkJsonLimits({ model: 'm', messages: messages.slice(0, 100) }, formatParam))).toBe(0);
  });
});
