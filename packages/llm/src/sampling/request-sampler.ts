import { logSumExp, type RawLogprobs, rawLogprobs } from './logprobs.js';
import { randomSeed, SeededRng } from './rng.js';
import type { SamplingParams } from './sampling-params.js';
import { SequenceState } from './sequence-state.js';
import { applyTokenBitmask, type TokenBitmask } from './token-mask.js';
import { TokenSampler } from './token-sampler.js';

export interface SampledToken {
  readonly token: number;
  /** Set when the request asked for logprobs. */
  readonly logprobs: RawLogprobs | undefined;
  /** `stop` on EOS, `length` at max tokens; undefined while the sequence goes on. */
  readonly finish: 'stop' | 'length' | undefined;
}

interface Slot {
  readonly state: SequenceState;
  readonly rng: SeededRng;
  readonly maxTokens: number;
  cumLogprob: number;
}

/**
 * Samples every candidate sequence ("slot") of one request. Slot i draws from its own RNG seeded
 * with (seed, i), so a seeded request gives the same tokens whatever else shares the batch.
 */
export class RequestSampler {
  readonly tokenSampler: TokenSampler;
  readonly #p: SamplingParams;
  readonly #eos: Set<number>;
  readonly #slots: Slot[] = [];
  readonly #seed: number;
  readonly #trackCum: boolean;
  // The masked copy of a row (logits packets are shared and never written).
  #masked = new Float32Array(0);

  constructor(params: SamplingParams, eosIds: readonly number[]) {
    this.#p = params;
    this.tokenSampler = new TokenSampler(params, eosIds);
    this.#eos = new Set(params.ignoreEos ? [] : eosIds);
    this.#seed = params.seed ?? randomSeed();
    // best_of > n ranks candidates by cumulative logprob, which then costs a log-sum-exp per token.
    this.#trackCum = params.bestOf > params.n;
  }

  /**
   * Adds a slot for a prompt; returns its index. `stream` picks which of the seed's RNG streams it
   * draws from (default: its index), so a slot sampled elsewhere (the engine's worker samples one
   * slot of a request) draws the same numbers as it would here.
   */
  addSlot(promptIds: readonly number[], maxTokens: number, stream?: number): number {
    const i = this.#slots.length;
    this.#slots.push({
      state: new SequenceState(promptIds),
      rng: new SeededRng(this.#seed, stream ?? i),
      maxTokens,
      cumLogprob: 0,
    });
    return i;
  }

  cumulativeLogprob(slot: number): number {
    return this.#slots[slot]!.cumLogprob;
  }

  generated(slot: number): number {
    return this.#slots[slot]!.state.generated;
  }

  /** Samples one token for `slot` from its row of logits, only among `mask`'s tokens when given. */
  sample(slot: number, row: Float32Array, mask?: TokenBitmask): SampledToken {
    const s = this.#slots[slot]!;
    if (mask) {
      if (this.#masked.length !== row.length) this.#masked = new Float32Array(row.length);
      this.#masked.set(row);
      applyTokenBitmask(this.#masked, mask);
      row = this.#masked;
    }
    const token = this.tokenSampler.sample(row, s.state, s.rng);
    s.state.add(token);
    let logprobs: RawLogprobs | undefined;
    if (this.#p.logprobs !== undefined) {
      logprobs = rawLogprobs(row, token, this.#p.logprobs);
      s.cumLogprob += logprobs.logprob;
    } else if (this.#trackCum) {
      s.cumLogprob += row[token]! - logSumExp(row);
    }
    const finish = this.#eos.has(token) ? 'stop' : s.state.generated >= s.maxTokens ? 'length' : undefined;
    return { token, logprobs, finish };
  }
}
