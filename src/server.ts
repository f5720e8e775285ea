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
const server = app.listen(config.port, config.host ?? '::', () => {
  logger.info(
    { port: config.port, host: config.host ?? 'all interfaces', upstream: config.upstreamBaseUrl },
    'chat-responses-adapter listening',
  );
});
// Reasoning models can think for many minutes before the first byte.
server.requestTimeout = 0;
server.headersTimeout = 65_000;
server.keepAliveTimeout = 61_000;

function shutdown(signal: string): void {
  logger.info({ signal }, 'shutting down: no new connections, open streams may finish');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 30_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
