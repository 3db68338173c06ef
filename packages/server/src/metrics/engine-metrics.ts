import type { CompiledGraph } from '@weft/framework';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';

/** What the server reads from an `ENGINE` side packet (see docs/architecture.md, `engine.metrics()`). */
export interface EngineMetricsSnapshot {
  readonly queued: number;
  readonly running: number;
  readonly runningGroups: number;
  readonly kvCacheUsedTokens: number;
  readonly kvCacheCapacityTokens: number;
  /** Automatic prefix caching (zeros when off or when the engine does not report it). */
  readonly prefixCache: {
    readonly queriedTokens: number;
    readonly hitTokens: number;
    readonly blocks: number;
    readonly bytes: number;
  };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The graph's shared `engine` side packet metrics, or undefined for graphs without an engine. */
export function readEngineMetrics(graph: CompiledGraph): EngineMetricsSnapshot | undefined {
  const engine = sharedSidePacketByTag(graph, 'ENGINE');
  const metrics = (engine as { metrics?: unknown } | undefined)?.metrics;
  if (typeof metrics !== 'function') return undefined;
  const m = metrics.call(engine) as Record<string, unknown>;
  const prefix = (m.prefixCache ?? {}) as Record<string, unknown>;
  return {
    queued: num(m.queued),
    running: num(m.running),
    runningGroups: num(m.runningGroups),
    kvCacheUsedTokens: num(m.kvCacheUsedTokens),
    kvCacheCapacityTokens: num(m.kvCacheCapacityTokens),
    prefixCache: {
      queriedTokens: num(prefix.queriedTokens),
      hitTokens: num(prefix.hitTokens),
      blocks: num(prefix.blocks),
      bytes: num(prefix.bytes),
    },
  };
}

/** What the server reads from an `ENGINE` side packet's `status()` (see `EngineStatus` in @weft/llm). */
export interface EngineStatusSnapshot {
  readonly state: string;
  readonly restarts: number;
  readonly lastError: { readonly message: string; readonly code: string; readonly at: string } | null;
}

/** The graph's shared engine status, or undefined for graphs without an engine (or one without `status()`). */
export function readEngineStatus(graph: CompiledGraph): EngineStatusSnapshot | undefined {
  const engine = sharedSidePacketByTag(graph, 'ENGINE');
  const status = (engine as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'function') return undefined;
  const s = status.call(engine) as Record<string, unknown>;
  const e = s.lastError as Record<string, unknown> | undefined;
  return {
    state: typeof s.state === 'string' ? s.state : 'unknown',
    restarts: num(s.restarts),
    lastError: e ? { message: String(e.message), code: String(e.code), at: String(e.at) } : null,
  };
}
