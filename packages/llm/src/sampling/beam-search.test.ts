import { describe, expect, it } from 'vitest';
import { BeamSearch } from './beam-search.js';
import { DEFAULT_SAMPLING_PARAMS } from './sampling-params.js';
import { TokenSampler } from './token-sampler.js';

// A fixed "model": the next-token distribution depends only on the last token.
const V = 4;
const EOS = 3;
const table: Record<number, number[]> = {
  [-1]: [0.5, 0.4, 0.05, 0.05],
  0: [0.1, 0.1, 0.1, 0.7],
  1: [0.05, 0.05, 0.9, 0.0],
  2: [0.0, 0.0, 0.0, 1.0],
};
const rowFor = (last: number) => Float32Array.from(table[last]!, (p) => Math.log(p));

function run(
  width: number,
  maxTokens: number,
  lengthPenalty = 1,
  stopped?: (tokens: readonly number[]) => boolean,
) {
  const sampler = new TokenSampler(DEFAULT_SAMPLING_PARAMS, [EOS]);
  const search = new BeamSearch(
    {
      width,
      lengthPenalty,
      maxTokens,
      eosIds: [EOS],
      ignoreEos: false,
      logprobs: 0,
      ...(stopped ? { stopped } : {}),
    },
    sampler,
    [1, 2],
  );
  let lasts = [-1];
  for (let guard = 0; guard < 20; guard++) {
    const logits = new Float32Array(lasts.length * V);
    for (const [i, l] of lasts.entries()) logits.set(rowFor(l), i * V);
    const next = search.step(logits, V);
    if (!next) break;
    lasts = next.tokens;
    expect(next.parents.length).toBe(next.tokens.length);
  }
  return search;
}

describe('BeamSearch', () => {
  it('finds the sequence greedy misses', () => {
    // Greedy: 0 then EOS → 0.5 * 0.7 = 0.35. Best: 1, 2, EOS → 0.4 * 0.9 * 1 = 0.36.
    const best = run(2, 10, 0).results(1)[0]!;
    expect(best.tokens).toEqual([1, 2, EOS]);
    expect(best.cumLogprob).toBeCloseTo(Math.log(0.36), 5);
    expect(best.finishReason).toBe('stop');
    expect(best.logprobs!.map((l) => l.logprob)).toEqual(
      [0.4, 0.9, 1].map((p) => expect.closeTo(Math.log(p), 5)),
    );
  });

  it('ranks with the length penalty', () => {
    // With lengthPenalty 1: [0, EOS] scores log(.35)/2 = -0.525; [1,2,EOS] log(.36)/3 = -0.34.
    const results = run(2, 10, 1).results(2);
    expect(results[0]!.tokens).toEqual([1, 2, EOS]);
    expect(results[0]!.score).toBeCloseTo(Math.log(0.36) / 3, 5);
    expect(results[1]!.score).toBeLessThanOrEqual(results[0]!.score);
  });

  it('stops at max tokens with finish_reason length', () => {
    const results = run(2, 1).results(2);
    expect(results.map((r) => r.tokens)).toEqual([[0], [1]]);
    expect(results.every((r) => r.finishReason === 'length')).toBe(true);
  });

  it('ends a beam whose text reaches a stop string, like EOS', () => {
    // "Stop" when a beam reads 1, 2: it finishes there (0.4 × 0.9 = 0.36) instead of paying for EOS.
    const stopped = (tokens: readonly number[]) => tokens.join(',').includes('1,2');
    const best = run(2, 10, 0, stopped).results(1)[0]!;
    expect(best.tokens).toEqual([1, 2]);
    expect(best.finishReason).toBe('stop');
    expect(best.cumLogprob).toBeCloseTo(Math.log(0.36), 5);
  });
});
