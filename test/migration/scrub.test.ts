import { describe, expect, it } from 'vitest';
import { createScrub, scrubValue } from '../../src/migration/scrub.js';

describe('createScrub', () => {
  const scrub = createScrub(['sk-known-chat-key', 'short', undefined, 'xy']);

  it('removes the known keys wherever they appear, and bearer tokens and sk- keys it was not told about', () => {
    expect(scrub('Incorrect API key provided: sk-known-chat-key.')).toBe('Incorrect API key provided: [redacted].');
    expect(scrub('authorization: Bearer abcdefghijklmnopqrstuvwxyz012345')).toBe('authorization: Bearer [redacted]');
    expect(scrub('{"api_key":"0123456789abcdef"}')).toBe('{"api_key":"[redacted]"}');
    expect(scrub('key sk-proj-ABCDEFGHIJKLMNOPQRSTUV used')).toBe('key [redacted] used');
    expect(scrub('a short story')).toBe('a [redacted] story');
  });

  it('leaves ordinary text alone, including words near the patterns', () => {
    for (const text of ['Bearer bonds are old.', 'task-manager', 'The authorization flow', 'xy is fine']) expect(scrub(text)).toBe(text);
  });

  it('scrubs every string of a value, keys included, and keeps a __proto__ key as data', () => {
    const value = JSON.parse('{"sk-known-chat-key":["sk-known-chat-key",1,null],"__proto__":{"a":"short"}}');
    const clean = scrubValue(value, scrub);
    expect(JSON.stringify(clean)).toBe('{"[redacted]":["[redacted]",1,null],"__proto__":{"a":"[redacted]"}}');
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
  });
});
