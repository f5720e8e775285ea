import type { ChatUrlCitation } from '../types/chat.js';
import type { UpstreamAnnotation } from '../types/responses-upstream.js';

/**
 * A Responses `url_citation` (flat, offsets into its own text part) to the Chat shape, with offsets
 * moved by `offset` characters (where that part's text begins in the concatenated content).
 * Other annotation kinds have no Chat counterpart.
 */
export function toChatAnnotation(annotation: UpstreamAnnotation, offset: number): ChatUrlCitation | undefined {
  if (annotation.type !== 'url_citation') return undefined;
  return {
    type: 'url_citation',
    url_citation: {
      start_index: (annotation.start_index ?? 0) + offset,
      end_index: (annotation.end_index ?? 0) + offset,
      url: annotation.url ?? '',
      title: annotation.title ?? '',
    },
  };
}
