import { R, type RuntimeErrorCode } from '../errors/runtime-codes.js';
import { WeftError } from '../errors/weft-error.js';

/** Base class of every error a graph run raises; `code` is a stable `WEFT_ERR_...` code. */
export class RunError extends WeftError<RuntimeErrorCode> {}

/** Where in a graph an error happened (a node, or its context). */
export interface NodeRef {
  readonly nodeName: string;
  readonly calculatorName: string;
}

/**
 * A node's `open`, `process` or `close` failed. `done()` and the output iterables reject with it.
 * `cause` is what the calculator threw; `phase` says which method. `code` is the cause's own
 * runtime code when it has one (e.g. `WEFT_ERR_TIMESTAMP_NOT_INCREASING`), else `WEFT_ERR_NODE_FAILED`.
 */
export class GraphRunError extends RunError {
  readonly node: string;
  readonly calculator: string;
  constructor(
    ref: NodeRef,
    readonly phase: 'open' | 'process' | 'close',
    cause: unknown,
    readonly graph: string,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      cause instanceof RunError ? cause.code : R.NODE_FAILED,
      `node "${ref.nodeName}" (${ref.calculatorName}) failed in ${phase} in graph "${graph}": ${detail}`,
      { cause },
    );
    this.node = ref.nodeName;
    this.calculator = ref.calculatorName;
  }
}

/** A packet broke a stream's timestamp order; thrown from `add` and it also fails the run. */
export class TimestampOrderError extends RunError {}

/** The run was cancelled (`cancel()` or the start signal aborted). */
export class GraphCancelledError extends RunError {
  constructor(
    readonly graph: string,
    readonly reason?: unknown,
  ) {
    const why = reason === undefined ? '' : `: ${reason instanceof Error ? reason.message : String(reason)}`;
    super(R.RUN_CANCELLED, `run of graph "${graph}" was cancelled${why}`, { cause: reason });
  }
}

/** One input queue that was full when the run deadlocked. */
export interface FullStream {
  readonly stream: string;
  readonly node: string;
  readonly calculator: string;
  readonly size: number;
}

/** Nothing could run while a source or graph input waited for a full queue. */
export class DeadlockError extends RunError {
  constructor(
    readonly graph: string,
    readonly fullStreams: readonly FullStream[],
    maxQueueSize: number,
  ) {
    const list = fullStreams
      .map((s) => `"${s.stream}" → node "${s.node}" (${s.calculator}): ${s.size} queued`)
      .join(', ');
    super(
      R.DEADLOCK,
      `graph "${graph}" deadlocked: nothing can run while these input queues are full (max_queue_size ${maxQueueSize}): ${list}; raise max_queue_size, or feed the other inputs of the blocked nodes`,
    );
  }
}
