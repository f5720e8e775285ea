/**
 * Run counts for the property tests. CI runs the base counts; `npm run fuzz` sets FUZZ_RUNS to
 * multiply them (and the time limits with them).
 */
const multiplier = Math.max(1, Number(process.env.FUZZ_RUNS ?? '1') || 1);

export function runs(base: number): number {
  return Math.round(base * multiplier);
}

export function timeLimit(baseMs: number): number {
  return baseMs * multiplier;
}

/** Every property run must leave the shared prototypes as they were. */
export function prototypesArePristine(): boolean {
  const probe: Record<string, unknown> = {};
  return (
    Object.keys(Object.prototype).length === 0 &&
    Object.keys(Array.prototype).length === 0 &&
    probe.polluted_marker === undefined &&
    ([] as unknown as Record<string, unknown>).polluted_marker === undefined
  );
}
