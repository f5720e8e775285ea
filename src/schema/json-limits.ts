import { invalidRequest } from '../errors.js';

/**
 * Deeper than any Chat request needs (a tool's JSON Schema nests a few dozen levels at most).
 * Free-form fields (`parameters`, `schema`, `moderation`…) accept any JSON, and a body nested a
 * few thousand levels deep overflows the stack of the JSON.stringify that sends it upstream.
 */
export const MAX_NESTING_DEPTH = 100;

interface Node {
  value: unknown;
  depth: number;
  key: PropertyKey | undefined;
  parent: Node | undefined;
}

/**
 * Refuses JSON no Chat request needs: nesting beyond MAX_NESTING_DEPTH, and `__proto__` keys, which
 * free-form maps would silently drop (assigning one sets the prototype instead of a key). Walks the
 * body without recursion, so it cannot overflow either.
 */
export function checkJsonLimits(body: object, formatParam: (path: PropertyKey[]) => string): void {
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

function pathOf(node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let current: Node | undefined = node; current?.key !== undefined; current = current.parent) path.unshift(current.key);
  return path;
}
