import { createApp } from './app.js';
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { createLogger } from './http/logging.js';
import { runServer } from './run-server.js';

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
runServer({ config, logger, app: createApp({ config, logger }) });
