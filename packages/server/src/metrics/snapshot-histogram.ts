import type { Registry } from 'prom-client';

/** One labelled series of a snapshot histogram. */
export interface HistogramSnapshot {
  readonly labels: Readonly<Record<string, string>>;
  /** Cumulative counts, one per bound. */
  readonly buckets: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/**
 * Registers a histogram whose buckets are read at scrape time from counts kept elsewhere (the ONNX
 * session counts its batch sizes itself; prom-client's Histogram only counts its own `observe`s).
 * Written in the same exposition format: `_bucket{le}` per bound and `+Inf`, `_sum`, `_count`.
 */
export function registerSnapshotHistogram(
  registry: Registry,
  options: {
    readonly name: string;
    readonly help: string;
    readonly bounds: readonly number[];
    readonly read: () => readonly HistogramSnapshot[];
  },
): void {
  const { name, help, bounds, read } = options;
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const s of read()) {
        bounds.forEach((le, i) => {
          values.push({
            metricName: `${name}_bucket`,
            labels: { le, ...s.labels },
            value: s.buckets[i] ?? 0,
          });
        });
        values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: s.count });
        values.push({ metricName: `${name}_sum`, labels: { ...s.labels }, value: s.sum });
        values.push({ metricName: `${name}_count`, labels: { ...s.labels }, value: s.count });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {},
  };
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}
