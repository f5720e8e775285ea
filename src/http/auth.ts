import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { InvalidRequestError } from '../errors.js';

/** When client keys are configured, every request must bear one of them. */
export function requireClientKey(keys: string[]): RequestHandler {
  const expected = keys.map((key) => Buffer.from(key));
  return function checkClientKey(request, _response, next) {
    const header = request.headers.authorization ?? '';
    const presented = Buffer.from(header.replace(/^Bearer\s+/i, ''));
    const known = expected.some((key) => key.length === presented.length && timingSafeEqual(key, presented));
    if (!known) {
      next(
        new InvalidRequestError('Incorrect API key provided. Use a key issued for this adapter.', { status: 401, code: 'invalid_api_key' }),
      );
      return;
    }
    next();
  };
}
