import type { Packet } from '@weft/framework';
import type { ApiEndpoint } from '@weft/llm';
import type { Request, Response } from 'express';
import { type HttpError, httpErrors } from '../errors/http-error.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphLease } from '../registry/loaded-graph.js';
import { graphFailure } from './graph-failure.js';
import { requestLog } from './request-log.js';
import { SseWriter } from './sse-writer.js';
import { StreamStats } from './stream-stats.js';

export interface RespondOptions {
  readonly lease: GraphLease;
  readonly endpoint: ApiEndpoint;
  readonly body: Record<string, unknown>;
  readonly keepAliveMs: number;
  readonly metrics: ServerMetrics;
  readonly startedAt: number;
}

class ClientClosed extends Error {
  override readonly name = 'ClientClosed';
}

/**
 * Runs the request through one graph run (REQUEST packet at timestamp 0, inputs closed) and maps
 * the RESPONSE packets to HTTP: `{status, body}` → JSON, `{event}` → SSE. A client that disconnects
 * cancels the run at once, which frees its engine slot.
 */
export async function respondWithGraph(req: Request, res: Response, options: RespondOptions): Promise<void> {
  const { lease, endpoint, metrics } = options;
  const log = requestLog(res);
  const graph = lease.graph;
  const input = graph.inputStreamName('REQUEST')!;
  const output = graph.outputStreamName('RESPONSE')!;
  const wantStream = options.body.stream === true;
  const { body, hideUsage } = wantStream ? withUsage(options.body) : { body: options.body, hideUsage: false };
  const stats = new StreamStats(options.startedAt);
  const sse = new SseWriter(res);
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) {
      log.clientClosed = true;
      abort.abort(new ClientClosed('client closed the connection'));
    }
  };
  res.on('close', onClose);
  const run = graph.start({ signal: abort.signal });
  abort.signal.addEventListener('abort', () => run.cancel(abort.signal.reason), { once: true });
  let keepAlive: NodeJS.Timeout | undefined;
  if (wantStream) {
    keepAlive = setInterval(() => sse.comment('keep-alive').catch(() => {}), options.keepAliveMs);
    keepAlive.unref();
  }
  let answered = false;
  let completed = false;
  try {
    if (req.destroyed) onClose();
    await run.addPacket(input, { endpoint, body }, 0);
    run.closeAllInputs();
    for await (const packet of run.output(output) as AsyncIterable<Packet<unknown>>) {
      if (abort.signal.aborted) break;
      const value = packet.value as { status?: unknown; body?: unknown; event?: unknown } | null;
      if (value !== null && typeof value === 'object' && 'event' in value) {
        clearInterval(keepAlive);
        const event = value.event as Record<string, unknown>;
        stats.onEvent(event);
        if (hideUsage && isUsageOnlyChunk(event)) continue;
        if (isErrorEvent(event)) log.errorCode = 'WEFT_ERR_SERVER_GRAPH_FAILED';
        await sse.data(event);
        answered = true;
      } else if (value !== null && typeof value === 'object' && typeof value.status === 'number') {
        clearInterval(keepAlive);
        stats.onBody(value.body);
        answered = true;
        if (sse.isOpen) {
          const error = (value.body as { error?: unknown } | undefined)?.error ?? value.body;
          if (value.status >= 400) log.errorCode = weftCodeForStatus(value.status);
          await sse.data(value.status >= 400 ? { error } : value.body);
        } else {
          sendGraphJson(res, value.status, value.body);
          log.errorCode = value.status >= 400 ? weftCodeForStatus(value.status) : undefined;
        }
      } else {
        throw httpErrors.noResponse(
          `graph "${lease.name}" emitted a RESPONSE packet that is neither {status, body} nor {event}: ${JSON.stringify(value)?.slice(0, 200)}`,
        );
      }
    }
    if (!abort.signal.aborted) {
      await run.done();
      completed = true;
    }
    if (!answered && !abort.signal.aborted) {
      throw httpErrors.noResponse(`graph "${lease.name}" finished without a RESPONSE packet`);
    }
  } catch (error) {
    if (!abort.signal.aborted) {
      const failure: HttpError =
        error instanceof Error && error.name === 'HttpError'
          ? (error as HttpError)
          : graphFailure(lease.name, error);
      log.errorCode = failure.weftCode;
      log.errorDetail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (sse.isOpen) await sse.data(failure.toBody());
      else if (!res.headersSent) res.status(failure.status).json(failure.toBody());
    }
  } finally {
    clearInterval(keepAlive);
    res.off('close', onClose);
    if (sse.isOpen && !res.writableEnded) await sse.done();
    if (!completed) run.cancel();
    await run.done().catch(() => {});
    lease.release();
    stats.record(metrics, lease.name, log);
  }
}

/** Streams always ask the graph for usage (for metrics and logs); the usage chunk is dropped unless requested. */
function withUsage(body: Record<string, unknown>): { body: Record<string, unknown>; hideUsage: boolean } {
  const so = body.stream_options;
  if (so === undefined || so === null) {
    return { body: { ...body, stream_options: { include_usage: true } }, hideUsage: true };
  }
  if (typeof so === 'object' && !Array.isArray(so) && !('include_usage' in so)) {
    return { body: { ...body, stream_options: { ...so, include_usage: true } }, hideUsage: true };
  }
  return { body, hideUsage: false };
}

function isUsageOnlyChunk(event: Record<string, unknown>): boolean {
  return Array.isArray(event.choices) && event.choices.length === 0 && event.usage !== undefined;
}

function isErrorEvent(event: Record<string, unknown>): boolean {
  return event.error !== undefined && event.choices === undefined;
}

function sendGraphJson(res: Response, status: number, body: unknown): void {
  if (status === 429 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', '1');
  res.status(status).json(body);
}

function weftCodeForStatus(status: number): string {
  if (status === 429) return 'WEFT_ERR_SERVER_QUEUE_FULL';
  if (status >= 500) return 'WEFT_ERR_SERVER_GRAPH_FAILED';
  return 'WEFT_ERR_SERVER_INVALID_PARAMETER';
}
