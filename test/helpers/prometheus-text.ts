/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
 * description (not from our renderer), for tests that assert what a scraper would read.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name -> declared type. */
  types: Map<string, string>;
  helps: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)\\})? (\\S+)$`);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)$/;
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Parses the whole text; throws on any line a scraper would reject. */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const exposition: Exposition = { samples: [], types: new Map(), helps: new Map() };
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      const into = kind === 'HELP' ? exposition.helps : exposition.types;
      if (into.has(name)) throw new Error(`second ${kind} for ${name}`);
      if (kind === 'TYPE' && !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) {
        throw new Error(`unknown type: ${line}`);
      }
      into.set(name, kind === 'HELP' ? unescape(rest) : rest);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match || !VALUE.test(match[3]!)) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL_PAIR)) labels[name!] = unescape(value!);
    const name = match[1]!;
    if (!exposition.types.has(familyOf(name, exposition.types))) throw new Error(`sample before its TYPE: ${line}`);
    exposition.samples.push({ name, labels, value: Number(match[3]!.replace('Inf', 'Infinity')) });
  }
  return exposition;
}

/** `name{a="1",b="2"}` with labels sorted, as a stable key for `toEqual` tables. */
export function sampleKey({ name, labels }: Pick<Sample, 'name' | 'labels'>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((label) => `${label}="${labels[label]}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/** Samples whose name is one of `names`, as `{ sampleKey: value }`. */
export function valuesOf(exposition: Exposition, ...names: string[]): Record<string, number> {
  return Object.fromEntries(
    exposition.samples.filter((sample) => names.includes(sample.name)).map((sample) => [sampleKey(sample), sample.value]),
  );
}

/**
 * Checks every histogram's series: buckets cumulative (never decreasing) in increasing `le`, the
 * last one `+Inf` and equal to `_count`. Returns the number of series checked.
 */
export function checkHistograms(exposition: Exposition): number {
  let checked = 0;
  for (const [family, type] of exposition.types) {
    if (type !== 'histogram') continue;
    const bySeries = new Map<string, Sample[]>();
    for (const sample of exposition.samples.filter((candidate) => candidate.name === `${family}_bucket`)) {
      const { le, ...rest } = sample.labels;
      if (le === undefined) throw new Error(`${family}_bucket without le`);
      const key = sampleKey({ name: family, labels: rest });
      bySeries.set(key, [...(bySeries.get(key) ?? []), sample]);
    }
    for (const [key, buckets] of bySeries) {
      const bounds = buckets.map((bucket) => Number(bucket.labels.le!.replace('Inf', 'Infinity')));
      bounds.forEach((bound, index) => {
        if (index > 0 && !(bound > bounds[index - 1]!)) throw new Error(`${key}: le not increasing`);
        if (index > 0 && buckets[index]!.value < buckets[index - 1]!.value) throw new Error(`${key}: buckets not cumulative`);
      });
      if (buckets.at(-1)!.labels.le !== '+Inf') throw new Error(`${key}: last bucket is not +Inf`);
      const labels = { ...buckets[0]!.labels };
      delete labels.le;
      const count = exposition.samples.find((sample) => sampleKey(sample) === sampleKey({ name: `${family}_count`, labels }));
      const sum = exposition.samples.find((sample) => sampleKey(sample) === sampleKey({ name: `${family}_sum`, labels }));
      if (count === undefined || sum === undefined) throw new Error(`${key}: no _count or _sum`);
      if (count.value !== buckets.at(-1)!.value) throw new Error(`${key}: +Inf bucket ${buckets.at(-1)!.value} != _count ${count.value}`);
      checked++;
    }
  }
  return checked;
}

function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of HISTOGRAM_SUFFIXES) {
    const family = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && types.get(family) === 'histogram') return family;
  }
  return name;
}

function unescape(value: string): string {
  return value.replace(/\\(\\|"|n)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
}
