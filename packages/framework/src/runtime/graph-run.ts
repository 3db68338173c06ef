import { suggest } from '../errors/did-you-mean.js';
import { R } from '../errors/runtime-codes.js';
import type { GraphRun, NodeStats, StartOptions } from '../graph/graph-api.js';
import { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import { TraceRecorder } from '../trace/trace-recorder.js';
import type { GraphPlan, SlotRef } from './graph-plan.js';
import { OutputBuffer } from './output-buffer.js';
import { ReadyHeap } from './ready-heap.js';
import { DeadlockError, GraphCancelledError, GraphRunError, RunError } from './run-errors.js';
import { NodeState, RunNode } from './run-node.js';
import { checkValue } from './type-check.js';

/** Process calls per scheduler slice before yielding to the event loop (fairness between runs). */
const SLICE = 1024;
const RESOLVED = Promise.resolve();
let nextRunId = 1;

interface PendingOp {
  readonly packet?: Packet;
  readonly bound: Timestamp;
  readonly resolve?: () => void;
  readonly reject?: (error: unknown) => void;
}

interface InputState {
  bound: Timestamp;
  closed: boolean;
  applied: boolean;
  readonly pending: PendingOp[];
}

export interface RunHooks {
  onFinish(run: GraphRunImpl): void;
}

/** One execution of a compiled graph: the scheduler and all per-run state. */
export class GraphRunImpl implements GraphRun {
  readonly id = nextRunId++;
  readonly sidePackets: Map<string, unknown>;
  readonly nodes: RunNode[];
  readonly trace: TraceRecorder | undefined;
  readonly timing: boolean;
  readonly checkTypes: boolean;
  looping = false;
  stopping = false;
  inflight = 0;
  fullCount = 0;

  readonly #heap = new ReadyHeap();
  // Created on first use: most calculators never look at their signal.
  #abort: AbortController | undefined;
  readonly #inputs: InputState[];
  readonly #outputs: OutputBuffer[];
  readonly #onOutput: StartOptions['onOutput'];
  readonly #throttled: RunNode[] = [];
  readonly #hooks: RunHooks;
  #openInputs: number;
  #pendingCount = 0;
  #unfullPending = false;
  #kickPending = false;
  #resumePending = false;
  #opening = true;
  #finished = false;
  #error: unknown;
  #done: Promise<void> | undefined;
  #settleDone: ((error?: unknown) => void) | undefined;
  #startSignal: AbortSignal | undefined;
  readonly #kick = (): void => {
    this.#kickPending = false;
    this.runLoop();
  };
  readonly #resume = (): void => {
    this.#resumePending = false;
    this.runLoop();
  };
  readonly #onAbort = (): void => this.cancel(this.#startSignal?.reason);

  constructor(
    readonly plan: GraphPlan,
    shared: ReadonlyMap<string, unknown>,
    options: StartOptions,
    hooks: RunHooks,
  ) {
    this.#hooks = hooks;
    this.sidePackets = new Map(shared);
    if (options.sidePackets !== undefined) {
      for (const [name, value] of Object.entries(options.sidePackets)) this.sidePackets.set(name, value);
    }
    const missing = plan.requiredSidePackets.filter((n) => !this.sidePackets.has(n));
    if (missing.length > 0) {
      throw new RunError(
        R.MISSING_SIDE_PACKET,
        `graph "${plan.name}" needs input side packet${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; pass them to start({ sidePackets: { ${missing.map((m) => `${m}: ...`).join(', ')} } })`,
      );
    }
    this.trace = options.trace === true ? new TraceRecorder(this.id, plan.name) : undefined;
    this.timing = options.timing === true || this.trace !== undefined;
    this.checkTypes = options.checkTypes === true;
    this.#onOutput = options.onOutput;
    this.nodes = plan.nodes.map((p) => new RunNode(p, this));
    for (const node of this.nodes) {
      const problem = this.#sideTypeProblem(node);
      if (problem !== undefined) throw problem;
    }
    this.#inputs = plan.inputs.map(() => ({
      bound: Timestamp.Unstarted,
      closed: false,
      applied: false,
      pending: [],
    }));
    this.#openInputs = plan.inputs.length;
    this.#outputs = plan.outputs.map(() => new OutputBuffer());
    const signal = options.signal;
    if (signal !== undefined) {
      this.#startSignal = signal;
      if (signal.aborted) {
        this.#opening = false;
        this.cancel(signal.reason);
        return;
      }
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    this.#openPass(0);
  }

  /** Aborted when the run fails or is cancelled (every node's `ctx.signal`). */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.stopping && this.#error !== undefined) this.#abort.abort(this.#error);
    }
    return this.#abort.signal;
  }

  // ---- Opening -----------------------------------------------------------------------------

  #sideReady(node: RunNode): boolean {
    for (const name of node.plan.sideWait) if (!this.sidePackets.has(name)) return false;
    return true;
  }

  #sideTypeProblem(node: RunNode): RunError | undefined {
    for (const [name, spec] of node.plan.sideInTypes) {
      if (!this.sidePackets.has(name)) continue;
      const why = checkValue(spec.type, this.sidePackets.get(name));
      if (why !== undefined) {
        return new RunError(
          R.SIDE_PACKET_TYPE,
          `node "${node.nodeName}" (${node.calculatorName}): side packet "${name}" must be ${spec.type.name}: ${why}`,
        );
      }
    }
    return undefined;
  }

  /** Opens nodes in topological order, waiting for each async `open`, then starts scheduling. */
  #openPass(from: number): void {
    for (let i = from; i < this.nodes.length; i++) {
      const node = this.nodes[i]!;
      if (node.state !== NodeState.Waiting || !this.#sideReady(node)) continue;
      const pending = this.#openNode(node);
      if (this.stopping) return;
      if (pending !== undefined) {
        pending.then(() => {
          if (!this.stopping) this.#openPass(i + 1);
        });
        return;
      }
    }
    this.#opening = false;
    this.runLoop();
  }

  #openNode(node: RunNode): PromiseLike<unknown> | undefined {
    const problem = this.#sideTypeProblem(node);
    if (problem !== undefined) {
      this.failNode(node, problem);
      return undefined;
    }
    return node.open();
  }

  setSidePacket(name: string, value: unknown, node: RunNode): void {
    if (this.sidePackets.has(name)) {
      throw new RunError(
        R.SIDE_PACKET_TWICE,
        `node "${node.nodeName}" (${node.calculatorName}) set side packet "${name}" twice; a side packet is set once per run`,
      );
    }
    this.sidePackets.set(name, value);
    for (const other of this.nodes) {
      if (other.state === NodeState.Waiting && other.plan.sideWait.includes(name) && this.#sideReady(other)) {
        this.#openNode(other);
      }
    }
    if (!this.looping) this.kickSoon();
  }

  // ---- Scheduling --------------------------------------------------------------------------

  markReady(node: RunNode): void {
    if (node.queued) return;
    node.queued = true;
    this.#heap.push(node.plan.index);
  }

  kickSoon(): void {
    if (this.#kickPending || this.stopping) return;
    this.#kickPending = true;
    queueMicrotask(this.#kick);
  }

  /** Runs ready nodes until none is left (or a slice is used up), then checks for the end of the run. */
  runLoop(): void {
    if (this.looping || this.#opening || this.stopping) return;
    this.looping = true;
    const heap = this.#heap;
    const nodes = this.nodes;
    let budget = SLICE;
    try {
      if (this.#unfullPending) this.#onUnfull();
      while (heap.size > 0) {
        const node = nodes[heap.pop()]!;
        node.queued = false;
        node.step();
        if (this.#unfullPending) this.#onUnfull();
        if (this.stopping) return;
        if (--budget === 0 && heap.size > 0) {
          if (!this.#resumePending) {
            this.#resumePending = true;
            setImmediate(this.#resume);
          }
          return;
        }
      }
    } finally {
      this.looping = false;
    }
    this.#checkIdle();
  }

  deliver(stream: number, packet: Packet, bound: Timestamp): void {
    if (this.stopping) return;
    const s = this.plan.streams[stream]!;
    const consumerNodes = s.consumerNodes;
    const consumerLocals = s.consumerLocals;
    for (let i = 0; i < consumerNodes.length; i++) {
      this.nodes[consumerNodes[i]!]!.enqueue(consumerLocals[i]!, packet, bound);
    }
    if (s.graphOutput >= 0) {
      this.#outputs[s.graphOutput]!.push(packet);
      if (this.#onOutput !== undefined) this.#onOutput(s.name, packet);
    }
  }

  propagateBound(stream: number, bound: Timestamp): void {
    if (this.stopping) return;
    const s = this.plan.streams[stream]!;
    for (let i = 0; i < s.consumerNodes.length; i++) {
      this.nodes[s.consumerNodes[i]!]!.raiseBound(s.consumerLocals[i]!, bound);
    }
    if (s.graphOutput >= 0 && bound === Timestamp.Done) this.#outputs[s.graphOutput]!.end();
  }

  isThrottled(slots: readonly SlotRef[]): boolean {
    for (const slot of slots) if (this.nodes[slot.node]!.isFull(slot.local)) return true;
    return false;
  }

  throttle(node: RunNode): void {
    if (node.throttled) return;
    node.throttled = true;
    this.#throttled.push(node);
  }

  unfull(): void {
    this.fullCount--;
    this.#unfullPending = true;
  }

  #onUnfull(): void {
    this.#unfullPending = false;
    if (this.#throttled.length > 0) {
      for (const node of this.#throttled.splice(0)) {
        node.throttled = false;
        this.markReady(node);
      }
    }
    if (this.#pendingCount > 0) this.#drainPending();
  }

  #checkIdle(): void {
    if (this.#heap.size > 0 || this.inflight > 0 || this.#opening || this.stopping || this.#resumePending)
      return;
    if (this.fullCount > 0 && (this.#throttled.length > 0 || this.#pendingCount > 0)) {
      this.fail(new DeadlockError(this.plan.name, this.#fullStreams(), this.plan.maxQueueSize ?? 0));
      return;
    }
    if (this.#openInputs > 0) return;
    for (const node of this.nodes) {
      if (node.state === NodeState.Closed) continue;
      if (node.state === NodeState.Waiting) {
        const missing = node.plan.sideWait.filter((n) => !this.sidePackets.has(n));
        this.fail(
          new RunError(
            R.MISSING_SIDE_PACKET,
            `node "${node.nodeName}" (${node.calculatorName}) never opened: side packet${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} never set; the node producing it must call setOutputSidePacket`,
          ),
        );
        return;
      }
      // Everything upstream is closed; only back edges (loops) can keep this node open.
      let forced = false;
      node.plan.backEdge.forEach((isBack, local) => {
        if (isBack && node.bounds[local] !== Timestamp.Done) {
          node.raiseBound(local, Timestamp.Done);
          forced = true;
        }
      });
      if (!forced) node.close();
      this.runLoop();
      return;
    }
    this.#finish();
  }

  #fullStreams(): { stream: string; node: string; size: number }[] {
    const list: { stream: string; node: string; size: number }[] = [];
    for (const node of this.nodes) {
      node.plan.inputStreams.forEach((stream, local) => {
        if (node.isFull(local) && !node.plan.backEdge[local]) {
          list.push({
            stream: this.plan.streams[stream]!.name,
            node: node.nodeName,
            size: node.queues[local]!.size,
          });
        }
      });
    }
    return list;
  }

  // ---- Graph inputs ------------------------------------------------------------------------

  #input(stream: string, what: string): { state: InputState; index: number } | RunError {
    if (this.stopping) {
      return this.#error instanceof Error
        ? (this.#error as RunError)
        : new RunError(
            R.RUN_FINISHED,
            `${what} "${stream}": the run of graph "${this.plan.name}" has finished`,
          );
    }
    const index = this.plan.inputIds.get(stream);
    if (index === undefined) {
      const names = this.plan.inputs.map((i) => i.name);
      return new RunError(
        R.UNKNOWN_STREAM,
        `${what}: "${stream}" is not an input stream of graph "${this.plan.name}"${suggest(stream, names)}`,
      );
    }
    const state = this.#inputs[index]!;
    if (state.closed) {
      return new RunError(
        R.INPUT_CLOSED,
        `${what}: graph input "${stream}" is already closed; add packets before closeInput()`,
      );
    }
    return { state, index };
  }

  addPacket(stream: string, value: unknown, timestamp: Timestamp): Promise<void> {
    const found = this.#input(stream, 'addPacket');
    if (found instanceof Error) return Promise.reject(found);
    const { state, index } = found;
    if (!Timestamp.isAllowedInStream(timestamp) || timestamp < state.bound) {
      return Promise.reject(
        new RunError(
          Timestamp.isAllowedInStream(timestamp) ? R.TIMESTAMP_NOT_INCREASING : R.TIMESTAMP_INVALID,
          `addPacket: graph input "${stream}" got a packet at ${Timestamp.format(timestamp)} but the next allowed timestamp is ${Timestamp.format(state.bound)}; timestamps on a stream must strictly increase (integers in [Timestamp.Min, Timestamp.Max])`,
        ),
      );
    }
    const plan = this.plan.inputs[index]!;
    if (this.checkTypes) {
      const problem = this.#inputTypeProblem(plan.stream, value);
      if (problem !== undefined) return Promise.reject(problem);
    }
    state.bound = Timestamp.nextAllowedInStream(timestamp);
    const packet = new Packet(value, timestamp);
    if (state.pending.length > 0 || (this.fullCount > 0 && this.isThrottled(plan.throttleSlots))) {
      return new Promise((resolve, reject) => {
        state.pending.push({ packet, bound: state.bound, resolve, reject });
        this.#pendingCount++;
        if (!this.looping) this.kickSoon();
      });
    }
    this.deliver(plan.stream, packet, state.bound);
    this.runLoop();
    return RESOLVED;
  }

  #inputTypeProblem(stream: number, value: unknown): RunError | undefined {
    const s = this.plan.streams[stream]!;
    for (let i = 0; i < s.consumerNodes.length; i++) {
      const node = this.plan.nodes[s.consumerNodes[i]!]!;
      const port = node.spec.inputs[s.consumerLocals[i]!]!;
      const type = node.def.inputs?.[port.tag]?.type;
      const why = type === undefined ? undefined : checkValue(type, value);
      if (why !== undefined) {
        return new RunError(
          R.PACKET_TYPE,
          `addPacket: graph input "${s.name}" feeds node "${node.name}" (${node.calculator}) input "${node.inputLabels[s.consumerLocals[i]!]}", which must be ${type!.name}: ${why}`,
        );
      }
    }
    return undefined;
  }

  setInputBound(stream: string, bound: Timestamp): void {
    const found = this.#input(stream, 'setInputBound');
    if (found instanceof Error) throw found;
    const { state, index } = found;
    if (bound <= state.bound) return;
    state.bound = bound;
    this.#applyOrQueue(state, index, { bound });
  }

  closeInput(stream: string): void {
    const found = this.#input(stream, 'closeInput');
    if (found instanceof Error) {
      if (found.code === R.INPUT_CLOSED || this.stopping) return; // closing twice is harmless
      throw found;
    }
    found.state.closed = true;
    found.state.bound = Timestamp.Done;
    this.#applyOrQueue(found.state, found.index, { bound: Timestamp.Done });
  }

  closeAllInputs(): void {
    for (const input of this.plan.inputs) this.closeInput(input.name);
  }

  #applyOrQueue(state: InputState, index: number, op: PendingOp): void {
    if (state.pending.length > 0) {
      state.pending.push(op);
      this.#pendingCount++;
      return;
    }
    this.#apply(state, index, op);
    this.runLoop();
  }

  #apply(state: InputState, index: number, op: PendingOp): void {
    const stream = this.plan.inputs[index]!.stream;
    if (op.packet !== undefined) this.deliver(stream, op.packet, op.bound);
    else this.propagateBound(stream, op.bound);
    if (op.bound === Timestamp.Done && !state.applied) {
      state.applied = true;
      this.#openInputs--;
    }
    op.resolve?.();
  }

  #drainPending(): void {
    this.plan.inputs.forEach((input, index) => {
      const state = this.#inputs[index]!;
      while (state.pending.length > 0) {
        const op = state.pending[0]!;
        if (op.packet !== undefined && this.fullCount > 0 && this.isThrottled(input.throttleSlots)) break;
        state.pending.shift();
        this.#pendingCount--;
        this.#apply(state, index, op);
      }
    });
  }

  // ---- Ending ------------------------------------------------------------------------------

  failNode(node: RunNode, error: unknown): void {
    if (this.stopping) return;
    this.fail(
      error instanceof GraphRunError || error instanceof GraphCancelledError
        ? error
        : new GraphRunError(node, node.phase, error, this.plan.name),
    );
  }

  /** Stops the run with `error`: aborts the signal, closes opened nodes, rejects `done()`. */
  fail(error: unknown): void {
    if (this.stopping) return;
    this.stopping = true;
    this.#error = error;
    this.#heap.clear();
    this.#abort?.abort(error);
    for (const state of this.#inputs) {
      for (const op of state.pending.splice(0)) op.reject?.(error);
    }
    for (const out of this.#outputs) out.end(error);
    void Promise.all(this.nodes.map((n) => n.shutdown())).then(() => this.#settle(error));
  }

  #finish(): void {
    this.stopping = true;
    for (const out of this.#outputs) out.end();
    this.#settle(undefined);
  }

  #settle(error: unknown): void {
    this.#finished = true;
    this.#startSignal?.removeEventListener('abort', this.#onAbort);
    this.#settleDone?.(error);
    this.#hooks.onFinish(this);
  }

  // ---- GraphRun API ------------------------------------------------------------------------

  output<T = unknown>(stream: string): AsyncIterable<Packet<T>> {
    const index = this.plan.outputIds.get(stream);
    if (index === undefined) {
      throw new RunError(
        R.UNKNOWN_STREAM,
        `output: "${stream}" is not an output stream of graph "${this.plan.name}"${suggest(stream, this.plan.outputs)}`,
      );
    }
    return this.#outputs[index]!.iterate<T>();
  }

  /** Packets of a graph output stream so far (for tests and the CLI); `output()` for streaming. */
  outputPackets(stream: string): readonly Packet[] {
    const index = this.plan.outputIds.get(stream);
    return index === undefined ? [] : this.#outputs[index]!.packets;
  }

  outputSidePacket(name: string): unknown {
    return this.sidePackets.get(name);
  }

  done(): Promise<void> {
    if (this.#done === undefined) {
      if (this.#finished) {
        this.#done = this.#error === undefined ? Promise.resolve() : Promise.reject(this.#error);
      } else {
        this.#done = new Promise<void>((resolve, reject) => {
          this.#settleDone = (error) => (error === undefined ? resolve() : reject(error));
        });
      }
    }
    return this.#done;
  }

  get finished(): boolean {
    return this.#finished;
  }

  cancel(reason?: unknown): void {
    this.fail(new GraphCancelledError(this.plan.name, reason));
  }

  stats(): NodeStats[] {
    return this.nodes.map((n) => ({
      node: n.nodeName,
      calculator: n.calculatorName,
      processCalls: n.processCalls,
      packetsOut: n.packetsOut,
      totalMs: n.totalMs,
      maxMs: n.maxMs,
    }));
  }

  traceEvents(): readonly object[] {
    return this.trace?.events ?? [];
  }
}
