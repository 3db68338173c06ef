/** A running sum for averages (Prometheus summary style: `sum / count`). */
export interface MetricSum {
  readonly sum: number;
  readonly count: number;
}

/**
 * What `Engine.metrics()` returns. Gauges (`queued`, `running`, `runningGroups`, `kvCacheUsedTokens`)
 * return to 0 when the engine is idle; counters only grow.
 */
export interface EngineMetrics {
  /** Groups waiting for a seat (FIFO). */
  readonly queued: number;
  /** Live sequences (rows) of admitted groups. */
  readonly running: number;
  /** Admitted groups. */
  readonly runningGroups: number;
  /** Logical KV tokens of admitted groups: each prompt once (forks share it) plus every row's own tokens. */
  readonly kvCacheUsedTokens: number;
  readonly kvCacheCapacityTokens: number;
  /** Logits rows delivered, i.e. tokens sampled by callers. */
  readonly generatedTokens: number;
  /** Prompt tokens prefilled. */
  readonly promptTokens: number;
  /** Submit → first logits, seconds. */
  readonly timeToFirstTokenSeconds: MetricSum;
  /** Between consecutive logits of a group, seconds (per step, not per row). */
  readonly timePerOutputTokenSeconds: MetricSum;
  /** Automatic prefix caching: hit rate = `hitTokens / queriedTokens`. */
  readonly prefixCache: PrefixCacheMetrics;
}

/** `EngineMetrics.prefixCache`: counters (tokens) only grow; `blocks`, `tokens`, `bytes` are gauges. */
export interface PrefixCacheMetrics {
  /** False when turned off (`prefixCaching: false`) or for a model whose numerics couple rows. */
  readonly enabled: boolean;
  readonly blockSize: number;
  /** Prompt tokens of admitted requests, each whole prompt (vLLM's `prefix_cache_queries`). */
  readonly queriedTokens: number;
  /** Prompt tokens whose KV came from the cache (vLLM's `prefix_cache_hits`). */
  readonly hitTokens: number;
  /** Blocks held, including ones a running prefill is filling; they count in the KV budget. */
  readonly blocks: number;
  /** `blocks × blockSize`. */
  readonly tokens: number;
  /** KV bytes of the held blocks. */
  readonly bytes: number;
}
