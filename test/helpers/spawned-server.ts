/**
 * The adapter as a real process (src/server.ts through tsx, or any command), with its log lines
 * read as they come, and small node:http helpers that show every response header (`connection`
 * included, which fetch hides).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';

export type LogEntry = Record<string, any>;

export interface SpawnedServer {
  child: ChildProcess;
  /** Every JSON log line so far (stdout), in order. */
  logs: LogEntry[];
  /** Every other stdout line (the demo's instructions, npm's own lines). */
  otherLines: string[];
  /** Everything written to stderr. */
  stderr(): string;
  /** Resolves with the first log line that matches (already seen or to come). */
  waitForLog(match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** The port from the "listening" line. */
  port(): Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function spawnServer(
  env: Record<string, string>,
  command: string[] = [process.execPath, '--import', 'tsx', 'src/server.ts'],
): SpawnedServer {
  const child = spawn(command[0]!, command.slice(1), {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogEntry[] = [];
  const otherLines: string[] = [];
  const waiters: Array<{ match: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }> = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      otherLines.push(line);
      return;
    }
    logs.push(entry);
    for (const waiter of [...waiters]) {
      if (!waiter.match(entry)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(entry);
    }
  });
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, at: Date.now() }));
  const waitForLog = (match: (entry: LogEntry) => boolean, timeoutMs = 30_000): Promise<LogEntry> => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogEntry>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      waiters.push({
        match,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the server exited before the log line; stderr: ${stderr}`));
      });
    });
  };
  return {
    child,
    logs,
    otherLines,
    stderr: () => stderr,
    waitForLog,
    port: async () => (await waitForLog((entry) => entry.msg === 'chat-responses-adapter listening')).port as number,
    exited,
  };
}

export interface RawReply {
  status: number;
  headers: IncomingMessage['headers'];
  response: IncomingMessage;
  /** The connection it came on (kept after the response lets go of it). */
  socket: Socket;
  /** The body received so far. */
  received(): string;
  /** The whole body, once it has ended (or been cut: `complete` tells). */
  text(): Promise<{ body: string; complete: boolean }>;
}

/** One request over node:http; `agent` to reuse a kept-alive socket. */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; body?: unknown; headers?: Record<string, string>; agent?: Agent },
): Promise<RawReply> {
  return new Promise<RawReply>((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        path: options.path,
        agent: options.agent ?? false,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        const ended = new Promise<{ body: string; complete: boolean }>((done) => {
          response.once('end', () => done({ body: text, complete: response.complete }));
          response.once('error', () => done({ body: text, complete: false }));
          response.once('close', () => done({ body: text, complete: response.complete }));
        });
        resolve({ status: response.statusCode ?? 0, headers: response.headers, response, socket: response.socket, received: () => text, text: () => ended });
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/** Resolves when the reply's body so far contains `needle`. */
export function bodyContains(reply: RawReply, needle: string, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (reply.received().includes(needle)) {
      resolve();
      return;
    }
    const timer = setTimeout(() => reject(new Error(`'${needle}' not seen within ${timeoutMs} ms: ${reply.received()}`)), timeoutMs);
    const onData = (): void => {
      // The reply's own listener, added first, has appended this chunk already.
      if (!reply.received().includes(needle)) return;
      clearTimeout(timer);
      reply.response.off('data', onData);
      resolve();
    };
    reply.response.on('data', onData);
  });
}
