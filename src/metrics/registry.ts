/**
 * A minimal Prometheus registry: counters, gauges and histograms rendered in the text exposition
 * format 0.0.4. Recording costs one string join and one Map lookup; label values are escaped once,
 * when their series is first seen.
 */

export type Labels<Name extends string> = Readonly<Record<Name, string>>;

interface Metric {
  readonly name: string;
  /** The `# HELP`, `# TYPE` and sample lines. */
  render(): string;
}

/** The series of one metric, keyed by label values. */
class SeriesSet<Name extends string, Value> {
  private readonly series = new Map<string, { labelText: string; value: Value }>();

  constructor(
    private readonly labelNames: readonly Name[],
    private readonly create: () => Value,
  ) {
    // A series without labels is shown from the start, so `rate()` sees it begin at zero.
    if (labelNames.length === 0) this.get({} as Labels<Name>);
  }

  get(labels: Labels<Name>): Value {
    const key = this.labelNames.map((name) => labels[name]).join('\u0000');
    let entry = this.series.get(key);
    if (!entry) {
      const labelText = this.labelNames.map((name) => `${name}="${escapeLabelValue(labels[name])}"`).join(',');
      entry = { labelText, value: this.create() };
      this.series.set(key, entry);
    }
    return entry.value;
  }

  entries(): Iterable<{ labelText: string; value: Value }> {
    return this.series.values();
  }
}

export class Counter<Name extends string = never> implements Metric {
  private readonly series: SeriesSet<Name, { total: number }>;

  constructor(readonly name: string, private readonly help: string, labelNames: readonly Name[] = []) {
    this.series = new SeriesSet(labelNames, () => ({ total: 0 }));
  }

  inc(labels: Labels<Name>, amount = 1): void {
    this.series.get(labels).total += amount;
  }

  render(): string {
    let text = header(this.name, this.help, 'counter');
    for (const { labelText, value } of this.series.entries()) text += sample(this.name, labelText, value.total);
    return text;
  }
}

export class Gauge<Name extends string = never> implements Metric {
  private readonly series: SeriesSet<Name, { current: number }>;

  constructor(readonly name: string, private readonly help: string, labelNames: readonly Name[] = []) {
    this.series = new SeriesSet(labelNames, () => ({ current: 0 }));
  }

  add(labels: Labels<Name>, amount: number): void {
    this.series.get(labels).current += amount;
  }

  render(): string {
    let text = header(this.name, this.help, 'gauge');
    for (const { labelText, value } of this.series.entries()) text += sample(this.name, labelText, value.current);
    return text;
  }
}

export class Histogram<Name extends string = never> implements Metric {
  private readonly series: SeriesSet<Name, { counts: number[]; sum: number; count: number }>;

  /** `buckets`: upper bounds in increasing order; `+Inf` is implied. */
  constructor(
    readonly name: string,
    private readonly help: string,
    labelNames: readonly Name[],
    private readonly buckets: readonly number[],
  ) {
    // counts[i] holds observations in (buckets[i-1], buckets[i]]; the last slot is above every bound.
    this.series = new SeriesSet(labelNames, () => ({ counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(labels: Labels<Name>, value: number): void {
    const series = this.series.get(labels);
    let slot = 0;
    while (slot < this.buckets.length && value > this.buckets[slot]!) slot++;
    series.counts[slot]!++;
    series.sum += value;
    series.count++;
  }

  render(): string {
    let text = header(this.name, this.help, 'histogram');
    for (const { labelText, value } of this.series.entries()) {
      const prefix = labelText === '' ? '' : `${labelText},`;
      let cumulative = 0;
      this.buckets.forEach((bound, slot) => {
        cumulative += value.counts[slot]!;
        text += sample(`${this.name}_bucket`, `${prefix}le="${formatNumber(bound)}"`, cumulative);
      });
      text += sample(`${this.name}_bucket`, `${prefix}le="+Inf"`, value.count);
      text += sample(`${this.name}_sum`, labelText, value.sum);
      text += sample(`${this.name}_count`, labelText, value.count);
    }
    return text;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  /** The whole exposition, one metric family after another. */
  render(): string {
    return this.metrics.map((metric) => metric.render()).join('');
  }
}

/** The `Content-Type` of the text exposition format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

function sample(name: string, labelText: string, value: number): string {
  return labelText === '' ? `${name} ${formatNumber(value)}\n` : `${name}{${labelText}} ${formatNumber(value)}\n`;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
