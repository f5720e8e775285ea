/**
 * A full garbage collection from inside a test worker (started without `--expose-gc`): the flag
 * is turned on at run time and `gc` taken from a fresh context, where V8 installs it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects twice: what the first frees may hold the last references to more. */
export function collectGarbage(): void {
  gc();
  gc();
}
