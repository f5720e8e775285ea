/**
 * One pooled connection to the upstream: an undici `Client` (one socket at a time, pipelining 1)
 * that knows two facts undici keeps to itself, and that changes one behaviour of its sockets.
 *
 * - Which connection a call went out on, and whether that socket had carried a request before
 *   (`requestsOnSocket`), and how long it took to connect (`connectMs`, our round-trip estimate):
 *   the resend rule needs them to tell a stale pooled socket from an upstream that took the request.
 * - After a write error, the socket keeps reading (see `keepReadingAfterWriteError`).
 */
import type net from 'node:net';
import { Client, type Dispatcher, type buildConnector } from 'undici';

/** Marks a call's dispatch options with the call, so the connection that takes it can tell it. */
export const CONNECTION_USER: unique symbol = Symbol('upstream connection user');

export interface ConnectionUser {
  connection: UpstreamConnection | null;
}

export interface UserDispatchOptions extends Dispatcher.DispatchOptions {
  [CONNECTION_USER]?: ConnectionUser;
}

/**
 * How long the read side may stay open after the upstream reset our upload, for an answer already
 * on its way. A reset connection's read side ends within a round trip; this only bounds an odd one.
 */
const WRITE_ERROR_GRACE_MS = 2_000;

export class UpstreamConnection extends Client {
  /** Requests started on the current socket. With pipelining 1, every earlier one had finished. */
  requestsOnSocket = 0;
  /** How long the current socket took to connect (TCP, plus TLS for https): about one round trip or more. */
  connectMs = 0;

  constructor(origin: URL, options: Client.Options) {
    // The pool hands every connection its connector as a function (it builds one from the options).
    const connector = options.connect as buildConnector.connector;
    let self: UpstreamConnection | undefined;
    super(origin, {
      ...options,
      connect(connectOptions, callback) {
        const started = performance.now();
        connector(connectOptions, (error, socket) => {
          if (error !== null || socket === null) return callback(error ?? new Error('no socket'), null);
          self?.adopt(socket, performance.now() - started);
          callback(null, socket);
        });
      },
    });
    self = this;
  }

  /** Pools call this for every request they give this connection (also for requests they queued). */
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const user = (options as UserDispatchOptions)[CONNECTION_USER];
    if (user !== undefined) user.connection = this;
    return super.dispatch(options, handler);
  }

  private adopt(socket: net.Socket, connectMs: number): void {
    this.requestsOnSocket = 0;
    this.connectMs = connectMs;
    keepReadingAfterWriteError(socket);
  }
}

/**
 * An upstream that refuses a large upload answers early (413, 400, 401) and closes the connection
 * without reading the rest, as Node and Go relays do (issue 12, item 7). The close is a reset, since
 * our unread upload is still in its buffers. Node then fails our next write with ECONNRESET or EPIPE
 * and, as a write error destroys a socket, drops the answer already sitting in the kernel's receive
 * buffer, unread: the caller sees "ECONNRESET" instead of the 413.
 *
 * So a write error that means "the peer has gone" no longer destroys the socket: the rest of the
 * upload is dropped (the peer will not read it), and the socket goes on reading. The answer is
 * parsed as usual, then the read side reports the reset, which closes the socket; a request with no
 * answer fails then, with that error. Go's HTTP client does the same (it waits for a response after a
 * write error). A request undici writes on the socket in between is dropped too: it fails with the
 * reset, never having reached the upstream, which the resend rule sees as a stale socket.
 *
 * Writes reach `_write`/`_writev` with the stream's one completion callback, so the wrapped callback
 * is made once per socket (a new callback would only cost a new wrapper). TLS sockets report some
 * write errors another way; for them this is best effort.
 */
function keepReadingAfterWriteError(socket: net.Socket): void {
  const write = socket._write;
  const writev = socket._writev;
  let failed: Error | null = null;
  let seen: ((error?: Error | null) => void) | null = null;
  let guarded: ((error?: Error | null) => void) | null = null;

  const guard = (callback: (error?: Error | null) => void): ((error?: Error | null) => void) => {
    if (callback === seen) return guarded!;
    seen = callback;
    guarded = (error) => {
      if (error && failed === null && isPeerGone(error)) {
        failed = error;
        const timer = setTimeout(() => socket.destroy(failed ?? undefined), WRITE_ERROR_GRACE_MS);
        timer.unref();
        socket.once('close', () => clearTimeout(timer));
        callback();
        return;
      }
      callback(error);
    };
    return guarded;
  };

  socket._write = function (chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (failed !== null) return callback();
    write.call(this, chunk, encoding, guard(callback));
  };
  if (writev === undefined) return;
  socket._writev = function (chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    if (failed !== null) return callback();
    writev.call(this, chunks, guard(callback));
  };
}

function isPeerGone(error: Error): boolean {
  const code = (error as Error & { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
