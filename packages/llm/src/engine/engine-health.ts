/**
 * Whether an engine can serve right now. The server's readiness probe and `GET /v1/config` read
 * it; supervision (restarting a dead worker) changes it. A stable, small surface:
 *
 * - `ready`: submit() is served.
 * - `restarting`: the worker died and a new one is starting; submit() fails until it is ready.
 * - `failed`: the worker died and will not come back by itself (reload the graph).
 * - `closed`: close() was called.
 */
export type EngineState = 'ready' | 'restarting' | 'failed' | 'closed';

export interface EngineHealth {
  readonly state: EngineState;
  /** True only in `ready`: a request submitted now would be served. */
  readonly servable: boolean;
  /** Why the engine cannot serve (the worker's error), or null when it can. */
  readonly reason: string | null;
  /** Unix milliseconds of the last state change. */
  readonly since: number;
}

export type EngineHealthListener = (health: EngineHealth) => void;

/** Holds the current health and tells listeners about each change (one place for both). */
export class HealthState {
  #health: EngineHealth = { state: 'ready', servable: true, reason: null, since: Date.now() };
  readonly #listeners = new Set<EngineHealthListener>();

  get current(): EngineHealth {
    return this.#health;
  }

  set(state: EngineState, reason: string | null = null): void {
    if (this.#health.state === state && this.#health.reason === reason) return;
    this.#health = { state, servable: state === 'ready', reason, since: Date.now() };
    for (const listener of [...this.#listeners]) listener(this.#health);
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: EngineHealthListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
