/**
 * The benchmark's baseline: a bare `node:http` reverse proxy that pipes each request to the
 * upstream and the answer back, without parsing either body. What the adapter costs beyond this is
 * what translating costs; what this costs is what any Node HTTP hop costs.
 *
 * `/v1/chat/completions` is forwarded to `/v1/responses`, so one load script can target the pipe and
 * the adapter alike; every other path is forwarded as it is.
 *
 * Usage: node bench/pipe-proxy.mjs <port> <upstream-port>; prints `listening <port>` when ready.
 */
import http from 'node:http';

const [port = '0', upstreamPort] = process.argv.slice(2);
if (upstreamPort === undefined) {
  process.stderr.write('usage: node bench/pipe-proxy.mjs <port> <upstream-port>\n');
  process.exit(2);
}

const upstreamHost = `127.0.0.1:${upstreamPort}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 2048 });
/** Per-hop headers: they describe one connection, not the message, so they are not passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'proxy-connection']);

function forwardedHeaders(raw, host) {
  // Array headers get no Host from Node, and an HTTP/1.1 server refuses a request without one.
  const headers = host === undefined ? [] : ['host', host];
  for (let index = 0; index < raw.length; index += 2) {
    if (!HOP_BY_HOP.has(raw[index].toLowerCase())) headers.push(raw[index], raw[index + 1]);
  }
  return headers;
}

const server = http.createServer((request, response) => {
  const path = request.url === '/v1/chat/completions' ? '/v1/responses' : request.url;
  const upstream = http.request(
    { host: '127.0.0.1', port: Number(upstreamPort), method: request.method, path, headers: forwardedHeaders(request.rawHeaders, upstreamHost), agent },
    (reply) => {
      response.writeHead(reply.statusCode ?? 502, forwardedHeaders(reply.rawHeaders));
      reply.pipe(response);
    },
  );
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502, ['content-type', 'text/plain']);
    response.end();
  });
  // A client gone mid-answer stops the upstream transfer too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
});
server.keepAliveTimeout = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const exit = (why) => {
  process.stderr.write(`pipe: ${why}, exiting\n`);
  process.exit(0);
};
process.on('SIGTERM', () => exit('SIGTERM'));
process.on('SIGINT', () => exit('SIGINT'));
// Started by the runner: exit when it does, even if it was killed without a chance to clean up.
if (process.env.BENCH_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => exit('the runner is gone'));
  process.stdin.on('error', () => exit('the runner is gone'));
  process.stdin.resume();
}
