import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './http/logging.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
const app = createApp({ config, logger });
const onListening = (): void => {
  // The bound port, which differs from PORT when PORT is 0.
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    { port, host: config.host ?? 'all interfaces', upstream: config.upstreamBaseUrl },
    'chat-responses-adapter listening',
  );
};
// `listen` sets Node's request timeouts from BODY_TIMEOUT_MS; they never limit an answer (http/server-timeouts.ts).
// Without a host Node binds :: and falls back to 0.0.0.0 where IPv6 is off; an explicit '::' fails there.
const server = config.host === undefined ? app.listen(config.port, onListening) : app.listen(config.port, config.host, onListening);

function shutdown(signal: string): void {
  logger.info({ signal }, 'shutting down: no new connections, open streams may finish');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 30_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
