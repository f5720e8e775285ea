/** Axis arithmetic for the report's charts: round tick steps and a linear scale. */

/** A step of 1, 2 or 5 times a power of ten giving about `count` ticks up to `maximum`. */
export function niceStep(maximum: number, count = 5): number {
  if (!(maximum > 0)) return 1;
  const rough = maximum / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const multiple = [1, 2, 5, 10].find((candidate) => candidate * power >= rough) ?? 10;
  return multiple * power;
}

export interface Axis {
  maximum: number;
  ticks: number[];
}

export function axisFor(maximum: number, count = 5): Axis {
  const step = niceStep(maximum, count);
  const top = Math.max(step, Math.ceil(maximum / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= top + step / 2; tick += step) ticks.push(Math.round(tick * 1e6) / 1e6);
  return { maximum: top, ticks };
}

export function tickLabel(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return String(Math.round(value * 100) / 100);
}

/** Coordinates with three decimals at most, to keep the SVG short. */
export function coordinate(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
