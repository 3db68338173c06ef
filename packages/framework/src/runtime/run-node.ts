import type { Calculator, CalculatorContext } from '../calculator/contract.js';
import { Stop } from '../calculator/contract.js';
import { R } from '../errors/runtime-codes.js';
import type { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import type { NodePlan } from './graph-plan.js';
import type { GraphRunImpl } from './graph-run.js';
import { OutputPort } from './output-port.js';
import { PacketQueue } from './packet-queue.js';
import { RunError } from './run-errors.js';

const DONE = Timestamp.Done;
const NOT_READY = Number.NEGATIVE_INFINITY;
const SET_DONE = Number.POSITIVE_INFINITY;

export enum NodeState {
  Waiting = 0,
  Opening = 1,
  Open = 2,
  Closing = 3,
  Closed = 4,
}

export type Phase = 'open' | 'process' | 'close';

const isThenable = (r: unknown): r is PromiseLike<unknown> =>
  r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function';

/**
 * One node within one run: its calculator instance, input queues and bounds, and the context the
 * calculator sees (the node *is* its context, so a process call allocates nothing).
 */
export class RunNode implements CalculatorContext {
  readonly nodeName: string;
  readonly calculatorName: string;
  readonly options: Record<string, unknown>;
  readonly graphDir: string | undefined;
  inputTimestamp: Timestamp = Timestamp.Unstarted;

  state = NodeState.Waiting;
  busy = false;
  queued = false;
  throttled = false;
  phase: Phase = 'open';
  /** Settles when the in-flight async call (open/process/close) has been handled. */
  settled: PromiseLike<unknown> | undefined;
  processCalls = 0;
  packetsOut = 0;
  totalMs = 0;
  maxMs = 0;

  readonly queues: PacketQueue[];
  readonly bounds: number[];
  readonly #current: (Packet | undefined)[];
  readonly outputs: OutputPort[];
  readonly #lastProcessed: number[];
  readonly #calc: Calculator;
  readonly #maxQueue: number;

  constructor(
    readonly plan: NodePlan,
    readonly run: GraphRunImpl,
  ) {
    this.nodeName = plan.name;
    this.calculatorName = plan.calculator;
    this.options = plan.spec.options as Record<string, unknown>;
    this.graphDir = run.plan.dir;
    const n = plan.inputStreams.length;
    this.queues = new Array(n);
    this.bounds = new Array(n);
    this.#current = new Array(n);
    for (let i = 0; i < n; i++) {
      this.queues[i] = new PacketQueue();
      this.bounds[i] = Timestamp.Unstarted;
      this.#current[i] = undefined;
    }
    this.outputs = plan.outputStreams.map(
      (s, i) =>
        new OutputPort(this, s, plan.outputLabels[i]!, plan.def.outputs?.[plan.spec.outputs[i]!.tag]?.type),
    );
    this.#lastProcessed = plan.syncSets.map(() => Timestamp.Unstarted);
    this.#maxQueue = run.plan.maxQueueSize ?? 0;
    this.#calc = plan.def.create();
  }

  get signal(): AbortSignal {
    return this.run.signal;
  }

  // ---- CalculatorContext -------------------------------------------------------------------

  input(tag: string, index = 0): Packet<any> | undefined {
    const local = this.plan.inputIndex.get(tag)?.[index];
    if (local === undefined) throw this.#portError('input', tag, index, this.plan.inputIndex);
    return this.#current[local];
  }

  inputCount(tag: string): number {
    return this.plan.inputIndex.get(tag)?.length ?? 0;
  }

  output(tag: string, index = 0): OutputPort {
    const local = this.plan.outputIndex.get(tag)?.[index];
    if (local === undefined) throw this.#portError('output', tag, index, this.plan.outputIndex);
    return this.outputs[local]!;
  }

  outputCount(tag: string): number {
    return this.plan.outputIndex.get(tag)?.length ?? 0;
  }

  sidePacket(tag: string, index = 0): any {
    const name = this.plan.sideIn.get(tag)?.[index];
    if (name === undefined) throw this.#portError('input side packet', tag, index, this.plan.sideIn);
    if (!this.run.sidePackets.has(name)) {
      throw new RunError(
        R.MISSING_SIDE_PACKET,
        `node "${this.nodeName}" (${this.calculatorName}): side packet "${name}" (${tag || 'untagged'}:${index}) is optional and was not given; check hasSidePacket() first`,
      );
    }
    return this.run.sidePackets.get(name);
  }

  hasSidePacket(tag: string, index = 0): boolean {
    const name = this.plan.sideIn.get(tag)?.[index];
    return name !== undefined && this.run.sidePackets.has(name);
  }

  setOutputSidePacket(tag: string, value: unknown, index = 0): void {
    const name = this.plan.sideOut.get(tag)?.[index];
    if (name === undefined) {
      // Declared but left unconnected: nobody wants the value (ports have no "is connected" query).
      if (this.plan.def.outputSidePackets?.[tag] !== undefined) return;
      throw this.#portError('output side packet', tag, index, this.plan.sideOut);
    }
    this.run.setSidePacket(name, value, this);
  }

  #portError(
    kind: string,
    tag: string,
    index: number,
    ports: ReadonlyMap<string, readonly unknown[]>,
  ): RunError {
    const known = [...ports.entries()].flatMap(([t, list]) =>
      list.map((_, i) => `${t || '(untagged)'}:${i}`),
    );
    return new RunError(
      R.PORT_NOT_CONNECTED,
      `node "${this.nodeName}" (${this.calculatorName}) has no ${kind} "${tag || '(untagged)'}:${index}"; connected: ${known.length > 0 ? known.join(', ') : 'none'} (use inputCount/outputCount/hasSidePacket for optional ports)`,
    );
  }

  /** Timestamp used by `add(value)` without a timestamp. */
  defaultOutputTimestamp(port: OutputPort): Timestamp {
    if (this.plan.isSource && this.phase === 'process') {
      // Sources have no input timestamp: continue from the stream's bound, starting at 0.
      return Math.max(port.nextTimestampBound, 0);
    }
    const ts = this.inputTimestamp + (this.plan.offset ?? 0);
    if (Timestamp.isRangeValue(this.inputTimestamp)) return ts;
    throw new RunError(
      R.TIMESTAMP_INVALID,
      `node "${this.nodeName}" (${this.calculatorName}) output "${port.label}": add(value) needs a timestamp in ${this.phase} (there is no input timestamp); pass one: add(value, ts)`,
    );
  }

  // ---- Scheduling --------------------------------------------------------------------------

  enqueue(local: number, packet: Packet, bound: Timestamp): void {
    if (this.state >= NodeState.Closing) return;
    const q = this.queues[local]!;
    q.push(packet);
    this.bounds[local] = bound;
    if (this.#maxQueue > 0 && q.size === this.#maxQueue && !this.plan.backEdge[local]) this.run.fullCount++;
    if (this.state === NodeState.Open) this.run.markReady(this);
  }

  raiseBound(local: number, bound: Timestamp): void {
    if (bound <= this.bounds[local]!) return;
    this.bounds[local] = bound;
    if (this.state === NodeState.Open) this.run.markReady(this);
  }

  isFull(local: number): boolean {
    return this.#maxQueue > 0 && this.queues[local]!.size >= this.#maxQueue;
  }

  /** Called by the scheduler: processes at most one input set, or closes the node when all inputs are done. */
  step(): void {
    if (this.state !== NodeState.Open || this.busy) return;
    if (this.plan.isSource) {
      if (this.run.fullCount > 0 && this.run.isThrottled(this.plan.throttleSlots)) {
        this.run.throttle(this);
        return;
      }
      this.#invoke(Timestamp.Unstarted);
      return;
    }
    const sets = this.plan.syncSets;
    let ts: number;
    let chosen = 0;
    if (sets.length === 1) {
      ts = this.#evalSet(sets[0]!, 0);
    } else {
      ts = SET_DONE;
      for (let s = 0; s < sets.length; s++) {
        const r = this.#evalSet(sets[s]!, s);
        if (r === SET_DONE) continue;
        if (ts === SET_DONE || (r !== NOT_READY && (ts === NOT_READY || r < ts))) {
          ts = r;
          chosen = s;
        }
      }
    }
    if (ts === NOT_READY) {
      this.#propagateOffset();
      return;
    }
    if (ts === SET_DONE) {
      this.close();
      return;
    }
    this.#fill(sets[chosen]!, ts);
    this.#lastProcessed[chosen] = ts;
    this.#invoke(ts);
  }

  #evalSet(set: readonly number[], s: number): number {
    let minPacket = DONE;
    let minBound = DONE;
    let closed = true;
    const queues = this.queues;
    for (let i = 0; i < set.length; i++) {
      const local = set[i]!;
      const q = queues[local]!;
      if (q.size > 0) {
        closed = false;
        const t = q.headTimestamp();
        if (t < minPacket) minPacket = t;
      } else {
        const b = this.bounds[local]!;
        if (b !== DONE) {
          closed = false;
          // Back edges never hold an input set back (their data arrives after the set it follows).
          if (b < minBound && !this.plan.backEdge[local]) minBound = b;
        }
      }
    }
    if (minPacket < minBound) return minPacket;
    if (closed) return SET_DONE;
    if (this.plan.processBounds && minBound !== DONE) {
      const t = minBound - 1;
      if (t > this.#lastProcessed[s]! && Timestamp.isRangeValue(t)) return t;
    }
    return NOT_READY;
  }

  #fill(set: readonly number[], ts: number): void {
    const current = this.#current;
    if (this.plan.syncSets.length > 1) current.fill(undefined);
    for (let i = 0; i < set.length; i++) {
      const local = set[i]!;
      const q = this.queues[local]!;
      if (q.size > 0 && q.headTimestamp() === ts) {
        current[local] = q.shift();
        if (this.#maxQueue > 0 && q.size === this.#maxQueue - 1 && !this.plan.backEdge[local])
          this.run.unfull();
      } else {
        current[local] = undefined;
      }
    }
  }

  /** Timestamp offset: a promise about inputs is a promise about outputs, even without packets. */
  #propagateOffset(): void {
    const offset = this.plan.offset;
    if (offset === undefined) return;
    let settled = DONE;
    const n = this.queues.length;
    for (let local = 0; local < n; local++) {
      if (this.plan.backEdge[local]) continue;
      const q = this.queues[local]!;
      const v = q.size > 0 ? q.headTimestamp() : this.bounds[local]!;
      if (v < settled) settled = v;
    }
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
      this.busy = true;
      this.run.inflight++;
      this.settled = result.then(
        (r) => {
          this.busy = false;
          this.run.inflight--;
          if (this.run.stopping) return;
          this.#afterProcess(r, t0);
          this.run.runLoop();
        },
        (error: unknown) => {
          this.busy = false;
          this.run.inflight--;
          this.run.failNode(this, error);
        },
      );
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
    if (this.#mayHaveWork()) this.run.markReady(this);
  }

  /**
   * After a process call: whether another step could do anything. Avoids a scheduler round trip
   * per packet in a flowing chain; new packets and bounds mark the node ready anyway.
   */
  #mayHaveWork(): boolean {
    if (this.plan.isSource || this.plan.processBounds) return true;
    let closed = true;
    for (let local = 0; local < this.queues.length; local++) {
      if (this.queues[local]!.size > 0) return true;
      if (this.bounds[local] !== DONE) closed = false;
    }
    return closed;
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
      this.busy = true;
      this.run.inflight++;
      this.settled = result.then(
        () => {
          this.busy = false;
          this.run.inflight--;
          if (this.run.stopping) {
            this.state = NodeState.Open; // so that shutdown() closes what open acquired
            return;
          }
          if (t0 !== 0) this.#record('open', t0);
          this.#opened();
        },
        (error: unknown) => {
          this.busy = false;
          this.run.inflight--;
          this.run.failNode(this, error);
        },
      );
      return this.settled;
    }
    if (t0 !== 0) this.#record('open', t0);
    this.#opened();
    return undefined;
  }

  #opened(): void {
    this.state = NodeState.Open;
    this.phase = 'process';
    this.run.markReady(this);
  }

  /** Closes the node: drops what is still queued, calls `close`, then closes every output. */
  close(): void {
    if (this.state >= NodeState.Closing) return;
    this.state = NodeState.Closing;
    this.phase = 'close';
    this.inputTimestamp = DONE;
    this.#current.fill(undefined);
    this.#dropQueues();
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
      this.busy = true;
      this.run.inflight++;
      this.settled = result.then(
        () => {
          this.busy = false;
          this.run.inflight--;
          if (this.run.stopping) return;
          if (t0 !== 0) this.#record('close', t0);
          this.#closed();
          this.run.runLoop();
        },
        (error: unknown) => {
          this.busy = false;
          this.run.inflight--;
          this.run.failNode(this, error);
        },
      );
      return;
    }
    if (t0 !== 0) this.#record('close', t0);
    this.#closed();
  }

  #closed(): void {
    for (const out of this.outputs) out.close();
    this.state = NodeState.Closed;
  }

  #dropQueues(): void {
    for (let local = 0; local < this.queues.length; local++) {
      if (this.isFull(local) && !this.plan.backEdge[local]) this.run.unfull();
      this.queues[local]!.clear();
    }
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
    this.inputTimestamp = DONE;
    this.#current.fill(undefined);
    for (const q of this.queues) q.clear();
    try {
      await this.#calc.close?.(this);
    } catch {
      // The run's first error is what the caller needs; a failing cleanup adds nothing actionable.
    }
    this.state = NodeState.Closed;
  }
}
