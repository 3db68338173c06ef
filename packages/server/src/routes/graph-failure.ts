import { causeCode } from '@weft/framework';
import type { ErrorReport } from '../errors/http-shapes.js';
import { S } from '../errors/server-error-codes.js';

/**
 * A failed graph run as an error report: the message names the node and calculator but never
 * carries a stack trace; the code is the real cause's (`WEFT_ERR_NODE_FAILED` for a calculator that
 * threw a plain error, `WEFT_ERR_ENGINE_WORKER` for a dead engine...). The framework's GraphRunError
 * already says `node "x" (Calc) failed in process in graph "g"`; other errors get the graph's name.
 */
export function graphFailure(model: string, error: unknown): ErrorReport {
  const e = (error ?? {}) as { message?: unknown; node?: unknown; calculator?: unknown };
  const code = causeCode(error) ?? S.SERVER_INTERNAL;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const text = message
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n')
    .trim();
  if (typeof e.node === 'string' && text.includes(`"${e.node}"`)) return { code, message: text, param: null };
  const where =
    typeof e.node === 'string'
      ? ` in node "${e.node}"${typeof e.calculator === 'string' ? ` (${e.calculator})` : ''}`
      : '';
  return { code, message: `graph "${model}" failed${where}: ${text}`, param: null };
}
