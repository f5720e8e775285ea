import { describe, expect, it } from 'vitest';
import { InvalidRequestError, UpstreamError, UpstreamProtocolError } from '../../src/errors.js';
import { AdapterMetrics, parameterName } from '../../src/metrics/adapter-metrics.js';
import { Counter, Gauge, Histogram, Registry } from '../../src/metrics/registry.js';
import { parseExposition, valuesOf } from '../helpers/prometheus-text.js';

describe('Registry', () => {
  it('renders counters and gauges, escaping label values and help text', () => {
    const registry = new Registry();
    const counter = registry.register(new Counter('demo_total', 'Lines\nwith a back\\slash.', ['kind']));
    const gauge = registry.register(new Gauge('demo_open', 'Open things.'));
    counter.inc({ kind: 'back\\slash "quoted"\nnext line' });
    counter.inc({ kind: 'plain' }, 2);
    counter.inc({ kind: 'plain' });
    gauge.add({}, 3);
    gauge.add({}, -1);

    expect(registry.render()).toBe(
      [
        '# HELP demo_total Lines\\nwith a back\\\\slash.',
        '# TYPE demo_total counter',
        'demo_total{kind="back\\\\slash \\"quoted\\"\\nnext line"} 1',
        'demo_total{kind="plain"} 3',
        '# HELP demo_open Open things.',
        '# TYPE demo_open gauge',
        'demo_open 2',
        '',
      ].join('\n'),
    );
    expect(parseExposition(registry.render()).samples[0]!.labels).toEqual({ kind: 'back\\slash "quoted"\nnext line' });
  });

  it('shows a metric without labels at zero before anything is counted, and a labelled one not at all', () => {
    const registry = new Registry();
    registry.register(new Counter('plain_total', 'Plain.'));
    registry.register(new Counter('labelled_total', 'Labelled.', ['kind']));
    expect(registry.render()).toBe(
      '# HELP plain_total Plain.\n# TYPE plain_total counter\nplain_total 0\n# HELP labelled_total Labelled.\n# TYPE labelled_total counter\n',
    );
  });

  it('renders cumulative histogram buckets, a bound being inclusive, ending with +Inf', () => {
    const registry = new Registry();
    const histogram = registry.register(new Histogram('wait_seconds', 'Waits.', ['step'], [0.1, 1, 10]));
    for (const seconds of [0.05, 0.1, 0.5, 20]) histogram.observe({ step: 'a' }, seconds);
    histogram.observe({ step: 'b' }, 1);

    expect(registry.render()).toBe(
      [
        '# HELP wait_seconds Waits.',
        '# TYPE wait_seconds histogram',
        'wait_seconds_bucket{step="a",le="0.1"} 2',
        'wait_seconds_bucket{step="a",le="1"} 3',
        'wait_seconds_bucket{step="a",le="10"} 3',
        'wait_seconds_bucket{step="a",le="+Inf"} 4',
        'wait_seconds_sum{step="a"} 20.65',
        'wait_seconds_count{step="a"} 4',
        'wait_seconds_bucket{step="b",le="0.1"} 0',
        'wait_seconds_bucket{step="b",le="1"} 1',
        'wait_seconds_bucket{step="b",le="10"} 1',
        'wait_seconds_bucket{step="b",le="+Inf"} 1',
        'wait_seconds_sum{step="b"} 1',
        'wait_seconds_count{step="b"} 1',
        '',
      ].join('\n'),
    );
  });
});

describe('parameterName', () => {
  it.each([
    ['seed', 'seed'],
    ['messages[3].name', 'messages.name'],
    ['messages[12].content[0].text', 'messages.content.text'],
    ['metadata.Client Chosen Key', 'other'],
    ['tools[0].function.parameters["x"]', 'other'],
  ])('%s -> %s', (param, expected) => {
    expect(parameterName(param)).toBe(expected);
  });
});

describe('AdapterMetrics.countUpstreamError', () => {
  it.each<{ error: unknown; expected: Record<string, number> }>([
    { error: new UpstreamProtocolError('Slow.', 'upstream_timeout', { status: 504 }), expected: { 'chat_adapter_upstream_errors_total{code="upstream_timeout"}': 1 } },
    // The upstream's own codes are open-ended: its status stands for them.
    { error: new UpstreamError(429, 'Slow down.', { code: 'rate_limit_exceeded' }), expected: { 'chat_adapter_upstream_errors_total{code="429"}': 1 } },
    { error: new UpstreamError(502, 'HTML.', { code: 'upstream_error' }), expected: { 'chat_adapter_upstream_errors_total{code="502"}': 1 } },
    { error: new InvalidRequestError('Gone.', { status: 499, code: 'client_closed' }), expected: {} },
    { error: new TypeError('not an answer'), expected: {} },
  ])('$error.message -> $expected', ({ error, expected }) => {
    const metrics = new AdapterMetrics();
    metrics.countUpstreamError(error);
    expect(valuesOf(parseExposition(metrics.render()), 'chat_adapter_upstream_errors_total')).toEqual(expected);
  });
});
