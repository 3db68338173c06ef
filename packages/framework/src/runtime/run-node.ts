import type { Calculator } from '../calculator/contract.js';
import { Stop } from '../calculator/contract.js';
import type { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import type { NodePlan } from './graph-plan.js';
import { NodeContext } from './node-context.js';
import { ALL_DONE, NOT_READY } from './node-inputs.js';
import type { FullStream } from './run-errors.js';
import type { RunHost } from './run-host.js';

export enum NodeState {
  Waiting = 0,
  Opening = 1,
  Open = 2,
  Closing = 3,
  Closed = 4,
}

/** The full input queues of a run, for the deadlock report. */
export function fullStreams(nodes: readonly RunNode[]): FullStream[] {
  const list: FullStream[] = [];
  for (const node of nodes) {
    node.plan.spec.inputs.forEach((port, local) => {
      if (node.inputs.isFull(local))
        list.push({
          stream: port.name,
          node: node.nodeName,
          calculator: node.calculatorName,
          size: node.inputs.queues[local]!.size,
        });
    });
  }
  return list;
}

const isThenable = (r: unknown): r is PromiseLike<unknown> =>
  r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function';

/**
 * One node within one run: the calculator instance, its lifecycle (open → process per input set →
 * close) and its place in the scheduler. Sync calculator methods run without promises; an async
 * one marks the node busy until it settles, while other nodes keep running.
 */
export class RunNode extends NodeContext {
  state = NodeState.Waiting;
  busy = false;
  /** Settles when the in-flight async call (open/process/close) has been handled. */
  settled: PromiseLike<unknown> | undefined;
  processCalls = 0;
  totalMs = 0;
  maxMs = 0;
  readonly #calc: Calculator;
  readonly #onUnfull = (): void => this.run.queueUnfull();

  constructor(plan: NodePlan, run: RunHost) {
    super(plan, run);
    this.#calc = plan.def.create();
  }

  // ---- Scheduling --------------------------------------------------------------------------

  enqueue(local: number, packet: Packet, bound: Timestamp): void {
    if (this.state >= NodeState.Closing) return;
    if (this.inputs.push(local, packet, bound)) this.run.queueFull();
    if (this.state === NodeState.Open) this.run.schedule(this.plan.index);
  }

  raiseBound(local: number, bound: Timestamp): void {
    if (this.inputs.raise(local, bound) && this.state === NodeState.Open) this.run.schedule(this.plan.index);
  }

  /** Called by the scheduler: processes at most one input set, or closes the node when all inputs are done. */
  step(): void {
    if (this.state !== NodeState.Open || this.busy) return;
    if (this.plan.isSource) {
      if (this.run.isThrottled(this.plan.throttleSlots)) {
        this.run.throttle(this.plan.index);
        return;
      }
      // A source's input timestamp is 0 in every process call (MediaPipe CheckInputTimestamp).
      this.#invoke(0);
      return;
    }
    const ts = this.inputs.next();
    if (ts === NOT_READY) {
      this.#propagateOffset();
      return;
    }
    if (ts === ALL_DONE) {
      this.close();
      return;
    }
    this.inputs.take(ts, this.#onUnfull);
    this.#invoke(ts);
  }

  /** Timestamp offset: a promise about inputs is a promise about outputs, even without packets. */
  #propagateOffset(): void {
    const offset = this.plan.offset;
    if (offset === undefined) return;
    const settled = this.inputs.settledThrough();
    if (!Timestamp.isRangeValue(settled)) return;
    const bound = settled + offset;
    if (!Timestamp.isRangeValue(bound)) return;
    for (const out of this.outputs) if (bound > out.nextTimestampBound) out.raiseBound(bound);
  }

  #invoke(ts: number): void {
    const calc = this.#calc;
    this.inputTimestamp = ts;
    this.phase = 'process';
    if (calc.process === undefined) {
      if (this.plan.isSource) this.close();
      else this.#afterProcess(undefined, 0);
      return;
    }
    this.processCalls++;
    const t0 = this.run.timing ? performance.now() : 0;
    let result: unknown;
    try {
      result = calc.process(this);
    } catch (error) {
      this.run.failNode(this, error);
      return;
    }
    if (result !== undefined && result !== Stop && isThenable(result)) {
      this.#settle(result, (r) => {
        if (this.run.stopping) return;
        this.#afterProcess(r, t0);
        this.run.runLoop();
      });
      return;
    }
    this.#afterProcess(result, t0);
  }

  #afterProcess(result: unknown, t0: number): void {
    if (t0 !== 0) this.#record('process', t0);
    if (result === Stop) {
      this.close();
      return;
    }
    this.#propagateOffset();
    // Skipping the scheduler round trip when nothing is queued saves a step per packet in a
    // flowing chain; new packets and bounds mark the node ready anyway.
    if (this.plan.isSource || this.plan.processBounds || this.inputs.mayHaveWork())
      this.run.schedule(this.plan.index);
  }

  /**
   * Tracks an async `open`/`process`/`close`: the node is busy (and the run has one more call in
   * flight) until `result` settles; then `done` gets its value, or a rejection fails the node.
   */
  #settle(result: PromiseLike<unknown>, done: (value: unknown) => void): PromiseLike<unknown> {
    this.busy = true;
    this.run.asyncStarted();
    this.settled = result.then(
      (value) => {
        this.busy = false;
        this.run.asyncSettled();
        done(value);
      },
      (error: unknown) => {
        this.busy = false;
        this.run.asyncSettled();
        this.run.failNode(this, error);
      },
    );
    return this.settled;
  }

  #record(name: string, t0: number): void {
    const ms = performance.now() - t0;
    this.totalMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    if (this.run.trace !== undefined) this.run.trace.complete(this, name, t0, ms, this.inputTimestamp);
  }

  // ---- Lifecycle ---------------------------------------------------------------------------

  /** Calls `open`; resolves the returned promise (if any) when it is done. */
  open(): PromiseLike<unknown> | undefined {
    this.state = NodeState.Opening;
    this.phase = 'open';
    this.inputTimestamp = Timestamp.Unstarted;
    const calc = this.#calc;
    if (calc.open === undefined) {
      this.#opened();
      return undefined;
    }
    const t0 = this.run.timing ? performance.now() : 0;
    let result: unknown;
    try {
      result = calc.open(this);
    } catch (error) {
      this.run.failNode(this, error);
      return undefined;
    }
    if (isThenable(result)) {
      return this.#settle(result, () => {
        if (this.run.stopping) {
          this.state = NodeState.Open; // so that shutdown() closes what open acquired
          return;
        }
        if (t0 !== 0) this.#record('open', t0);
        this.#opened();
        this.run.runLoop(); // a node opened late (side packet set mid-run) has packets waiting
      });
    }
    if (t0 !== 0) this.#record('open', t0);
    this.#opened();
    return undefined;
  }

  #opened(): void {
    this.state = NodeState.Open;
    this.phase = 'process';
    this.run.schedule(this.plan.index);
  }

  /**
   * Everything upstream of the node has closed: only back edges (loops) can keep it open. Like
   * MediaPipe ending a graph run, their bounds are raised to Done (the node then closes without
   * the Timestamp.Max process call); a node without open back edges closes now.
   */
  endRun(): void {
    this.inputs.runEnding = true;
    let forced = false;
    this.plan.backEdge.forEach((isBack, local) => {
      if (isBack && this.inputs.bounds[local] !== Timestamp.Done) {
        this.raiseBound(local, Timestamp.Done);
        forced = true;
      }
    });
    if (!forced) this.close();
  }

  /** Closes the node: drops what is still queued, calls `close`, then closes every output. */
  close(): void {
    if (this.state >= NodeState.Closing) return;
    this.state = NodeState.Closing;
    this.phase = 'close';
    this.inputTimestamp = Timestamp.Done;
    for (let n = this.inputs.clear(); n > 0; n--) this.run.queueUnfull();
    const calc = this.#calc;
    if (calc.close === undefined) {
      this.#closed();
      return;
    }
    const t0 = this.run.timing ? performance.now() : 0;
    let result: unknown;
    try {
      result = calc.close(this);
    } catch (error) {
      this.run.failNode(this, error);
      return;
    }
    if (isThenable(result)) {
      this.#settle(result, () => {
        if (this.run.stopping) return;
        if (t0 !== 0) this.#record('close', t0);
        this.#closed();
        this.run.runLoop();
      });
      return;
    }
    if (t0 !== 0) this.#record('close', t0);
    this.#closed();
  }

  #closed(): void {
    for (const out of this.outputs) out.close();
    this.state = NodeState.Closed;
  }

  /**
   * Cleanup after the run failed or was cancelled: `close` is still called on an opened node so it
   * can free what it holds; its errors are ignored (the run already has one). Waits for an
   * in-flight call first so `close` never overlaps `process`.
   */
  async shutdown(): Promise<void> {
    if (this.busy) await this.settled;
    if (this.state !== NodeState.Open) return;
    this.state = NodeState.Closing;
    this.phase = 'close';
    this.inputTimestamp = Timestamp.Done;
    this.inputs.clear();
    try {
      await this.#calc.close?.(this);
    } catch {
      // The run's first error is what the caller needs; a failing cleanup adds nothing actionable.
    }
    this.state = NodeState.Closed;
  }
}
