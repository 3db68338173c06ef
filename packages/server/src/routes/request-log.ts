import type { Response } from 'express';

/** What a route learned about its request, for the access log line and metrics. */
export interface RequestLog {
  /** As the client wrote it (logged). */
  model?: string;
  /** Set once the model resolved to a served graph: the only values used as metric labels. */
  servedModel?: string;
  endpoint?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** `WEFT_ERR_SERVER_...` code of the error answered, if any. */
  errorCode?: string;
  /** Error detail kept out of the response (stack traces of graph failures). */
  errorDetail?: string;
  /** True when the client went away before the response finished. */
  clientClosed?: boolean;
}

export function requestLog(res: Response): RequestLog {
  const locals = res.locals as { weftLog?: RequestLog };
  locals.weftLog ??= {};
  return locals.weftLog;
}
