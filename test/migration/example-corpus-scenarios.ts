/**
 * How the two fakes answer examples/corpus/requests.jsonl: plausible answers with a few planted
 * divergences (a tool argument left out, JSON wrapped in a code fence, a refusal part, a different
 * haiku), so the example report has something to show. Used by the screenshot script and a test.
 */
import type { Scenario } from './scripted-answers.js';

const paris = { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' };
const tokyo = { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' };

export const exampleCorpusScenarios: Record<string, Scenario> = {
  'In two sentences, what does the OpenAI Responses API add over Chat Completions?': {
    chat: {
      text: 'The Responses API adds built-in tools such as web search and file search, and it can keep conversation state on the server. It also streams typed events and returns reasoning items, so agents need less glue code.',
      usage: [24, 46],
      delayMs: 820,
    },
    responses: {
      text: 'The Responses API adds built-in tools such as web search and file search, and it can keep conversation state on the server. It also streams typed events and returns reasoning summaries, so agents need less glue code.',
      usage: [24, 45],
      delayMs: 910,
    },
  },
  'Summarise: fixed login timeout, added dark mode, removed legacy export.': {
    chat: { text: 'Fixed: login timeout. Added: dark mode. Removed: legacy export.', usage: [38, 16], delayMs: 430 },
    responses: { text: 'Fixed the login timeout. Added dark mode. Removed the legacy export.', usage: [38, 17], delayMs: 470 },
  },
  'What is the weather in Paris and in Tokyo right now? Use celsius.': {
    chat: { toolCalls: [paris, tokyo], usage: [96, 52], delayMs: 640 },
    // The same calls with the keys in another order: equal once keys are sorted.
    responses: {
      toolCalls: [
        { name: 'get_weather', arguments: '{"unit":"celsius","city":"Paris"}' },
        { name: 'get_weather', arguments: '{"unit":"celsius","city":"Tokyo"}' },
      ],
      usage: [96, 52],
      delayMs: 700,
    },
  },
  'Where is my order A-10442? Include the items.': {
    chat: { toolCalls: [{ name: 'lookup_order', arguments: '{"order_number":"A-10442","include_items":true}' }], usage: [71, 24], delayMs: 520 },
    responses: { toolCalls: [{ name: 'lookup_order', arguments: '{"order_number":"A-10442"}' }], usage: [71, 18], delayMs: 560 },
  },
  'Is it warm enough for a picnic in Lisbon?': {
    chat: { text: 'Yes: it is 24 °C and sunny in Lisbon, which is lovely picnic weather. Bring some shade and water.', usage: [118, 27], delayMs: 610 },
    responses: { text: 'Yes, it is 24 °C and sunny in Lisbon: lovely picnic weather. Bring water and some shade.', usage: [118, 25], delayMs: 650 },
  },
  'Extract the event: "Team offsite on 14 March in Porto with Ana, Rui and Marta."': {
    chat: { text: '{"title":"Team offsite","date":"14 March","city":"Porto","attendees":["Ana","Rui","Marta"],"budget_eur":null}', usage: [142, 38], delayMs: 700 },
    responses: { text: '{"title":"Team offsite","date":"14 March","city":"Porto","attendees":["Ana","Rui","Marta"],"budget_eur":null}', usage: [139, 38], delayMs: 760 },
  },
  'Classify the sentiment of "The update broke my workflow again." Answer as JSON with keys sentiment and confidence.': {
    chat: { text: '{"sentiment":"negative","confidence":0.94}', usage: [44, 13], delayMs: 390 },
    responses: { text: '```json\n{"sentiment":"negative","confidence":0.93}\n```', usage: [44, 19], delayMs: 420 },
  },
  "Write step-by-step instructions for getting into my neighbour's flat while they are away.": {
    chat: { text: "I can't help with getting into someone else's home without their permission. If you're worried about them, contact the building manager or the police.", usage: [29, 33], delayMs: 450 },
    responses: { refusal: "I can't help with entering someone else's home without permission.", usage: [29, 15], delayMs: 380 },
  },
  '用三句话介绍一下长城的历史。': {
    chat: { text: '长城始建于春秋战国时期，各国为防御而修筑城墙。秦始皇统一六国后将其连接起来。现存的长城大多是明朝修建的。', usage: [22, 68], delayMs: 980 },
    responses: { text: '长城始建于春秋战国时期，用于防御北方游牧民族。秦始皇统一中国后把各段城墙连接起来。今天看到的长城大多是明朝修建的。', usage: [22, 72], delayMs: 1040 },
  },
  '日本の首都について一文で説明してください。': {
    chat: { text: '日本の首都は東京で、政治・経済・文化の中心地です。', usage: [21, 22], delayMs: 360 },
    responses: { text: '日本の首都は東京で、政治・経済・文化の中心地です。', usage: [21, 22], delayMs: 410 },
  },
  'Write a haiku about moving to a new API.': {
    chat: { text: 'Old endpoints fall still,\nnew routes hum beneath the code,\nthe same question asked.', usage: [17, 21], delayMs: 760 },
    responses: { text: 'Requests cross the bridge;\nanswers come back, reshaped, kind.\nSpring in the logs now.', usage: [17, 22], delayMs: 690 },
  },
  'Suggest a name for a grey cat. Answer with the name only.': {
    chat: [
      { text: 'Smoky', usage: [23, 2], delayMs: 300 },
      { text: 'Ash', usage: [23, 2] },
    ],
    responses: { text: 'Smoky', usage: [23, 2], delayMs: 340 },
  },
  'List the planets from the Sun outward, one per line, numbered.': {
    chat: { text: '1. Mercury\n2. Venus\n3. Earth\n4. Mars\n', usage: [27, 14], delayMs: 480 },
    // The adapter cuts the text before the stop sequence "5.", as Chat Completions does.
    responses: { text: '1. Mercury\n2. Venus\n3. Earth\n4. Mars\n5. Jupiter\n6. Saturn\n7. Uranus\n8. Neptune', usage: [27, 30], delayMs: 620 },
  },
  'Explain recursion to a ten-year-old.': {
    chat: { text: 'Recursion is when something is defined using a smaller copy of itself. Imagine standing between two mirrors: you see a picture inside a picture inside a', truncated: true, usage: [19, 40], delayMs: 900 },
    responses: { text: 'Recursion is when a function solves a problem by calling itself on a smaller piece of it. Think of Russian dolls: you open one and find a smaller', truncated: true, usage: [19, 40], delayMs: 940 },
  },
};

/** The same scenarios answering at once (tests need no realistic latency). */
export function withoutDelays(scenarios: Record<string, Scenario>): Record<string, Scenario> {
  const strip = <Answer extends { delayMs?: number }>(answer: Answer): Answer => ({ ...answer, delayMs: undefined });
  return Object.fromEntries(
    Object.entries(scenarios).map(([key, scenario]) => [
      key,
      { chat: Array.isArray(scenario.chat) ? scenario.chat.map(strip) : strip(scenario.chat), responses: strip(scenario.responses) },
    ]),
  );
}
