import type { CompiledGraph } from '@weft/framework';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GraphRegistry } from '../registry/graph-registry.js';

/** Visits one snapshot per served model at scrape time (models whose graph has none are skipped). */
export type PerModel<M> = (visit: (model: string, snapshot: M) => void) => void;

/** `read` (engine or session metrics of a graph) for every served model. */
export function perModel<M>(
  graphs: GraphRegistry,
  read: (graph: CompiledGraph) => M | undefined,
): PerModel<M> {
  return (visit) => {
    for (const model of graphs.models()) {
      const snapshot = read(model.graph);
      if (snapshot) visit(model.name, snapshot);
    }
  };
}

interface Series<M> {
  readonly registers: Registry[];
  readonly name: string;
  readonly help: string;
  readonly each: PerModel<M>;
  readonly pick: (snapshot: M) => number;
}

/** A gauge with a `model` label, set from the snapshots at scrape time. */
export function modelGauge<M>({ registers, name, help, each, pick }: Series<M>): Gauge<'model'> {
  return new Gauge({
    name,
    help,
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      each((model, m) => this.set({ model }, pick(m)));
    },
  });
}

/**
 * A counter with a `model` label whose totals are kept by the snapshot's owner (since it opened:
 * a reload opens a new one, which starts again at 0, as a process restart would).
 */
export function modelCounter<M>({ registers, name, help, each, pick }: Series<M>): Counter<'model'> {
  return new Counter({
    name,
    help,
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      each((model, m) => this.inc({ model }, pick(m)));
    },
  });
}
