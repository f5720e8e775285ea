/**
 * Migration testing attached to live traffic: capture and shadow mode, built from the
 * configuration (each only when asked for), and what the chat route tells them.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { Redactor } from '../redaction.js';
import type { ChunkSink } from '../serve/chunk-sink.js';
import { CaptureRecorder } from './capture.js';
import { JsonlWriter } from './jsonl-writer.js';
import { ShadowComparer, type ShadowRun } from './shadow.js';

export interface MigrationObservers {
  capture: CaptureRecorder | undefined;
  shadow: ShadowComparer | undefined;
  close(): Promise<void>;
}

export function migrationObservers(config: Config, redactor: Redactor, metrics: AdapterMetrics, logger: Logger): MigrationObservers {
  const scrub = (text: string): string => redactor.text(text);
  const capture =
    config.captureFile === undefined
      ? undefined
      : new CaptureRecorder({
          file: config.captureFile,
          sample: config.captureSample,
          redact: config.captureRedact,
          maxFileBytes: config.captureMaxBytes,
          keep: 3,
          scrub,
          onLine: (outcome) => metrics.countCaptured(outcome),
          onError: (error) => logger.warn({ err: error }, 'capture file not written'),
        });
  const shadowWriter =
    config.shadowChatBaseUrl === undefined
      ? undefined
      : new JsonlWriter({
          file: config.shadowFile,
          maxFileBytes: config.captureMaxBytes,
          keep: 3,
          serialize: (value) => scrub(JSON.stringify(value)),
          onError: (error) => logger.warn({ err: error }, 'shadow file not written'),
        });
  const shadow =
    shadowWriter === undefined || config.shadowChatBaseUrl === undefined
      ? undefined
      : new ShadowComparer({
          chatBaseUrl: config.shadowChatBaseUrl,
          apiKey: config.shadowChatApiKey,
          sample: config.shadowSample,
          concurrency: config.shadowConcurrency,
          timeoutMs: config.upstreamTimeoutMs,
          writer: shadowWriter,
          onOutcome: (outcome) => metrics.countShadow(outcome),
        });
  return {
    capture,
    shadow,
    async close() {
      await capture?.close();
      await shadowWriter?.close();
    },
  };
}

/** The client's stream, also kept for the shadow comparison. */
export function teeSink(sink: ChunkSink, run: ShadowRun): ChunkSink {
  return {
    get isOpen() {
      return sink.isOpen;
    },
    get closed() {
      return sink.closed;
    },
    get lastWriteAt() {
      return sink.lastWriteAt;
    },
    open: (headers) => sink.open(headers),
    write(text) {
      run.tee(text);
      return sink.write(text);
    },
    onDrain: (listener) => sink.onDrain(listener),
    end(text) {
      if (text !== undefined) run.tee(text);
      sink.end(text);
    },
  };
}
