import type { CompiledGraph } from '@weft/framework';

/** A lease on one loaded graph version; release it when the request is over. */
export interface GraphLease {
  readonly name: string;
  readonly graph: CompiledGraph;
  release(): void;
}

/**
 * One loaded version of a graph file, reference-counted by in-flight requests so that a hot reload
 * or removal disposes it only after its last run finished.
 */
export class LoadedGraph {
  #inFlight = 0;
  #retired = false;
  #disposed: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly graph: CompiledGraph,
    readonly text: string,
    readonly loadedAt: number,
    private readonly onDisposeError: (error: unknown) => void,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  acquire(): GraphLease {
    this.#inFlight++;
    let released = false;
    return {
      name: this.name,
      graph: this.graph,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight--;
        if (this.#retired && this.#inFlight === 0) void this.#dispose();
      },
    };
  }

  /** No new leases will be taken; dispose once the in-flight ones are released. */
  retire(): Promise<void> {
    this.#retired = true;
    if (this.#inFlight === 0) return this.#dispose();
    return Promise.resolve();
  }

  /** Disposes now, cancelling runs still in flight (used on shutdown after the grace period). */
  disposeNow(): Promise<void> {
    this.#retired = true;
    return this.#dispose();
  }

  #dispose(): Promise<void> {
    this.#disposed ??= this.graph.dispose().catch(this.onDisposeError);
    return this.#disposed;
  }
}
