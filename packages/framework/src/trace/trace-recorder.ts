import { Timestamp } from '../timestamp/timestamp.js';

/** One Chrome trace event (the subset Weft writes); see the Trace Event Format document. */
export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X' | 'M' | 'i';
  /** Microseconds since the process's performance time origin. */
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** What the recorder needs to know about a node. */
export interface TracedNode {
  readonly nodeName: string;
  readonly calculatorName: string;
  readonly plan: { readonly index: number };
}

/**
 * Collects complete ("X") events, one per open/process/close call, on one track (tid) per node so
 * Perfetto shows the graph as parallel lanes; each run gets its own pid.
 */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  readonly #named = new Set<number>();

  constructor(
    readonly pid: number,
    graphName: string,
  ) {
    this.events.push({
      name: 'process_name',
      cat: '__metadata',
      ph: 'M',
      ts: 0,
      pid,
      tid: 0,
      args: { name: `graph ${graphName} (run ${pid})` },
    });
  }

  complete(
    node: TracedNode,
    what: string,
    startMs: number,
    durationMs: number,
    inputTimestamp: Timestamp,
  ): void {
    const tid = node.plan.index + 1;
    if (!this.#named.has(tid)) {
      this.#named.add(tid);
      this.events.push({
        name: 'thread_name',
        cat: '__metadata',
        ph: 'M',
        ts: 0,
        pid: this.pid,
        tid,
        args: { name: `${node.nodeName} (${node.calculatorName})` },
      });
    }
    this.events.push({
      name: what === 'process' ? node.nodeName : `${node.nodeName}.${what}`,
      cat: what,
      ph: 'X',
      ts: Math.round(startMs * 1000),
      dur: Math.max(1, Math.round(durationMs * 1000)),
      pid: this.pid,
      tid,
      args: { calculator: node.calculatorName, input_timestamp: Timestamp.format(inputTimestamp) },
    });
  }
}
