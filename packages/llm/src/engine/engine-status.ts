/** The last failure an engine saw, as shown by `/v1/config`. */
export interface EngineFailure {
  readonly message: string;
  readonly code: string;
  /** ISO 8601 time of the failure. */
  readonly at: string;
}

/**
 * What `Engine.status()` returns. `ready`: a worker serves. `restarting`: the worker died and a new
 * one is loading the model; new requests queue and run on it. `failed`: the restart budget is spent
 * (or a new worker could not load the model); requests get `EngineUnavailableError` (503).
 * `closed`: `close()` was called. Only `ready` can serve, so readiness probes should say not-ready
 * in every other state.
 */
export interface EngineStatus {
  readonly state: 'ready' | 'restarting' | 'failed' | 'closed';
  /** Workers started after the first one. */
  readonly restarts: number;
  readonly lastError: EngineFailure | undefined;
}
