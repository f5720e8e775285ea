import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { InvalidRequestError } from '../errors.js';

/** A check of the `Authorization` header against the adapter's client keys, in constant time; throws a 401. */
export function clientKeyCheck(keys: readonly string[]): (authorization: string | undefined) => void {
  const expected = keys.map((key) => Buffer.from(key));
  return function checkClientKey(authorization) {
    const presented = Buffer.from((authorization ?? '').replace(/^Bearer\s+/i, ''));
    const known = expected.some((key) => key.length === presented.length && timingSafeEqual(key, presented));
    if (!known) {
      throw new InvalidRequestError('Incorrect API key provided. Use a key issued for this adapter.', { status: 401, code: 'invalid_api_key' });
    }
  };
}

/** When client keys are configured, every request must bear one of them. */
export function requireClientKey(keys: readonly string[]): RequestHandler {
  const check = clientKeyCheck(keys);
  return function checkClientKey(request, _response, next) {
    try {
      check(request.headers.authorization);
    } catch (error) {
      next(error);
      return;
    }
    next();
  };
}
