import { hashPromptBlocks } from './prefix-hash.js';

/** What a prompt gets from the cache when it is admitted (sent to the worker with the prompt). */
export interface PrefixPlan {
  /** Ids of cached blocks holding the prompt's first `reuse.length` blocks, in order. */
  readonly reuse: readonly number[];
  /** Blocks of this prompt the worker keeps once the prompt is prefilled: prompt block index → id. */
  readonly store: readonly { readonly block: number; readonly id: number }[];
}

/** Counters and gauges of the cache (see `EngineMetrics.prefixCache`). */
export interface PrefixCacheCounts {
  /** Prompt tokens of admitted requests (each request's whole prompt). */
  readonly queriedTokens: number;
  /** Prompt tokens whose KV came from the cache instead of a prefill. */
  readonly hitTokens: number;
  /** Blocks held (ready ones plus ones a running prefill will fill). */
  readonly blocks: number;
  readonly tokens: number;
}

interface Entry {
  readonly id: number;
  readonly hash: string;
  /** The group whose prefill computes this block; undefined once its KV is in the worker. */
  owner: number | undefined;
}

/**
 * The engine's index of cached prompt blocks (vLLM's automatic prefix caching, bookkeeping side):
 * blocks are keyed by the chain hash of their tokens, the KV itself lives in the worker under the
 * block's id. The index runs on the main thread, beside admission, so the cache and the running
 * groups share one KV budget: when a prompt is admitted the cache may hold what the reservations
 * leave (`limit`), least recently used blocks are evicted first, and the worker is told which ids
 * to forget (`takeForgotten`). The cache never makes a request wait: when done blocks are not
 * enough, blocks still being prefilled are given up too.
 *
 * A block is pending from the admission of the prompt that computes it until that prompt's
 * prefill is done (`commit`); only done blocks are reused, so a prompt that shares a prefix with
 * one still prefilling computes it itself. At most `floor((length - 1) / blockSize)` blocks of a
 * prompt are reused: its last token always runs, since its logits are the answer.
 */
export class PrefixCache {
  /** Map order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<number, Entry[]>();
  private forgotten: number[] = [];
  private nextId = 1;
  private queried = 0;
  private hit = 0;

  constructor(readonly blockSize: number) {}

  counts(): PrefixCacheCounts {
    const blocks = this.entries.size;
    return { queriedTokens: this.queried, hitTokens: this.hit, blocks, tokens: blocks * this.blockSize };
  }

  /**
   * Plans a prompt's admission with at most `limit` tokens left to the cache afterwards (the KV
   * budget minus every reservation, this prompt's included, or less).
   */
  admit(group: number, prompt: readonly number[], limit: number): PrefixPlan {
    const hashes = hashPromptBlocks(prompt, this.blockSize);
    const reusable = Math.floor((prompt.length - 1) / this.blockSize);
    const reuse: number[] = [];
    const used = new Set<Entry>();
    for (let b = 0; b < Math.min(reusable, hashes.length); b++) {
      const entry = this.entries.get(hashes[b]!);
      if (!entry || entry.owner !== undefined) break;
      used.add(entry);
      reuse.push(entry.id);
    }
    this.queried += prompt.length;
    this.hit += reuse.length * this.blockSize;
    // Others' done blocks first; then the ones just reused (the worker copies them before it reads
    // the forget); then blocks still being prefilled (their prompt is told not to keep them).
    const none = new Set<Entry>();
    while (
      this.counts().tokens > limit &&
      (this.evictOne(used, false) || this.evictOne(none, false) || this.evictOne(none, true))
    ) {}
    const store = this.insert(hashes, reuse.length, limit, used, group);
    this.touchChain(hashes);
    return { reuse, store };
  }

  /**
   * A finished sequence (n = 1) whose KV the worker still holds for `tokens` (its prompt and the
   * tokens it was fed): its whole blocks not cached yet are kept, so a later prompt that continues
   * the conversation reuses them too. They are done at once: the worker copies them when it reads
   * the finish command, before any later submit.
   */
  keep(tokens: readonly number[], limit: number): PrefixPlan['store'] {
    const hashes = hashPromptBlocks(tokens, this.blockSize);
    const chain = new Set<Entry>();
    for (const hash of hashes) {
      const entry = this.entries.get(hash);
      if (entry) chain.add(entry);
    }
    const store = this.insert(hashes, 0, limit, chain, undefined);
    this.touchChain(hashes);
    return store;
  }

  /** The group's prefill is done: its blocks are in the worker and may be reused. */
  commit(group: number): void {
    for (const entry of this.pending.get(group) ?? []) entry.owner = undefined;
    this.pending.delete(group);
  }

  /** The group ended before its prefill was done: its blocks will never be filled. */
  abandon(group: number): void {
    for (const entry of this.pending.get(group) ?? []) {
      this.entries.delete(entry.hash);
      this.forgotten.push(entry.id);
    }
    this.pending.delete(group);
  }

  /** Ids the worker should drop (evicted or abandoned since the last call). */
  takeForgotten(): number[] {
    const ids = this.forgotten;
    this.forgotten = [];
    return ids;
  }

  /** The worker died with every block: start empty (the counters keep counting). */
  clear(): void {
    this.entries.clear();
    this.pending.clear();
    this.forgotten = [];
  }

  /**
   * Adds blocks `hashes[from..]` not cached yet, within `limit` tokens: new blocks displace old
   * ones, but never `keep` (the blocks the new ones continue). Pending for `group`, or done.
   */
  private insert(
    hashes: readonly string[],
    from: number,
    limit: number,
    keep: ReadonlySet<Entry>,
    group: number | undefined,
  ): { block: number; id: number }[] {
    const store: { block: number; id: number }[] = [];
    for (let b = from; b < hashes.length; b++) {
      const hash = hashes[b]!;
      if (this.entries.has(hash)) continue;
      if (this.counts().tokens + this.blockSize > limit && !this.evictOne(keep, false)) break;
      const entry: Entry = { id: this.nextId++, hash, owner: group };
      this.entries.set(hash, entry);
      if (group !== undefined) this.pendingOf(group).push(entry);
      store.push({ block: b, id: entry.id });
    }
    return store;
  }

  /**
   * A sequence's blocks become the most recent, its first block last: eviction then takes a chain
   * from its tail, and what is left of it stays a usable prefix.
   */
  private touchChain(hashes: readonly string[]): void {
    for (let b = hashes.length - 1; b >= 0; b--) {
      const entry = this.entries.get(hashes[b]!);
      if (entry) this.touch(entry);
    }
  }

  private pendingOf(group: number): Entry[] {
    const list = this.pending.get(group) ?? [];
    this.pending.set(group, list);
    return list;
  }

  private touch(entry: Entry): void {
    this.entries.delete(entry.hash);
    this.entries.set(entry.hash, entry);
  }

  /**
   * Evicts the least recently used block outside `keep` (done blocks only, unless `pendingToo`);
   * false when there is none.
   */
  private evictOne(keep: ReadonlySet<Entry>, pendingToo: boolean): boolean {
    for (const entry of this.entries.values()) {
      if (keep.has(entry) || (entry.owner !== undefined && !pendingToo)) continue;
      this.entries.delete(entry.hash);
      this.forgotten.push(entry.id);
      if (entry.owner !== undefined) {
        const list = this.pending.get(entry.owner)!;
        list.splice(list.indexOf(entry), 1);
      }
      return true;
    }
    return false;
  }
}
