/**
 * The report's charts, drawn as inline SVG (no library, no network): box plots with every point
 * shown, grouped histograms and horizontal rate bars. Each chart scales to its container.
 */
import { axisFor, coordinate as c, tickLabel } from './chart-scale.js';
import { distributionOf } from './distribution.js';
import { html, type Markup } from './html.js';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Drawn at about the width the report's two-column cards give it, so text stays at its CSS size. */
const width = 470;
const left = 92;
const right = 18;
const plotWidth = width - left - right;

function xAxis(maximum: number, top: number, bottom: number, unit: string): { scale: (value: number) => number; markup: Markup } {
  const axis = axisFor(maximum);
  const scale = (value: number) => left + (value / axis.maximum) * plotWidth;
  const grid = axis.ticks.map((tick) => `M${c(scale(tick))} ${top}V${bottom}`).join('');
  const labels = axis.ticks.map(
    (tick) => html`<text x="${c(scale(tick))}" y="${bottom + 16}" text-anchor="middle" class="tick">${tickLabel(tick)}</text>`,
  );
  return {
    scale,
    markup: html`<path d="${grid}" class="grid"/>${labels}<text x="${width - right}" y="${bottom + 32}" text-anchor="end" class="unit">${unit}</text>`,
  };
}

function empty(title: string): Markup {
  return html`<p class="chart-empty">${title}: no data.</p>`;
}

/** One box (quartiles, median, min to max whiskers) per series, over the series' own dots. */
export function boxPlotChart(title: string, unit: string, series: Series[]): Markup {
  const all = series.flatMap((item) => item.values);
  if (all.length === 0) return empty(title);
  const rowHeight = 58;
  const top = 12;
  const bottom = top + rowHeight * series.length;
  const axis = xAxis(Math.max(...all), top, bottom, unit);
  const rows = series.map((item, row) => {
    const stats = distributionOf(item.values);
    const middle = top + rowHeight * row + rowHeight / 2;
    const label = html`<text x="${left - 12}" y="${middle + 4}" text-anchor="end" class="label">${item.label}</text>`;
    if (stats === null) return label;
    const x = axis.scale;
    // Dots spread over the box's height by a fixed pattern, so the picture is the same every time.
    const dots = item.values.slice(0, 400).map((value, index) => {
      const offset = ((index * 7) % 11) / 10 - 0.5;
      return html`<circle cx="${c(x(value))}" cy="${c(middle + offset * 26)}" r="2.6" fill="${item.color}" class="dot"/>`;
    });
    const summary = `${item.label}: median ${tickLabel(stats.median)} ${unit}, p90 ${tickLabel(stats.p90)}, max ${tickLabel(stats.max)} (${stats.count} values)`;
    return html`<g><title>${summary}</title>${label}
<path d="M${c(x(stats.min))} ${middle}H${c(x(stats.max))}M${c(x(stats.min))} ${middle - 9}V${middle + 9}M${c(x(stats.max))} ${middle - 9}V${middle + 9}" stroke="${item.color}" class="whisker"/>
<rect x="${c(x(stats.p25))}" y="${middle - 17}" width="${c(Math.max(1.5, x(stats.p75) - x(stats.p25)))}" height="34" rx="4" fill="${item.color}" stroke="${item.color}" class="box"/>
${dots}
<path d="M${c(x(stats.median))} ${middle - 17}V${middle + 17}" stroke="${item.color}" class="median"/></g>`;
  });
  const figures = series.map((item) => {
    const stats = distributionOf(item.values);
    if (stats === null) return '';
    return html`<span><i style="background:${item.color}"></i>${item.label}: median ${figure(stats.median)} · p90 ${figure(stats.p90)} · max ${figure(stats.max)} ${unit}</span>`;
  });
  return html`<figure class="chart"><figcaption>${title}</figcaption><svg viewBox="0 0 ${width} ${bottom + 40}" role="img" aria-label="${title}">${axis.markup}${rows}</svg><p class="legend figures">${figures}</p></figure>`;
}

/** A measured value for people: whole numbers from 100 up, one decimal below. */
function figure(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 1 });
}

function legend(series: Series[]): Markup {
  return html`<p class="legend">${series.map((item) => html`<span><i style="background:${item.color}"></i>${item.label}</span>`)}</p>`;
}

export interface HistogramOptions {
  bins?: number;
  /** Fix the axis end (for similarity: 1) instead of using the largest value. */
  maximum?: number;
  /** A dashed vertical line, e.g. the similarity threshold. */
  marker?: { value: number; label: string };
}

/** Counts per bin, with the series' bars side by side in each bin. */
export function histogramChart(title: string, unit: string, series: Series[], options: HistogramOptions = {}): Markup {
  const all = series.flatMap((item) => item.values);
  if (all.length === 0) return empty(title);
  const binCount = options.bins ?? 10;
  const top = 10;
  const bottom = 170;
  const axis = xAxis(options.maximum ?? Math.max(...all, 1), top, bottom, unit);
  const domain = options.maximum ?? axisFor(Math.max(...all, 1)).maximum;
  const binOf = (value: number) => Math.min(binCount - 1, Math.max(0, Math.floor((value / domain) * binCount)));
  const counts = series.map((item) => {
    const bins = new Array<number>(binCount).fill(0);
    for (const value of item.values) bins[binOf(value)] = (bins[binOf(value)] ?? 0) + 1;
    return bins;
  });
  const highest = Math.max(1, ...counts.flat());
  const countAxis = axisFor(highest, 4);
  const y = (count: number) => bottom - (count / countAxis.maximum) * (bottom - top);
  const binWidth = plotWidth / binCount;
  const barWidth = (binWidth - 4) / series.length;
  const bars = counts.flatMap((bins, seriesIndex) =>
    bins.map((count, bin) => {
      if (count === 0) return html``;
      const x = left + bin * binWidth + 2 + seriesIndex * barWidth;
      const from = (bin / binCount) * domain;
      const to = ((bin + 1) / binCount) * domain;
      const label = `${series[seriesIndex]?.label}: ${count} between ${tickLabel(from)} and ${tickLabel(to)} ${unit}`;
      return html`<rect x="${c(x)}" y="${c(y(count))}" width="${c(Math.max(1, barWidth - 1))}" height="${c(bottom - y(count))}" rx="2" fill="${series[seriesIndex]?.color ?? '#888'}" class="bar"><title>${label}</title></rect>`;
    }),
  );
  const countTicks = countAxis.ticks.map(
    (tick) => html`<text x="${left - 8}" y="${c(y(tick) + 4)}" text-anchor="end" class="tick">${tickLabel(tick)}</text>`,
  );
  const marker = options.marker
    ? html`<path d="M${c(axis.scale(options.marker.value))} ${top - 4}V${bottom}" class="marker"/><text x="${c(axis.scale(options.marker.value) + 5)}" y="${top + 8}" class="marker-label">${options.marker.label}</text>`
    : '';
  return html`<figure class="chart"><figcaption>${title}</figcaption>${series.length > 1 ? legend(series) : ''}<svg viewBox="0 0 ${width} ${bottom + 40}" role="img" aria-label="${title}">${axis.markup}${countTicks}<path d="M${left} ${bottom}H${width - right}" class="baseline"/>${bars}${marker}</svg></figure>`;
}

export interface RateRow {
  label: string;
  divergent: number;
  applicable: number;
  note: string;
}

/** One bar per feature: the share of compared pairs that diverge. */
export function rateBars(rows: RateRow[]): Markup {
  // Drawn at the width of the full-width card.
  const barsWidth = 1010;
  const rowHeight = 36;
  const barLeft = 170;
  const barWidth = barsWidth - barLeft - 170;
  const bars = rows.map((row, index) => {
    const y = 8 + index * rowHeight;
    const rate = row.applicable === 0 ? 0 : row.divergent / row.applicable;
    const tone = row.applicable === 0 ? 'none' : row.divergent === 0 ? 'good' : rate >= 0.2 ? 'bad' : 'warn';
    const text = row.applicable === 0 ? 'not compared' : `${row.divergent} of ${row.applicable} · ${Math.round(rate * 100)}%`;
    return html`<g class="rate ${tone}"><title>${row.label}: ${row.note}</title>
<text x="0" y="${y + 17}" class="label">${row.label}</text>
<rect x="${barLeft}" y="${y + 4}" width="${barWidth}" height="18" rx="9" class="track"/>
<rect x="${barLeft}" y="${y + 4}" width="${c(Math.max(row.divergent > 0 ? 18 : 0, rate * barWidth))}" height="18" rx="9" class="fill"/>
<text x="${barLeft + barWidth + 12}" y="${y + 17}" class="value">${text}</text></g>`;
  });
  return html`<svg viewBox="0 0 ${barsWidth} ${rows.length * rowHeight + 12}" class="rates" role="img" aria-label="Divergence by feature">${bars}</svg>`;
}
