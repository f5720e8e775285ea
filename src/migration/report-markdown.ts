/** summary.md: the report's numbers as Markdown, for a CI job summary or a pull request comment. */
import type { Distribution } from './distribution.js';
import { featureLabels } from './feature-labels.js';
import type { ReplayReport } from './report.js';
import type { PathSummary } from './summary.js';
import { features } from './types.js';
import { percentText } from './verdict.js';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

function number(value: number | undefined | null, digits = 0): string {
  return value === undefined || value === null ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function spread(distribution: Distribution | null, unit = ''): string {
  if (distribution === null) return '–';
  const digits = unit === '' ? 1 : 0;
  return `${number(distribution.median, digits)}${unit} / ${number(distribution.p90, digits)}${unit} / ${number(distribution.max, digits)}${unit}`;
}

function pathRows(chat: PathSummary, responses: PathSummary): string[] {
  const row = (label: string, read: (path: PathSummary) => string) => `| ${label} | ${read(chat)} | ${read(responses)} |`;
  return [
    '| | Chat Completions | Responses (through the adapter) |',
    '|---|---:|---:|',
    row('Errors', (path) => `${path.errors} (${percentText(path.errorRate)})`),
    row('Latency median / p90 / max', (path) => spread(path.latencyMs, ' ms')),
    row('Prompt tokens median / p90 / max', (path) => spread(path.promptTokens)),
    row('Completion tokens median / p90 / max', (path) => spread(path.completionTokens)),
    row('Refusals', (path) => String(path.refusals)),
    row('Tool calls made', (path) => String(path.toolCalls)),
    row('Structured output invalid', (path) => `${path.structuredOutputInvalid} of ${path.structuredOutputChecked}`),
  ];
}

export function renderMarkdown(report: ReplayReport): string {
  const { summary } = report;
  const lines = [
    `# Replay report: ${summary.verdict.headline}`,
    '',
    summary.verdict.detail,
    '',
    `Input \`${cell(report.input.file)}\`: ${report.input.requests} requests compared` +
      (report.input.skipped.length > 0 ? `, ${report.input.skipped.length} lines skipped` : '') +
      `. Chat Completions: ${report.paths.chat}; Responses: ${report.paths.responses}. Generated ${report.generatedAt}.`,
    '',
    '## Divergence by feature',
    '',
    '| Feature | Divergent | Compared | Rate |',
    '|---|---:|---:|---:|',
    `| **Any** | ${summary.divergence.divergent} | ${summary.divergence.applicable} | ${percentText(summary.divergence.rate)} |`,
    ...features.map((feature) => {
      const { divergent, applicable, rate } = summary.features[feature];
      return `| ${featureLabels[feature]} | ${divergent} | ${applicable} | ${applicable === 0 ? '–' : percentText(rate)} |`;
    }),
    '',
    `Content similarity (0 to 1): median ${number(summary.similarity?.median, 2)}, mean ${number(summary.similarity?.mean, 2)}; ` +
      `below ${report.settings.similarityThreshold} counts as a divergence.`,
    '',
    '## Each path',
    '',
    ...pathRows(summary.paths.chat, summary.paths.responses),
  ];
  if (report.thresholds.length > 0) {
    lines.push('', '## Thresholds (--fail-on)', '');
    for (const threshold of report.thresholds) {
      const outcome = threshold.exceeded ? '**exceeded**' : 'met';
      lines.push(`- \`${cell(threshold.expression)}\`: ${threshold.metric} is ${number(threshold.value, 4)}, ${outcome}`);
    }
  }
  const worst = report.worstCases.map((found) => report.records[found.record]).filter((record) => record !== undefined);
  if (worst.length > 0) {
    lines.push('', '## Worst cases', '', '| Request | Model | Divergences | Similarity |', '|---|---|---|---:|');
    for (const record of worst) {
      const labels = record.divergences.map((feature) => featureLabels[feature]).join(', ');
      const similarity = record.content.applicable ? number(record.content.similarity, 2) : '–';
      lines.push(`| ${cell(record.id)} | ${cell(record.model ?? '–')} | ${labels} | ${similarity} |`);
    }
  }
  if (report.input.skipped.length > 0) {
    lines.push('', '## Skipped lines', '');
    for (const skipped of report.input.skipped) lines.push(`- line ${skipped.line}: ${skipped.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
