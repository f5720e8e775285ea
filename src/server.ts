import { createApp } from './app.js';
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { createLogger } from './http/logging.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    // One line per bad variable, no stack: the operator has a setting to fix, not a bug to read.
    for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
for (const warning of configWarnings(config)) logger.warn(warning);
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
// Without a host Node binds :: and falls back to 0.0.0.0 where IPv6 is off; an explicit '::' fails there.
const server = config.host === undefined ? app.listen(config.port, onListening) : app.listen(config.port, config.host, onListening);
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
