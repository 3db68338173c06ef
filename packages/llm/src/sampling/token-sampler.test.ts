import { describe, expect, it } from 'vitest';
import { SeededRng } from './rng.js';
import { DEFAULT_SAMPLING_PARAMS, type SamplingParams } from './sampling-params.js';
import { SequenceState } from './sequence-state.js';
import { TokenSampler } from './token-sampler.js';

const params = (p: Partial<SamplingParams>): SamplingParams => ({ ...DEFAULT_SAMPLING_PARAMS, ...p });
const logits = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);

function histogram(
  p: Partial<SamplingParams>,
  row = logits,
  draws = 4000,
  seq = () => new SequenceState([]),
) {
  const sampler = new TokenSampler(params(p), [3]);
  const rng = new SeededRng(1);
  const counts = new Array(row.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.sample(row, seq(), rng)]++;
  return counts.map((c) => c / draws);
}

describe('TokenSampler', () => {
  it('is greedy at temperature 0 and with top_k 1', () => {
    expect(histogram({ temperature: 0 }, logits, 10)).toEqual([1, 0, 0, 0]);
    expect(histogram({ topK: 1 }, logits, 10)).toEqual([1, 0, 0, 0]);
  });

  it('samples the softmax at temperature 1', () => {
    const h = histogram({});
    for (const [i, p] of [0.5, 0.3, 0.15, 0.05].entries()) expect(h[i]).toBeCloseTo(p, 1);
  });

  it('top_k keeps the k best', () => {
    const h = histogram({ topK: 2 });
    expect(h[2]).toBe(0);
    expect(h[3]).toBe(0);
    expect(h[0]).toBeCloseTo(0.5 / 0.8, 1);
  });

  it('top_p keeps the smallest prefix reaching p', () => {
    const h = histogram({ topP: 0.75 });
    expect(h[2]).toBe(0);
    expect(h[3]).toBe(0);
    expect(h[1]).toBeGreaterThan(0.3);
    // Exactly at the boundary (0.5 + 0.3 = 0.8 ≥ 0.8) the third token stays out.
    expect(histogram({ topP: 0.8 })[2]).toBe(0);
    expect(histogram({ topP: 0.81 })[2]).toBeGreaterThan(0);
  });

  it('top_p without top_k works on a large vocabulary', () => {
    const row = new Float32Array(5000).fill(-10);
    row[1234] = 5;
    row[42] = 4.9;
    const h = histogram({ topP: 0.5 }, row, 200);
    expect(h[1234]).toBe(1);
  });

  it('min_p drops tokens below min_p × the best probability', () => {
    const h = histogram({ minP: 0.5 });
    expect(h[2]).toBe(0);
    expect(h[1]).toBeGreaterThan(0);
    expect(histogram({ minP: 0.61 })[1]).toBe(0);
  });

  it('logit_bias -100 bans a token, +100 forces it', () => {
    expect(histogram({ logitBias: new Map([[0, -100]]) })[0]).toBe(0);
    expect(histogram({ logitBias: new Map([[2, 100]]) }, logits, 50)[2]).toBe(1);
  });

  it('min_tokens suppresses EOS until enough tokens were generated', () => {
    const row = new Float32Array([0, 0, 0, 10]);
    const early = new SequenceState([]);
    const sampler = new TokenSampler(params({ temperature: 0, minTokens: 2 }), [3]);
    expect(sampler.sample(row, early, new SeededRng(1))).toBe(0);
    early.add(0);
    early.add(1);
    expect(sampler.sample(row, early, new SeededRng(1))).toBe(3);
  });

  it('penalties follow OpenAI and CTRL formulas', () => {
    const seq = new SequenceState([2]);
    seq.add(0);
    seq.add(0);
    const s = new TokenSampler(
      params({ presencePenalty: 0.5, frequencyPenalty: 0.25, repetitionPenalty: 2 }),
      [],
    );
    const out = s.processed(new Float32Array([4, 1, -1, 3]), seq);
    // token 0: 4 / 2 (seen) - 0.5 - 0.25 * 2 = 1; token 2 (prompt): -1 * 2 = -2.
    expect([...out]).toEqual([1, 1, -2, 3]);
  });

  it('is reproducible for a seed', () => {
    const run = () => {
      const s = new TokenSampler(params({ topP: 0.9 }), []);
      const rng = new SeededRng(99, 2);
      return Array.from({ length: 20 }, () => s.sample(logits, new SequenceState([]), rng));
    };
    expect(run()).toEqual(run());
  });
});
