/**
 * The request bodies. The adapter gets a small Chat request; the upstream and the pipe get a
 * Responses request of about the same size, so the three targets read about the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The model name that makes the fake upstream pace its stream (see fake-upstream.mjs). */
export const SLOW_STREAM_MODEL = 'slow-stream';

export function chatBody(stream: boolean, model = 'gpt-bench'): string {
  return JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello.' }], ...(stream && { stream: true }) });
}

export function responsesBody(stream: boolean, model = 'gpt-bench'): string {
  return JSON.stringify({ model, input: [{ role: 'user', content: 'Say hello.' }], ...(stream && { stream: true }) });
}

/** 200 messages, user and assistant in turn: what an agent's long history looks like to the adapter. */
export function longConversationBody(): string {
  const messages = Array.from({ length: 200 }, (_, index) =>
    index % 2 === 0
      ? { role: 'user', content: `Question ${index / 2}: what does the adapter do with message number ${index}?` }
      : { role: 'assistant', content: `Answer ${index}: it translates it onto the Responses API and keeps its order.` },
  );
  return JSON.stringify({ model: 'gpt-bench', messages });
}

export interface BodyFiles {
  nonStream: string;
  stream: string;
}

/** Every body wrk and the clients send, as files in `directory` (wrk reads its body from a file). */
export function writeBodyFiles(directory: string) {
  const write = (name: string, body: string): string => {
    const path = join(directory, `${name}.json`);
    writeFileSync(path, body);
    return path;
  };
  return {
    responses: { nonStream: write('responses', responsesBody(false)), stream: write('responses-stream', responsesBody(true)) } as BodyFiles,
    chat: { nonStream: write('chat', chatBody(false)), stream: write('chat-stream', chatBody(true)) } as BodyFiles,
    slowResponses: write('responses-slow', responsesBody(true, SLOW_STREAM_MODEL)),
    slowChat: write('chat-slow', chatBody(true, SLOW_STREAM_MODEL)),
    longChat: write('chat-200-messages', longConversationBody()),
  };
}
