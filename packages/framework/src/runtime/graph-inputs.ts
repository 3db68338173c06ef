import { portSpecOf } from '../calculator/port-spec.js';
import { suggest } from '../errors/did-you-mean.js';
import { R } from '../errors/runtime-codes.js';
import { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import { prePostStreamProblem } from './pre-post-stream.js';
import { RunError } from './run-errors.js';
import type { RunHost } from './run-host.js';
import { checkValue } from './type-check.js';

const RESOLVED = Promise.resolve();

/** A packet, bound or close waiting for a full queue to drain (kept in order per stream). */
interface PendingOp {
  readonly packet?: Packet;
  readonly bound: Timestamp;
  readonly resolve?: () => void;
  readonly reject?: (error: unknown) => void;
}

interface InputState {
  bound: Timestamp;
  /** Timestamp of the last packet added, for the PreStream/PostStream rule. */
  last: Timestamp | undefined;
  closed: boolean;
  applied: boolean;
  readonly pending: PendingOp[];
}

/**
 * The graph input streams of one run: timestamp checks, `max_queue_size` throttling (an
 * `addPacket` waits while a queue it feeds is full) and closing.
 */
export class GraphInputs {
  readonly #states: InputState[];
  /** Operations waiting for a queue to drain, all streams together. */
  pendingCount = 0;
  /** Inputs not closed yet (closing counts once it has reached the graph). */
  openCount: number;

  constructor(readonly run: RunHost) {
    this.#states = run.plan.inputs.map(() => ({
      bound: Timestamp.Unstarted,
      last: undefined,
      closed: false,
      applied: false,
      pending: [],
    }));
    this.openCount = run.plan.inputs.length;
  }

  #find(stream: string, what: string): { state: InputState; index: number } | RunError {
    const run = this.run;
    // A failed run's own error says most; after a run that ended well, a closed input says why.
    if (run.stopping && run.error instanceof RunError) return run.error;
    const index = run.plan.inputIds.get(stream);
    if (index === undefined) {
      const names = run.plan.inputs.map((i) => i.name);
      return new RunError(
        R.UNKNOWN_STREAM,
        `${what}: "${stream}" is not an input stream of graph "${run.plan.name}"${suggest(stream, names)}`,
      );
    }
    const state = this.#states[index]!;
    if (state.closed) {
      return new RunError(
        R.INPUT_CLOSED,
        `${what}: graph input "${stream}" is already closed; add packets before closeInput()`,
      );
    }
    if (run.stopping) {
      return new RunError(
        R.RUN_FINISHED,
        `${what} "${stream}": the run of graph "${run.plan.name}" has finished`,
      );
    }
    return { state, index };
  }

  add(stream: string, value: unknown, timestamp: Timestamp): Promise<void> {
    const found = this.#find(stream, 'addPacket');
    if (found instanceof Error) return Promise.reject(found);
    const { state, index } = found;
    const alone = prePostStreamProblem(timestamp, state.last);
    if (alone !== undefined && Timestamp.isAllowedInStream(timestamp)) {
      return Promise.reject(
        new RunError(R.PRE_POST_STREAM_PACKET, `addPacket: graph input "${stream}": ${alone}`),
      );
    }
    if (!Timestamp.isAllowedInStream(timestamp) || timestamp < state.bound) {
      return Promise.reject(
        new RunError(
          Timestamp.isAllowedInStream(timestamp) ? R.TIMESTAMP_NOT_INCREASING : R.TIMESTAMP_INVALID,
          `addPacket: graph input "${stream}" got a packet at ${Timestamp.format(timestamp)} but the next allowed timestamp is ${Timestamp.format(state.bound)}; timestamps on a stream must strictly increase (integers in [Timestamp.Min, Timestamp.Max])`,
        ),
      );
    }
    const run = this.run;
    const plan = run.plan.inputs[index]!;
    if (run.checkTypes) {
      const problem = this.#typeProblem(plan.stream, value);
      if (problem !== undefined) return Promise.reject(problem);
    }
    state.bound = Timestamp.nextAllowedInStream(timestamp);
    state.last = timestamp;
    const packet = new Packet(value, timestamp);
    if (state.pending.length > 0 || run.isThrottled(plan.throttleSlots)) {
      const waiting = new Promise<void>((resolve, reject) => {
        state.pending.push({ packet, bound: state.bound, resolve, reject });
        this.pendingCount++;
        run.wake(); // lets the scheduler notice a deadlock
      });
      // It can only reject with the run's own error, which done() reports: a caller that did not
      // await this promise must not crash the process with an unhandled rejection.
      waiting.catch(() => {});
      return waiting;
    }
    run.deliver(plan.stream, packet, state.bound);
    run.runLoop();
    return RESOLVED;
  }

  #typeProblem(stream: number, value: unknown): RunError | undefined {
    const s = this.run.plan.streams[stream]!;
    for (let i = 0; i < s.consumerNodes.length; i++) {
      const node = this.run.plan.nodes[s.consumerNodes[i]!]!;
      const type = portSpecOf(node.def.inputs, node.spec.inputs[s.consumerLocals[i]!]!.tag)?.type;
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

  setBound(stream: string, bound: Timestamp): void {
    const found = this.#find(stream, 'setInputBound');
    if (found instanceof Error) throw found;
    const { state, index } = found;
    if (bound <= state.bound) return;
    state.bound = bound;
    this.#applyOrQueue(state, index, { bound });
  }

  close(stream: string): void {
    const found = this.#find(stream, 'closeInput');
    if (found instanceof Error) {
      if (found.code === R.INPUT_CLOSED || this.run.stopping) return; // closing twice is harmless
      throw found;
    }
    found.state.closed = true;
    found.state.bound = Timestamp.Done;
    this.#applyOrQueue(found.state, found.index, { bound: Timestamp.Done });
  }

  #applyOrQueue(state: InputState, index: number, op: PendingOp): void {
    if (state.pending.length > 0) {
      state.pending.push(op);
      this.pendingCount++;
      return;
    }
    this.#apply(state, index, op);
    this.run.runLoop();
  }

  #apply(state: InputState, index: number, op: PendingOp): void {
    const stream = this.run.plan.inputs[index]!.stream;
    if (op.packet !== undefined) this.run.deliver(stream, op.packet, op.bound);
    else this.run.propagateBound(stream, op.bound);
    if (op.bound === Timestamp.Done && !state.applied) {
      state.applied = true;
      this.openCount--;
    }
    op.resolve?.();
  }

  /** Applies waiting operations, in order per stream, as far as the queues now allow. */
  drain(): void {
    const run = this.run;
    run.plan.inputs.forEach((input, index) => {
      const state = this.#states[index]!;
      while (state.pending.length > 0) {
        const op = state.pending[0]!;
        if (op.packet !== undefined && run.isThrottled(input.throttleSlots)) break;
        state.pending.shift();
        this.pendingCount--;
        this.#apply(state, index, op);
      }
    });
  }

  rejectPending(error: unknown): void {
    for (const state of this.#states) {
      for (const op of state.pending.splice(0)) op.reject?.(error);
    }
    this.pendingCount = 0;
  }
}
