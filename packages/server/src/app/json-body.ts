import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ServerError, serverErrors } from '../errors/server-error.js';

/**
 * Parses `application/json` bodies up to `limit`, with no type coercion, and insists on a JSON
 * object at the top level (every endpoint takes one), nested at most `maxDepth` levels (deeper
 * values overflow the stack of whatever walks them later: a 400 here, not a 500 there).
 */
export function jsonBody(limit: string, maxDepth: number): RequestHandler[] {
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
      if (nestedDeeperThan(body, maxDepth)) {
        next(serverErrors.invalidJson(`values are nested deeper than ${maxDepth} levels (max_json_depth)`));
        return;
      }
      next();
    },
  ];
}

/** Iterative, so that measuring a hostile depth cannot itself overflow the stack. */
function nestedDeeperThan(root: object, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
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
