import { describe, expect, it } from 'vitest';
import { SeededRng } from './rng.js';

const draws = (rng: SeededRng, n: number) => Array.from({ length: n }, () => rng.next());

describe('SeededRng', () => {
  it('repeats for the same seed and stream', () => {
    expect(draws(new SeededRng(42, 3), 5)).toEqual(draws(new SeededRng(42, 3), 5));
  });

  it('differs across seeds, streams and the high half of large seeds', () => {
    const a = draws(new SeededRng(42, 0), 3);
    expect(draws(new SeededRng(43, 0), 3)).not.toEqual(a);
    expect(draws(new SeededRng(42, 1), 3)).not.toEqual(a);
    expect(draws(new SeededRng(42 + 2 ** 40, 0), 3)).not.toEqual(a);
  });

  it('is roughly uniform in [0, 1)', () => {
    const xs = draws(new SeededRng(7), 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});
