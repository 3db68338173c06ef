import type { LogprobEntry, TokenLogprob } from '../openai/response-types.js';
import type { RawLogprobs } from '../sampling/logprobs.js';
import type { StreamDecoder } from '../tokenizer/stream-decoder.js';

/** What the LLM calculators need from a tokenizer to turn ids into text. */
export interface TextDecoderSource {
  createStreamDecoder(options?: { skipSpecialTokens?: boolean }): StreamDecoder;
}

/**
 * Text and bytes of single tokens, for logprobs. A token that is only part of a UTF-8 character
 * shows as U+FFFD (its `bytes` are then those of U+FFFD too). Cached per id.
 */
export class TokenTexts {
  readonly #source: TextDecoderSource;
  readonly #cache = new Map<number, { text: string; bytes: number[] }>();
  readonly #encoder = new TextEncoder();

  constructor(source: TextDecoderSource) {
    this.#source = source;
  }

  get(id: number): { text: string; bytes: number[] } {
    let hit = this.#cache.get(id);
    if (!hit) {
      const d = this.#source.createStreamDecoder({ skipSpecialTokens: false });
      const text = d.push(id) + d.flush();
      hit = { text, bytes: [...this.#encoder.encode(text)] };
      this.#cache.set(id, hit);
    }
    return hit;
  }

  entry(token: number, raw: RawLogprobs): LogprobEntry {
    const alt = (t: number, logprob: number): TokenLogprob => ({ token: t, ...this.get(t), logprob });
    return { ...alt(token, raw.logprob), top: raw.top.map((a) => alt(a.token, a.logprob)) };
  }
}
