import { type HttpError, httpErrors } from '../errors/http-error.js';

/**
 * Turns a graph run error into a 500 that names the node and calculator but never carries a stack
 * trace. The framework's GraphRunError already says `node "x" (Calc) failed in process in graph "g"`;
 * other errors get the graph's name in front.
 */
export function graphFailure(model: string, error: unknown): HttpError {
  const e = (error ?? {}) as { message?: unknown; node?: unknown; calculator?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const text = message
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n')
    .trim();
  if (typeof e.node === 'string' && text.includes(`"${e.node}"`)) return httpErrors.graphFailed(text);
  const where =
    typeof e.node === 'string'
      ? ` in node "${e.node}"${typeof e.calculator === 'string' ? ` (${e.calculator})` : ''}`
      : '';
  return httpErrors.graphFailed(`graph "${model}" failed${where}: ${text}`);
}
