/**
 * The upstream HTTP transport: one undici `Pool` of kept-alive connections, spoken to through the
 * low-level `dispatch` (no fetch, no web streams, no AbortSignal per request). It sends requests as
 * the caller built them, resends only those that cannot have reached the upstream (see
 * `resend-rule.ts`), passes an early answer to an upload on (see `upstream-connection.ts`), decodes
 * compressed bodies, and reads bodies buffered (within the deadline, bounded) or streamed (with
 * backpressure). Each call is a `TransportCall`.
 */
import type { Readable } from 'node:stream';
import { Pool, type Client } from 'undici';
import { ClientGoneError } from '../errors.js';
import { TransportCall } from './transport-call.js';
import type { UpstreamName } from './transport-errors.js';
import { UpstreamConnection } from './upstream-connection.js';

export interface TransportOptions {
  /** Upstream base URL including /v1, no trailing slash, e.g. http://127.0.0.1:1234/v1 or https://api.openai.com/v1 */
  baseUrl: string;
  /** The setting the base URL comes from, named in connection errors (e.g. UPSTREAM_BASE_URL). */
  setting?: string;
  /** Time allowed for the headers, and for the whole body of a buffered read (ms), from the start of the call. */
  timeoutMs: number;
  /** How many times a request that cannot have reached the upstream is sent again. */
  retries: number;
  /** Most sockets to the upstream at once (undefined: no limit). */
  connections?: number;
  /** Buffered error bodies (status >= 400) are read up to this many bytes, the rest discarded (default 64 KiB). */
  maxErrorBodyBytes?: number;
  /** Buffered success bodies larger than this fail with 502 upstream_too_large (default 64 MiB). */
  maxBodyBytes?: number;
  /**
   * Sent as `accept-encoding` when the caller's headers have none (e.g. 'gzip, br'). Unset: nothing
   * is asked for. Compressed answers are decoded either way.
   */
  acceptEncoding?: string;
}

/** The client side of a call: tells the transport when the client has gone, so the upstream call is aborted. */
export interface Presence {
  readonly gone: boolean;
  /** Registers a listener called once when the client goes (not called if already gone: check `gone`). */
  onGone(listener: () => void): void;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the base URL, with any query already encoded: '/responses', '/models/gpt-4o?x=1' */
  path: string;
  /** Complete request headers (authorization, accept, content-type, x-client-request-id …) built by the caller. */
  headers: Record<string, string>;
  /**
   * A whole body, or one sent as it is read (an upload piped through). A streamed body is sent once
   * at most: it is resent only when the failed attempt never began to write it (see `resend-rule.ts`).
   * Give its length as `content-length` when known; without one it goes chunked.
   */
  body?: string | Buffer | Readable;
}

export interface BodyConsumer {
  /** One piece of the (decompressed) body. Return false to pause the upstream until `resume()`. */
  data(chunk: Buffer): boolean | void;
  end(): void;
  /** The body broke off (UpstreamProtocolError 'upstream_stream_broken'), or the client went (ClientGoneError). */
  error(error: Error): void;
}

/** The handle of a streamed body. */
export interface BodyControl {
  /** After `data` returned false: deliver again. */
  resume(): void;
  /** Stops the transfer: the upstream request is closed; the consumer hears nothing more. */
  cancel(): void;
}

export interface UpstreamReply {
  status: number;
  /**
   * Lower-case names, as undici gives them. When the transport decoded a compressed body, its
   * `content-encoding` and `content-length` are removed: they described the bytes on the wire.
   */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The whole (decompressed) body. Within the same deadline as the headers (504 upstream_timeout
   * after timeoutMs from the start of the call). Error statuses are cut at maxErrorBodyBytes.
   * Rejects with ClientGoneError if the client goes, or `cancel()` is called, meanwhile.
   */
  buffer(): Promise<Buffer>;
  /**
   * Streams the body to `consumer` as it arrives, honouring backpressure; no deadline (the caller
   * watches idle time). The consumer is first called in a later tick, never inside `stream()`.
   */
  stream(consumer: BodyConsumer): BodyControl;
  /** Abandons the body (closes the upstream request) when the caller reads neither. */
  cancel(): void;
}

/** What every call of one transport shares. */
export interface TransportSettings {
  pool: Pool;
  /** The base URL's path, e.g. '/v1' or '/openai/v1', put before each request's path. */
  basePath: string;
  /** Named in connection failures. */
  upstream: UpstreamName;
  timeoutMs: number;
  retries: number;
  maxErrorBodyBytes: number;
  maxBodyBytes: number;
  acceptEncoding: string | undefined;
}

export class UpstreamTransport {
  private readonly settings: TransportSettings;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The upstream base URL must be http or https: ${options.baseUrl}`);
    const pool = new Pool(url.origin, {
      connections: options.connections ?? null,
      // One request per socket at a time: a stale socket can then only fail the one request it carries.
      pipelining: 1,
      // Streams have no body timeout here (their reader watches idle time); buffered reads are
      // bounded by the call's own deadline.
      bodyTimeout: 0,
      factory: (origin, connectionOptions) => new UpstreamConnection(origin, connectionOptions as Client.Options),
    });
    this.settings = {
      pool,
      basePath: url.pathname.replace(/\/+$/, ''),
      upstream: { host: url.host, setting: options.setting },
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      maxErrorBodyBytes: options.maxErrorBodyBytes ?? 64 * 1024,
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
      acceptEncoding: options.acceptEncoding,
    };
  }

  /** Sends the request; resolves once the upstream has answered with headers (any status, 3xx included: redirects are never followed). */
  request(request: UpstreamRequest, presence: Presence): Promise<UpstreamReply> {
    if (presence.gone) return Promise.reject(new ClientGoneError());
    return new TransportCall(this.settings, request, presence).start();
  }

  /** Lets running calls finish, then closes every connection. */
  close(): Promise<void> {
    return this.settings.pool.close();
  }

  /** Ends running calls and closes every connection (a shutdown: the clients have had their answer). */
  destroy(): Promise<void> {
    return this.settings.pool.destroy();
  }
}
