/**
 * Stop strings over streamed text. Text that could still be the start of a stop string is held
 * back, so a stop string split across tokens is never leaked to the client; once one matches, the
 * text is cut before it (or after it, with `include_stop_str_in_output`) and nothing more passes.
 */
export class StopStringBuffer {
  readonly #stops: readonly string[];
  readonly #include: boolean;
  readonly #longest: number;
  #held = '';
  #stopped = false;

  constructor(stops: readonly string[], includeStopStr: boolean) {
    this.#stops = stops;
    this.#include = includeStopStr;
    this.#longest = stops.reduce((m, s) => Math.max(m, s.length), 0);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** The stop string that matched, once `stopped`. */
  matched: string | undefined;

  /** Adds newly decoded text; returns what may be shown now. */
  push(text: string): string {
    if (this.#stopped) return '';
    if (this.#longest === 0) return text;
    const buf = this.#held + text;
    let at = -1;
    let which = '';
    for (const stop of this.#stops) {
      const i = buf.indexOf(stop);
      // Earliest match wins; at the same place the longer stop string does.
      if (i >= 0 && (at < 0 || i < at || (i === at && stop.length > which.length))) {
        at = i;
        which = stop;
      }
    }
    if (at >= 0) {
      this.#stopped = true;
      this.matched = which;
      this.#held = '';
      return buf.slice(0, this.#include ? at + which.length : at);
    }
    const keep = this.#heldSuffix(buf);
    this.#held = buf.slice(buf.length - keep);
    return buf.slice(0, buf.length - keep);
  }

  /** The held-back text, at the end of a sequence that did not stop on a string. */
  flush(): string {
    const rest = this.#stopped ? '' : this.#held;
    this.#held = '';
    return rest;
  }

  // Longest suffix of `buf` that is a proper prefix of some stop string.
  #heldSuffix(buf: string): number {
    for (let len = Math.min(this.#longest - 1, buf.length); len > 0; len--) {
      const tail = buf.slice(buf.length - len);
      for (const stop of this.#stops) if (stop.length > len && stop.startsWith(tail)) return len;
    }
    return 0;
  }
}
