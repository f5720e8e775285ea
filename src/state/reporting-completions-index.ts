import type { CompletionsIndex, CompletionsPage, CompletionsQuery, StoredCompletion } from './completions-index.js';
import { reported } from './degrading-store.js';
import type { StateFailures } from './state-failures.js';

/**
 * The stored-completions index cannot do without its store: a failure is reported and passed on,
 * as the StateUnavailableError (503 `state_store_unavailable`) the Redis index throws.
 */
export class ReportingCompletionsIndex implements CompletionsIndex {
  constructor(
    private readonly inner: CompletionsIndex,
    private readonly failures: StateFailures,
  ) {}

  add(scope: string, entry: StoredCompletion): Promise<void> {
    return reported(this.inner.add(scope, entry), this.failures, 'completions', 'add');
  }

  get(scope: string, id: string): Promise<StoredCompletion | undefined> {
    return reported(this.inner.get(scope, id), this.failures, 'completions', 'get');
  }

  update(scope: string, id: string, metadata: Record<string, string>): Promise<StoredCompletion | undefined> {
    return reported(this.inner.update(scope, id, metadata), this.failures, 'completions', 'update');
  }

  remove(scope: string, id: string): Promise<boolean> {
    return reported(this.inner.remove(scope, id), this.failures, 'completions', 'remove');
  }

  list(scope: string, query: CompletionsQuery): Promise<CompletionsPage> {
    return reported(this.inner.list(scope, query), this.failures, 'completions', 'list');
  }
}
