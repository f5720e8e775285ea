import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Redactor } from '../redaction.js';
import { ApiError, ClientGoneError, InternalError, InvalidRequestError } from '../errors.js';

/** Renders every error in the OpenAI shape, with secrets redacted; never a stack trace. */
export function errorHandler(redactor: Redactor): ErrorRequestHandler {
  return function renderError(error, request, response, _next) {
    if (error instanceof ClientGoneError || response.destroyed) return;
    const authorization = request.headers.authorization;
    const httpError = redactor.error(toApiError(error), authorization);
    // pino-http writes it on the request's one log line; an unexpected error keeps its stack there.
    const unexpected = error instanceof Error && !(error instanceof ApiError) && httpError.status >= 500;
    response.err = unexpected ? redactor.unexpected(error, authorization) : httpError;
    if (response.headersSent) {
      response.end();
      return;
    }
    response.set(httpError.headers).status(httpError.status).json(httpError.toBody());
  };
}

export function notFound(): RequestHandler {
  return function routeNotFound(request, _response, next) {
    next(new InvalidRequestError(`Unknown request URL: ${request.method} ${request.path}.`, { status: 404, code: 'unknown_url' }));
  };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const bodyError = error as { type?: string; status?: number; expose?: boolean };
  // body-parser errors carry a type and status.
  if (bodyError?.type === 'entity.parse.failed') {
    return new InvalidRequestError('We could not parse the JSON body of your request. The body must be valid JSON.');
  }
  if (bodyError?.type === 'entity.too.large') {
    return new InvalidRequestError('The request body is too large.', { status: 413, code: 'request_too_large' });
  }
  // The router's "Failed to decode param" (a malformed %-escape in the path) has no `expose`.
  if (error instanceof URIError && bodyError.status === 400) {
    return new InvalidRequestError(`${error.message}.`);
  }
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500 && bodyError.expose) {
    return new InvalidRequestError((error as Error).message, { status: bodyError.status });
  }
  return new InternalError(error);
}
