/** The worst cases in the HTML report: each a collapsible block with both answers side by side. */
import { choicesOf, type AnswerChoice } from './answer-body.js';
import { featureLabels } from './feature-labels.js';
import { html, type Markup } from './html.js';
import type { ReportCase } from './report.js';
import type { ComparisonRecord, SideFacts } from './types.js';

/** Bodies longer than this are cut in the page (report.json keeps them whole). */
const bodyLimit = 20_000;

export function prettyJson(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? 'null';
  return text.length > bodyLimit ? `${text.slice(0, bodyLimit)}\n… (${text.length - bodyLimit} more characters in report.json)` : text;
}

export function chips(record: ComparisonRecord): Markup {
  if (record.divergences.length === 0) return html`<span class="chip same">same</span>`;
  return html`${record.divergences.map((feature) => html`<span class="chip ${feature}">${featureLabels[feature]}</span>`)}`;
}

function usageText(side: SideFacts): string {
  const usage = side.usage;
  if (usage === null) return '–';
  const value = (count: number | null) => (count === null ? '–' : String(count));
  return `${value(usage.prompt_tokens)} / ${value(usage.completion_tokens)} / ${value(usage.total_tokens)}`;
}

function toolCallsText(side: SideFacts): string {
  if (side.toolCalls.length === 0) return '–';
  return side.toolCalls.map((call) => `${call.name}${call.argumentsValid ? '' : ' (arguments not JSON)'}`).join(', ');
}

function structuredText(side: SideFacts): string {
  if (side.structuredOutput === null) return '–';
  return side.structuredOutput.valid ? 'valid' : `invalid: ${side.structuredOutput.errors.join('; ')}`;
}

function toolCallsLabel(record: ComparisonRecord): string {
  if (!record.toolCalls.divergent) return 'Tool calls';
  return record.toolCalls.namesEqual ? 'Tool calls: arguments differ' : 'Tool calls: names differ';
}

function factsTable(record: ComparisonRecord): Markup {
  const rows: Array<[string, (side: SideFacts) => string, boolean]> = [
    ['HTTP status', (side) => (side.status === 0 ? 'no answer' : String(side.status)), record.errors.divergent],
    ['Error', (side) => (side.error ? `${side.error.code ?? 'error'}: ${side.error.message}` : '–'), record.errors.divergent],
    ['Finish reason', (side) => side.finishReasons.map((reason) => reason ?? 'none').join(', ') || '–', record.finishReason.divergent],
    [toolCallsLabel(record), toolCallsText, record.toolCalls.divergent],
    ['Structured output', structuredText, record.structuredOutput.divergent],
    ['Refusal', (side) => (side.refusal ? 'refused' : 'no'), record.refusal.divergent],
    ['Tokens (prompt / completion / total)', usageText, false],
    ['Latency', (side) => `${Math.round(side.latencyMs)} ms`, false],
  ];
  return html`<table class="facts"><thead><tr><th></th><th>Chat Completions</th><th>Responses</th></tr></thead><tbody>${rows.map(
    ([label, read, divergent]) => html`<tr class="${divergent ? 'differs' : ''}"><th>${label}</th><td>${read(record.chat)}</td><td>${read(record.responses)}</td></tr>`,
  )}</tbody></table>`;
}

function answerText(choices: AnswerChoice[]): string {
  return choices
    .map((choice) => {
      const parts = [
        choice.content ?? '',
        choice.refusal ? `[refusal] ${choice.refusal}` : '',
        ...choice.toolCalls.map((call) => `→ ${call.name}(${call.arguments})`),
      ].filter((part) => part !== '');
      const text = parts.join('\n') || '(no text)';
      return choices.length > 1 ? `choice ${choice.index}:\n${text}` : text;
    })
    .join('\n\n');
}

function answerPanel(title: string, body: unknown, side: SideFacts): Markup {
  const text = side.error ? `${side.error.code ?? 'error'} (HTTP ${side.status}): ${side.error.message}` : answerText(choicesOf(body));
  return html`<div class="answer"><h4>${title}</h4><div class="text${side.error ? ' failed' : ''}">${text}</div></div>`;
}

export function caseBlock(record: ComparisonRecord, found: ReportCase, open: boolean): Markup {
  const similarity = record.content.applicable ? html`<span class="similarity">similarity ${record.content.similarity.toFixed(2)}</span>` : '';
  return html`<details class="case"${open ? html` open` : ''} id="case-${record.id.replace(/[^A-Za-z0-9_-]/g, '-')}">
<summary><span class="case-id">${record.id}</span><span class="model">${record.model ?? ''}${record.stream ? ' · stream' : ''}</span>${chips(record)}${similarity}</summary>
<div class="case-body">
${factsTable(record)}
<div class="pair">${answerPanel('Chat Completions answer', found.chat, record.chat)}${answerPanel('Responses answer (through the adapter)', found.responses, record.responses)}</div>
<details class="raw"><summary>Request and raw bodies</summary>
<h4>Request</h4><pre>${prettyJson(found.request)}</pre>
<div class="pair"><div><h4>Chat Completions body</h4><pre>${prettyJson(found.chat)}</pre></div><div><h4>Responses body (as the adapter returned it)</h4><pre>${prettyJson(found.responses)}</pre></div></div>
</details>
</div>
</details>`;
}
