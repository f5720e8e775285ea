/**
 * The JSON body of a Responses request, built in slices when its input is long: one JSON.stringify
 * of 800,000 input items, and the encoding of its 24 MB, hold the event loop for most of a second.
 * A long one is encoded slice by slice into one Buffer, whose bytes are those of
 * `JSON.stringify(request)`, and kept per request object, so the `n` upstream calls of one Chat
 * request serialise it once.
 */
import type { ResponsesRequest } from '../types/responses.js';
import { concatInSlices, runInSlices, type Steps } from '../yielding.js';

/** Input items serialised between two pauses (a few milliseconds of work); shorter inputs at once. */
export const ITEMS_PER_SLICE = 4096;

const longBodies = new WeakMap<ResponsesRequest, Promise<Buffer>>();

export function requestBody(request: ResponsesRequest): string | Promise<Buffer> {
  if (request.input.length <= ITEMS_PER_SLICE) return JSON.stringify(request);
  let body = longBodies.get(request);
  if (body === undefined) {
    body = runInSlices(requestBodySteps(request));
    longBodies.set(request, body);
  }
  return body;
}

export function* requestBodySteps(request: ResponsesRequest, itemsPerSlice = ITEMS_PER_SLICE): Steps<Buffer> {
  const pieces: string[] = [];
  let pending = '{';
  let members = 0;
  for (const [key, value] of Object.entries(request)) {
    const list = key === 'input' && Array.isArray(value) ? (value as unknown[]) : undefined;
    const json = list ? '[' : JSON.stringify(value);
    // JSON.stringify leaves out keys whose value it cannot write (undefined).
    if (json === undefined) continue;
    pending += `${members++ > 0 ? ',' : ''}${JSON.stringify(key)}:${json}`;
    if (list === undefined) continue;
    pieces.push(pending);
    for (let start = 0; start < list.length; start += itemsPerSlice) {
      if (start > 0) {
        yield;
        // A piece of its own: `,${items}` would be a rope, copied whole when it is measured.
        pieces.push(',');
      }
      pieces.push(JSON.stringify(list.slice(start, start + itemsPerSlice)).slice(1, -1));
    }
    pending = ']';
  }
  pieces.push(`${pending}}`);
  yield;
  return yield* concatInSlices(pieces);
}
