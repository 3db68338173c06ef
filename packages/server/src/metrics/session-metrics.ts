import type { CompiledGraph } from '@weft/framework';
import { BATCH_ROW_BOUNDS } from '@weft/onnx';
import type { Registry } from 'prom-client';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';
import { modelCounter, modelGauge, perModel } from './per-model.js';
import { type HistogramSnapshot, registerSnapshotHistogram } from './snapshot-histogram.js';

/** What the server reads from a `SESSION` side packet (`OnnxModel.metrics()` of @weft/onnx). */
export interface SessionMetricsSnapshot {
  readonly queued: number;
  readonly runs: number;
  readonly batches: number;
  readonly rows: number;
  /** Cumulative batch counts per bucket of `BATCH_ROW_BOUNDS`. */
  readonly batchRows: readonly number[];
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The graph's shared ONNX session metrics (embedding graphs), or undefined for graphs without one. */
export function readSessionMetrics(graph: CompiledGraph): SessionMetricsSnapshot | undefined {
  const session = sharedSidePacketByTag(graph, 'SESSION');
  const metrics = (session as { metrics?: unknown } | undefined)?.metrics;
  if (typeof metrics !== 'function') return undefined;
  const m = metrics.call(session) as Record<string, unknown>;
  return {
    queued: num(m.queued),
    runs: num(m.runs),
    batches: num(m.batches),
    rows: num(m.rows),
    batchRows: Array.isArray(m.batchRows) ? m.batchRows.map(num) : [],
  };
}

/**
 * The `weft_onnx_session_*` series: the shared ONNX session of every graph that exposes one as
 * `SESSION` (the embedding graphs), read at scrape time.
 */
export function registerSessionMetrics(registry: Registry, graphs: GraphRegistry): void {
  const registers = [registry];
  const each = perModel(graphs, readSessionMetrics);
  const series = (name: string, help: string, pick: (m: SessionMetricsSnapshot) => number) => ({
    registers,
    name,
    help,
    each,
    pick,
  });
  modelGauge(series('weft_onnx_session_queue_length', 'Runs waiting for the ONNX session', (m) => m.queued));
  modelCounter(
    series('weft_onnx_session_runs_total', 'Graph runs served by the ONNX session', (m) => m.runs),
  );
  modelCounter(
    series('weft_onnx_session_batches_total', 'session.run calls (batches of runs)', (m) => m.batches),
  );
  modelCounter(
    series(
      'weft_onnx_session_rows_total',
      'Rows run along the batch axis (for an embedding graph: inputs embedded)',
      (m) => m.rows,
    ),
  );
  registerSnapshotHistogram(registry, {
    name: 'weft_onnx_session_batch_rows',
    help: 'Rows per session.run (batch size after batching concurrent runs)',
    bounds: BATCH_ROW_BOUNDS,
    read: () => {
      const out: HistogramSnapshot[] = [];
      each((model, m) =>
        out.push({ labels: { model }, buckets: m.batchRows, count: m.batches, sum: m.rows }),
      );
      return out;
    },
  });
}
