import { describe, expect, it } from 'vitest';
import { mergeExpositions } from '../../src/cluster/merge-expositions.js';
import { AdapterMetrics } from '../../src/metrics/adapter-metrics.js';
import { checkHistograms, parseExposition, valuesOf } from '../helpers/prometheus-text.js';

describe('mergeExpositions', () => {
  it('writes each family once, with every part’s samples labelled by part', () => {
    const one = '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{kind="a"} 2\njobs_total{kind="b"} 1\n# HELP up Up.\n# TYPE up gauge\nup 1\n';
    const two = '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{kind="a"} 5\n# HELP up Up.\n# TYPE up gauge\nup 0\n# HELP only_two Only here.\n# TYPE only_two gauge\nonly_two{} 3\n';
    expect(mergeExpositions([{ labels: { worker: '1' }, text: one }, { labels: { worker: '2' }, text: two }])).toBe(
      [
        '# HELP jobs_total Jobs.',
        '# TYPE jobs_total counter',
        'jobs_total{worker="1",kind="a"} 2',
        'jobs_total{worker="1",kind="b"} 1',
        'jobs_total{worker="2",kind="a"} 5',
        '# HELP up Up.',
        '# TYPE up gauge',
        'up{worker="1"} 1',
        'up{worker="2"} 0',
        '# HELP only_two Only here.',
        '# TYPE only_two gauge',
        'only_two{worker="2"} 3',
        '',
      ].join('\n'),
    );
  });

  it('turns the adapter’s own expositions (histograms, process metrics) into one a strict scraper reads', () => {
    const first = new AdapterMetrics({ processMetrics: true });
    const second = new AdapterMetrics({ processMetrics: true });
    first.requestEnded('/v1/chat/completions', 'json', '2xx', 0.2);
    second.requestEnded('/v1/chat/completions', 'json', '2xx', 3);
    second.requestEnded('/v1/chat/completions', 'stream', '5xx', 1);
    const merged = parseExposition(mergeExpositions([{ labels: { worker: '1' }, text: first.render() }, { labels: { worker: '2' }, text: second.render() }]));
    expect(checkHistograms(merged)).toBeGreaterThanOrEqual(3);
    expect(valuesOf(merged, 'chat_adapter_requests_total')).toEqual({
      'chat_adapter_requests_total{mode="json",route="/v1/chat/completions",status_class="2xx",worker="1"}': 1,
      'chat_adapter_requests_total{mode="json",route="/v1/chat/completions",status_class="2xx",worker="2"}': 1,
      'chat_adapter_requests_total{mode="stream",route="/v1/chat/completions",status_class="5xx",worker="2"}': 1,
    });
    expect(merged.samples.every((sample) => sample.labels.worker === '1' || sample.labels.worker === '2')).toBe(true);
  });
});
