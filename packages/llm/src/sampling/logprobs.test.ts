import { describe, expect, it } from 'vitest';
import { logSumExp, rawLogprobs } from './logprobs.js';

describe('rawLogprobs', () => {
  const row = new Float32Array([Math.log(0.1), Math.log(0.6), Math.log(0.3)]);

  it('gives the log-softmax of the chosen token and the k best, best first', () => {
    const r = rawLogprobs(row, 2, 2);
    expect(r.logprob).toBeCloseTo(Math.log(0.3), 6);
    expect(r.top.map((t) => t.token)).toEqual([1, 2]);
    expect(r.top.map((t) => Math.exp(t.logprob))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.3, 6)]);
  });

  it('is invariant to a constant shift of the logits (no overflow for large logits)', () => {
    const shifted = row.map((v) => v + 1000);
    expect(rawLogprobs(shifted, 0, 0).logprob).toBeCloseTo(Math.log(0.1), 4);
    expect(logSumExp(shifted)).toBeCloseTo(1000, 3);
  });

  it('handles banned tokens (-Infinity)', () => {
    const banned = new Float32Array([Number.NEGATIVE_INFINITY, 0, 0]);
    expect(rawLogprobs(banned, 1, 3).top.map((t) => t.token)).toEqual([1, 2, 0]);
    expect(rawLogprobs(banned, 0, 0).logprob).toBe(Number.NEGATIVE_INFINITY);
  });
});
