import { LlmRuntimeError } from '../runtime/runtime-errors.js';

/** The engine's wait queue is at `maxQueued`; the server answers 429. */
export class EngineQueueFullError extends LlmRuntimeError {
  readonly maxQueued: number;
  constructor(maxQueued: number) {
    super(
      'WEFT_ERR_ENGINE_QUEUE_FULL',
      `the engine queue is full (${maxQueued} requests waiting, maxQueued = ${maxQueued}); retry later or raise maxQueued`,
      429,
    );
    this.maxQueued = maxQueued;
  }
}

/** `submit` after `close()`, or a group used after its engine closed. */
export class EngineClosedError extends LlmRuntimeError {
  constructor() {
    super('WEFT_ERR_ENGINE_CLOSED', 'the engine is closed; start a new one with Engine.start()', 503);
  }
}

/** The worker could not start or died; every pending group fails with it. */
export class EngineWorkerError extends LlmRuntimeError {
  /** Name of the worker-side error class (e.g. `ModelLoadError`); its code becomes this error's code. */
  readonly workerErrorName: string | undefined;
  constructor(message: string, origin?: { name: string; code: string | undefined }) {
    super(origin?.code ?? 'WEFT_ERR_ENGINE_WORKER', `engine worker failed: ${message}`, 500);
    this.workerErrorName = origin?.name;
  }
}

/** The engine cannot serve: its worker kept dying and the restart budget is spent (or a restart failed to load). */
export class EngineUnavailableError extends LlmRuntimeError {
  constructor(detail: string) {
    super(
      'WEFT_ERR_ENGINE_UNAVAILABLE',
      `the engine is not serving: ${detail}; reload the graph (or restart the server) once the cause is fixed`,
      503,
    );
  }
}

/** A group method called out of order (append without next, next twice, use after finish, wrong rows). */
export class SequenceGroupStateError extends LlmRuntimeError {
  constructor(message: string) {
    super('WEFT_ERR_SEQUENCE_GROUP_STATE', message, 500);
  }
}

/** Entries for the llm package's error-code table (shape of the framework's `ErrorCodeEntry`). */
export const engineErrorCodes = [
  {
    code: 'WEFT_ERR_ENGINE_QUEUE_FULL',
    status: 429,
    title: 'Engine queue full',
    description:
      'More requests are waiting for a seat in the running batch than `maxQueued` allows. Retry later, or raise maxQueued / maxNumSeqs / kvCacheTokens.',
  },
  {
    code: 'WEFT_ERR_ENGINE_CLOSED',
    status: 503,
    title: 'Engine closed',
    description:
      'A request reached an engine after `close()` (e.g. during a graph reload). Retry; a new engine serves it.',
  },
  {
    code: 'WEFT_ERR_ENGINE_WORKER',
    status: 500,
    title: 'Engine worker failed',
    description:
      "The engine's worker thread could not open the model or stopped unexpectedly (crash, out of memory). The message carries the worker's error; requests running on it fail with it, queued ones wait for the restarted worker.",
  },
  {
    code: 'WEFT_ERR_ENGINE_UNAVAILABLE',
    status: 503,
    title: 'Engine unavailable',
    description:
      "The engine's worker died more often than its restart budget allows (`maxRestarts` within `restartWindowMs`), or a restarted worker could not load the model. Readiness reports not-ready and `/v1/config` shows the last error; reload the graph once the cause is fixed.",
  },
  {
    code: 'WEFT_ERR_SEQUENCE_GROUP_STATE',
    status: 500,
    title: 'Sequence group used out of order',
    description:
      'A caller broke the next() → append() → next() rhythm of a sequence group, used it after finish(), or appended a wrong number of tokens or parents. A bug in the caller (e.g. the LLM executor), not in the request.',
  },
] as const;
