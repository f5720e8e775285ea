import cluster, { type Worker } from 'node:cluster';
import { mergeExpositions, type ExpositionPart } from './merge-expositions.js';
import { COLLECT_TIMEOUT_MS, isMetricsMessage, type CollectRequest, type ScrapeReply } from './messages.js';

export interface LiveWorker {
  worker: Worker;
  /** 1..WORKERS; stays the same across restarts, so a worker's series go on (its counters reset). */
  slot: number;
}

/**
 * The primary's side of `/metrics`: a worker that got a scrape asks here; every live worker is asked
 * for its exposition, and the merge (each series labelled `worker="<slot>"`) goes back to the asker.
 */
export function answerScrapes(live: () => LiveWorker[]): void {
  let nextId = 0;
  const collecting = new Map<number, (worker: Worker, text: string) => void>();

  const onMessage = (from: Worker, message: unknown): void => {
    if (!isMetricsMessage(message)) return;
    if (message.type === 'cra:part') {
      collecting.get(message.id)?.(from, message.text);
      return;
    }
    if (message.type !== 'cra:scrape') return;
    const workers = live();
    const parts = new Map<Worker, string>();
    const id = ++nextId;
    const reply = (): void => {
      if (!collecting.delete(id)) return;
      clearTimeout(timer);
      const merged: ExpositionPart[] = workers.flatMap(({ worker, slot }) => {
        const text = parts.get(worker);
        return text === undefined ? [] : [{ labels: { worker: String(slot) }, text }];
      });
      const answer: ScrapeReply = { type: 'cra:scraped', id: message.id, text: mergeExpositions(merged) };
      if (!from.isDead()) from.send(answer, undefined, () => {});
    };
    const timer = setTimeout(reply, COLLECT_TIMEOUT_MS);
    collecting.set(id, (worker, text) => {
      parts.set(worker, text);
      if (parts.size === workers.length) reply();
    });
    const request: CollectRequest = { type: 'cra:collect', id };
    for (const { worker } of workers) worker.send(request, undefined, () => {});
  };
  cluster.on('message', onMessage);
}
