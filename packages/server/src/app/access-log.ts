import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { clipForLog } from '../errors/quote-input.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { requestLog } from '../routes/request-log.js';

/** Request ids, one JSON log line per request, and the request counter (status 499 for client aborts). */
export function accessLog(
  logger: Logger,
  metrics: ServerMetrics,
  inFlight: { count: number },
): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    inFlight.count++;
    metrics.inFlight.inc();
    res.once('close', () => {
      inFlight.count--;
      metrics.inFlight.dec();
      const log = requestLog(res);
      // 'close' before 'finish' means the connection ended first (nginx's 499): the client went
      // away, unless the server cut it (a write timeout logs its own errorCode).
      const closedEarly = !res.writableFinished;
      if (closedEarly && log.errorCode === undefined) log.clientClosed = true;
      const status = closedEarly ? 499 : res.statusCode;
      const endpoint = log.endpoint ?? 'unknown';
      // Label with served names only: client-chosen strings would make the label set unbounded.
      metrics.requests.inc({ model: log.servedModel ?? '', endpoint, status: String(status) });
      const line = {
        reqId: id,
        method: req.method,
        path: clipForLog(req.originalUrl.split('?')[0]!),
        model: log.model === undefined ? undefined : clipForLog(log.model),
        endpoint,
        status,
        promptTokens: log.promptTokens,
        completionTokens: log.completionTokens,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        ...(log.errorCode && { errorCode: log.errorCode }),
        ...(log.errorDetail && { errorDetail: log.errorDetail }),
        ...(log.clientClosed && { clientClosed: true }),
      };
      // A 503 readiness probe is an answer, not a failure: Kubernetes asks every few seconds.
      if (status >= 500 && endpoint !== 'health') logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}
