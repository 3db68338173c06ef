import type { LogprobEntry, TokenLogprob } from '../openai/response-types.js';
import type { RawLogprobs } from '../sampling/logprobs.js';
import type { StreamDecoder } from '../tokenizer/stream-decoder.js';
import { type TokenByteScheme, tokenBytes } from '../tokenizer/token-bytes.js';

/** What the LLM calculators need from a tokenizer to turn ids into text. */
export interface TextDecoderSource {
  createStreamDecoder(options?: { skipSpecialTokens?: boolean }): StreamDecoder;
  idToToken?(id: number): string | undefined;
  /** Read with tokenizer.json at load: nothing here touches the disk while serving. */
  byteScheme?(): TokenByteScheme;
}

/**
 * Text and raw bytes of single tokens, for logprobs. `bytes` are the token's own UTF-8 bytes (a
 * token holding half a character has just those bytes, as OpenAI's `bytes` field intends); its
 * `text` then shows U+FFFD. Cached per id.
 */
export class TokenTexts {
  readonly #source: TextDecoderSource;
  readonly #scheme: TokenByteScheme | undefined;
  readonly #cache = new Map<number, { text: string; bytes: number[] }>();
  readonly #encoder = new TextEncoder();

  static #shared = new WeakMap<TextDecoderSource, TokenTexts>();

  /** One cache per tokenizer, shared by every run. */
  static for(source: TextDecoderSource): TokenTexts {
    let texts = TokenTexts.#shared.get(source);
    if (!texts) {
      texts = new TokenTexts(source);
      TokenTexts.#shared.set(source, texts);
    }
    return texts;
  }

  constructor(source: TextDecoderSource) {
    this.#source = source;
    this.#scheme = source.idToToken ? source.byteScheme?.() : undefined;
  }

  get(id: number): { text: string; bytes: number[] } {
    let hit = this.#cache.get(id);
    if (!hit) {
      const d = this.#source.createStreamDecoder({ skipSpecialTokens: false });
      const text = d.push(id) + d.flush();
      const token = this.#scheme ? this.#source.idToToken?.(id) : undefined;
      const bytes =
        token !== undefined && this.#scheme ? tokenBytes(token, this.#scheme) : this.#encoder.encode(text);
      hit = { text, bytes: [...bytes] };
      this.#cache.set(id, hit);
    }
    return hit;
  }

  entry(token: number, raw: RawLogprobs): LogprobEntry {
    const alt = (t: number, logprob: number): TokenLogprob => ({ token: t, ...this.get(t), logprob });
    return { ...alt(token, raw.logprob), top: raw.top.map((a) => alt(a.token, a.logprob)) };
  }
}
