import { describe, expect, it } from 'vitest';
import { serverTimeouts } from '../../src/http/server-timeouts.js';

describe('serverTimeouts', () => {
  it.each([
    // The default: headers within 30 s, the whole request within 60 s, checked every 15 s.
    [30_000, { headersTimeout: 30_000, requestTimeout: 60_000, connectionsCheckingInterval: 15_000, keepAliveTimeout: 61_000 }],
    // Slow uploads allowed: headers still within a minute.
    [600_000, { headersTimeout: 60_000, requestTimeout: 660_000, connectionsCheckingInterval: 30_000, keepAliveTimeout: 61_000 }],
    [1_000, { headersTimeout: 1_000, requestTimeout: 2_000, connectionsCheckingInterval: 500, keepAliveTimeout: 61_000 }],
    [100, { headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 250, keepAliveTimeout: 61_000 }],
  ])('BODY_TIMEOUT_MS=%i', (bodyTimeoutMs, expected) => {
    expect(serverTimeouts(bodyTimeoutMs)).toEqual(expected);
  });
});
