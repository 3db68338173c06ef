import { describe, expect, it } from 'vitest';
import { learnBpe } from './bpe-learner.js';

describe('learnBpe', () => {
  it('merges the most frequent pair first, ties by string order, in the byte-level alphabet', () => {
    // Words: "low" x1, " low" x2, " lower" x1. "l o" and "o w" occur 4 times ("l o" sorts first),
    // then "lo w" 4, then "Ġ low" 3; after that no pair occurs twice, so only 3 of 4 merges happen.
    const { merges } = learnBpe('low low low lower', 4);
    expect(merges).toEqual([
      ['l', 'o'],
      ['lo', 'w'],
      ['Ġ', 'low'],
    ]);
  });

  it('stops when no pair occurs twice', () => {
    expect(learnBpe('ab', 10).merges).toEqual([]);
    expect(learnBpe('abab', 10).merges).toEqual([['a', 'b']]);
  });

  it('maps multi-byte characters to byte symbols before merging', () => {
    const { merges } = learnBpe('é é', 1);
    // "é" is C3 A9, shown as "Ã" and "©" in the byte-level alphabet.
    expect(merges).toEqual([['Ã', '©']]);
  });
});
