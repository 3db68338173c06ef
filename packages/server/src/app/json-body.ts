import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { HttpError, httpErrors } from '../errors/http-error.js';

/**
 * Parses `application/json` bodies up to `limit`, with no type coercion, and insists on a JSON
 * object at the top level (every endpoint takes one).
 */
export function jsonBody(limit: string): RequestHandler[] {
  const parse = express.json({ limit, strict: true, type: () => true });
  return [
    (req, _res, next) => {
      if (req.is('application/json') !== 'application/json') {
        next(httpErrors.unsupportedMediaType(req.headers['content-type']));
        return;
      }
      next();
    },
    parse,
    (req, _res, next) => {
      const body: unknown = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        next(
          httpErrors.invalidJson(
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
    if (error instanceof HttpError) return next(error);
    const type = (error as { type?: unknown } | null)?.type;
    if (type === 'entity.parse.failed') return next(httpErrors.invalidJson((error as Error).message));
    if (type === 'entity.too.large') return next(httpErrors.bodyTooLarge(limit));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return next(httpErrors.unsupportedMediaType(String((error as Error).message)));
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') {
      return next(httpErrors.invalidJson((error as Error).message));
    }
    next(error);
  };
}
