import { R } from '../errors/runtime-codes.js';
import type { CompiledGraph, GraphRun, StartOptions } from '../graph/graph-api.js';
import type { ValidatedGraph } from '../graph/validated-graph.js';
import { compilePlan, type GraphPlan } from './graph-plan.js';
import { GraphRunImpl } from './graph-run.js';
import { RunError } from './run-errors.js';
import { SharedNode } from './shared-node.js';

/** How long `dispose()` waits for its cancelled runs to settle before closing graph-scoped nodes. */
const CANCELLED_RUN_WAIT_MS = 1000;

/**
 * A validated graph compiled for running: stream ids, node plans and throttling paths are computed
 * once here; `start()` only allocates per-run state, so a server can start one run per request.
 *
 * ```ts
 * const graph = await Graph.create(validated);           // or loadGraph(file)
 * const run = graph.start({ sidePackets: { scale: 2 } });
 * await run.addPacket('in', 21, 0);
 * run.closeAllInputs();
 * for await (const packet of run.output('out')) console.log(packet.value);
 * await run.done();
 * ```
 */
export class Graph implements CompiledGraph {
  readonly #plan: GraphPlan;
  readonly #shared = new Map<string, unknown>();
  readonly #sharedNodes: SharedNode[] = [];
  readonly #runs = new Set<GraphRunImpl>();
  readonly #abort = new AbortController();
  #disposed = false;
  readonly #hooks = { onFinish: (run: GraphRunImpl) => this.#runs.delete(run) };

  private constructor(readonly config: ValidatedGraph) {
    this.#plan = compilePlan(config);
  }

  /** Compiles `validated` and opens its graph-scoped nodes (in order); their side packets are shared by every run. */
  static async create(validated: ValidatedGraph): Promise<Graph> {
    const graph = new Graph(validated);
    for (const spec of graph.#plan.graphScoped) {
      const node = new SharedNode(spec, graph.#shared, graph.#abort.signal, graph.#plan.dir, validated.name);
      await node.open().catch(async (error: unknown) => {
        await graph.dispose().catch(() => {});
        throw error;
      });
      graph.#sharedNodes.push(node);
    }
    return graph;
  }

  get name(): string {
    return this.#plan.name;
  }

  /** Graph input side packets that every run must be given (they feed a required port). */
  get requiredSidePackets(): readonly string[] {
    return this.#plan.requiredSidePackets.filter((name) => !this.#shared.has(name));
  }

  start(options: StartOptions = {}): GraphRun {
    if (this.#disposed) {
      throw new RunError(
        R.GRAPH_DISPOSED,
        `graph "${this.#plan.name}" was disposed; load it again to start runs`,
      );
    }
    const limit = options.maxBufferedOutput;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
      throw new RangeError(
        `start(): maxBufferedOutput = ${limit} must be an integer ≥ 1 (packets waiting unread per graph output stream)`,
      );
    }
    const run = new GraphRunImpl(this.#plan, this.#shared, options, this.#hooks);
    if (!run.finished) this.#runs.add(run);
    return run;
  }

  sharedSidePacket(name: string): unknown {
    return this.#shared.get(name);
  }

  inputStreamName(tag: string, index = 0): string | undefined {
    return this.config.inputStreams.find((p) => p.tag === tag && p.index === index)?.name;
  }

  outputStreamName(tag: string, index = 0): string | undefined {
    return this.config.outputStreams.find((p) => p.tag === tag && p.index === index)?.name;
  }

  /** Number of runs started and not yet finished. */
  get activeRuns(): number {
    return this.#runs.size;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const runs = [...this.#runs];
    for (const run of runs)
      run.cancel(new RunError(R.GRAPH_DISPOSED, `graph "${this.#plan.name}" was disposed`));
    // A run whose calculator ignores cancellation never settles: its shared resources (an engine)
    // are closed anyway after a short wait, or disposing would hang with it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(runs.map((run) => run.done())),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CANCELLED_RUN_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    this.#abort.abort();
    const errors: unknown[] = [];
    for (const node of [...this.#sharedNodes].reverse()) {
      await node.close().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  }
}
