import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ServerError, serverErrors } from '../errors/server-error.js';

/**
 * Parses `application/json` bodies up to `limit`, with no type coercion, and insists on a JSON
 * object at the top level (every endpoint takes one).
 */
export function jsonBody(limit: string): RequestHandler[] {
  const parse = express.json({ limit, strict: true, type: () => true });
  return [
    (req, _res, next) => {
      if (req.is('application/json') !== 'application/json') {
        next(serverErrors.unsupportedMediaType(req.headers['content-type']));
        return;
      }
      next();
    },
    parse,
    (req, _res, next) => {
      const body: unknown = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        next(
          serverErrors.invalidJson(
            `the top level is ${Array.isArray(body) ? 'an array' : typeof body}, not an object`,
          ),
        );
        return;
      }
      next();
    },
  ];
}

/** Translates body-parser failures into OpenAI-shaped errors. */
export function bodyParserErrors(limit: string): ErrorRequestHandler {
  return (error: unknown, _req, _res, next) => {
    if (error instanceof ServerError) return next(error);
    const type = (error as { type?: unknown } | null)?.type;
    if (type === 'entity.parse.failed') return next(serverErrors.invalidJson((error as Error).message));
    if (type === 'entity.too.large') return next(serverErrors.bodyTooLarge(limit));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return next(serverErrors.unsupportedMediaType(String((error as Error).message)));
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') {
      return next(serverErrors.invalidJson((error as Error).message));
    }
    next(error);
  };
}
