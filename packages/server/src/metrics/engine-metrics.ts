import type { CompiledGraph } from '@weft/framework';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';

/** What the server reads from an `ENGINE` side packet (see docs/architecture.md, `engine.metrics()`). */
export interface EngineMetricsSnapshot {
  readonly queued: number;
  readonly running: number;
  readonly kvCacheUsedTokens: number;
  readonly kvCacheCapacityTokens: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The graph's shared `engine` side packet metrics, or undefined for graphs without an engine. */
export function readEngineMetrics(graph: CompiledGraph): EngineMetricsSnapshot | undefined {
  const engine = sharedSidePacketByTag(graph, 'ENGINE');
  const metrics = (engine as { metrics?: unknown } | undefined)?.metrics;
  if (typeof metrics !== 'function') return undefined;
  const m = metrics.call(engine) as Record<string, unknown>;
  return {
    queued: num(m.queued),
    running: num(m.running),
    kvCacheUsedTokens: num(m.kvCacheUsedTokens),
    kvCacheCapacityTokens: num(m.kvCacheCapacityTokens),
  };
}
