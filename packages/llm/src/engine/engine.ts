import type { CoupledRowsMode, RowAlignment } from '../runtime/batching-plan.js';
import { type ModelRef, type ModelSource, resolveModelSource } from '../runtime/model-source.js';
import { InvalidGenerateArgumentError } from '../runtime/runtime-errors.js';
import { checkTokenIds, completionBudget } from '../runtime/token-limits.js';
import {
  EngineClosedError,
  EngineQueueFullError,
  EngineUnavailableError,
  EngineWorkerError,
} from './engine-errors.js';
import type { EngineMetrics } from './engine-metrics.js';
import type { EngineFailure, EngineStatus } from './engine-status.js';
import { PrefixCache, type PrefixPlan } from './prefix-cache.js';
import type { EngineCommand, EngineEvent, EngineModelInfo, EngineSampling } from './protocol.js';
import { RestartBudget } from './restart-budget.js';
import {
  type AnySequenceGroup,
  type EngineStep,
  type GroupHost,
  type SampledStep,
  SequenceGroup,
} from './sequence-group.js';
import { type SpawnedWorker, spawnEngineWorker, type WorkerOptions } from './spawn-worker.js';

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
   * onnxruntime's intra-op threads spin-wait between runs (default false here: on a machine with
   * few cores the spinning threads compete with the main thread's sampling between steps).
   */
  readonly spinning?: boolean;
  /** Worker restarts allowed within `restartWindowMs` before the engine reports itself failed (default 5; 0 = never restart). */
  readonly maxRestarts?: number;
  /** The window of `maxRestarts`, ms (default 60,000). */
  readonly restartWindowMs?: number;
  /**
   * Models whose numerics couple rows (dynamic quantization, `engine.model.batching.rowCouplingOps`):
   * `per-row` (default) runs each row alone so answers never depend on the batch; `batched` trades
   * that for throughput. Ignored for other models.
   */
  readonly coupledRows?: CoupledRowsMode;
  /** GroupQueryAttention models: past and present KV as one buffer written in place (default true). */
  readonly shareBuffer?: boolean;
  /**
   * Automatic prefix caching (default true): a prompt starting with blocks an earlier prompt
   * computed starts from their KV instead of prefilling them. The cached blocks live inside the KV
   * budget (`kvCacheTokens`), least recently used evicted first. Always off for models whose
   * numerics couple rows (`engine.model.batching.rowCouplingOps`): there a prompt's KV depends on
   * how it was chunked, so a cached prefix would change answers.
   */
  readonly prefixCaching?: boolean;
  /** Tokens per prefix-cache block: prefixes are reused in whole blocks (default 16). */
  readonly prefixBlockSize?: number;
  /**
   * KV bytes the prefix cache holds at most (default 512 MiB), below what the KV budget leaves it:
   * the budget bounds what running requests may reserve, this bounds what idle blocks keep in memory.
   */
  readonly prefixCacheBytes?: number;
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
  /**
   * The worker picks this one-row group's tokens itself and decodes on without waiting for the
   * caller, so only token ids (and logprobs when asked) cross threads: the fast path for requests
   * that need no logits processing outside the engine. The group then gives `SampledStep`s.
   */
  readonly sampling?: EngineSampling;
}

interface Timing {
  ttftSum: number;
  ttftCount: number;
  tpotSum: number;
  tpotCount: number;
}

/** Default tokens per prefix-cache block (vLLM's default block size). */
const PREFIX_BLOCK_SIZE = 16;
/** Default memory bound of the prefix cache. */
const PREFIX_CACHE_BYTES = 512 * 2 ** 20;

/**
 * One per model: onnxruntime in a worker thread with continuous batching. Sequences join and leave
 * the running batch between steps; prompts are prefilled in chunks under a token budget; admission
 * is FIFO under `maxNumSeqs` and a KV budget.
 *
 * The worker is supervised: when it dies (crash, out of memory, a fatal step error) the groups that
 * were running on it fail with `EngineWorkerError` (500), queued groups stay queued, and a new worker
 * loads the model and serves them. `status()` says whether a worker can serve right now.
 *
 * ```ts
 * const engine = await Engine.start('models/tiny-llama', { threads: 2, maxNumSeqs: 16 });
 * const group = engine.submit(promptIds, { n: 1, signal });   // throws EngineQueueFullError
 * const { logits, rows } = await group.next();
 * group.append([token]);
 * group.finish();
 * engine.metrics(); engine.status();
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
  /** The serving worker; undefined while a dead one is being replaced (or after failure). */
  private link: SpawnedWorker | undefined;
  private readonly groups = new Map<number, AnySequenceGroup>();
  private readonly queue: AnySequenceGroup[] = [];
  private runningRows = 0;
  private runningGroups = 0;
  private reserved = 0;
  private generated = 0;
  private prompted = 0;
  private readonly timing: Timing = { ttftSum: 0, ttftCount: 0, tpotSum: 0, tpotCount: 0 };
  /** Index of the cached prompt blocks; undefined when prefix caching is off. */
  private readonly prefix: PrefixCache | undefined;
  private readonly prefixBlockSize: number;
  /** What `prefixCacheBytes` allows the cache, in tokens. */
  private readonly prefixCapTokens: number;
  /** Tokens appended to running one-row groups, and how many of them the worker has run. */
  private readonly decoded = new Map<number, { tokens: number[]; fed: number }>();
  private nextId = 1;
  /** Abort-listener removals, run when their group finishes. */
  private readonly finishHooks = new Map<AnySequenceGroup, () => void>();
  /** Commands of the current turn, posted together by `flush`. */
  private readonly outbox: EngineCommand[] = [];
  private state: EngineStatus['state'] = 'ready';
  private restarts = 0;
  private lastError: EngineFailure | undefined;
  /** Why the engine gave up (state `failed`). */
  private failedBecause: string | undefined;
  private readonly budget: RestartBudget;
  /** Settles when the replacement worker is serving (or the engine gave up). */
  private restarting: Promise<void> | undefined;

  private constructor(
    spawned: SpawnedWorker,
    options: EngineOptions,
    private readonly source: ModelSource,
    private readonly workerOptions: WorkerOptions,
  ) {
    this.model = spawned.model;
    this.maxNumSeqs = options.maxNumSeqs ?? 16;
    this.kvCacheTokens = options.kvCacheTokens ?? this.maxNumSeqs * spawned.model.contextLength;
    this.maxQueued = options.maxQueued ?? 256;
    this.budget = new RestartBudget(options.maxRestarts ?? 5, options.restartWindowMs ?? 60_000);
    this.prefixBlockSize = workerOptions.prefixBlockSize ?? options.prefixBlockSize ?? PREFIX_BLOCK_SIZE;
    this.prefixCapTokens = Math.floor(
      (options.prefixCacheBytes ?? PREFIX_CACHE_BYTES) / spawned.model.kvBytesPerToken,
    );
    const coupled = spawned.model.batching.rowCouplingOps.length > 0;
    this.prefix =
      workerOptions.prefixBlockSize === undefined || coupled
        ? undefined
        : new PrefixCache(workerOptions.prefixBlockSize);
    this.attach(spawned);
  }

  get vocabSize(): number {
    return this.model.vocabSize;
  }

  get contextLength(): number {
    return this.model.contextLength;
  }

  /** Starts the worker and opens the model (directory, `ModelInfo` or `ModelSource`) in it. */
  static async start(model: ModelRef, options: EngineOptions = {}): Promise<Engine> {
    const positive = (name: keyof EngineOptions, value: number | undefined, min = 1) => {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        throw new InvalidGenerateArgumentError(
          `engine option ${name} = ${value} must be an integer ≥ ${min}`,
        );
      }
    };
    positive('threads', options.threads);
    positive('maxNumSeqs', options.maxNumSeqs);
    positive('maxNumBatchedTokens', options.maxNumBatchedTokens);
    positive('kvCacheTokens', options.kvCacheTokens);
    positive('maxRestarts', options.maxRestarts, 0);
    positive('restartWindowMs', options.restartWindowMs);
    positive('prefixBlockSize', options.prefixBlockSize);
    positive('prefixCacheBytes', options.prefixCacheBytes);
    if (options.prefixCaching !== undefined && typeof options.prefixCaching !== 'boolean') {
      throw new InvalidGenerateArgumentError(
        `engine option prefixCaching = ${JSON.stringify(options.prefixCaching)} must be true or false`,
      );
    }
    if (options.coupledRows !== undefined && !['per-row', 'batched'].includes(options.coupledRows)) {
      throw new InvalidGenerateArgumentError(
        `engine option coupledRows = ${JSON.stringify(options.coupledRows)} must be "per-row" or "batched"`,
      );
    }
    const source = resolveModelSource(model, { dtype: options.dtype });
    const workerOptions: WorkerOptions = {
      threads: options.threads,
      maxNumBatchedTokens: options.maxNumBatchedTokens ?? 512,
      readyWaitMs: options.readyWaitMs ?? 20,
      spinning: options.spinning ?? false,
      prefixBlockSize:
        options.prefixCaching === false ? undefined : (options.prefixBlockSize ?? PREFIX_BLOCK_SIZE),
      batching: {
        ...(options.coupledRows === undefined ? {} : { coupledRows: options.coupledRows }),
        ...(options.shareBuffer === undefined ? {} : { shareBuffer: options.shareBuffer }),
        ...(options.forceRowAlignment === undefined ? {} : { forceRowAlignment: options.forceRowAlignment }),
      },
    };
    const spawned = await spawnEngineWorker(source, workerOptions);
    return new Engine(spawned, options, source, workerOptions);
  }

  /** Queues a prompt; it starts when a seat and KV budget are free (FIFO). */
  submit(
    promptIds: readonly number[],
    options: SubmitOptions & { readonly sampling: EngineSampling },
  ): SequenceGroup<SampledStep>;
  submit(promptIds: readonly number[], options?: SubmitOptions): SequenceGroup<EngineStep>;
  submit(promptIds: readonly number[], options: SubmitOptions = {}): AnySequenceGroup {
    if (this.state === 'closed') throw new EngineClosedError();
    if (this.state === 'failed') throw this.unavailable();
    const n = options.n ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > this.maxNumSeqs) {
      throw new InvalidGenerateArgumentError(
        `n = ${n} must be an integer in 1..maxNumSeqs (${this.maxNumSeqs})`,
      );
    }
    if (promptIds.length === 0)
      throw new InvalidGenerateArgumentError('the prompt is empty; give at least one token');
    checkTokenIds(promptIds, this.vocabSize);
    if (options.sampling && n !== 1) {
      throw new InvalidGenerateArgumentError(
        `n = ${n}: the engine samples one-row groups only; sample groups of several rows outside it`,
      );
    }
    const perRow = completionBudget(promptIds.length, this.contextLength, options.maxTokens, 'cap');
    if (this.queue.length >= this.maxQueued) throw new EngineQueueFullError(this.maxQueued);
    options.signal?.throwIfAborted();
    const reservation = Math.min(promptIds.length + n * perRow, this.kvCacheTokens);
    const group: AnySequenceGroup = new SequenceGroup(
      this,
      this.nextId++,
      [...promptIds],
      n,
      reservation,
      options.sampling,
    );
    this.groups.set(group.id, group);
    this.queue.push(group);
    if (options.signal) {
      const signal = options.signal;
      const onAbort = () => group.fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.finishHooks.set(group, () => signal.removeEventListener('abort', onAbort));
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
      prefixCache: this.prefixCacheMetrics(),
    };
  }

  private prefixCacheMetrics(): EngineMetrics['prefixCache'] {
    const counts = this.prefix?.counts() ?? { queriedTokens: 0, hitTokens: 0, blocks: 0, tokens: 0 };
    return {
      enabled: this.prefix !== undefined,
      blockSize: this.prefixBlockSize,
      ...counts,
      bytes: counts.tokens * this.model.kvBytesPerToken,
    };
  }

  /** Whether a worker serves, how often it was restarted, and the last failure. */
  status(): EngineStatus {
    return { state: this.state, restarts: this.restarts, lastError: this.lastError };
  }

  /**
   * Fault injection for tests and chaos runs: the worker exits with code 1 at its next step boundary,
   * as a crash would end it. The engine then does what it does for any dead worker (fail running
   * groups, restart, resume the queue). Resolves once the worker is gone.
   */
  async killWorker(): Promise<void> {
    const link = this.link;
    if (!link) return;
    this.command({ type: 'crash' });
    await link.exited;
  }

  /** Fails every group with `EngineClosedError` and stops the worker. */
  async close(): Promise<void> {
    if (this.state === 'closed') return this.link?.exited;
    this.state = 'closed';
    for (const g of [...this.groups.values()]) g.fail(new EngineClosedError());
    await this.restarting;
    const link = this.link;
    if (!link) return;
    this.command({ type: 'close' });
    const timer = setTimeout(() => void link.worker.terminate(), 5000);
    await link.exited;
    clearTimeout(timer);
    link.port.close();
  }

  /** @internal GroupHost */
  sendAppend(
    group: AnySequenceGroup,
    tokens: readonly number[],
    parents: readonly number[] | undefined,
  ): void {
    this.decoded.get(group.id)?.tokens.push(tokens[0]!);
    this.command({ type: 'append', id: group.id, tokens: [...tokens], parents: parents && [...parents] });
  }

  /** @internal GroupHost: a group finished (normally, cancelled or failed). */
  release(group: AnySequenceGroup): void {
    if (!this.groups.delete(group.id)) return;
    if (group.state === 'queued') {
      const i = this.queue.indexOf(group);
      if (i >= 0) this.queue.splice(i, 1);
    } else if (group.state === 'running') {
      this.runningRows -= group.n;
      this.runningGroups--;
      this.reserved -= group.reservation;
      this.command({ type: 'finish', id: group.id, keep: this.keepOnFinish(group) });
      this.prefix?.abandon(group.id);
    }
    this.decoded.delete(group.id);
    this.finishHooks.get(group)?.();
    this.finishHooks.delete(group);
    this.pump();
  }

  /**
   * Blocks of a finishing one-row group to keep in the prefix cache: its prompt and the tokens the
   * worker ran, within what the budget leaves now that its reservation is free. None before its
   * prefill is done.
   */
  private keepOnFinish(group: AnySequenceGroup): PrefixPlan['store'] {
    const decoded = this.decoded.get(group.id);
    // Without a worker (it died) there is no KV to keep.
    if (!this.prefix || !decoded || !this.link || group.lastDeliveryAt === 0) return [];
    const tokens = [...group.promptIds, ...decoded.tokens.slice(0, decoded.fed)];
    return this.prefix.keep(tokens, Math.min(this.kvCacheTokens - this.reserved, this.prefixCapTokens));
  }

  /**
   * Admits queued groups in order while the head fits: a seat and its KV reservation. The prefix
   * cache shrinks (least recently used blocks first) to what the reservations leave of the budget.
   */
  private pump(): void {
    if (this.state !== 'ready' || !this.link) return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const seats = this.runningRows + head.n <= this.maxNumSeqs;
      const left = this.kvCacheTokens - this.reserved - head.reservation;
      if (!seats || left < 0) break;
      const prefix = this.prefix?.admit(head.id, head.promptIds, Math.min(left, this.prefixCapTokens));
      this.queue.shift();
      head.state = 'running';
      this.runningRows += head.n;
      this.runningGroups++;
      this.reserved += head.reservation;
      this.command({
        type: 'submit',
        id: head.id,
        prompt: head.promptIds,
        n: head.n,
        prefix,
        sampling: head.sampling,
      });
      if (prefix && head.n === 1) this.decoded.set(head.id, { tokens: [], fed: 0 });
    }
    // After the submits: the worker copies a reused block when it reads the submit.
    const forgotten = this.prefix?.takeForgotten() ?? [];
    if (forgotten.length > 0) this.command({ type: 'forget', blocks: forgotten });
  }

  /**
   * Commands issued in one turn (e.g. every group appending after one step's logits resolved their
   * promises) go to the worker as one message and one wake-up, so it sees the whole batch ready.
   * Without a live worker there is nothing to tell: its groups already failed.
   */
  private command(command: EngineCommand): void {
    if (!this.link) return;
    this.outbox.push(command);
    if (this.outbox.length === 1) queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    const link = this.link;
    const commands = this.outbox.splice(0);
    if (!link || commands.length === 0) return;
    link.port.postMessage(commands);
    Atomics.add(link.wake, 0, 1);
    Atomics.notify(link.wake, 0);
  };

  /** Listens to a worker; events of a worker that was replaced are ignored. */
  private attach(link: SpawnedWorker): void {
    this.link = link;
    const { worker } = link;
    worker.on('message', (event: EngineEvent) => {
      if (this.link === link) this.onEvent(event);
    });
    worker.on('error', (err) => this.onWorkerDeath(link, new EngineWorkerError(err.message)));
    worker.on('exit', (code) => {
      if (this.state !== 'closed')
        this.onWorkerDeath(link, new EngineWorkerError(`worker exited with code ${code}`));
    });
  }

  private onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'logits': {
        const vocab = this.vocabSize;
        const now = performance.now();
        for (let i = 0; i < event.ids.length; i++) {
          // The worker kept this prompt's blocks before it read any later command.
          if (event.prefilled[i]! > 0) this.prefix?.commit(event.ids[i]!);
          const group = this.groups.get(event.ids[i]!);
          if (!group) continue;
          // These logits came after every token appended so far was run.
          const decoded = this.decoded.get(group.id);
          if (decoded) decoded.fed = decoded.tokens.length;
          const rows = event.rows[i]!;
          const logits = new Float32Array(event.buffer, event.offsets[i]! * vocab * 4, rows * vocab);
          this.countStep(group, rows, event.prefilled[i]!, now);
          group.receive({ logits, rows });
        }
        return;
      }
      case 'tokens': {
        const now = performance.now();
        event.ids.forEach((id, i) => {
          if (event.prefilled[i]! > 0) this.prefix?.commit(id);
          const group = this.groups.get(id);
          if (!group) return;
          const sampled = event.sampled[i]!;
          // The worker ran every earlier token before it drew this one.
          const decoded = this.decoded.get(id);
          if (decoded) {
            decoded.fed = decoded.tokens.length;
            decoded.tokens.push(sampled.token);
          }
          this.countStep(group, 1, event.prefilled[i]!, now);
          group.receive({ rows: 1, sampled, cumLogprob: event.cumLogprobs[i]! });
        });
        return;
      }
      case 'error': {
        const group = this.groups.get(event.id);
        // The worker already dropped the group and its KV: nothing to keep when it finishes.
        this.decoded.delete(event.id);
        group?.fail(new EngineWorkerError(event.message, event));
        return;
      }
      case 'fatal':
        this.onWorkerDeath(this.link!, new EngineWorkerError(event.message, event));
        return;
      default:
        return;
    }
  }

  /** Counts a delivered step in the metrics (tokens, prompt tokens, TTFT or time per token). */
  private countStep(group: AnySequenceGroup, rows: number, prefilled: number, now: number): void {
    this.generated += rows;
    this.prompted += prefilled;
    if (group.lastDeliveryAt === 0) {
      this.timing.ttftSum += now - group.submittedAt;
      this.timing.ttftCount++;
    } else {
      this.timing.tpotSum += now - group.lastDeliveryAt;
      this.timing.tpotCount++;
    }
    group.lastDeliveryAt = now;
  }

  /**
   * A worker died (or reported a fatal error). Its running groups fail — their KV died with it —
   * while queued groups wait for the replacement, which is started unless the budget is spent.
   */
  private onWorkerDeath(link: SpawnedWorker, err: EngineWorkerError): void {
    if (this.link !== link || this.state === 'closed') return;
    this.link = undefined;
    this.outbox.length = 0;
    this.prefix?.clear();
    // A worker that reported `fatal` is closing its session and ends by itself; terminating it
    // meanwhile can abort the process inside onnxruntime's binding, so it only gets a deadline.
    setTimeout(() => void link.worker.terminate(), 5000).unref();
    link.port.close();
    this.recordFailure(err);
    // Set before failing the running groups: their release must not admit queued ones to no worker.
    this.state = 'restarting';
    const running = [...this.groups.values()].filter((g) => g.state === 'running');
    for (const g of running) g.fail(err);
    if (!this.budget.take()) {
      this.giveUp(
        `its worker died ${this.budget.maxRestarts + 1} times within ${this.budget.windowMs} ms (last: ${err.message})`,
      );
      return;
    }
    this.restarting = this.respawn();
  }

  private async respawn(): Promise<void> {
    try {
      const spawned = await spawnEngineWorker(this.source, this.workerOptions);
      if (this.state === 'closed') {
        await spawned.worker.terminate();
        spawned.port.close();
        return;
      }
      this.restarts++;
      this.state = 'ready';
      this.attach(spawned);
      this.pump();
    } catch (err) {
      if (this.state === 'closed') return;
      const failure = err instanceof EngineWorkerError ? err : new EngineWorkerError((err as Error).message);
      this.recordFailure(failure);
      this.giveUp(`a new worker could not load the model (${failure.message})`);
    } finally {
      this.restarting = undefined;
    }
  }

  private giveUp(detail: string): void {
    this.state = 'failed';
    this.failedBecause = detail;
    const error = this.unavailable();
    for (const g of [...this.groups.values()]) g.fail(error);
  }

  private unavailable(): EngineUnavailableError {
    return new EngineUnavailableError(this.failedBecause ?? 'no worker is running');
  }

  private recordFailure(err: EngineWorkerError): void {
    this.lastError = { message: err.message, code: err.code, at: new Date().toISOString() };
  }
}
