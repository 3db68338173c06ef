import { type HttpError, httpErrors } from '../errors/http-error.js';

/**
 * Turns a graph run error into a 500 that names the node and calculator but never carries a stack
 * trace (the framework's GraphRunError exposes them as fields; other errors keep their first line).
 */
export function graphFailure(model: string, error: unknown): HttpError {
  const e = (error ?? {}) as { message?: unknown; node?: unknown; nodeName?: unknown; calculator?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const text = message
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n')
    .trim();
  const node = typeof e.node === 'string' ? e.node : typeof e.nodeName === 'string' ? e.nodeName : undefined;
  const calculator = typeof e.calculator === 'string' ? e.calculator : undefined;
  const where =
    node !== undefined && !text.includes(`"${node}"`)
      ? ` in node "${node}"${calculator ? ` (${calculator})` : ''}`
      : '';
  return httpErrors.graphFailed(`graph "${model}" failed${where}: ${text}`);
}
