import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError, ClientGoneError, InternalError, InvalidRequestError } from '../errors.js';
import type { Redactor } from '../redaction.js';
import { sendJson } from './send-json.js';

/**
 * Answers with an error in the OpenAI shape, secrets redacted, never a stack trace; the request's
 * log line gets the error (an unexpected one with its stack, also redacted).
 */
export function renderError(error: unknown, request: IncomingMessage, response: ServerResponse, redactor: Redactor): ApiError | undefined {
  if (error instanceof ClientGoneError || response.destroyed) return undefined;
  const authorization = request.headers.authorization;
  const apiError = redactor.error(toApiError(error), authorization);
  const unexpected = error instanceof Error && !(error instanceof ApiError);
  response.err = unexpected ? redactor.unexpected(error, authorization) : apiError;
  if (response.headersSent) {
    response.end();
    return apiError;
  }
  sendJson(response, apiError.status, apiError.toBody(), apiError.headers);
  return apiError;
}

/** The Express side: every error a route throws. */
export function errorHandler(redactor: Redactor): ErrorRequestHandler {
  return function renderRouteError(error, request, response, _next) {
    renderError(error, request, response, redactor);
  };
}

export function notFound(): RequestHandler {
  return function routeNotFound(request, _response, next) {
    next(new InvalidRequestError(`Unknown request URL: ${request.method} ${request.path}.`, { status: 404, code: 'unknown_url' }));
  };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const routerError = error as { status?: number; expose?: boolean };
  // The router's "Failed to decode param" (a malformed %-escape in the path) has no `expose`.
  if (error instanceof URIError && routerError.status === 400) {
    return new InvalidRequestError(`${error.message}.`);
  }
  if (typeof routerError?.status === 'number' && routerError.status >= 400 && routerError.status < 500 && routerError.expose) {
    return new InvalidRequestError((error as Error).message, { status: routerError.status });
  }
  return new InternalError(error);
}
