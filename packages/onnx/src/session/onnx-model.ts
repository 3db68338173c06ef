import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { awaitWorkerMessage, startModuleWorker, type Tensor, tensor } from '@weft/framework';
import { OnnxError } from '../errors.js';
import { type BatchLayout, type BatchOptions, batchLayout } from './batch-layout.js';
import { type BatchItem, mergeFeeds, planBatch, splitOutputs } from './batch-run.js';
import { checkFeeds, type FeedLabel } from './check-feeds.js';
import type { FromWorker, OnnxValueInfo, OnnxWorkerData, ToWorker, WireTensor } from './worker-protocol.js';

export interface OnnxModelOptions extends Partial<BatchOptions> {
  /** onnxruntime intra-op threads (default: all cores). */
  readonly threads?: number;
  /**
   * Whether onnxruntime's intra-op threads spin-wait for work after a run (default false). Spinning
   * threads hold the cores between runs, which the main thread needs then (HTTP, tokenizing,
   * batching): on a machine with few cores off serves more.
   */
  readonly spinning?: boolean;
  /** Runs waiting for the session at most; one more is refused (default 256). */
  readonly maxQueued?: number;
}

export interface OnnxRunOptions {
  readonly signal?: AbortSignal;
  /** Names inputs in errors (the calculator passes its stream tags). */
  readonly label?: FeedLabel;
}

/** Upper bounds of the batch-size buckets of `OnnxModelMetrics.batchRows`. */
export const BATCH_ROW_BOUNDS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/** Counters since the model opened (the server's /metrics reads them at scrape time). */
export interface OnnxModelMetrics {
  /** Runs waiting for the session. */
  readonly queued: number;
  /** Runs done (one per `run()` call: one per graph run of an embedding graph). */
  readonly runs: number;
  /** `session.run` calls (each one batch of runs). */
  readonly batches: number;
  /** Rows along the batch axis run (an embedding graph's inputs). */
  readonly rows: number;
  /** Batches by rows, cumulative as Prometheus buckets: `batchRows[i]` had at most `BATCH_ROW_BOUNDS[i]`. */
  readonly batchRows: readonly number[];
}

interface Pending extends BatchItem {
  readonly resolve: (outputs: Record<string, Tensor>) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * An ONNX model opened in a worker thread (onnxruntime's `run` blocks the thread calling it), shared
 * by every graph run. `run()` checks the tensors against the model's metadata and queues them;
 * while the worker is busy, runs wait, and the next batch stacks every waiting run that fits
 * (`maxBatchSize` rows along `axis`, padded dims padded with `padValues`, then cut back per run),
 * so concurrent requests share one `session.run` and each gets what it would get alone.
 *
 * ```ts
 * const model = await OnnxModel.open('model.onnx', { maxBatchSize: 16, padValues: { input_ids: 0, attention_mask: 0 } });
 * const { last_hidden_state } = await model.run({ input_ids, attention_mask }, ['last_hidden_state']);
 * await model.close();
 * ```
 */
export class OnnxModel {
  private readonly queue: Pending[] = [];
  private readonly batchDim: string | undefined;
  private inFlight: { id: number; items: Pending[] } | undefined;
  private nextId = 0;
  private closed: OnnxError | undefined;
  private counts = { runs: 0, batches: 0, rows: 0 };
  /** Batches per bucket of BATCH_ROW_BOUNDS (not cumulative); the last slot: above every bound. */
  private readonly batchSizes = new Array<number>(BATCH_ROW_BOUNDS.length + 1).fill(0);

  private constructor(
    readonly path: string,
    readonly inputs: readonly OnnxValueInfo[],
    readonly outputs: readonly OnnxValueInfo[],
    readonly layout: BatchLayout,
    private readonly worker: Worker,
    private readonly maxQueued: number,
  ) {
    const dim = inputs[0]?.dims[layout.axis];
    this.batchDim = typeof dim === 'string' ? dim : undefined;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(`the ONNX worker failed: ${error.message}`));
    worker.on('exit', (code) => this.fail(`the ONNX worker exited (code ${code})`));
  }

  static async open(path: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    if (!existsSync(path)) throw new OnnxError('WEFT_ERR_ONNX_LOAD_FAILED', `no ONNX model at ${path}`);
    const data: OnnxWorkerData = {
      modelPath: path,
      threads: options.threads ?? availableParallelism(),
      spinning: options.spinning ?? false,
    };
    const worker = startModuleWorker(import.meta.url, 'onnx-worker', { workerData: data });
    let ready: Extract<FromWorker, { type: 'ready' }>;
    try {
      ready = await firstMessage(worker);
    } catch (error) {
      await worker.terminate();
      throw new OnnxError(
        'WEFT_ERR_ONNX_LOAD_FAILED',
        `cannot open ONNX model ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let layout: BatchLayout;
    try {
      layout = batchLayout(ready.inputs, ready.outputs, {
        maxBatchSize: options.maxBatchSize ?? 1,
        axis: options.axis ?? 0,
        padValues: options.padValues ?? {},
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return new OnnxModel(path, ready.inputs, ready.outputs, layout, worker, options.maxQueued ?? 256);
  }

  /** Runs the model on one set of input tensors; resolves with the `fetches` outputs. */
  run(
    feeds: Readonly<Record<string, Tensor>>,
    fetches: readonly string[],
    options: OnnxRunOptions = {},
  ): Promise<Record<string, Tensor>> {
    if (this.closed) return Promise.reject(this.closed);
    const { signal, label } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const outputNames = this.outputs.map((o) => o.name);
    for (const name of fetches) {
      if (!outputNames.includes(name)) {
        return Promise.reject(
          new OnnxError(
            'WEFT_ERR_ONNX_PORT_MAPPING',
            `the model has no output "${name}"; its outputs are ${outputNames.join(', ')}`,
          ),
        );
      }
    }
    let sizes: Map<string, number>;
    try {
      sizes = checkFeeds(feeds, this.inputs, label);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new OnnxError(
          'WEFT_ERR_ONNX_QUEUE_FULL',
          `${this.queue.length} runs are already waiting for ${this.path} (max_queued ${this.maxQueued})`,
        ),
      );
    }
    const rows = this.batchDim === undefined ? 1 : (sizes.get(this.batchDim) ?? 1);
    return new Promise((resolve, reject) => {
      const item: Pending = {
        feeds,
        fetches: [...fetches],
        sizes,
        rows,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.queue.indexOf(item);
          if (at >= 0) {
            this.queue.splice(at, 1);
            reject(signal!.reason);
          }
        },
      };
      signal?.addEventListener('abort', item.onAbort, { once: true });
      this.queue.push(item);
      this.pump();
    });
  }

  metrics(): OnnxModelMetrics {
    let below = 0;
    const batchRows = BATCH_ROW_BOUNDS.map((_, i) => (below += this.batchSizes[i]!));
    return { queued: this.queue.length, ...this.counts, batchRows };
  }

  async close(): Promise<void> {
    this.fail(`the ONNX session ${this.path} was closed`);
    await this.worker.terminate();
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0 || this.closed) return;
    const taken = planBatch(this.queue, this.layout, this.batchDim);
    const items = taken.map((i) => this.queue[i]!);
    for (const i of taken.reverse()) this.queue.splice(i, 1);
    const id = this.nextId++;
    this.inFlight = { id, items };
    const rows = items.reduce((sum, item) => sum + item.rows, 0);
    this.counts.runs += items.length;
    this.counts.batches++;
    this.counts.rows += rows;
    const bucket = BATCH_ROW_BOUNDS.findIndex((bound) => rows <= bound);
    this.batchSizes[bucket < 0 ? BATCH_ROW_BOUNDS.length : bucket]!++;
    let message: ToWorker;
    try {
      const feeds = mergeFeeds(items, this.inputs, this.layout);
      message = { type: 'run', id, feeds: toWire(feeds), fetches: [...items[0]!.fetches] };
    } catch (error) {
      this.settle(items, (item) => item.reject(error));
      return;
    }
    this.worker.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    const flight = this.inFlight;
    if (!flight || (message.type !== 'result' && message.type !== 'failed') || message.id !== flight.id)
      return;
    // The worker is free: give it the next batch before cutting this one's outputs apart, so that
    // it runs while the event loop hands these results to their graph runs.
    this.inFlight = undefined;
    this.pump();
    if (message.type === 'failed') {
      const error = new OnnxError(
        'WEFT_ERR_ONNX_RUN_FAILED',
        `onnxruntime failed on ${this.path}: ${message.message}`,
      );
      this.settle(flight.items, (item) => item.reject(error));
      return;
    }
    let parts: Record<string, Tensor>[];
    try {
      const outputs: Record<string, Tensor> = {};
      for (const [name, w] of Object.entries(message.outputs))
        outputs[name] = tensor(w.dtype, w.dims, w.data as never);
      parts = splitOutputs(outputs, flight.items, this.outputs, this.layout);
    } catch (error) {
      this.settle(flight.items, (item) => item.reject(error));
      return;
    }
    this.settle(flight.items, (item, i) => item.resolve(parts[i]!));
  }

  /** Settles runs that left the queue; the worker may take the next batch. */
  private settle(items: Pending[], each: (item: Pending, index: number) => void): void {
    if (this.inFlight?.items === items) this.inFlight = undefined;
    for (const [i, item] of items.entries()) {
      item.signal?.removeEventListener('abort', item.onAbort);
      each(item, i);
    }
    this.pump();
  }

  private fail(message: string): void {
    if (this.closed) return;
    this.closed = new OnnxError('WEFT_ERR_ONNX_SESSION_CLOSED', message);
    const waiting = [...(this.inFlight?.items ?? []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    for (const item of waiting) item.reject(this.closed);
  }
}

/** Waits for the worker's `ready` (its `fatal`, an error or an exit reject), then detaches. */
function firstMessage(worker: Worker): Promise<Extract<FromWorker, { type: 'ready' }>> {
  return awaitWorkerMessage(worker, {
    settle: (m: FromWorker) =>
      m.type === 'ready' ? m : new Error(m.type === 'fatal' ? m.message : `unexpected ${m.type}`),
    onError: (error) => error,
    onExit: (code) => new Error(`the worker exited (code ${code}) before the model opened`),
  });
}

// Structured clone copies each view's bytes to the worker (packets are shared and stay intact). It
// copies a view's whole buffer, so a view of part of one (a row cut from an earlier batch) is
// sliced to its own bytes first.
function toWire(feeds: Record<string, Tensor>): Record<string, WireTensor> {
  const wire: Record<string, WireTensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const whole = t.data.byteLength === t.data.buffer.byteLength;
    wire[name] = { dtype: t.dtype, dims: t.dims, data: whole ? t.data : t.data.slice() };
  }
  return wire;
}
