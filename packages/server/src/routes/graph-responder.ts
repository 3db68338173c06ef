import type { Packet } from '@weft/framework';
import type { GraphRequest } from '@weft/llm';
import type { Request, Response } from 'express';
import type { ServerLimits } from '../app/server-limits.js';
import { type ErrorReport, httpErrorAnswer } from '../errors/http-shapes.js';
import { ServerError, serverErrors } from '../errors/server-error.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphLease } from '../registry/loaded-graph.js';
import { graphFailure } from './graph-failure.js';
import { requestLog } from './request-log.js';
import { ResponseReader } from './response-reader.js';
import { ResponseStats } from './response-stats.js';
import { SseWriter } from './sse-writer.js';
import { awaitWritable, WriteTimeoutError } from './write-deadline.js';

export interface RespondOptions {
  readonly lease: GraphLease;
  /** The API the body follows, as the route names it (`completions`, `chat/completions`, ...). */
  readonly endpoint: string;
  readonly body: Readonly<Record<string, unknown>>;
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
 * Runs the request through one graph run by the graph protocol (llm `serving/graph-protocol.ts`):
 * one `GraphRequest` on REQUEST at timestamp 0, inputs closed; the RESPONSE packets become HTTP —
 * `head` says JSON or SSE, each `chunk` is written as it is (never parsed), `usage` feeds metrics,
 * `error` becomes the code's HTTP error (or an SSE error event once the stream started), `end`
 * finishes. A client that disconnects cancels the run at once, which frees its engine slot.
 */
export async function respondWithGraph(req: Request, res: Response, options: RespondOptions): Promise<void> {
  const { lease, metrics } = options;
  const log = requestLog(res);
  const graph = lease.graph;
  const input = graph.inputStreamName('REQUEST')!;
  const output = graph.outputStreamName('RESPONSE')!;
  const reader = new ResponseReader(lease.name);
  const stats = new ResponseStats(options.startedAt);
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
  // Built when it fires: an error (and its stack) per request would be paid by every request.
  let deadline: ServerError | undefined;
  const deadlineTimer = setTimeout(() => {
    deadline = serverErrors.deadlineExceeded(lease.name, requestDeadlineMs);
    abort.abort(deadline);
  }, requestDeadlineMs);
  // While a stream waits for its first chunk (e.g. in the engine queue), comments keep proxies from timing out.
  let keepAlive: NodeJS.Timeout | undefined;
  let completed = false;
  let sequence = 0;
  // Before the stream started: a JSON error with the code's HTTP status; after: one SSE error event.
  const sendError = async (report: ErrorReport) => {
    log.errorCode = report.code;
    const answer = httpErrorAnswer(report);
    // Responses API streams name their events: the error is `event: error` with OpenAI's fields.
    if (sse.isOpen && options.endpoint === 'responses') {
      const { message, code, param } = answer.body.error;
      await sse.data({ type: 'error', sequence_number: sequence, code, message, param }, 'error');
    } else if (sse.isOpen) await sse.data(answer.body);
    else if (!res.headersSent) {
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.status(answer.status).json(answer.body);
    }
  };
  try {
    if (req.destroyed) onClose();
    const request: GraphRequest = { endpoint: options.endpoint, model: lease.name, body: options.body };
    await run.addPacket(input, request, 0);
    run.closeAllInputs();
    for await (const { value } of run.output(output) as AsyncIterable<Packet<unknown>>) {
      if (abort.signal.aborted) break;
      const packet = reader.read(value);
      if (packet.kind !== 'head' && packet.kind !== 'usage') clearInterval(keepAlive);
      switch (packet.kind) {
        case 'head':
          if (packet.stream) {
            keepAlive = setInterval(() => sse.comment('keep-alive').catch(() => {}), options.keepAliveMs);
            keepAlive.unref();
          }
          break;
        case 'chunk':
          if (reader.head?.stream) {
            stats.onStreamChunk(packet);
            sequence = nextSequence(packet.data, sequence);
            await sse.data(packet.data, packet.event);
          } else {
            res.status(200).json(packet.data);
            await awaitWritable(res, 'finish', writeTimeoutMs);
          }
          break;
        case 'usage':
          stats.onUsage(packet);
          break;
        case 'error':
          await sendError(packet);
          break;
        case 'end':
          break;
      }
    }
    if (deadline && abort.signal.reason === deadline) throw deadline;
    if (!abort.signal.aborted) {
      await run.done();
      completed = true;
      reader.finish();
    }
  } catch (error) {
    if (error instanceof WriteTimeoutError) {
      // Nothing more can reach this client: cancel the run, free its memory, drop the connection.
      log.errorCode = error.code;
      log.errorDetail = error.message;
      abort.abort(error);
      res.destroy();
    } else if (!abort.signal.aborted || (deadline && abort.signal.reason === deadline)) {
      log.errorDetail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      const report =
        deadline && abort.signal.reason === deadline
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
    if (sse.isOpen && !res.writableEnded && !res.destroyed) {
      await sse.end(reader.head?.doneMarker !== false).catch(() => res.destroy());
    }
    if (!completed) run.cancel();
    // A calculator that ignores cancellation must not hold the request (and its connection) forever.
    await settledWithin(run.done(), SETTLE_AFTER_CANCEL_MS);
    lease.release();
    stats.record(metrics, lease.name, log);
  }
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

/** The `sequence_number` after a Responses API event (an error event continues the count). */
function nextSequence(data: unknown, current: number): number {
  const n = (data as { sequence_number?: unknown } | null)?.sequence_number;
  return typeof n === 'number' ? n + 1 : current;
}
