import { isLlmErrorCode, L } from '../errors/llm-error-codes.js';
import { LlmRuntimeError } from '../runtime/runtime-errors.js';

/** The engine's wait queue is at `maxQueued`; a client is told to retry later. */
export class EngineQueueFullError extends LlmRuntimeError {
  readonly maxQueued: number;
  constructor(maxQueued: number) {
    super(
      L.ENGINE_QUEUE_FULL,
      `the engine queue is full (${maxQueued} requests waiting, maxQueued = ${maxQueued}); retry later or raise maxQueued`,
    );
    this.maxQueued = maxQueued;
  }
}

/** `submit` after `close()`, or a group used after its engine closed. */
export class EngineClosedError extends LlmRuntimeError {
  constructor() {
    super(L.ENGINE_CLOSED, 'the engine is closed; start a new one with Engine.start()');
  }
}

/** The worker could not start or died; every pending group fails with it. */
export class EngineWorkerError extends LlmRuntimeError {
  /** Name of the worker-side error class (e.g. `ModelLoadError`); its code becomes this error's code. */
  readonly workerErrorName: string | undefined;
  constructor(message: string, origin?: { name: string; code: string | undefined }) {
    super(isLlmErrorCode(origin?.code) ? origin.code : L.ENGINE_WORKER, `engine worker failed: ${message}`);
    this.workerErrorName = origin?.name;
  }
}

/** The engine cannot serve: its worker kept dying and the restart budget is spent (or a restart failed to load). */
export class EngineUnavailableError extends LlmRuntimeError {
  constructor(detail: string) {
    super(
      L.ENGINE_UNAVAILABLE,
      `the engine is not serving: ${detail}; reload the graph (or restart the server) once the cause is fixed`,
    );
  }
}

/** A group method called out of order (append without next, next twice, use after finish, wrong rows). */
export class SequenceGroupStateError extends LlmRuntimeError {
  constructor(message: string) {
    super(L.SEQUENCE_GROUP_STATE, message);
  }
}
