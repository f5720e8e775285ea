import { COLLECT_TIMEOUT_MS, isMetricsMessage, type CollectedPart, type ScrapeRequest } from './messages.js';
import { mergeExpositions } from './merge-expositions.js';

/**
 * A worker's side of `/metrics` (WORKERS > 1): a scrape that reaches this worker is answered with
 * every worker's series, gathered by the primary (primary-metrics.ts), and this worker hands its
 * own exposition over whenever the primary asks. Should the primary not answer in time, the scrape
 * gets this worker's series alone, labelled as usual, rather than an error.
 */
export class WorkerMetrics {
  private local: () => string = () => '';
  private nextId = 0;
  private readonly waiting = new Map<number, (text: string) => void>();

  constructor(private readonly slot: string) {
    process.on('message', (message: unknown) => {
      if (!isMetricsMessage(message)) return;
      if (message.type === 'cra:collect') {
        const part: CollectedPart = { type: 'cra:part', id: message.id, text: this.local() };
        process.send?.(part, undefined, {}, () => {});
      } else if (message.type === 'cra:scraped') {
        this.waiting.get(message.id)?.(message.text);
      }
    });
  }

  /** Where this worker's own exposition comes from (the app, once it exists). */
  serve(local: () => string): void {
    this.local = local;
  }

  /** Every worker's exposition, for one scrape. */
  readonly exposition = (): Promise<string> =>
    new Promise<string>((resolve) => {
      const id = ++this.nextId;
      const done = (text: string): void => {
        if (!this.waiting.delete(id)) return;
        clearTimeout(timer);
        resolve(text);
      };
      const alone = (): void => done(mergeExpositions([{ labels: { worker: this.slot }, text: this.local() }]));
      // A little longer than the primary waits for the others, so its partial answer still arrives.
      const timer = setTimeout(alone, COLLECT_TIMEOUT_MS + 500);
      this.waiting.set(id, done);
      const request: ScrapeRequest = { type: 'cra:scrape', id };
      if (!process.send?.(request, undefined, {}, (error: Error | null) => error && alone())) {
        if (!process.connected) alone();
      }
    });
}
