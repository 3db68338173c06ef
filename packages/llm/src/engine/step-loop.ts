import { KvBlockStore } from '../runtime/kv-blocks.js';
import type { ModelSession } from '../runtime/model-session.js';
import { type BatchRowRef, prefixCapacity, SequenceBatch } from '../runtime/sequence-batch.js';
import { RequestSampler, type SampledToken } from '../sampling/request-sampler.js';
import type { PrefixPlan } from './prefix-cache.js';
import type { EngineCommand, EngineEvent, EngineSampling, LogitsEvent, TokensEvent } from './protocol.js';
import { type ScheduledGroup, type ScheduleOptions, type SchedulePlan, schedule } from './schedule.js';

/** A group as the worker sees it: its KV lives in `home` at physical rows `phys` (one per live row). */
interface WorkerGroup {
  readonly id: number;
  readonly n: number;
  readonly prompt: readonly number[];
  prefilled: number;
  home: SequenceBatch;
  phys: number[];
  /**
   * prefill: prompt not fully fed; waiting: logits sent, no tokens yet; ready: tokens to feed;
   * done: sampled here to its end (EOS, stop token, max tokens), kept until its `finish` command.
   */
  state: 'prefill' | 'waiting' | 'ready' | 'done';
  tokens: readonly number[] | undefined;
  parents: readonly number[] | undefined;
  readySince: number;
  /** Prompt blocks to keep in the prefix cache once the prompt is prefilled. */
  store: PrefixPlan['store'];
  /** Set when this worker picks the group's tokens (`EngineSampling`); its one row is slot 0. */
  readonly sampler: RequestSampler | undefined;
}

export interface StepLoopOptions extends ScheduleOptions {
  /** Tokens per prefix-cache block; undefined: prefix caching off. */
  readonly prefixBlockSize?: number | undefined;
}

/**
 * The worker's executor: it keeps each group's KV and runs what `schedule()` plans — one decode
 * step for the planned groups (the running batch, rebuilt only when its membership or row order
 * changes), then the planned prefill. Admission (seats, KV budget, queue) is the main thread's job;
 * the policy (who decodes, who waits, what to prefill) is `schedule()`'s. Groups submitted with
 * `sampling` are sampled here right after their step and are ready again at once: their caller is
 * sent tokens, never waited for.
 */
export class StepLoop {
  private readonly groups = new Map<number, WorkerGroup>();
  /** Groups whose rows are, in this order, the rows of `running`. */
  private members: WorkerGroup[] = [];
  private readonly prefillQueue: WorkerGroup[] = [];
  private lastDecodeMs = 0;
  /** KV of cached prompt blocks (prefix caching on). */
  private readonly blocks: KvBlockStore | undefined;
  closed = false;

  constructor(
    private readonly model: ModelSession,
    private readonly options: StepLoopOptions,
    private readonly emit: (event: EngineEvent, transfer?: ArrayBuffer[]) => void,
  ) {
    const { io } = model;
    const size = options.prefixBlockSize;
    this.blocks =
      size === undefined
        ? undefined
        : new KvBlockStore(
            { bindings: io.kv, dtype: io.kvDtype, heads: io.kvHeads, headSize: io.headSize },
            size,
          );
  }

  /** Prefix-cache blocks held (for tests: the main thread's index should agree). */
  get cachedBlocks(): number {
    return this.blocks?.size ?? 0;
  }

  handle(command: EngineCommand): void {
    switch (command.type) {
      case 'submit': {
        const cached = this.cachedPrefix(command.prefix?.reuse ?? []);
        const group: WorkerGroup = {
          id: command.id,
          n: command.n,
          prompt: command.prompt,
          prefilled: cached?.lengths[0] ?? 0,
          home: cached ?? SequenceBatch.empty(this.model, 1),
          phys: [0],
          state: 'prefill',
          tokens: undefined,
          parents: undefined,
          readySince: 0,
          store: command.prefix?.store ?? [],
          sampler: command.sampling && slotSampler(command.prompt, command.sampling),
        };
        this.groups.set(command.id, group);
        this.prefillQueue.push(group);
        return;
      }
      case 'forget': {
        // Kept blocks, or blocks a prompt still being prefilled was to keep: it keeps them no more.
        const ids = new Set(command.blocks);
        for (const id of ids) this.blocks?.forget(id);
        for (const g of this.prefillQueue) g.store = g.store.filter((s) => !ids.has(s.id));
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
      case 'finish': {
        const group = this.groups.get(command.id);
        if (group && group.state !== 'prefill' && command.keep.length > 0)
          this.keepBlocks(command.keep, group.home, group.phys[0]!);
        this.drop(command.id);
        return;
      }
      case 'close':
        this.closed = true;
        return;
    }
  }

  /**
   * A one-row batch holding the cached blocks `ids` end to end, copied now (so the main thread may
   * evict them right after). Undefined when there are none — or, which bookkeeping should never
   * allow, when one is missing: the prompt is then prefilled from its start, which is only slower.
   */
  private cachedPrefix(ids: readonly number[]): SequenceBatch | undefined {
    if (ids.length === 0 || !this.blocks) return undefined;
    const length = ids.length * this.blocks.blockSize;
    const kv = this.blocks.join(ids, prefixCapacity(this.model, length));
    return kv && SequenceBatch.fromRowKv(this.model, kv, length);
  }

  /**
   * Keeps the blocks a group was asked to keep, from row `row` of `batch`: its prompt's once
   * prefilled, or its whole sequence's when it finishes. Only positions the row holds are copied
   * (the main thread asks for no others).
   */
  private keepBlocks(store: PrefixPlan['store'], batch: SequenceBatch, row: number): void {
    if (!this.blocks || store.length === 0) return;
    const ref = batch.rowRef(row);
    const size = this.blocks.blockSize;
    for (const { block, id } of store) {
      if ((block + 1) * size <= ref.length)
        this.blocks.save(id, ref, block * size, this.model.batching.rowAlignment);
    }
  }

  private drop(id: number): void {
    const group = this.groups.get(id);
    if (!group) return;
    this.groups.delete(id);
    const q = this.prefillQueue.indexOf(group);
    if (q >= 0) this.prefillQueue.splice(q, 1);
  }

  /** The scheduler's view of the groups. */
  private view(): Parameters<typeof schedule>[0] {
    const groups = new Map<number, ScheduledGroup>();
    for (const g of this.groups.values()) {
      if (g.state === 'done') continue;
      groups.set(g.id, {
        id: g.id,
        state: g.state,
        promptLength: g.prompt.length,
        prefilled: g.prefilled,
        readyRows: g.tokens?.length ?? 0,
        readySince: g.readySince,
      });
    }
    return {
      groups,
      members: this.members.map((g) => g.id),
      prefillQueue: this.prefillQueue.map((g) => g.id),
      now: performance.now(),
      lastDecodeMs: this.lastDecodeMs,
    };
  }

  /**
   * Runs one iteration: asks `schedule()` for a plan and executes it. Returns `undefined` when it
   * did some work, otherwise how long the caller may sleep (ms).
   */
  async iterate(): Promise<number | undefined> {
    const plan: SchedulePlan = schedule(this.view(), {
      ...this.options,
      perRowRuns: this.model.batching.perRowRuns,
    });
    if (plan.decode.length > 0) await this.decode(plan.decode.map((id) => this.groups.get(id)!));
    if (plan.prefill) {
      await this.prefill(
        plan.prefill.ids.map((id) => this.groups.get(id)!),
        plan.prefill.chunk,
      );
    }
    return plan.sleepMs;
  }

  private async decode(order: WorkerGroup[]): Promise<void> {
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
      return;
    }
    const live = order.filter((g) => this.groups.has(g.id));
    this.send(
      logits,
      live.map((g) => g.id),
      live.map((g) => g.phys[0]!),
      live.map((g) => g.phys.length),
      live.map(() => 0),
    );
  }

  /** One chunk of one prompt, or several whole fresh prompts in one left-padded run. */
  private async prefill(picked: WorkerGroup[], chunk: number): Promise<void> {
    const head = picked[0]!;
    const single = picked.length === 1;
    const chunks = single
      ? [head.prompt.slice(head.prefilled, head.prefilled + chunk)]
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
    // After the logits left (not on the first token's path), before any command is read: the
    // main thread reuses these blocks only after it has seen this event.
    for (const [g, k] of done) {
      this.keepBlocks(g.store, batch, k);
      g.store = [];
    }
  }

  private send(
    logits: Float32Array,
    ids: number[],
    offsets: number[],
    rows: number[],
    prefilled: number[],
  ): void {
    // Groups sampled here leave with their token; the others' logits go to the caller.
    const vocab = this.model.vocabSize;
    const sampled: TokensEvent = { type: 'tokens', ids: [], sampled: [], cumLogprobs: [], prefilled: [] };
    const rest = {
      ids: [] as number[],
      offsets: [] as number[],
      rows: [] as number[],
      prefilled: [] as number[],
    };
    ids.forEach((id, i) => {
      const g = this.groups.get(id);
      if (!g?.sampler) {
        rest.ids.push(id);
        rest.offsets.push(offsets[i]!);
        rest.rows.push(rows[i]!);
        rest.prefilled.push(prefilled[i]!);
        return;
      }
      const at = offsets[i]! * vocab;
      const token = g.sampler.sample(0, logits.subarray(at, at + vocab));
      this.advance(g, token);
      sampled.ids.push(id);
      sampled.sampled.push(token);
      sampled.cumLogprobs.push(g.sampler.cumulativeLogprob(0));
      sampled.prefilled.push(prefilled[i]!);
    });
    if (sampled.ids.length > 0) this.emit(sampled);
    if (rest.ids.length === 0) return;
    const owned =
      logits.byteOffset === 0 && logits.byteLength === logits.buffer.byteLength ? logits : logits.slice();
    const buffer = owned.buffer as ArrayBuffer;
    const event: LogitsEvent = { type: 'logits', buffer, ...rest };
    this.emit(event, [buffer]);
  }

  /** A group sampled here goes on with its token at once, or is done: no round trip to the caller. */
  private advance(group: WorkerGroup, sampled: SampledToken): void {
    if (sampled.finish) {
      group.state = 'done';
      return;
    }
    group.tokens = [sampled.token];
    group.parents = undefined;
    group.state = 'ready';
    group.readySince = performance.now();
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

/** The request's sampler for the one slot this worker draws for a group (`EngineSampling`). */
function slotSampler(prompt: readonly number[], sampling: EngineSampling): RequestSampler {
  const sampler = new RequestSampler(sampling.params, sampling.eosIds);
  sampler.addSlot(prompt, sampling.maxTokens, sampling.stream);
  return sampler;
}
