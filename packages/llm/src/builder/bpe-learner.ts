import { bytesToAlphabet, GPT2_SPLIT_PATTERN } from '../tokenizer/byte-level-alphabet.js';

/** The result of learning: merges in rank order and the tokens they create. */
export interface LearnedBpe {
  /** Each merge as `[left, right]` in byte-level alphabet strings. */
  merges: [string, string][];
}

/**
 * Learns byte-level BPE merges from text: split with the GPT-2 pattern, map bytes to the
 * byte-level alphabet, then repeatedly merge the most frequent adjacent pair (ties broken by the
 * pair's string order, so the result is deterministic). Stops at `maxMerges` or when no pair occurs
 * twice.
 */
export function learnBpe(text: string, maxMerges: number): LearnedBpe {
  const encoder = new TextEncoder();
  const wordCounts = new Map<string, number>();
  for (const m of text.matchAll(GPT2_SPLIT_PATTERN)) {
    const word = bytesToAlphabet(encoder.encode(m[0]));
    wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }
  const words = [...wordCounts].map(([w, count]) => ({ symbols: Array.from(w), count }));
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push([left, right]);
    const merged = left + right;
    for (const word of words) {
      const s = word.symbols;
      for (let i = 0; i + 1 < s.length; i++) {
        if (s[i] === left && s[i + 1] === right) s.splice(i, 2, merged);
      }
    }
  }
  return { merges };
}
