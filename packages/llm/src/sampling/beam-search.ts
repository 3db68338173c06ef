import { logSumExp, type RawLogprobs, rawLogprobs } from './logprobs.js';
import { selectTopK } from './select-top.js';
import { SequenceState } from './sequence-state.js';
import type { TokenSampler } from './token-sampler.js';

/** A finished beam. `score` = cumulative logprob / generated length ** length_penalty. */
export interface BeamHypothesis {
  readonly tokens: readonly number[];
  readonly cumLogprob: number;
  readonly score: number;
  readonly finishReason: 'stop' | 'length';
  readonly logprobs: readonly RawLogprobs[] | undefined;
}

interface Beam {
  tokens: number[];
  cum: number;
  state: SequenceState;
  logprobs: RawLogprobs[] | undefined;
}

export interface BeamSearchOptions {
  readonly width: number;
  readonly lengthPenalty: number;
  readonly maxTokens: number;
  readonly eosIds: readonly number[];
  readonly ignoreEos: boolean;
  /** undefined: no logprobs; else how many alternatives per token. */
  readonly logprobs: number | undefined;
  /** True when a beam's tokens contain a stop string: the beam then ends like one ending in EOS. */
  readonly stopped?: (tokens: readonly number[]) => boolean;
}

/**
 * Beam search over one prompt. Scores use the log-softmax of the processed logits (penalties,
 * bias and min_tokens apply; temperature and truncation do not). A beam that ends in EOS (or whose
 * text reaches a stop string) among the best `width` candidates is finished; the search stops when no running beam can beat the worst
 * of the best `width` finished ones (Hugging Face's heuristic), or at `maxTokens`.
 */
export class BeamSearch {
  readonly #o: BeamSearchOptions;
  readonly #sampler: TokenSampler;
  readonly #eos: Set<number>;
  #running: Beam[];
  readonly #finished: BeamHypothesis[] = [];
  #ids = new Int32Array(0);
  #done = false;

  constructor(options: BeamSearchOptions, sampler: TokenSampler, promptIds: readonly number[]) {
    this.#o = options;
    this.#sampler = sampler;
    this.#eos = new Set(options.ignoreEos ? [] : options.eosIds);
    this.#running = [
      {
        tokens: [],
        cum: 0,
        state: new SequenceState(promptIds),
        logprobs: options.logprobs === undefined ? undefined : [],
      },
    ];
  }

  get done(): boolean {
    return this.#done;
  }

  #score(cum: number, length: number): number {
    return cum / length ** this.#o.lengthPenalty;
  }

  /**
   * Takes the logits of the running beams (row i = beam i) and returns the next step's tokens and
   * parent rows, or undefined when the search is over.
   */
  step(logits: Float32Array, vocab: number): { tokens: number[]; parents: number[] } | undefined {
    const W = this.#o.width;
    const k = Math.min(2 * W, vocab);
    if (this.#ids.length < k) this.#ids = new Int32Array(k);
    const cands: { row: number; token: number; cum: number }[] = [];
    this.#running.forEach((beam, row) => {
      const raw = logits.subarray(row * vocab, (row + 1) * vocab);
      const processed = this.#sampler.processed(raw, beam.state);
      const lse = logSumExp(processed);
      const count = selectTopK(processed, k, this.#ids);
      for (let i = 0; i < count; i++) {
        const token = this.#ids[i]!;
        const lp = processed[token]! - lse;
        if (lp > Number.NEGATIVE_INFINITY) cands.push({ row, token, cum: beam.cum + lp });
      }
    });
    cands.sort((a, b) => b.cum - a.cum || a.row - b.row || a.token - b.token);
    const length = this.#running[0]!.tokens.length + 1;
    const chosen: typeof cands = [];
    for (let rank = 0; rank < cands.length && chosen.length < W; rank++) {
      const c = cands[rank]!;
      if (this.#eos.has(c.token) || this.#o.stopped?.([...this.#running[c.row]!.tokens, c.token])) {
        if (rank < W) this.#finished.push(this.#hypothesis(this.#extend(c, logits, vocab), 'stop'));
      } else {
        chosen.push(c);
      }
    }
    const next = this.#children(chosen, logits, vocab);
    if (length >= this.#o.maxTokens || next.length === 0) {
      for (const b of next) this.#finished.push(this.#hypothesis(b, 'length'));
      return this.#finish();
    }
    if (this.#finished.length >= W) {
      const best = Math.max(...next.map((b) => this.#score(b.cum, length)));
      const scores = this.#finished.map((h) => h.score).sort((a, b) => b - a);
      if (scores[W - 1]! >= best) return this.#finish();
    }
    this.#running = next;
    return { tokens: next.map((b) => b.tokens[b.tokens.length - 1]!), parents: chosen.map((c) => c.row) };
  }

  /** The best `n` hypotheses, best first (running beams count when too few finished). */
  results(n: number): BeamHypothesis[] {
    const all = [...this.#finished];
    if (!this.#done) {
      for (const b of this.#running) if (b.tokens.length > 0) all.push(this.#hypothesis(b, 'length'));
    }
    return all.sort((a, b) => b.score - a.score).slice(0, n);
  }

  #finish(): undefined {
    this.#done = true;
    this.#running = [];
    return undefined;
  }

  #hypothesis(b: Beam, finishReason: 'stop' | 'length'): BeamHypothesis {
    return {
      tokens: b.tokens,
      cumLogprob: b.cum,
      score: this.#score(b.cum, b.tokens.length),
      finishReason,
      logprobs: b.logprobs,
    };
  }

  #extend(
    c: { row: number; token: number; cum: number },
    logits: Float32Array,
    vocab: number,
    state?: SequenceState,
  ): Beam {
    const parent = this.#running[c.row]!;
    let logprobs: RawLogprobs[] | undefined;
    if (parent.logprobs) {
      const raw = logits.subarray(c.row * vocab, (c.row + 1) * vocab);
      logprobs = [...parent.logprobs, rawLogprobs(raw, c.token, this.#o.logprobs ?? 0)];
    }
    const s = state ?? parent.state.fork();
    s.add(c.token);
    return { tokens: [...parent.tokens, c.token], cum: c.cum, state: s, logprobs };
  }

  // The first child of a parent takes over its state; the others fork it before it changes.
  #children(
    chosen: readonly { row: number; token: number; cum: number }[],
    logits: Float32Array,
    vocab: number,
  ): Beam[] {
    const forks = chosen.map((c, i) =>
      chosen.findIndex((o) => o.row === c.row) === i ? undefined : this.#running[c.row]!.state.fork(),
    );
    return chosen.map((c, i) => this.#extend(c, logits, vocab, forks[i] ?? this.#running[c.row]!.state));
  }
}
