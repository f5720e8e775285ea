import type { Feature } from './types.js';

/** How each compared feature is named to people. */
export const featureLabels: Record<Feature, string> = {
  errors: 'Errors',
  tool_calls: 'Tool calls',
  structured_output: 'Structured output',
  refusal: 'Refusals',
  finish_reason: 'Finish reason',
  content: 'Content',
};

/** What a divergence of each feature means, for the reports. */
export const featureMeanings: Record<Feature, string> = {
  errors: 'One path failed and the other answered, or both failed with different statuses.',
  tool_calls: 'Different tool names or order, or arguments that differ once keys are sorted.',
  structured_output: 'The answer honours the requested schema on one path only.',
  refusal: 'One path refused and the other answered.',
  finish_reason: 'Different finish reasons (stop, length, tool_calls, content_filter).',
  content: 'Answer texts share less than the similarity threshold of their words.',
};
