import type { MessagePort, Worker } from 'node:worker_threads';
import type { CoupledRowsMode, RowAlignment } from '../runtime/batching-plan.js';
import { type ModelRef, resolveModelSource } from '../runtime/model-source.js';
import {
  ContextLengthExceededError,
  InvalidGenerateArgumentError,
  TokenIdOutOfRangeError,
} from '../runtime/runtime-errors.js';
import { EngineClosedError, EngineQueueFullError, EngineWorkerError } from './engine-errors.js';
import { type EngineHealth, type EngineHealthListener, HealthState } from './engine-health.js';
import type { EngineMetrics } from './engine-metrics.js';
import type { EngineCommand, EngineEvent, EngineModelInfo } from './protocol.js';
import { type GroupHost, SequenceGroup } from './sequence-group.js';
import { type SpawnedWorker, spawnEngineWorker } from './spawn-worker.js';

export interface EngineOptions {
  /** onnxruntime intra-op threads (default: all cores). */
  readonly threads?: number;
  /** ONNX dtype variant of a model directory (`fp32`, `fp16`, `quantized`, ...). */
  readonly dtype?: string;
  /** Live sequences (rows) at most (default 16). */
  readonly maxNumSeqs?: number;
  /** Tokens per step at most: decode rows plus one prefill chunk (default 512). */
  readonly maxNumBatchedTokens?: number;
  /** KV budget in tokens (default maxNumSeqs × context length). */
  readonly kvCacheTokens?: number;
  /** Waiting groups at most; one more throws `EngineQueueFullError` (default 256). */
  readonly maxQueued?: number;
  /** How long a decode step waits for a slow caller's tokens before leaving it out (default 20 ms). */
  readonly readyWaitMs?: number;
  /**
   * Models whose numerics couple rows (dynamic quantization, `engine.model.batching.rowCouplingOps`):
   * `per-row` (default) runs each row alone so answers never depend on the batch; `batched` trades
   * that for throughput. Ignored for other models.
   */
  readonly coupledRows?: CoupledRowsMode;
  /** GroupQueryAttention models: past and present KV as one buffer written in place (default true). */
  readonly shareBuffer?: boolean;
  /**
   * Diagnostics only: lay rows out this way instead of the way the model's attention op needs.
   * `left` on a GroupQueryAttention model gives wrong batched answers (the tests' negative control).
   */
  readonly forceRowAlignment?: RowAlignment;
}

export interface SubmitOptions {
  /** Rows sharing the prompt (n choices, beams). Default 1. */
  readonly n?: number;
  /** Aborting finishes the group; a pending `next()` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** New tokens per row at most; sizes the KV reservation (default: up to the context length). */
  readonly maxTokens?: number;
}

interface Timing {
  ttftSum: number;
  ttftCount: number;
  tpotSum: number;
  tpotCount: number;
}

/**
 * One per model: onnxruntime in a worker thread with continuous batching. Sequences join and leave
 * the running batch between steps; prompts are prefilled in chunks under a token budget; admission
 * is FIFO under `maxNumSeqs` and a KV budget.
 *
 * ```ts
 * const engine = await Engine.start('models/tiny-llama', { threads: 2, maxNumSeqs: 16 });
 * const group = engine.submit(promptIds, { n: 1, signal });   // throws EngineQueueFullError
 * const { logits, rows } = await group.next();
 * group.append([token]);
 * group.finish();
 * engine.metrics();
 * await engine.close();
 * ```
 * Additive to the architecture's contract: `SubmitOptions.maxTokens`, `EngineOptions.dtype` and
 * `readyWaitMs`, `engine.model`, and the extra metrics fields.
 */
export class Engine implements GroupHost {
  readonly model: EngineModelInfo;
  readonly maxNumSeqs: number;
  readonly kvCacheTokens: number;
  readonly maxQueued: number;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly wake: Int32Array;
  private readonly groups = new Map<number, SequenceGroup>();
  private readonly queue: SequenceGroup[] = [];
  private runningRows = 0;
  private runningGroups = 0;
  private reserved = 0;
  private generated = 0;
  private prompted = 0;
  private readonly timing: Timing = { ttftSum: 0, ttftCount: 0, tpotSum: 0, tpotCount: 0 };
  private nextId = 1;
  /** Abort-listener removals, run when their group finishes. */
  private readonly finishHooks = new Map<SequenceGroup, () => void>();
  /** Commands of the current turn, posted together by `flush`. */
  private readonly outbox: EngineCommand[] = [];
  private closed = false;
  private failure: EngineWorkerError | undefined;
  private readonly healthState = new HealthState();
  private exited: Promise<void>;

  private constructor(spawned: SpawnedWorker, options: EngineOptions) {
    const { worker, model } = spawned;
    this.worker = worker;
    this.port = spawned.port;
    this.wake = spawned.wake;
    this.model = model;
    this.maxNumSeqs = options.maxNumSeqs ?? 16;
    this.kvCacheTokens = options.kvCacheTokens ?? this.maxNumSeqs * model.contextLength;
    this.maxQueued = options.maxQueued ?? 256;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (event: EngineEvent) => this.onEvent(event));
    worker.on('error', (err) => this.onFatal(new EngineWorkerError(err.message)));
    worker.on('exit', (code) => {
      if (!this.closed) this.onFatal(new EngineWorkerError(`worker exited with code ${code}`));
    });
  }

  get vocabSize(): number {
    return this.model.vocabSize;
  }

  get contextLength(): number {
    return this.model.contextLength;
  }

  /** Starts the worker and opens the model (directory, `ModelInfo` or `ModelSource`) in it. */
  static async start(model: ModelRef, options: EngineOptions = {}): Promise<Engine> {
    const positive = (name: keyof EngineOptions, value: number | undefined) => {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new InvalidGenerateArgumentError(`engine option ${name} = ${value} must be an integer ≥ 1`);
      }
    };
    positive('threads', options.threads);
    positive('maxNumSeqs', options.maxNumSeqs);
    positive('maxNumBatchedTokens', options.maxNumBatchedTokens);
    positive('kvCacheTokens', options.kvCacheTokens);
    if (options.coupledRows !== undefined && !['per-row', 'batched'].includes(options.coupledRows)) {
      throw new InvalidGenerateArgumentError(
        `engine option coupledRows = ${JSON.stringify(options.coupledRows)} must be "per-row" or "batched"`,
      );
    }
    const spawned = await spawnEngineWorker(resolveModelSource(model, { dtype: options.dtype }), {
      threads: options.threads,
      maxNumBatchedTokens: options.maxNumBatchedTokens ?? 512,
      readyWaitMs: options.readyWaitMs ?? 20,
      batching: {
        ...(options.coupledRows === undefined ? {} : { coupledRows: options.coupledRows }),
        ...(options.shareBuffer === undefined ? {} : { shareBuffer: options.shareBuffer }),
        ...(options.forceRowAlignment === undefined ? {} : { forceRowAlignment: options.forceRowAlignment }),
      },
    });
    return new Engine(spawned, options);
  }

  /** Queues a prompt; it starts when a seat and KV budget are free (FIFO). */
  submit(promptIds: readonly number[], options: SubmitOptions = {}): SequenceGroup {
    if (this.failure) throw this.failure;
    if (this.closed) throw new EngineClosedError();
    const n = options.n ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > this.maxNumSeqs) {
      throw new InvalidGenerateArgumentError(
        `n = ${n} must be an integer in 1..maxNumSeqs (${this.maxNumSeqs})`,
      );
    }
    if (promptIds.length === 0)
      throw new InvalidGenerateArgumentError('the prompt is empty; give at least one token');
    for (let i = 0; i < promptIds.length; i++) {
      const t = promptIds[i]!;
      if (!Number.isInteger(t) || t < 0 || t >= this.vocabSize)
        throw new TokenIdOutOfRangeError(t, i, this.vocabSize);
    }
    if (promptIds.length > this.contextLength) {
      throw new ContextLengthExceededError(promptIds.length, this.contextLength, 'prompt');
    }
    if (this.queue.length >= this.maxQueued) throw new EngineQueueFullError(this.maxQueued);
    options.signal?.throwIfAborted();
    const room = this.contextLength - promptIds.length;
    const perRow = Math.min(options.maxTokens ?? room, room);
    const reservation = Math.min(promptIds.length + n * perRow, this.kvCacheTokens);
    const group = new SequenceGroup(this, this.nextId++, [...promptIds], n, reservation);
    this.groups.set(group.id, group);
    this.queue.push(group);
    if (options.signal) {
      const signal = options.signal;
      const onAbort = () => group.fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.detachOnFinish(group, () => signal.removeEventListener('abort', onAbort));
    }
    this.pump();
    return group;
  }

  metrics(): EngineMetrics {
    let kv = 0;
    for (const g of this.groups.values()) if (g.state === 'running') kv += g.kvTokens;
    const t = this.timing;
    return {
      queued: this.queue.length,
      running: this.runningRows,
      runningGroups: this.runningGroups,
      kvCacheUsedTokens: kv,
      kvCacheCapacityTokens: this.kvCacheTokens,
      generatedTokens: this.generated,
      promptTokens: this.prompted,
      timeToFirstTokenSeconds: { sum: t.ttftSum / 1000, count: t.ttftCount },
      timePerOutputTokenSeconds: { sum: t.tpotSum / 1000, count: t.tpotCount },
    };
  }

  /** Whether a request submitted now would be served (readiness reads it; see engine-health.ts). */
  health(): EngineHealth {
    return this.healthState.current;
  }

  /** Calls `listener` on every health change; returns the unsubscribe function. */
  onHealthChange(listener: EngineHealthListener): () => void {
    return this.healthState.subscribe(listener);
  }

  /** Fails every group with `EngineClosedError` and stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return this.exited;
    this.closed = true;
    this.healthState.set('closed');
    for (const g of [...this.groups.values()]) g.fail(new EngineClosedError());
    this.command({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
    this.port.close();
  }

  /** @internal GroupHost */
  sendAppend(group: SequenceGroup, tokens: readonly number[], parents: readonly number[] | undefined): void {
    this.command({ type: 'append', id: group.id, tokens: [...tokens], parents: parents && [...parents] });
  }

  /** @internal GroupHost: a group finished (normally, cancelled or failed). */
  release(group: SequenceGroup): void {
    if (!this.groups.delete(group.id)) return;
    if (group.state === 'queued') {
      const i = this.queue.indexOf(group);
      if (i >= 0) this.queue.splice(i, 1);
    } else if (group.state === 'running') {
      this.runningRows -= group.n;
      this.runningGroups--;
      this.reserved -= group.reservation;
      if (!this.closed) this.command({ type: 'finish', id: group.id });
    }
    this.finishHooks.get(group)?.();
    this.finishHooks.delete(group);
    this.pump();
  }

  private detachOnFinish(group: SequenceGroup, hook: () => void): void {
    this.finishHooks.set(group, hook);
  }

  /** Admits queued groups in order while the head fits. */
  private pump(): void {
    if (this.closed || this.failure) return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const seats = this.runningRows + head.n <= this.maxNumSeqs;
      const kv = this.reserved + head.reservation <= this.kvCacheTokens;
      if (!seats || !kv) return;
      this.queue.shift();
      head.state = 'running';
      this.runningRows += head.n;
      this.runningGroups++;
      this.reserved += head.reservation;
      this.command({ type: 'submit', id: head.id, prompt: head.promptIds, n: head.n });
    }
  }

  /**
   * Commands issued in one turn (e.g. every group appending after one step's logits resolved their
   * promises) go to the worker as one message and one wake-up, so it sees the whole batch ready.
   */
  private command(command: EngineCommand): void {
    this.outbox.push(command);
    if (this.outbox.length === 1) queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    this.port.postMessage(this.outbox.splice(0));
    Atomics.add(this.wake, 0, 1);
    Atomics.notify(this.wake, 0);
  };

  private onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'logits': {
        const vocab = this.vocabSize;
        const now = performance.now();
        for (let i = 0; i < event.ids.length; i++) {
          const group = this.groups.get(event.ids[i]!);
          if (!group) continue;
          const rows = event.rows[i]!;
          const logits = new Float32Array(event.buffer, event.offsets[i]! * vocab * 4, rows * vocab);
          this.generated += rows;
          this.prompted += event.prefilled[i]!;
          if (group.lastDeliveryAt === 0) {
            this.timing.ttftSum += now - group.submittedAt;
            this.timing.ttftCount++;
          } else {
            this.timing.tpotSum += now - group.lastDeliveryAt;
            this.timing.tpotCount++;
          }
          group.lastDeliveryAt = now;
          group.receive({ logits, rows });
        }
        return;
      }
      case 'error': {
        const group = this.groups.get(event.id);
        group?.fail(new EngineWorkerError(event.message, event));
        return;
      }
      case 'fatal':
        this.onFatal(new EngineWorkerError(event.message, event));
        return;
      default:
        return;
    }
  }

  private onFatal(err: EngineWorkerError): void {
    if (this.failure) return;
    this.failure = err;
    this.healthState.set('failed', err.message);
    for (const g of [...this.groups.values()]) g.fail(err);
  }
}
