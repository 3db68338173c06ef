import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { type EngineMetricsSnapshot, readEngineMetrics } from './engine-metrics.js';
import { modelCounter, modelGauge, perModel } from './per-model.js';
import { registerSessionMetrics } from './session-metrics.js';

/** The Prometheus metrics of one app (a registry per app, so several apps can live in one process). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'model' | 'endpoint' | 'status'>;
  readonly timeToFirstToken: Histogram<'model'>;
  readonly timePerOutputToken: Histogram<'model'>;
  readonly promptTokens: Counter<'model'>;
  readonly generatedTokens: Counter<'model'>;
  readonly inFlight: Gauge;

  constructor(graphs: GraphRegistry) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'weft_' });
    this.requests = new Counter({
      name: 'weft_requests_total',
      help: 'HTTP requests by model, endpoint and status code',
      labelNames: ['model', 'endpoint', 'status'],
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: 'weft_time_to_first_token_seconds',
      help: 'Time from request arrival to the first generated text (streaming requests)',
      labelNames: ['model'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.timePerOutputToken = new Histogram({
      name: 'weft_time_per_output_token_seconds',
      help: 'Mean time between generated tokens after the first (streaming requests)',
      labelNames: ['model'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.promptTokens = new Counter({
      name: 'weft_prompt_tokens_total',
      help: 'Prompt tokens of finished requests',
      labelNames: ['model'],
      registers,
    });
    this.generatedTokens = new Counter({
      name: 'weft_generated_tokens_total',
      help: 'Generated tokens of finished requests',
      labelNames: ['model'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'weft_requests_in_flight',
      help: 'HTTP requests being served',
      registers,
    });
    // Each scrape reads every served engine's metrics afresh (a reloaded graph has a new engine).
    const engines = perModel(graphs, readEngineMetrics);
    const engineGauge = (name: string, help: string, pick: (m: EngineMetricsSnapshot) => number) =>
      modelGauge({ registers, name, help, each: engines, pick });
    // Router semantics (Gateway API Inference Extension model-server protocol, as vLLM):
    // weft_queue_length = vllm:num_requests_waiting, weft_requests_running = vllm:num_requests_running,
    // weft_kv_cache_usage_ratio = vllm:kv_cache_usage_perc (a fraction in [0, 1]).
    engineGauge(
      'weft_queue_length',
      'Requests (sequence groups) waiting for admission to the running batch',
      (m) => m.queued,
    );
    engineGauge(
      'weft_requests_running',
      'Requests (sequence groups) in the running batch',
      (m) => m.runningGroups,
    );
    engineGauge('weft_running_sequences', 'Sequences (rows) in the running batch', (m) => m.running);
    engineGauge('weft_kv_cache_used_tokens', 'KV cache tokens in use', (m) => m.kvCacheUsedTokens);
    engineGauge('weft_kv_cache_usage_ratio', 'KV cache use as a fraction of its capacity, 0 to 1', (m) =>
      m.kvCacheCapacityTokens > 0 ? m.kvCacheUsedTokens / m.kvCacheCapacityTokens : 0,
    );
    // Prefix caching, as vLLM's vllm:prefix_cache_queries / vllm:prefix_cache_hits (in tokens):
    // the hit rate is rate(hits) / rate(queries). The engine keeps the totals; a scrape copies them.
    const engineCounter = (name: string, help: string, pick: (m: EngineMetricsSnapshot) => number) =>
      modelCounter({ registers, name, help, each: engines, pick });
    engineCounter(
      'weft_prefix_cache_queries_total',
      'Prompt tokens looked up in the prefix cache (every admitted prompt, whole)',
      (m) => m.prefixCache.queriedTokens,
    );
    engineCounter(
      'weft_prefix_cache_hits_total',
      'Prompt tokens whose KV came from the prefix cache instead of a prefill',
      (m) => m.prefixCache.hitTokens,
    );
    engineGauge('weft_prefix_cache_blocks', 'Prefix-cache blocks held', (m) => m.prefixCache.blocks);
    engineGauge(
      'weft_prefix_cache_bytes',
      'KV bytes of the prefix-cache blocks (inside the KV budget)',
      (m) => m.prefixCache.bytes,
    );
    registerSessionMetrics(this.registry, graphs);
  }
}
