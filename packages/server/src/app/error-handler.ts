import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { httpErrorAnswer } from '../errors/http-shapes.js';
import { ServerError, serverErrors } from '../errors/server-error.js';
import { requestLog } from '../routes/request-log.js';

/** Last middleware: every error becomes `{error: {message, type, param, code}}`; stack traces go to the log only. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const log = requestLog(res);
    // Express's own 4xx (a path parameter that is not valid percent-encoding, `/models/%zz`) is
    // the client's mistake: answered as such, with no stack trace in the log.
    const status = (error as { status?: unknown; expose?: unknown } | null)?.status;
    const clientFault = typeof status === 'number' && status >= 400 && status < 500;
    const known =
      error instanceof ServerError
        ? error
        : clientFault
          ? serverErrors.invalidParameter(
              'path',
              `the request path is not valid: ${(error as Error).message}`,
            )
          : serverErrors.internal(
              `internal server error (${error instanceof Error ? error.name : typeof error}); see the server log for request ${String(res.getHeader('X-Request-Id'))}`,
            );
    log.errorCode = known.code;
    if (!(error instanceof ServerError) && !clientFault) {
      log.errorDetail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      logger.error({ err: error }, 'unhandled error in a route');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const answer = httpErrorAnswer(known);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
  };
}
