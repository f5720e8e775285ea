/** The simulated Responses API upstream: the tests', the benchmark's and `npm run demo`'s. */
export { BackgroundRuns, type BackgroundOptions, type StreamFault } from './background-runs.js';
export { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions, type RecordedRequest, type Reply } from './server.js';
export { defaultCreateReply, defaultText, exampleOf } from './default-replies.js';
export { functionCallStreamEvents, textStreamEvents } from './stream-events.js';
export { defaultModel, functionCallItem, messageItem, reasoningItem, responseObject, responsesUsage } from './wire-objects.js';
