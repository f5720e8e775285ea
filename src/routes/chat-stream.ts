import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { PreparedRequest, ReasoningContinuity } from '../reasoning/continuity.js';
import { ApiError, ClientGoneError, InvalidRequestError, UpstreamProtocolError } from '../errors.js';
import { SseWriter } from '../http/sse-writer.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { Redactor } from '../redaction.js';
import { createStreamState, finish, step, type StepResult, type StreamState } from '../stream/reducer.js';
import { readUpstreamEvents } from '../stream/sse-events.js';
import { cleanResponse } from '../translate/lenient.js';
import { inChatTerms } from '../translate/upstream-param.js';
import type { TranslatedRequest } from '../translate/request.js';
import type { ResponseTranslationOptions } from '../translate/response.js';
import { sumChatUsage, toChatUsage } from '../translate/usage.js';
import type { ChatCompletionChunk, ServiceTier } from '../types/chat.js';
import type { CallOptions, StreamingReply, UpstreamClient } from '../upstream/client.js';

interface StreamArguments {
  response: Response;
  upstream: UpstreamClient;
  translated: TranslatedRequest;
  /** The upstream request with reasoning continuity applied. */
  prepared: PreparedRequest;
  continuity: ReasoningContinuity;
  call: CallOptions;
  controller: AbortController;
  config: Config;
  answerOptions: ResponseTranslationOptions;
  metrics: AdapterMetrics;
  redactor: Redactor;
  log: Logger;
}

/**
 * Serves `stream: true`. Nothing is written until the first real output (or the end), so an upstream
 * error before that is answered with its HTTP status and a JSON body; after it, errors go in-band
 * as one `data: {"error": ...}` frame. With `n` > 1 the choices' streams are interleaved.
 */
export async function serveChatStream(args: StreamArguments): Promise<void> {
  const { response, upstream, translated, prepared, continuity, call, controller, config, answerOptions, log } = args;
  const { context } = translated;
  const writer = new SseWriter(response);
  const streamMetrics = args.metrics.trackStream(response);
  const states = Array.from({ length: context.n }, (_, index) =>
    createStreamState(context, answerOptions, index, translated.request.model),
  );
  const held: ChatCompletionChunk[] = [];
  let envelope: Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> | undefined;
  let upstreamHeaders: Record<string, string> = {};
  let failure: ApiError | undefined;

  /** Sends the headers and everything held so far; from now on errors go in-band. */
  const commit = async (): Promise<void> => {
    if (writer.isOpen) return;
    writer.open(upstreamHeaders);
    // Each send writes synchronously, so the held chunks keep their order whatever comes next.
    await Promise.all(held.splice(0).map((chunk) => writer.send(chunk)));
  };

  const deliver = async (result: StepResult, state: StreamState): Promise<void> => {
    for (const chunk of result.chunks) {
      if (context.n > 1) {
        // One id/created/model for the whole stream, whichever choice spoke first.
        envelope ??= { id: chunk.id, created: chunk.created, model: chunk.model };
        Object.assign(chunk, envelope);
      }
      if (writer.isOpen) await writer.send(chunk);
      else held.push(chunk);
    }
    if (state.hasOutput) streamMetrics.outputStarted();
    if (!writer.isOpen && (state.hasOutput || result.end?.kind === 'finished')) await commit();
  };

  const runChoice = async (reply: StreamingReply, state: StreamState): Promise<void> => {
    let result: StepResult = { chunks: [] };
    for await (const event of readUpstreamEvents(reply.body, config.streamIdleTimeoutMs)) {
      if (failure) return;
      if (event.type === 'response.completed' || event.type === 'response.incomplete') {
        await continuity.capture(prepared, cleanResponse(event.response));
      }
      if (result.end) {
        step(state, event); // after a stop sequence: only records the usage, sends nothing
      } else {
        result = step(state, event);
        await deliver(result, state);
      }
      // A stop sequence ends the text before the upstream's usage arrives: read on when the client wants it.
      const awaitingUsage = context.includeUsage && result.end?.kind === 'finished' && state.usage === undefined;
      if (result.end && !awaitingUsage) break;
    }
    if (!result.end) {
      result = finish(state);
      await deliver(result, state);
    }
    if (state.unknownEvents > 0) log.debug({ unknownEvents: state.unknownEvents }, 'unknown upstream events ignored');
    args.metrics.countUnknownEvents(state.unknownEvents);
    if (result.end?.kind === 'failed') throw result.end.error;
  };

  const heartbeat =
    config.streamHeartbeatMs > 0
      ? setInterval(() => {
          if (Date.now() - writer.lastWriteAt < config.streamHeartbeatMs) return;
          void commit().then(() => writer.comment('keepalive'));
        }, config.streamHeartbeatMs)
      : undefined;
  try {
    // Every choice's upstream must answer before anything is written, so that a refusal of any of
    // them (a 429 is likely with several calls at once) reaches the client as an HTTP status.
    const replies = await Promise.all(
      states.map(() =>
        continuity.send(prepared, translated.request, (body) =>
          upstream.createResponseStream(body, call).catch((error: unknown) => {
            throw inChatTerms(error, body, translated.origins);
          }),
        ),
      ),
    );
    upstreamHeaders = replies[0]!.headers;
    await Promise.all(
      replies.map((reply, index) =>
        runChoice(reply, states[index]!).catch((error: unknown) => {
          failure ??= asApiError(error, call.signal);
          controller.abort(); // one choice failed: stop the others
        }),
      ),
    );
  } catch (error) {
    failure ??= asApiError(error, call.signal);
    controller.abort();
  } finally {
    clearInterval(heartbeat);
  }

  if (call.signal.aborted && response.destroyed) return; // the client left; nothing to say
  if (failure) {
    args.metrics.countUpstreamError(failure);
    if (!writer.isOpen) throw failure; // rendered with its status by the error handler
    const told = args.redactor.error(failure, call.authorization).toBody();
    log.warn({ error: told.error }, 'stream ended by an upstream error');
    await writer.send(told);
    writer.end();
    return;
  }
  await commit();
  if (context.includeUsage && states.every((state) => state.usage)) {
    const first = states[0]!;
    await writer.send({
      id: envelope?.id ?? first.id,
      object: 'chat.completion.chunk',
      created: envelope?.created ?? first.created,
      model: envelope?.model ?? first.model,
      service_tier: first.serviceTier as ServiceTier | null,
      choices: [],
      usage: sumChatUsage(states.map((state) => toChatUsage(state.usage))),
    } satisfies ChatCompletionChunk);
  }
  await writer.done();
}

function asApiError(error: unknown, clientSignal: AbortSignal): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ClientGoneError || clientSignal.aborted) {
    return new InvalidRequestError('The client closed the connection.', { status: 499, code: 'client_closed' });
  }
  // The client gets a generic message; the log keeps the real failure.
  return new UpstreamProtocolError('The upstream stream failed.', 'upstream_stream_broken', { cause: error });
}
