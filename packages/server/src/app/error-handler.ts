import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError, httpErrors } from '../errors/http-error.js';
import { requestLog } from '../routes/request-log.js';

/** Last middleware: every error becomes `{error: {message, type, param, code}}`; stack traces go to the log only. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const log = requestLog(res);
    const http =
      error instanceof HttpError
        ? error
        : httpErrors.graphFailed(
            `internal server error (${error instanceof Error ? error.name : typeof error}); see the server log for request ${String(res.getHeader('X-Request-Id'))}`,
          );
    log.errorCode = http.weftCode;
    if (!(error instanceof HttpError)) {
      log.errorDetail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      logger.error({ err: error }, 'unhandled error in a route');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(http.headers)) res.setHeader(name, value);
    res.status(http.status).json(http.toBody());
  };
}
