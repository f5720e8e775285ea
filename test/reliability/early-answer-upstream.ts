/**
 * An upstream in its own process, as in production, that refuses every upload at once: it answers
 * 413 with an OpenAI error before reading the body, then closes the connection the way relays do.
 * In the test's own event loop its close would never race the adapter's upload as a real relay's
 * does. It counts the requests it was sent and the body bytes it read.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const UPSTREAM = `
const http = require('node:http');
const mode = process.argv[1];
let requests = 0;
let bytes = 0;
const server = http.createServer((request, response) => {
  requests++;
  request.on('data', (chunk) => (bytes += chunk.length));
  const body = JSON.stringify({ error: { message: 'Request too large for this relay.', type: 'invalid_request_error', param: null, code: 'request_too_large' } });
  response.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  if (mode === 'destroy') { response.end(body); request.socket.destroy(); }
  else response.end(body, () => request.socket.resetAndDestroy());
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on('data', () => console.log(JSON.stringify({ requests, bytes })));
`;

/** How the upstream closes after its answer: a FIN (`destroy`) or a reset. */
export type CloseMode = 'destroy' | 'reset';

export interface EarlyAnswerUpstream {
  /** Base URL including /v1. */
  url: string;
  counts(): Promise<{ requests: number; bytes: number }>;
  close(): void;
}

export async function startEarlyAnswerUpstream(mode: CloseMode): Promise<EarlyAnswerUpstream> {
  const child = spawn(process.execPath, ['-e', UPSTREAM, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<Record<string, number>> => JSON.parse((await lines.next()).value as string) as Record<string, number>;
  const { port } = await nextLine();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    async counts() {
      child.stdin.write('\n');
      const { requests, bytes } = await nextLine();
      return { requests: requests!, bytes: bytes! };
    },
    close: () => child.kill(),
  };
}
