/**
 * The adapter as a process: listens, and on SIGTERM or SIGINT drains (see http/drain.ts) and
 * exits 0 with a last log line. A second signal, or a drain that outlives its grace by far,
 * forces the exit with code 1. Started by `npm start`, it also drains when npm goes away, so it
 * never serves on as an orphan. As a worker of WORKERS > 1 (cluster/primary.ts) it also drains
 * when the primary asks (a message, which never forces: a terminal's Ctrl-C reaches the workers
 * too, and that one press must not count twice) or when the primary is gone.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { AdapterApp } from './app.js';
import type { Config } from './config.js';

export interface ServerProcess {
  config: Config;
  logger: Logger;
  app: AdapterApp;
  /** Extra fields of the "listening" log line. */
  describe?: Record<string, unknown>;
  /** Told the bound port once listening (the demo prints what to try). */
  onListening?: (port: number) => void;
  /** Runs after the drain, before the exit (the demo stops its simulated upstream). */
  beforeExit?: () => Promise<void>;
  /** A worker of cluster/primary.ts. */
  worker?: boolean;
}

/** The primary's request to a worker to drain (cluster/primary.ts). */
export const SHUTDOWN_MESSAGE = 'cra:shutdown';

/** Past the grace, what the ended streams and the last writes may take before the exit is forced. */
const FORCE_AFTER_GRACE_MS = 5000;
const PARENT_CHECK_MS = 1000;

export function runServer({ config, logger, app, describe = {}, onListening: listening, beforeExit, worker = false }: ServerProcess): Server {
  const onListening = (): void => {
    // The bound port, which differs from PORT when PORT is 0.
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    logger.info({ port, host: config.host ?? 'all interfaces', upstream: config.upstreamBaseUrl, ...describe }, 'chat-responses-adapter listening');
    listening?.(port);
  };
  // Without a host Node binds :: and falls back to 0.0.0.0 where IPv6 is off; an explicit '::' fails there.
  const server = config.host === undefined ? app.listen(config.port, onListening) : app.listen(config.port, config.host, onListening);
  server.once('error', (error: NodeJS.ErrnoException) => {
    logger.fatal({ code: error.code }, `cannot listen on ${config.host ?? 'all interfaces'} port ${config.port}: ${error.code ?? error.message}`);
    exit(logger, 1);
  });
  // Node's request timeouts come from BODY_TIMEOUT_MS (http/server-timeouts.ts): they never limit an answer.

  let stopping = false;
  /** `forcing`: a second one ends the drain at once (signals do; the primary's message and a lost parent do not). */
  const stop = (reason: string, forcing = true): void => {
    if (stopping) {
      if (!forcing) return;
      logger.warn({ reason }, 'shutdown forced: exiting now, open requests are cut');
      exit(logger, 1);
      return;
    }
    stopping = true;
    const startedAt = Date.now();
    logger.info({ reason, graceMs: config.shutdownGraceMs }, 'shutting down: not ready, new requests refused, open streams may finish');
    const force = setTimeout(() => {
      logger.error({ reason }, 'shutdown forced: requests still open long after the grace');
      exit(logger, 1);
    }, config.shutdownGraceMs + FORCE_AFTER_GRACE_MS);
    force.unref();
    app
      .shutdown(config.shutdownGraceMs)
      .then(async (report) => {
        await beforeExit?.();
        logger.info({ ...report, ms: Date.now() - startedAt }, 'shut down');
        exit(logger, 0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(logger, 1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (worker) {
    process.on('message', (message: { type?: unknown; reason?: unknown }) => {
      if (message?.type === SHUTDOWN_MESSAGE) stop(typeof message.reason === 'string' ? message.reason : 'primary', false);
    });
    // The IPC channel closes when the primary dies, however it died.
    process.on('disconnect', () => stop('primary process exited', false));
  }
  watchParent((reason) => stop(reason, false));
  return server;
}

/**
 * Under `npm start`, npm is the parent: when it is gone (killed without passing the signal on),
 * the server drains as for SIGTERM instead of serving on, orphaned. Only then: a server started
 * by a shell that exits (nohup, a service manager) keeps running.
 */
export function watchParent(stop: (reason: string) => void): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop('parent process exited');
  }, PARENT_CHECK_MS);
  timer.unref();
}

/**
 * Exits once the event loop is empty, so the log's last asynchronous writes land (process.exit
 * would drop a write still under way); whatever still holds the loop (a socket a forced exit
 * leaves open) is cut after a second.
 */
export function exit(logger: Logger, code: number): void {
  process.exitCode = code;
  logger.flush();
  setTimeout(() => process.exit(code), 1000).unref();
}
