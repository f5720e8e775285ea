/** Five-number summaries (and a little more) of a list of measurements, for reports and charts. */
export interface Distribution {
  count: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Linear interpolation between closest ranks (the spreadsheet PERCENTILE.INC rule). */
function percentile(sorted: number[], fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const below = sorted[lower] ?? 0;
  const above = sorted[upper] ?? below;
  return below + (above - below) * (position - lower);
}

function rounded(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function distributionOf(values: Array<number | null | undefined>): Distribution | null {
  const sorted = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    min: rounded(sorted[0] ?? 0),
    p25: rounded(percentile(sorted, 0.25)),
    median: rounded(percentile(sorted, 0.5)),
    p75: rounded(percentile(sorted, 0.75)),
    p90: rounded(percentile(sorted, 0.9)),
    p99: rounded(percentile(sorted, 0.99)),
    max: rounded(sorted.at(-1) ?? 0),
    mean: rounded(sum / sorted.length),
  };
}
