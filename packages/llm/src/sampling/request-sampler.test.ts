import { describe, expect, it } from 'vitest';
import { RequestSampler } from './request-sampler.js';
import { DEFAULT_SAMPLING_PARAMS } from './sampling-params.js';

const row = Float32Array.from([0.1, 0.2, 0.3, 0.25, 0.15], (p) => Math.log(p));

function draws(seed: number, slot: number, count: number, params = {}): number[] {
  const s = new RequestSampler({ ...DEFAULT_SAMPLING_PARAMS, seed, ...params }, []);
  for (let i = 0; i <= slot; i++) s.addSlot([], 100);
  return Array.from({ length: count }, () => s.sample(slot, row).token);
}

describe('RequestSampler', () => {
  it('draws per slot: slot i only depends on (seed, i)', () => {
    expect(draws(3, 1, 30)).toEqual(draws(3, 1, 30));
    expect(draws(3, 1, 30)).not.toEqual(draws(3, 0, 30));
    expect(draws(3, 1, 30)).not.toEqual(draws(4, 1, 30));
  });

  it('finishes with length at max tokens and with stop on EOS (unless ignore_eos)', () => {
    const s = new RequestSampler({ ...DEFAULT_SAMPLING_PARAMS, temperature: 0 }, [2]);
    s.addSlot([], 3);
    expect(s.sample(0, row)).toMatchObject({ token: 2, finish: 'stop' });
    const ignoring = new RequestSampler({ ...DEFAULT_SAMPLING_PARAMS, temperature: 0, ignoreEos: true }, [2]);
    ignoring.addSlot([], 2);
    expect(ignoring.sample(0, row).finish).toBeUndefined();
    expect(ignoring.sample(0, row)).toMatchObject({ token: 2, finish: 'length' });
  });

  it('tracks the cumulative raw logprob when best_of > n', () => {
    const s = new RequestSampler({ ...DEFAULT_SAMPLING_PARAMS, temperature: 0, n: 1, bestOf: 2 }, []);
    s.addSlot([], 10);
    s.sample(0, row);
    s.sample(0, row);
    expect(s.cumulativeLogprob(0)).toBeCloseTo(2 * Math.log(0.3), 5);
    expect(s.generated(0)).toBe(2);
  });
});
