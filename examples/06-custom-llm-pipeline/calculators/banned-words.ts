/** What a scan of new text decided: text safe to show now, and whether a banned word was found. */
export interface ScanResult {
  /** Text that can be shown now (redacted in `redact` mode; cut before the word on a hit in `stop` mode). */
  readonly text: string;
  /** The banned word found (`stop` mode only), as written in the list. */
  readonly hit: string | undefined;
}

/**
 * Scans one choice's text as it streams in. A banned word can arrive split across deltas ("pa" +
 * "ttern"), so the tail that could still become one is held back until more text (or the end)
 * decides it, the same way stop strings are held back. Matching ignores case.
 */
export class BannedWordScanner {
  readonly #words: readonly string[];
  readonly #lower: readonly string[];
  #pending = '';

  constructor(
    words: readonly string[],
    private readonly mode: 'redact' | 'stop',
    private readonly replacement: string,
  ) {
    this.#words = words.filter((w) => w.length > 0);
    this.#lower = this.#words.map((w) => w.toLowerCase());
  }

  /** Adds new text; returns what can be shown now. */
  push(text: string): ScanResult {
    this.#pending += text;
    const lower = this.#pending.toLowerCase();
    let out = '';
    let from = 0;
    for (;;) {
      const found = this.#firstMatch(lower, from);
      if (found === undefined) break;
      out += this.#pending.slice(from, found.at);
      if (this.mode === 'stop') {
        this.#pending = '';
        return { text: out, hit: this.#words[found.word] };
      }
      out += this.replacement;
      from = found.at + this.#lower[found.word]!.length;
    }
    const keep = this.#heldBack(lower, from);
    out += this.#pending.slice(from, this.#pending.length - keep);
    this.#pending = this.#pending.slice(this.#pending.length - keep);
    return { text: out, hit: undefined };
  }

  /** The choice ended: nothing more can complete a word, so the held-back tail is shown. */
  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return rest;
  }

  #firstMatch(lower: string, from: number): { at: number; word: number } | undefined {
    let best: { at: number; word: number } | undefined;
    this.#lower.forEach((w, word) => {
      const at = lower.indexOf(w, from);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, word };
    });
    return best;
  }

  /** Length of the longest tail (after `from`) that is a proper prefix of a banned word. */
  #heldBack(lower: string, from: number): number {
    let keep = 0;
    for (const w of this.#lower) {
      for (let n = Math.min(w.length - 1, lower.length - from); n > keep; n--) {
        if (lower.endsWith(w.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    return keep;
  }
}
