import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/errors.js';
import { Redactor } from '../src/redaction.js';

const UPSTREAM_KEY = 'sk-upstream-0123456789';
const CLIENT_KEY = 'sk-client-abcdefghij';
const redactor = new Redactor([UPSTREAM_KEY, undefined, 'short']);

describe('Redactor', () => {
  it('replaces every known key, and the key a client presented, wherever it stands', () => {
    const text = `a ${UPSTREAM_KEY} b ${CLIENT_KEY}${UPSTREAM_KEY} c`;
    expect(redactor.text(text, `Bearer ${CLIENT_KEY}`)).toBe('a [redacted] b [redacted][redacted] c');
    expect(redactor.text(text)).toBe(`a [redacted] b ${CLIENT_KEY}[redacted] c`);
  });

  it('leaves short words alone: a few characters are not a key', () => {
    expect(redactor.text('a short answer', 'Bearer short')).toBe('a short answer');
  });

  it('finds a key spelled as a URL or a JSON string would spell it', () => {
    const odd = new Redactor(['key/with+"quote"']);
    expect(odd.text(`url=${encodeURIComponent('key/with+"quote"')}`)).toBe('url=[redacted]');
    expect(odd.text(JSON.stringify({ key: 'key/with+"quote"' }))).toBe('{"key":"[redacted]"}');
  });

  it('redacts every field of an error, keeping its status and headers, and returns a clean error as it is', () => {
    const error = new UpstreamError(401, `bad ${UPSTREAM_KEY}`, { type: `t ${UPSTREAM_KEY}`, param: UPSTREAM_KEY, code: `c_${UPSTREAM_KEY}`, headers: { 'retry-after': '1' } });
    const redacted = redactor.error(error);
    expect({ status: redacted.status, headers: redacted.headers, ...redacted.toBody().error }).toEqual({
      status: 401,
      headers: { 'retry-after': '1' },
      message: 'bad [redacted]',
      type: 't [redacted]',
      param: '[redacted]',
      code: 'c_[redacted]',
    });
    const clean = new UpstreamError(400, 'fine');
    expect(redactor.error(clean)).toBe(clean);
  });

  it('redacts a body only when it quotes a key, and keeps it byte for byte otherwise', () => {
    const clean = new TextEncoder().encode('{"ok":true}');
    expect(redactor.bytes(clean)).toBe(clean);
    expect(Buffer.from(redactor.bytes(Buffer.from(`{"k":"${UPSTREAM_KEY}"}`))).toString()).toBe('{"k":"[redacted]"}');
  });

  it('a body in pieces: the same result as whole, wherever it is cut', () => {
    const body = `data: {"m":"${UPSTREAM_KEY} and ${CLIENT_KEY}, sk-upstre"}\n\nsk-up`;
    const whole = redactor.text(body, CLIENT_KEY);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const scrub = redactor.stream(CLIENT_KEY);
        const bytes = Buffer.from(body);
        let out = '';
        let from = 0;
        for (const point of [...points, bytes.length]) {
          out += scrub.push(bytes.subarray(from, point)).toString();
          from = point;
        }
        out += scrub.end().toString();
        expect(out).toBe(whole);
      }),
    );
  });

  it('holds back nothing after an SSE frame: events pass on as they arrive', () => {
    const scrub = redactor.stream();
    const frame = Buffer.from('data: {"type":"response.output_text.delta","delta":"sk"}\n\n');
    expect(scrub.push(frame).equals(frame)).toBe(true);
    expect(scrub.push(Buffer.from('data: sk-up')).toString()).toBe('data: ');
  });
});
