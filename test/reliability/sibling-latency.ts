/**
 * How long another client waits while the app handles something heavy: `GET /healthz` sent back to
 * back for as long as the work runs, and the slowest of them. The test, the app and its upstream
 * share one event loop, so a loop frozen by the work shows up as one slow health answer; one is
 * always in flight, so a freeze cannot fall between two of them. A first probe, before the work
 * starts, warms the client and the route up (the first `fetch` of a process loads its client).
 */
/**
 * How long a sibling request may wait and the app still count as responsive. Generous: the freezes
 * this guards against lasted seconds, and on a loaded 2-core machine any answer can wait a few
 * hundred milliseconds for the CPU (one run of the suite saw 264 ms).
 */
export const RESPONSIVE_MS = 500;

export interface SiblingLatency<T> {
  result: T;
  /** The slowest health answer while the work ran, in ms. */
  worstMs: number;
  probes: number;
}

export async function worstHealthLatencyDuring<T>(port: number, work: () => Promise<T>): Promise<SiblingLatency<T>> {
  const probe = async (): Promise<number> => {
    const started = performance.now();
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`);
    await answer.arrayBuffer();
    return performance.now() - started;
  };
  await probe();
  let settled = false;
  const done = work().finally(() => {
    settled = true;
  });
  let worstMs = 0;
  let probes = 0;
  do {
    worstMs = Math.max(worstMs, await probe());
    probes++;
  } while (!settled);
  return { result: await done, worstMs, probes };
}
