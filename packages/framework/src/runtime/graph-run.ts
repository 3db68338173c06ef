import { R } from '../errors/runtime-codes.js';
import type { GraphRun, NodeStats, StartOptions } from '../graph/graph-api.js';
import type { Packet } from '../packet/packet.js';
import type { Timestamp } from '../timestamp/timestamp.js';
import { TraceRecorder } from '../trace/trace-recorder.js';
import { GraphInputs } from './graph-inputs.js';
import type { GraphPlan, SlotRef } from './graph-plan.js';
import { ReadyHeap } from './ready-heap.js';
import { DeadlockError, GraphCancelledError, GraphRunError, type NodeRef, RunError } from './run-errors.js';
import type { FailedNode, RunHost } from './run-host.js';
import { fullStreams, NodeState, RunNode } from './run-node.js';
import { RunOutputs } from './run-outputs.js';
import {
  neverOpenedError,
  runSidePackets,
  sidePacketsReady,
  sidePacketTypeError,
} from './run-side-packets.js';

/** Process calls per scheduler slice before yielding to the event loop (fairness between runs). */
const SLICE = 1024;
let nextRunId = 1;

export interface RunHooks {
  onFinish(run: GraphRunImpl): void;
}

/**
 * One execution of a compiled graph: the public `GraphRun`, and the scheduler its nodes, output
 * ports and graph inputs reach through `RunHost` only. All scheduling state is private to this file.
 */
export class GraphRunImpl implements GraphRun, RunHost {
  readonly id = nextRunId++;
  readonly trace: TraceRecorder | undefined;
  readonly timing: boolean;
  readonly checkTypes: boolean;

  readonly #sidePackets: Map<string, unknown>;
  readonly #nodes: RunNode[];
  readonly #heap = new ReadyHeap();
  /** Per node: 1 while it is in the heap (so it is pushed once). */
  readonly #queued: Uint8Array;
  /** Per node: 1 while it is a source waiting in `#throttled`. */
  readonly #isThrottled: Uint8Array;
  /** Source nodes waiting for a full queue to drain. */
  readonly #throttled: number[] = [];
  #looping = false;
  #stopping = false;
  /** Async open/process/close calls in flight. */
  #inflight = 0;
  /** Input queues that are full (non-back-edge ones). */
  #fullCount = 0;
  // Created on first use: most calculators never look at their signal.
  #abort: AbortController | undefined;
  readonly #inputs: GraphInputs;
  readonly #outputs: RunOutputs;
  readonly #hooks: RunHooks;
  #unfullPending = false;
  /** Graph output streams holding `maxBufferedOutput` unread packets: while > 0 no node runs. */
  #outputsFull = 0;
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
    this.#sidePackets = runSidePackets(plan, shared, options.sidePackets);
    this.trace = options.trace === true ? new TraceRecorder(this.id, plan.name) : undefined;
    this.timing = options.timing === true || this.trace !== undefined;
    this.checkTypes = options.checkTypes === true;
    this.#queued = new Uint8Array(plan.nodes.length);
    this.#isThrottled = new Uint8Array(plan.nodes.length);
    this.#nodes = plan.nodes.map((p) => new RunNode(p, this));
    for (const node of this.#nodes) {
      const problem = sidePacketTypeError(this.#sidePackets, node.plan);
      if (problem !== undefined) throw problem;
    }
    this.#inputs = new GraphInputs(this);
    this.#outputs = new RunOutputs(
      plan,
      options.onOutput,
      options.onOutputBound,
      options.maxBufferedOutput,
      (full) => {
        this.#outputsFull += full ? 1 : -1;
        if (!full && this.#outputsFull === 0) this.wake();
      },
    );
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
      if (this.#stopping && this.#error !== undefined) this.#abort.abort(this.#error);
    }
    return this.#abort.signal;
  }

  get sidePackets(): ReadonlyMap<string, unknown> {
    return this.#sidePackets;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** The error that stopped the run (undefined while running or after success). */
  get error(): unknown {
    return this.#error;
  }

  // ---- Opening -----------------------------------------------------------------------------

  /** Opens nodes in topological order, waiting for each async `open`, then starts scheduling. */
  #openPass(from: number): void {
    for (let i = from; i < this.#nodes.length; i++) {
      const node = this.#nodes[i]!;
      if (node.state !== NodeState.Waiting || !sidePacketsReady(this.#sidePackets, node.plan)) continue;
      const pending = this.#openNode(node);
      if (this.#stopping) return;
      if (pending !== undefined) {
        pending.then(() => {
          if (!this.#stopping) this.#openPass(i + 1);
        });
        return;
      }
    }
    this.#opening = false;
    this.runLoop();
  }

  #openNode(node: RunNode): PromiseLike<unknown> | undefined {
    const problem = sidePacketTypeError(this.#sidePackets, node.plan);
    if (problem !== undefined) {
      this.failNode(node, problem);
      return undefined;
    }
    return node.open();
  }

  setSidePacket(name: string, value: unknown, node: NodeRef): void {
    if (this.#sidePackets.has(name)) {
      throw new RunError(
        R.SIDE_PACKET_TWICE,
        `node "${node.nodeName}" (${node.calculatorName}) set side packet "${name}" twice; a side packet is set once per run`,
      );
    }
    this.#sidePackets.set(name, value);
    for (const other of this.#nodes) {
      const waiting = other.state === NodeState.Waiting && other.plan.sideWait.includes(name);
      if (waiting && sidePacketsReady(this.#sidePackets, other.plan)) {
        this.#openNode(other);
      }
    }
    this.wake();
  }

  // ---- Scheduling --------------------------------------------------------------------------

  schedule(index: number): void {
    if (this.#queued[index] === 1) return;
    this.#queued[index] = 1;
    this.#heap.push(index);
  }

  wake(): void {
    // Inside the loop the new work is seen before it ends; outside, a calculator (or a timer) must
    // not re-enter the scheduler, so the loop runs once the current task is done.
    if (this.#looping || this.#kickPending || this.#stopping) return;
    this.#kickPending = true;
    queueMicrotask(this.#kick);
  }

  /** Runs ready nodes until none is left (or a slice is used up), then checks for the end of the run. */
  runLoop(): void {
    // A reader that stopped reading pauses the whole run (back-pressure): it resumes from the heap
    // when the reader catches up, so nothing is lost and no deadlock is reported meanwhile.
    if (this.#looping || this.#opening || this.#stopping || this.#outputsFull > 0) return;
    this.#looping = true;
    const heap = this.#heap;
    const nodes = this.#nodes;
    const queued = this.#queued;
    let budget = SLICE;
    try {
      if (this.#unfullPending) this.#onUnfull();
      while (heap.size > 0) {
        const index = heap.pop();
        queued[index] = 0;
        nodes[index]!.step();
        if (this.#unfullPending) this.#onUnfull();
        if (this.#stopping || this.#outputsFull > 0) return;
        if (--budget === 0 && heap.size > 0) {
          if (!this.#resumePending) {
            this.#resumePending = true;
            setImmediate(this.#resume);
          }
          return;
        }
      }
    } finally {
      this.#looping = false;
    }
    this.#checkIdle();
  }

  deliver(stream: number, packet: Packet, bound: Timestamp): void {
    if (this.#stopping) return;
    const s = this.plan.streams[stream]!;
    const consumerNodes = s.consumerNodes;
    const consumerLocals = s.consumerLocals;
    for (let i = 0; i < consumerNodes.length; i++) {
      this.#nodes[consumerNodes[i]!]!.enqueue(consumerLocals[i]!, packet, bound);
    }
    if (s.graphOutput >= 0) this.#outputs.push(s.graphOutput, s.name, packet, bound);
  }

  propagateBound(stream: number, bound: Timestamp): void {
    if (this.#stopping) return;
    const s = this.plan.streams[stream]!;
    for (let i = 0; i < s.consumerNodes.length; i++) {
      this.#nodes[s.consumerNodes[i]!]!.raiseBound(s.consumerLocals[i]!, bound);
    }
    if (s.graphOutput >= 0) this.#outputs.raise(s.graphOutput, bound);
  }

  isThrottled(slots: readonly SlotRef[]): boolean {
    if (this.#fullCount === 0) return false;
    for (const slot of slots) if (this.#nodes[slot.node]!.inputs.isFull(slot.local)) return true;
    return false;
  }

  throttle(index: number): void {
    if (this.#isThrottled[index] === 1) return;
    this.#isThrottled[index] = 1;
    this.#throttled.push(index);
  }

  queueFull(): void {
    this.#fullCount++;
  }

  queueUnfull(): void {
    this.#fullCount--;
    this.#unfullPending = true;
  }

  asyncStarted(): void {
    this.#inflight++;
  }

  asyncSettled(): void {
    this.#inflight--;
  }

  #onUnfull(): void {
    this.#unfullPending = false;
    if (this.#throttled.length > 0) {
      for (const index of this.#throttled.splice(0)) {
        this.#isThrottled[index] = 0;
        this.schedule(index);
      }
    }
    if (this.#inputs.pendingCount > 0) this.#inputs.drain();
  }

  #checkIdle(): void {
    if (this.#heap.size > 0 || this.#inflight > 0 || this.#opening || this.#stopping || this.#resumePending)
      return;
    if (this.#fullCount > 0 && (this.#throttled.length > 0 || this.#inputs.pendingCount > 0)) {
      this.fail(new DeadlockError(this.plan.name, fullStreams(this.#nodes), this.plan.maxQueueSize ?? 0));
      return;
    }
    if (this.#inputs.openCount > 0) return;
    for (const node of this.#nodes) {
      if (node.state === NodeState.Closed) continue;
      if (node.state === NodeState.Waiting) {
        this.fail(neverOpenedError(this.#sidePackets, node.plan));
        return;
      }
      node.endRun();
      this.runLoop();
      return;
    }
    this.#finish();
  }

  // ---- Graph inputs (see graph-inputs.ts) ------------------------------------------------

  addPacket(stream: string, value: unknown, timestamp: Timestamp): Promise<void> {
    return this.#inputs.add(stream, value, timestamp);
  }

  setInputBound(stream: string, bound: Timestamp): void {
    this.#inputs.setBound(stream, bound);
  }

  closeInput(stream: string): void {
    this.#inputs.close(stream);
  }

  closeAllInputs(): void {
    for (const input of this.plan.inputs) this.#inputs.close(input.name);
  }

  // ---- Ending ------------------------------------------------------------------------------

  failNode(node: FailedNode, error: unknown): void {
    if (this.#stopping) return;
    this.fail(
      error instanceof GraphRunError || error instanceof GraphCancelledError
        ? error
        : new GraphRunError(node, node.phase, error, this.plan.name),
    );
  }

  /** Stops the run with `error`: aborts the signal, closes opened nodes, rejects `done()`. */
  fail(error: unknown): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#error = error;
    this.#heap.clear();
    this.#abort?.abort(error);
    this.#inputs.rejectPending(error);
    this.#outputs.endAll(error);
    void Promise.all(this.#nodes.map((n) => n.shutdown())).then(() => this.#settle(error));
  }

  #finish(): void {
    this.#stopping = true;
    this.#outputs.endAll();
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
    return this.#outputs.iterate<T>(stream);
  }

  /** Packets of a graph output stream so far (for tests and the CLI); `output()` for streaming. */
  outputPackets<T = unknown>(stream: string): readonly Packet<T>[] {
    return this.#outputs.packets(stream) as readonly Packet<T>[];
  }

  outputBound(stream: string): Timestamp {
    return this.#outputs.bound(stream);
  }

  outputSidePacket(name: string): unknown {
    return this.#sidePackets.get(name);
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
    return this.#nodes.map((n) => ({
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
