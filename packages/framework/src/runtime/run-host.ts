import type { Packet } from '../packet/packet.js';
import type { Timestamp } from '../timestamp/timestamp.js';
import type { TraceRecorder } from '../trace/trace-recorder.js';
import type { GraphPlan, SlotRef } from './graph-plan.js';
import type { NodeRef } from './run-errors.js';

export type Phase = 'open' | 'process' | 'close';

/** A node that failed, as the run's error names it. */
export interface FailedNode extends NodeRef {
  readonly phase: Phase;
}

/**
 * What a run's nodes, output ports and graph inputs may ask of the run that schedules them
 * (GraphRunImpl implements it). They never see the scheduler's state, only these calls, so the
 * modules that run nodes do not import the run and the run's bookkeeping stays in one file.
 */
export interface RunHost {
  readonly plan: GraphPlan;
  readonly sidePackets: ReadonlyMap<string, unknown>;
  /** Aborted when the run fails or is cancelled. */
  readonly signal: AbortSignal;
  /** Measure each open/process/close call (stats or trace requested). */
  readonly timing: boolean;
  readonly trace: TraceRecorder | undefined;
  readonly checkTypes: boolean;
  /** The run is failing or finished: nothing more is scheduled or delivered. */
  readonly stopping: boolean;
  /** The error that stopped the run (undefined while running or after success). */
  readonly error: unknown;

  /** Node `index` may have work: it runs in the current or the next scheduler pass. */
  schedule(index: number): void;
  /** Makes sure the scheduler looks at the ready nodes soon, without re-entering it from a calculator. */
  wake(): void;
  /** Runs ready nodes now (after an async call settled or a graph input changed), unless already running. */
  runLoop(): void;
  /** Hands a packet on `stream` (and the stream's new bound) to its consumers and graph output. */
  deliver(stream: number, packet: Packet, bound: Timestamp): void;
  /** Raises the bound of `stream` at its consumers and graph output. */
  propagateBound(stream: number, bound: Timestamp): void;

  /** Whether a producer feeding `slots` must wait because one of those input queues is full. */
  isThrottled(slots: readonly SlotRef[]): boolean;
  /** Source node `index` waits until a full queue drains. */
  throttle(index: number): void;
  /** An input queue became full. */
  queueFull(): void;
  /** A full input queue lost a packet: throttled sources and graph inputs may go on. */
  queueUnfull(): void;

  /** An async open/process/close started; the run does not end while one is in flight. */
  asyncStarted(): void;
  asyncSettled(): void;

  /** Stops the run with `error`, named after `node` (unless it already is a run error). */
  failNode(node: FailedNode, error: unknown): void;
  /** An output side packet set by `node`; opens the nodes that were waiting for it. */
  setSidePacket(name: string, value: unknown, node: NodeRef): void;
}
