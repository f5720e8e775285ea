/** The cursor list object of the Chat Completions API (`object: "list"`), as the SDKs' `CursorPage` reads it. */
export interface ListObject<Item> {
  object: 'list';
  data: Item[];
  /** Null on an empty page. */
  first_id: string | null;
  last_id: string | null;
  /** The SDK asks for the next page, `after` the last id, while this is true. */
  has_more: boolean;
}

export function listObject<Item extends { id: string }>(data: Item[], hasMore: boolean): ListObject<Item> {
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}
