import cluster from 'node:cluster';
import { createApp } from './app.js';
import { runPrimary, WORKER_SLOT_VARIABLE } from './cluster/primary.js';
import { WorkerMetrics } from './cluster/worker-metrics.js';
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
if (cluster.isWorker) {
  // A worker of WORKERS > 1: the primary has logged the warnings once for all.
  const slot = process.env[WORKER_SLOT_VARIABLE] ?? String(cluster.worker?.id ?? 0);
  const metrics = new WorkerMetrics(slot);
  const app = createApp({ config, logger, metricsExposition: metrics.exposition });
  metrics.serve(() => app.metricsText());
  runServer({ config, logger, app, worker: true, describe: { worker: Number(slot) } });
} else {
  for (const warning of configWarnings(config)) logger.warn(warning);
  if (config.workers > 1) runPrimary({ config, logger });
  else runServer({ config, logger, app: createApp({ config, logger }) });
}
