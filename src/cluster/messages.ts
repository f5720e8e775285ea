/** What the primary and the workers tell each other about metrics (over the cluster's IPC channel). */

/** Worker -> primary: a scrape arrived; answer with every worker's exposition. */
export interface ScrapeRequest {
  type: 'cra:scrape';
  id: number;
}

/** Primary -> worker: send your own exposition. */
export interface CollectRequest {
  type: 'cra:collect';
  id: number;
}

/** Worker -> primary: this worker's exposition. */
export interface CollectedPart {
  type: 'cra:part';
  id: number;
  text: string;
}

/** Primary -> worker: the merged exposition for its scrape. */
export interface ScrapeReply {
  type: 'cra:scraped';
  id: number;
  text: string;
}

export type MetricsMessage = ScrapeRequest | CollectRequest | CollectedPart | ScrapeReply;

export function isMetricsMessage(message: unknown): message is MetricsMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ['cra:scrape', 'cra:collect', 'cra:part', 'cra:scraped'].includes(type) && typeof (message as { id?: unknown }).id === 'number';
}

/** How long a scrape waits for the workers' parts; a worker that does not answer in time is left out. */
export const COLLECT_TIMEOUT_MS = 2000;
