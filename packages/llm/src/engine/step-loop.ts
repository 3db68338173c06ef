import type { ModelSession } from '../runtime/model-session.js';
import { type BatchRowRef, SequenceBatch } from '../runtime/sequence-batch.js';
import type { EngineCommand, EngineEvent, LogitsEvent } from './protocol.js';

/** A group as the worker sees it: its KV lives in `home` at physical rows `phys` (one per live row). */
interface WorkerGroup {
  readonly id: number;
  readonly n: number;
  readonly prompt: readonly number[];
  prefilled: number;
  home: SequenceBatch;
  phys: number[];
  /** prefill: prompt not fully fed; waiting: logits sent, no tokens yet; ready: tokens to feed. */
  state: 'prefill' | 'waiting' | 'ready';
  tokens: readonly number[] | undefined;
  parents: readonly number[] | undefined;
  readySince: number;
}

export interface StepLoopOptions {
  readonly maxNumBatchedTokens: number;
  /**
   * How long a decode step waits for slow groups of the running batch before leaving them out; at
   * least as long as the last decode step took (leaving a group out costs it a whole step and two
   * KV copies, so waiting less than a step is the cheaper side).
   */
  readonly readyWaitMs: number;
}

/**
 * The worker's scheduler. Each iteration: one decode step for every group that has appended tokens
 * (the running batch, rebuilt only when its membership or row order changes), then one prefill chunk
 * of the oldest unprefilled prompt within what is left of the token budget. A decode step waits up to
 * `readyWaitMs` (or one step's duration) for running groups whose tokens have not arrived; after that they are left out (their
 * KV is kept) and rejoin when their tokens come. Admission (seats, KV budget, queue) is the main
 * thread's job; the worker runs whatever it was given.
 */
export class StepLoop {
  private readonly groups = new Map<number, WorkerGroup>();
  /** Groups whose rows are, in this order, the rows of `running`. */
  private members: WorkerGroup[] = [];
  private readonly prefillQueue: WorkerGroup[] = [];
  private lastDecodeMs = 0;
  closed = false;

  constructor(
    private readonly model: ModelSession,
    private readonly options: StepLoopOptions,
    private readonly emit: (event: EngineEvent, transfer?: ArrayBuffer[]) => void,
  ) {}

  handle(command: EngineCommand): void {
    switch (command.type) {
      case 'submit': {
        const group: WorkerGroup = {
          id: command.id,
          n: command.n,
          prompt: command.prompt,
          prefilled: 0,
          home: SequenceBatch.empty(this.model, 1),
          phys: [0],
          state: 'prefill',
          tokens: undefined,
          parents: undefined,
          readySince: 0,
        };
        this.groups.set(command.id, group);
        this.prefillQueue.push(group);
        return;
      }
      case 'append': {
        const group = this.groups.get(command.id);
        if (!group) return;
        group.tokens = command.tokens;
        group.parents = command.parents;
        group.state = 'ready';
        group.readySince = performance.now();
        return;
      }
      case 'finish':
        this.drop(command.id);
        return;
      case 'close':
        this.closed = true;
        return;
    }
  }

  private drop(id: number): void {
    const group = this.groups.get(id);
    if (!group) return;
    this.groups.delete(id);
    const q = this.prefillQueue.indexOf(group);
    if (q >= 0) this.prefillQueue.splice(q, 1);
  }

  /**
   * Runs one iteration. Returns `undefined` when it did some work, otherwise how long the caller may
   * sleep (ms) before something could become due without a new command.
   */
  async iterate(): Promise<number | undefined> {
    let worked = false;
    let sleep = Number.POSITIVE_INFINITY;
    const ready = [...this.groups.values()].filter((g) => g.state === 'ready');
    let decodedRows = 0;
    if (ready.length > 0) {
      const laggards = this.members.filter((g) => this.groups.has(g.id) && g.state === 'waiting');
      const since = Math.min(...ready.map((g) => g.readySince));
      const waited = performance.now() - since;
      const limit = Math.max(this.options.readyWaitMs, this.lastDecodeMs);
      if (laggards.length === 0 || waited >= limit) {
        decodedRows = await this.decode(ready);
        worked = true;
      } else sleep = limit - waited;
    }
    if (this.prefillQueue.length > 0) {
      // A row-coupled model's numerics depend on every token of a run, so a prompt's chunks must
      // not depend on how many rows decoded alongside: they always get the whole budget.
      const budget = this.model.batching.perRowRuns
        ? this.options.maxNumBatchedTokens
        : Math.max(1, this.options.maxNumBatchedTokens - decodedRows);
      await this.prefill(budget);
      worked = true;
    }
    return worked ? undefined : sleep;
  }

  private async decode(ready: WorkerGroup[]): Promise<number> {
    // Members keep their order; newcomers (fresh prefills, parked groups) go after them.
    const order = [
      ...this.members.filter((g) => ready.includes(g)),
      ...ready.filter((g) => !this.members.includes(g)),
    ];
    const refs: BatchRowRef[] = [];
    for (const g of order) {
      const phys = g.parents ? g.parents.map((p) => g.phys[p]!) : g.phys;
      for (const row of phys) refs.push({ batch: g.home, row });
    }
    const batch = SequenceBatch.gather(this.model, refs);
    let offset = 0;
    for (const g of order) {
      const rows = g.parents ? g.parents.length : g.phys.length;
      g.home = batch;
      g.phys = Array.from({ length: rows }, (_, i) => offset + i);
      offset += rows;
    }
    this.members = order;
    const tokens: number[][] = [];
    for (const g of order) for (const t of g.tokens!) tokens.push([t]);
    for (const g of order) {
      g.state = 'waiting';
      g.tokens = undefined;
      g.parents = undefined;
    }
    let logits: Float32Array;
    const started = performance.now();
    try {
      logits = await batch.step(tokens);
      this.lastDecodeMs = performance.now() - started;
    } catch (err) {
      for (const g of order) this.fail(g, err);
      this.members = [];
      return 0;
    }
    const live = order.filter((g) => this.groups.has(g.id));
    this.send(
      logits,
      live.map((g) => g.id),
      live.map((g) => g.phys[0]!),
      live.map((g) => g.phys.length),
      live.map(() => 0),
    );
    return tokens.length;
  }

  /**
   * What to prefill within `budget` tokens: the next chunk of the oldest prompt, or several whole
   * fresh prompts (in FIFO order) as one padded run when padding wastes little.
   */
  private pickPrefill(budget: number): WorkerGroup[] {
    const head = this.prefillQueue[0]!;
    if (head.prefilled > 0 || head.prompt.length >= budget) return [head];
    const picked = [head];
    let real = head.prompt.length;
    let longest = real;
    for (let i = 1; i < this.prefillQueue.length; i++) {
      const g = this.prefillQueue[i]!;
      const width = Math.max(longest, g.prompt.length);
      const padded = width * (picked.length + 1);
      if (g.prefilled > 0 || padded > budget || padded > 1.5 * (real + g.prompt.length)) break;
      picked.push(g);
      real += g.prompt.length;
      longest = width;
    }
    return picked;
  }

  private async prefill(budget: number): Promise<void> {
    const picked = this.pickPrefill(budget);
    const head = picked[0]!;
    const single = picked.length === 1;
    const chunks = single
      ? [head.prompt.slice(head.prefilled, head.prefilled + budget)]
      : picked.map((g) => g.prompt);
    const batch = single ? head.home : SequenceBatch.empty(this.model, picked.length);
    let logits: Float32Array;
    try {
      logits = await batch.step(chunks);
    } catch (err) {
      for (const g of picked) this.fail(g, err);
      return;
    }
    const vocab = this.model.vocabSize;
    const done: [WorkerGroup, number][] = [];
    let rows = 0;
    picked.forEach((g, k) => {
      g.prefilled += chunks[k]!.length;
      if (g.prefilled < g.prompt.length) return;
      this.prefillQueue.splice(this.prefillQueue.indexOf(g), 1);
      if (!this.groups.has(g.id)) return;
      g.home = batch;
      g.phys = new Array<number>(g.n).fill(k);
      g.state = 'waiting';
      done.push([g, k]);
      rows += g.n;
    });
    if (done.length === 0) return;
    // Every row of a group starts as a copy of its prompt's logits.
    const out = new Float32Array(rows * vocab);
    const offsets: number[] = [];
    let row = 0;
    for (const [g, k] of done) {
      offsets.push(row);
      const source = logits.subarray(k * vocab, (k + 1) * vocab);
      for (let i = 0; i < g.n; i++) out.set(source, (row + i) * vocab);
      row += g.n;
    }
    this.send(
      out,
      done.map(([g]) => g.id),
      offsets,
      done.map(([g]) => g.n),
      done.map(([g]) => g.prompt.length),
    );
  }

  private send(
    logits: Float32Array,
    ids: number[],
    offsets: number[],
    rows: number[],
    prefilled: number[],
  ): void {
    if (ids.length === 0) return;
    const owned =
      logits.byteOffset === 0 && logits.byteLength === logits.buffer.byteLength ? logits : logits.slice();
    const buffer = owned.buffer as ArrayBuffer;
    const event: LogitsEvent = { type: 'logits', buffer, ids, offsets, rows, prefilled };
    this.emit(event, [buffer]);
  }

  private fail(group: WorkerGroup, err: unknown): void {
    this.drop(group.id);
    const e = err as { name?: string; code?: string; message?: string };
    this.emit({
      type: 'error',
      id: group.id,
      name: e.name ?? 'Error',
      code: e.code,
      message: e.message ?? String(err),
    });
  }
}
