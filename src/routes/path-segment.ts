/**
 * An id from the client as one upstream path segment. Express has already decoded it, so `%2F`
 * arrives as `/` and `%2E%2E` as `..`. Ids with a separator (`/`, `\`), a dot segment, a `%`
 * (a double-encoded form a decoding relay would unfold) or a control character are refused:
 * any of them could reach another upstream path, on the operator's key, through some relay.
 */
export function pathSegment(id: string): string | undefined {
  if (id === '' || id === '.' || id === '..' || /[/\\%\u0000-\u001f\u007f]/.test(id)) return undefined;
  return encodeURIComponent(id);
}
