import { buildLogitsProcessors, type LogitsProcessor } from './logits-processors.js';
import type { SeededRng } from './rng.js';
import type { SamplingParams } from './sampling-params.js';
import { argmax, selectTopK } from './select-top.js';
import type { SequenceState } from './sequence-state.js';

// Scratch space shared by every sampler: `sample` and `processed` are synchronous, so no two calls
// interleave, and a large vocabulary does not cost megabytes of garbage per request.
const scratch = {
  work: new Float32Array(0),
  probs: new Float64Array(0),
  ids: new Int32Array(0),
  cand: new Int32Array(0),
};

/**
 * Picks the next token of one sequence from one row of logits: processors (penalties, bias,
 * min_tokens) → temperature → top_k → top_p → min_p → a draw from the sequence's RNG, or argmax
 * when temperature is 0. Scratch buffers are reused across calls; one instance per request.
 */
export class TokenSampler {
  readonly processors: readonly LogitsProcessor[];
  readonly #p: SamplingParams;

  constructor(params: SamplingParams, eosIds: readonly number[]) {
    this.#p = params;
    this.processors = buildLogitsProcessors(params, eosIds);
  }

  get greedy(): boolean {
    return this.#p.temperature === 0 || this.#p.topK === 1;
  }

  /** The row after the processors (the raw row itself when none is active). Valid until the next call. */
  processed(row: Float32Array, seq: SequenceState): Float32Array {
    if (this.processors.length === 0) return row;
    if (scratch.work.length < row.length) scratch.work = new Float32Array(row.length);
    const work = scratch.work.subarray(0, row.length);
    work.set(row);
    for (const p of this.processors) p(work, seq);
    return work;
  }

  sample(row: Float32Array, seq: SequenceState, rng: SeededRng): number {
    const logits = this.processed(row, seq);
    if (this.greedy) return argmax(logits);
    const V = logits.length;
    ensureScratch(V);
    const { temperature, topK, topP, minP } = this.#p;
    const invT = 1 / temperature;
    const ids = scratch.ids;
    const probs = scratch.probs;
    // Candidates: ids[0..n) with unnormalised probs[0..n); `sorted` when best first.
    let n: number;
    let sorted = false;
    if (topK > 0 && topK < V) {
      n = selectTopK(logits, topK, ids);
      sorted = true;
    } else {
      n = V;
      for (let i = 0; i < V; i++) ids[i] = i;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (logits[ids[i]!]! > max) max = logits[ids[i]!]!;
    if (max === Number.NEGATIVE_INFINITY) return argmax(logits);
    let mass = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.exp((logits[ids[i]!]! - max) * invT);
      probs[i] = p;
      mass += p;
    }
    if (topP < 1) ({ n, mass } = this.#nucleus(n, mass * topP, sorted));
    if (minP > 0) {
      // The most likely token has unnormalised probability exactly 1 (it was the max).
      let kept = 0;
      mass = 0;
      for (let i = 0; i < n; i++) {
        if (probs[i]! >= minP) {
          ids[kept] = ids[i]!;
          probs[kept] = probs[i]!;
          mass += probs[i]!;
          kept++;
        }
      }
      n = kept;
    }
    let u = rng.next() * mass;
    for (let i = 0; i < n; i++) {
      u -= probs[i]!;
      if (u < 0) return ids[i]!;
    }
    // Rounding left a sliver of mass: the last candidate with any probability takes it.
    for (let i = n - 1; i >= 0; i--) if (probs[i]! > 0) return ids[i]!;
    return ids[0]!;
  }

  /**
   * Keeps the smallest best-first prefix whose mass reaches `target`. Without a prior top_k, only
   * tokens above a falling threshold are sorted, so the cost is a few linear scans, not a sort of V.
   */
  #nucleus(n: number, target: number, sorted: boolean): { n: number; mass: number } {
    const ids = scratch.ids;
    const probs = scratch.probs;
    if (!sorted) {
      const cand = scratch.cand;
      let threshold = 1;
      let count = 0;
      for (;;) {
        threshold /= 8;
        count = 0;
        let m = 0;
        for (let i = 0; i < n; i++) {
          if (probs[i]! >= threshold) {
            cand[count++] = i;
            m += probs[i]!;
          }
        }
        if (m >= target || threshold < 1e-30) break;
      }
      const order = Array.from(cand.subarray(0, count)).sort((a, b) => probs[b]! - probs[a]! || a - b);
      const keptIds: number[] = [];
      const keptProbs: number[] = [];
      for (const i of order) {
        keptIds.push(ids[i]!);
        keptProbs.push(probs[i]!);
      }
      for (let i = 0; i < count; i++) {
        ids[i] = keptIds[i]!;
        probs[i] = keptProbs[i]!;
      }
      n = count;
    }
    let mass = 0;
    for (let i = 0; i < n; i++) {
      mass += probs[i]!;
      if (mass >= target) return { n: i + 1, mass };
    }
    return { n, mass };
  }
}

function ensureScratch(V: number): void {
  if (scratch.ids.length < V) {
    scratch.ids = new Int32Array(V);
    scratch.cand = new Int32Array(V);
    scratch.probs = new Float64Array(V);
  }
}
