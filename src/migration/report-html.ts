/**
 * report.html: one self-contained page (inline CSS and SVG, a few lines of optional script, no
 * network) that answers "can we switch?" at the top and shows the evidence below it.
 */
import { chips, caseBlock } from './html-cases.js';
import { boxPlotChart, histogramChart, rateBars } from './html-charts.js';
import { html, raw, type Markup } from './html.js';
import { chatColor, reportStyles, responsesColor } from './html-styles.js';
import { featureLabels, featureMeanings } from './feature-labels.js';
import type { ReplayReport } from './report.js';
import { features, type ComparisonRecord, type SideFacts } from './types.js';
import { percentText } from './verdict.js';

function tile(value: string, label: string, tone = ''): Markup {
  return html`<div class="tile ${tone}"><b>${value}</b><span>${label}</span></div>`;
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value).toLocaleString('en-US')} ms`;
}

function latencyPair(chat: number | undefined, responses: number | undefined): string {
  if (chat === undefined || responses === undefined) return '–';
  return `${Math.round(chat).toLocaleString('en-US')} → ${Math.round(responses).toLocaleString('en-US')} ms`;
}

function tiles(report: ReplayReport): Markup {
  const { summary } = report;
  const chat = summary.paths.chat;
  const responses = summary.paths.responses;
  return html`<div class="tiles">
${tile(String(summary.requests), 'requests compared')}
${tile(`${summary.divergentRequests} · ${percentText(summary.divergence.rate)}`, 'requests that diverge', summary.divergentRequests > 0 ? 'warn' : 'good')}
${tile(String(responses.errors), `errors on the Responses path (Chat: ${chat.errors})`, summary.responsesOnlyErrors > 0 ? 'bad' : 'good')}
${tile(summary.similarity ? summary.similarity.median.toFixed(2) : '–', 'median content similarity')}
${tile(`${latencyPair(chat.latencyMs?.median, responses.latencyMs?.median)}`, 'median latency, Chat → Responses')}
</div>`;
}

function verdictBlock(report: ReplayReport): Markup {
  const { verdict } = report.summary;
  const thresholds = report.thresholds.length === 0
    ? ''
    : html`<ul class="thresholds">${report.thresholds.map(
        (threshold) =>
          html`<li class="${threshold.exceeded ? 'exceeded' : 'met'}">--fail-on ${threshold.expression}: ${threshold.metric} = ${threshold.value.toFixed(3)} ${threshold.exceeded ? '(exceeded)' : '(met)'}</li>`,
      )}</ul>`;
  return html`<section class="verdict ${verdict.kind}" id="verdict"><p class="headline">${verdict.headline}</p><p class="detail">${verdict.detail}</p>${thresholds}</section>`;
}

function featureSection(report: ReplayReport): Markup {
  const { summary } = report;
  const rows = features.map((feature) => ({ label: featureLabels[feature], note: featureMeanings[feature], ...summary.features[feature] }));
  const meanings = features.map((feature) => html`<dt>${featureLabels[feature]}</dt><dd>${featureMeanings[feature]}</dd>`);
  return html`<h2 id="features">Divergence by feature</h2>
<p class="lead">Each bar is the share of pairs that differ, out of the pairs where the feature could be compared (both paths answered, the request used it). Content counts as different below a similarity of ${report.settings.similarityThreshold}.</p>
<div class="card">${rateBars(rows)}<details class="raw"><summary>What each feature means</summary><dl>${meanings}</dl></details></div>`;
}

function values(records: ComparisonRecord[], side: 'chat' | 'responses', read: (facts: SideFacts) => number | null | undefined): number[] {
  return records.map((record) => read(record[side])).filter((value): value is number => typeof value === 'number');
}

function distributionSection(report: ReplayReport): Markup {
  const { records } = report;
  const both = (read: (facts: SideFacts) => number | null | undefined) => [
    { label: 'Chat', color: chatColor, values: values(records, 'chat', read) },
    { label: 'Responses', color: responsesColor, values: values(records, 'responses', read) },
  ];
  const answered = (read: (facts: SideFacts) => number | null | undefined) => (facts: SideFacts) => (facts.ok ? read(facts) : undefined);
  const similarities = records.filter((record) => record.content.applicable).map((record) => record.content.similarity);
  return html`<h2 id="distributions">Latency and tokens</h2>
<p class="lead">Both paths answered the same requests at the same time. Boxes span the middle half, the thick line is the median, whiskers reach the extremes, and every dot is one request.</p>
<div class="grid2">
<div class="card">${boxPlotChart('Latency per request', 'ms', both((facts) => facts.latencyMs))}</div>
<div class="card">${histogramChart('Completion tokens', 'tokens', both(answered((facts) => facts.usage?.completion_tokens)))}</div>
<div class="card">${boxPlotChart('Prompt tokens', 'tokens', both(answered((facts) => facts.usage?.prompt_tokens)))}</div>
<div class="card">${histogramChart('Content similarity', 'similarity (1 = the same words)', [{ label: 'Pairs', color: '#8b6fd6', values: similarities }], {
    maximum: 1,
    marker: { value: report.settings.similarityThreshold, label: 'divergent below' },
  })}</div>
</div>`;
}

function worstSection(report: ReplayReport): Markup {
  if (report.worstCases.length === 0) {
    return html`<h2 id="cases">Worst cases</h2><p class="lead">No pair diverged: there is nothing to review.</p>`;
  }
  const blocks = report.worstCases.flatMap((found, position) => {
    const record = report.records[found.record];
    return record === undefined ? [] : [caseBlock(record, found, position === 0)];
  });
  return html`<h2 id="cases">Worst cases</h2>
<p class="lead">The ${blocks.length} most serious divergences, worst first: errors, then tool calls and structured output, then refusals, finish reasons and content. Open one to see both answers, the request and the raw bodies.</p>
<div class="tools" hidden><button type="button" data-open="true">Expand all</button><button type="button" data-open="false">Collapse all</button></div>
${blocks}`;
}

function allRequests(report: ReplayReport): Markup {
  const rows = report.records.map(
    (record) => html`<tr><td><code>${record.id}</code></td><td>${record.model ?? ''}${record.stream ? ' · stream' : ''}</td><td>${chips(record)}</td>
<td>${record.chat.finishReasons.join(', ') || (record.chat.error?.code ?? '–')} → ${record.responses.finishReasons.join(', ') || (record.responses.error?.code ?? '–')}</td>
<td class="num">${record.content.applicable ? record.content.similarity.toFixed(2) : '–'}</td>
<td class="num">${milliseconds(record.chat.latencyMs)} / ${milliseconds(record.responses.latencyMs)}</td></tr>`,
  );
  return html`<details class="raw" id="all"><summary>All ${report.records.length} requests</summary>
<table class="all"><thead><tr><th>Request</th><th>Model</th><th>Divergences</th><th>Finish (Chat → Responses)</th><th class="num">Similarity</th><th class="num">Latency Chat / Responses</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

function skipped(report: ReplayReport): Markup {
  if (report.input.skipped.length === 0) return html``;
  return html`<h2>Skipped lines</h2><ul>${report.input.skipped.map((line) => html`<li>line ${line.line}: ${line.reason}</li>`)}</ul>`;
}

/** Expand / collapse buttons; the page reads the same without them. */
const script = `document.querySelectorAll('.tools').forEach(function (tools) {
  tools.hidden = false;
  tools.addEventListener('click', function (event) {
    var open = event.target && event.target.getAttribute('data-open');
    if (open === null || open === undefined) return;
    document.querySelectorAll('details.case').forEach(function (block) { block.open = open === 'true'; });
  });
});`;

export function renderHtml(report: ReplayReport): string {
  const generated = report.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${report.summary.verdict.headline} · replay report</title>
<style>${raw(reportStyles)}</style></head>
<body><main>
<h1>Migration replay report</h1>
<p class="meta"><span>${report.input.file} · ${report.input.requests} requests · ${generated}</span><span>Chat Completions at ${report.paths.chat} · Responses through ${report.paths.responses}</span></p>
${verdictBlock(report)}
${tiles(report)}
${featureSection(report)}
${distributionSection(report)}
${worstSection(report)}
${allRequests(report)}
${skipped(report)}
<footer>Made by <code>chat-responses-adapter replay</code>. report.json holds every comparison record; summary.md the same numbers as Markdown.</footer>
</main><script>${raw(script)}</script></body></html>
`;
  return page.text;
}
