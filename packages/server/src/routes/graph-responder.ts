import type { Packet } from '@weft/framework';
import type { GraphRequest } from '@weft/llm';
import type { Request, Response } from 'express';
import { type ErrorReport, httpErrorAnswer } from '../errors/http-shapes.js';
import { ServerError } from '../errors/server-error.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphLease } from '../registry/loaded-graph.js';
import { graphFailure } from './graph-failure.js';
import { requestLog } from './request-log.js';
import { ResponseReader } from './response-reader.js';
import { ResponseStats } from './response-stats.js';
import { SseWriter } from './sse-writer.js';

export interface RespondOptions {
  readonly lease: GraphLease;
  /** The API the body follows, as the route names it (`completions`, `chat/completions`, ...). */
  readonly endpoint: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly keepAliveMs: number;
  readonly metrics: ServerMetrics;
  readonly startedAt: number;
}

class ClientClosed extends Error {
  override readonly name = 'ClientClosed';
}

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
    if (!abort.signal.aborted) {
      await run.done();
      completed = true;
      reader.finish();
    }
  } catch (error) {
    if (!abort.signal.aborted) {
      log.errorDetail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      await sendError(error instanceof ServerError ? error : graphFailure(lease.name, error));
    }
  } finally {
    clearInterval(keepAlive);
    res.off('close', onClose);
    if (sse.isOpen && !res.writableEnded) await sse.end(reader.head?.doneMarker !== false);
    if (!completed) run.cancel();
    await run.done().catch(() => {});
    lease.release();
    stats.record(metrics, lease.name, log);
  }
}

/** The `sequence_number` after a Responses API event (an error event continues the count). */
function nextSequence(data: unknown, current: number): number {
  const n = (data as { sequence_number?: unknown } | null)?.sequence_number;
  return typeof n === 'number' ? n + 1 : current;
}
