import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ClientGoneError } from '../upstream/client.js';
import type { Redactor } from '../redaction.js';
import { HttpError } from './errors.js';

/** Renders every error in the OpenAI shape, with secrets redacted; never a stack trace. */
export function errorHandler(redactor: Redactor): ErrorRequestHandler {
  return function renderError(error, request, response, _next) {
    if (error instanceof ClientGoneError || response.destroyed) return;
    const authorization = request.headers.authorization;
    const httpError = redactor.error(toHttpError(error), authorization);
    // pino-http writes it on the request's one log line; an unexpected error keeps its stack there.
    const unexpected = error instanceof Error && !(error instanceof HttpError) && httpError.status >= 500;
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
    next(new HttpError(404, `Unknown request URL: ${request.method} ${request.path}.`, { code: 'unknown_url' }));
  };
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const bodyError = error as { type?: string; status?: number; expose?: boolean };
  // body-parser errors carry a type and status.
  if (bodyError?.type === 'entity.parse.failed') {
    return new HttpError(
      400,
      'We could not parse the JSON body of your request. The body must be valid JSON.',
      { type: 'invalid_request_error' },
    );
  }
  if (bodyError?.type === 'entity.too.large') {
    return new HttpError(413, 'The request body is too large.', { type: 'invalid_request_error', code: 'request_too_large' });
  }
  // The router's "Failed to decode param" (a malformed %-escape in the path) has no `expose`.
  if (error instanceof URIError && bodyError.status === 400) {
    return new HttpError(400, `${error.message}.`, { type: 'invalid_request_error' });
  }
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500 && bodyError.expose) {
    return new HttpError(bodyError.status, (error as Error).message);
  }
  return new HttpError(500, 'The adapter failed while handling the request.', { code: 'internal_error' });
}
