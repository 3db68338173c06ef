import type { Packet } from '@weft/framework';
import type { ApiEndpoint } from '@weft/llm';
import type { Request, Response } from 'express';
import type { ServerLimits } from '../app/server-limits.js';
import { type ErrorReport, httpErrorAnswer } from '../errors/http-shapes.js';
import { ServerError, serverErrors } from '../errors/server-error.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphLease } from '../registry/loaded-graph.js';
import { graphFailure } from './graph-failure.js';
import { requestLog } from './request-log.js';
import { SseWriter } from './sse-writer.js';
import { StreamStats } from './stream-stats.js';
import { awaitWritable, WriteTimeoutError } from './write-deadline.js';

export interface RespondOptions {
  readonly lease: GraphLease;
  readonly endpoint: ApiEndpoint;
  readonly body: Record<string, unknown>;
  readonly keepAliveMs: number;
  /** writeTimeoutMs, outputBufferPackets and requestDeadlineMs apply to each run. */
  readonly limits: ServerLimits;
  readonly metrics: ServerMetrics;
  readonly startedAt: number;
}

class ClientClosed extends Error {
  override readonly name = 'ClientClosed';
}

/** How long a cancelled run may take to settle before its request lets go of it anyway. */
const SETTLE_AFTER_CANCEL_MS = 1000;

/**
 * Runs the request through one graph run (REQUEST packet at timestamp 0, inputs closed) and maps
 * the RESPONSE packets to HTTP: `{status, body}` → JSON, `{event}` → SSE, an error packet → the
 * code's HTTP error (JSON, or an SSE error event once the stream started). A client that disconnects
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
  const { writeTimeoutMs, outputBufferPackets, requestDeadlineMs } = options.limits;
  const sse = new SseWriter(res, writeTimeoutMs);
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) {
      log.clientClosed = true;
      abort.abort(new ClientClosed('client closed the connection'));
    }
  };
  res.on('close', onClose);
  // A bounded output: a client that stops reading stops its run (and its engine sequences) within
  // a few packets, instead of the run buffering everything it generates.
  const run = graph.start({ signal: abort.signal, maxBufferedOutput: outputBufferPackets });
  abort.signal.addEventListener('abort', () => run.cancel(abort.signal.reason), { once: true });
  const deadline = serverErrors.deadlineExceeded(lease.name, requestDeadlineMs);
  const deadlineTimer = setTimeout(() => abort.abort(deadline), requestDeadlineMs);
  let keepAlive: NodeJS.Timeout | undefined;
  if (wantStream) {
    keepAlive = setInterval(() => sse.comment('keep-alive').catch(() => {}), options.keepAliveMs);
    keepAlive.unref();
  }
  let answered = false;
  let completed = false;
  // Before the stream started: a JSON error with the code's HTTP status; after: one SSE error event.
  const sendError = async (report: ErrorReport) => {
    log.errorCode = report.code;
    const answer = httpErrorAnswer(report);
    if (sse.isOpen) await sse.data(answer.body);
    else if (!res.headersSent) {
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.status(answer.status).json(answer.body);
    }
  };
  try {
    if (req.destroyed) onClose();
    await run.addPacket(input, { endpoint, body }, 0);
    run.closeAllInputs();
    for await (const packet of run.output(output) as AsyncIterable<Packet<unknown>>) {
      if (abort.signal.aborted) break;
      const value = packet.value as {
        status?: unknown;
        body?: unknown;
        event?: unknown;
        kind?: unknown;
      } | null;
      if (value !== null && typeof value === 'object' && value.kind === 'error') {
        clearInterval(keepAlive);
        await sendError(value as unknown as ErrorReport);
        answered = true;
      } else if (value !== null && typeof value === 'object' && 'event' in value) {
        clearInterval(keepAlive);
        const event = value.event as Record<string, unknown>;
        stats.onEvent(event);
        if (hideUsage && isUsageOnlyChunk(event)) continue;
        await sse.data(event);
        answered = true;
      } else if (value !== null && typeof value === 'object' && typeof value.status === 'number') {
        clearInterval(keepAlive);
        stats.onBody(value.body);
        answered = true;
        if (sse.isOpen) await sse.data(value.body);
        else {
          res.status(value.status).json(value.body);
          await awaitWritable(res, 'finish', writeTimeoutMs);
        }
      } else {
        throw serverErrors.noResponse(
          `graph "${lease.name}" emitted a RESPONSE packet that is neither {status, body} nor {event}: ${JSON.stringify(value)?.slice(0, 200)}`,
        );
      }
    }
    if (abort.signal.reason === deadline) throw deadline;
    if (!abort.signal.aborted) {
      await run.done();
      completed = true;
    }
    if (!answered && !abort.signal.aborted) {
      throw serverErrors.noResponse(`graph "${lease.name}" finished without a RESPONSE packet`);
    }
  } catch (error) {
    if (error instanceof WriteTimeoutError) {
      // Nothing more can reach this client: cancel the run, free its memory, drop the connection.
      log.errorCode = error.code;
      log.errorDetail = error.message;
      abort.abort(error);
      res.destroy();
    } else if (!abort.signal.aborted || abort.signal.reason === deadline) {
      log.errorDetail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      const report =
        abort.signal.reason === deadline
          ? deadline
          : error instanceof ServerError
            ? error
            : graphFailure(lease.name, error);
      await sendError(report).catch(() => res.destroy());
    }
  } finally {
    clearTimeout(deadlineTimer);
    clearInterval(keepAlive);
    res.off('close', onClose);
    if (sse.isOpen && !res.writableEnded && !res.destroyed) await sse.done().catch(() => res.destroy());
    if (!completed) run.cancel();
    // A calculator that ignores cancellation must not hold the request (and its connection) forever.
    await settledWithin(run.done(), SETTLE_AFTER_CANCEL_MS);
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

/** Waits for `promise` to settle, at most `ms`; never rejects. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
