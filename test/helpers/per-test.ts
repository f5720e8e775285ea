/**
 * Hooks that start a fixture (a harness, a fake upstream) for the tests of the enclosing block
 * and close it afterwards. The returned getter reads the running fixture inside a test.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

interface Closable {
  close(): Promise<void>;
}

type Hook = (run: () => Promise<void>) => void;

/** A fresh fixture for every test, closed after it. */
export function startForEachTest<Fixture extends Closable>(start: () => Promise<Fixture>): () => Fixture {
  return startBetween(beforeEach, afterEach, start);
}

/** One fixture shared by all the tests of the block, closed after the last. */
export function startForAllTests<Fixture extends Closable>(start: () => Promise<Fixture>): () => Fixture {
  return startBetween(beforeAll, afterAll, start);
}

function startBetween<Fixture extends Closable>(before: Hook, after: Hook, start: () => Promise<Fixture>): () => Fixture {
  let current: Fixture | undefined;
  before(async () => {
    current = await start();
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('The fixture is only running inside a test');
    return current;
  };
}
