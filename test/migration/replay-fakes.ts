/**
 * The two upstreams a replay test needs, answering from one table of scenarios keyed by the text
 * of the request's last user message: a small Chat Completions server written here, and the
 * shared fake Responses upstream (which validates requests like the real API) behind the adapter.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeUpstream, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { chatReply, responsesReply, type Scenario } from './scripted-answers.js';

export interface SeenRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface ReplayFakes {
  /** Base URLs including `/v1`. */
  chatUrl: string;
  responsesUrl: string;
  chatRequests: SeenRequest[];
  responses: FakeUpstream;
  close(): Promise<void>;
}

function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** The last user message of a Chat request (`messages`) or a Responses request (`input`). */
export function lastUserText(body: any): string {
  const list: any[] = Array.isArray(body?.messages) ? body.messages : Array.isArray(body?.input) ? body.input : [];
  const user = list.filter((item) => item?.role === 'user').at(-1);
  return partsText(user?.content);
}

function scenarioFor(scenarios: Record<string, Scenario>, body: unknown): Scenario {
  const key = lastUserText(body);
  const scenario = Object.hasOwn(scenarios, key) ? scenarios[key] : undefined;
  if (scenario === undefined) throw new Error(`No scenario for the user message ${JSON.stringify(key)}`);
  return scenario;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReplayFakes(scenarios: Record<string, Scenario>): Promise<ReplayFakes> {
  const chatRequests: SeenRequest[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request);
      const body = JSON.parse(text || 'null');
      chatRequests.push({ path: request.url ?? '', headers: request.headers, body });
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"Not found","type":"invalid_request_error"}}');
        return;
      }
      let reply;
      try {
        reply = chatReply(scenarioFor(scenarios, body).chat, body);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error) } }));
        return;
      }
      if (reply.delayMs) await sleep(reply.delayMs);
      response.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const responses = await startFakeUpstream();
  responses.setDefault((recorded) => responsesReply(scenarioFor(scenarios, recorded.body).responses, recorded.body));

  return {
    chatUrl: `http://127.0.0.1:${port}/v1`,
    responsesUrl: responses.url,
    chatRequests,
    responses,
    async close() {
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), responses.close()]);
    },
  };
}
