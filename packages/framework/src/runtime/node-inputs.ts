import type { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import type { NodePlan } from './graph-plan.js';
import { PacketQueue } from './packet-queue.js';

const DONE = Timestamp.Done;
const MAX = Timestamp.Max;
/** `next()` results that are not timestamps. */
export const NOT_READY = Number.NEGATIVE_INFINITY;
export const ALL_DONE = Number.POSITIVE_INFINITY;

/**
 * A node's input side within one run: a queue and a next-timestamp bound per input, and the input
 * stream handler's rule for forming input sets (MediaPipe's SyncSet readiness):
 * a set is ready at T when some input has a packet at T and every input is settled at T (its head
 * packet is at T or later, or its bound is past T). Back edges never hold a set back.
 */
export class NodeInputs {
  readonly queues: PacketQueue[];
  readonly bounds: number[];
  /** The packets of the input set being processed, by local input index. */
  readonly current: (Packet | undefined)[];
  /**
   * Set when the run ends this node by closing its back edges (nothing upstream is left): like
   * MediaPipe ending a graph run, the node then closes without the Timestamp.Max process call.
   */
  runEnding = false;
  readonly #lastProcessed: number[];
  /** Per set, what the last `next()` found (only kept when there are several sets). */
  readonly #ready: number[];

  constructor(
    readonly plan: NodePlan,
    readonly maxQueue: number,
  ) {
    const n = plan.inputStreams.length;
    this.queues = new Array(n);
    this.bounds = new Array(n);
    this.current = new Array(n);
    for (let i = 0; i < n; i++) {
      this.queues[i] = new PacketQueue();
      this.bounds[i] = Timestamp.Unstarted;
      this.current[i] = undefined;
    }
    this.#lastProcessed = plan.syncSets.map(() => Timestamp.Unstarted);
    this.#ready = plan.syncSets.map(() => NOT_READY);
  }

  /** Adds a packet; returns true when this made the queue full (it counts towards throttling). */
  push(local: number, packet: Packet, bound: Timestamp): boolean {
    const q = this.queues[local]!;
    q.push(packet);
    this.bounds[local] = bound;
    return this.maxQueue > 0 && q.size === this.maxQueue && !this.plan.backEdge[local];
  }

  /** Raises an input's bound; returns whether it changed. */
  raise(local: number, bound: Timestamp): boolean {
    if (bound <= this.bounds[local]!) return false;
    this.bounds[local] = bound;
    return true;
  }

  isFull(local: number): boolean {
    return this.maxQueue > 0 && this.queues[local]!.size >= this.maxQueue && !this.plan.backEdge[local];
  }

  /**
   * The timestamp of the earliest ready input set, `NOT_READY`, or `ALL_DONE`. Every
   * set ready at that same timestamp is filled by `take` (MediaPipe's immediate handler fills all
   * sync sets whose ready timestamp equals the input timestamp).
   */
  next(): number {
    const sets = this.plan.syncSets;
    if (sets.length === 1) return this.#evalSet(sets[0]!, 0);
    const ready = this.#ready;
    let ts = ALL_DONE;
    for (let s = 0; s < sets.length; s++) {
      const r = this.#evalSet(sets[s]!, s);
      ready[s] = r;
      if (r === ALL_DONE) continue;
      if (ts === ALL_DONE || (r !== NOT_READY && (ts === NOT_READY || r < ts))) ts = r;
    }
    return ts;
  }

  #evalSet(set: readonly number[], s: number): number {
    let minPacket = DONE;
    let minBound = DONE;
    let minBackBound = DONE;
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
          if (!this.plan.backEdge[local]) {
            if (b < minBound) minBound = b;
          } else if (b < minBackBound) minBackBound = b;
        }
      }
    }
    if (minPacket < minBound) return minPacket;
    if (closed) {
      // MediaPipe's immediate handler, processing bounds, calls Process once more at Timestamp::Max
      // when a set's inputs are all done, so a calculator can emit a summary before it closes.
      if (this.plan.closeAtMax && !this.runEnding && this.#lastProcessed[s]! < MAX) return MAX;
      return ALL_DONE;
    }
    // A set of back edges only (an immediate-handler LOOP input) reports its own bound, so a
    // calculator processing bounds sees the loop advance without a packet (MediaPipe does too).
    const bound = minBound !== DONE ? minBound : minBackBound;
    if (this.plan.processBounds && bound !== DONE) {
      const t = bound - 1;
      if (t > this.#lastProcessed[s]! && Timestamp.isRangeValue(t)) return t;
    }
    return NOT_READY;
  }

  /** Moves the packets at `ts` of every set ready at `ts` into `current`; `onUnfull` per queue that stops being full. */
  take(ts: number, onUnfull: () => void): void {
    const sets = this.plan.syncSets;
    if (sets.length === 1) {
      this.#takeSet(0, ts, onUnfull);
      return;
    }
    this.current.fill(undefined);
    for (let s = 0; s < sets.length; s++) if (this.#ready[s] === ts) this.#takeSet(s, ts, onUnfull);
  }

  #takeSet(s: number, ts: number, onUnfull: () => void): void {
    const current = this.current;
    const set = this.plan.syncSets[s]!;
    for (let i = 0; i < set.length; i++) {
      const local = set[i]!;
      const q = this.queues[local]!;
      if (q.size > 0 && q.headTimestamp() === ts) {
        current[local] = q.shift();
        if (this.maxQueue > 0 && q.size === this.maxQueue - 1 && !this.plan.backEdge[local]) onUnfull();
      } else {
        current[local] = undefined;
      }
    }
    this.#lastProcessed[s] = ts;
  }

  /**
   * For `ctx.inputBound`: the smallest timestamp on one input whose packet (if any) has not been
   * given to `process` yet (its queue head, else its bound). Everything below it is settled and seen.
   */
  seenThrough(local: number): number {
    const q = this.queues[local]!;
    return q.size > 0 ? q.headTimestamp() : this.bounds[local]!;
  }

  /** Smallest timestamp not yet processed on any (non-back-edge) input: everything below is settled. */
  settledThrough(): number {
    let settled = DONE;
    const n = this.queues.length;
    for (let local = 0; local < n; local++) {
      if (this.plan.backEdge[local]) continue;
      const q = this.queues[local]!;
      const v = q.size > 0 ? q.headTimestamp() : this.bounds[local]!;
      if (v < settled) settled = v;
    }
    return settled;
  }

  /** Whether another step could do anything without news (packets queued, or everything closed). */
  mayHaveWork(): boolean {
    let closed = true;
    for (let local = 0; local < this.queues.length; local++) {
      if (this.queues[local]!.size > 0) return true;
      if (this.bounds[local] !== DONE) closed = false;
    }
    return closed;
  }

  /** Drops every queued packet; returns how many full queues this emptied. */
  clear(): number {
    let wasFull = 0;
    for (let local = 0; local < this.queues.length; local++) {
      if (this.isFull(local)) wasFull++;
      this.queues[local]!.clear();
    }
    this.current.fill(undefined);
    return wasFull;
  }
}
