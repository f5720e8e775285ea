/**
 * MODEL_ALIASES shown in `/v1/models` (issue 11): a client that checks its hard-coded model exists
 * finds it. Each alias is listed as a model of its own, a copy of its target's entry under the
 * alias's id, or a minimal entry when the upstream does not list the target.
 */

interface ModelEntry {
  id: string;
  [field: string]: unknown;
}

/** The list's JSON with the aliases in it (an alias replaces an upstream model of the same name), or undefined when it is not a model list. */
export function listWithAliases(text: string, aliases: ReadonlyMap<string, string>): string | undefined {
  const list = parse(text) as { data?: unknown } | undefined;
  if (list === undefined || !Array.isArray(list.data)) return undefined;
  const entries = list.data.filter((entry): entry is ModelEntry => typeof (entry as ModelEntry | null)?.id === 'string');
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const data = list.data.filter((entry) => !aliases.has((entry as ModelEntry | null)?.id as string));
  for (const [alias, target] of aliases) data.push(renamed(byId.get(target), alias));
  return JSON.stringify({ ...list, data });
}

/** A model object of the target under the alias's id, or undefined when the body is not one. */
export function modelAsAlias(text: string, alias: string): string | undefined {
  const model = parse(text) as ModelEntry | undefined;
  if (typeof model?.id !== 'string') return undefined;
  return JSON.stringify({ ...model, id: alias });
}

function renamed(target: ModelEntry | undefined, alias: string): ModelEntry {
  return target === undefined ? { id: alias, object: 'model', created: 0, owned_by: 'chat-responses-adapter' } : { ...target, id: alias };
}

function parse(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
