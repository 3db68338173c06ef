import { describe, expect, it } from 'vitest';
import { PrefixCache } from './prefix-cache.js';
import { hashPromptBlocks } from './prefix-hash.js';

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('hashPromptBlocks', () => {
  it('hashes whole blocks only, each chained to the blocks before it', () => {
    const a = hashPromptBlocks(range(0, 11), 4);
    expect(a).toHaveLength(2);
    expect(hashPromptBlocks(range(0, 8), 4)).toEqual(a);
    // Same second block after a different first block: a different hash.
    const b = hashPromptBlocks([9, ...range(1, 7)], 4);
    expect(b[1]).not.toBe(a[1]);
    expect(hashPromptBlocks(range(0, 11), 4, 1)).toEqual([a[0]]);
  });
});

describe('PrefixCache', () => {
  it('reuses done blocks only, never the block holding the last prompt token', () => {
    const cache = new PrefixCache(4);
    expect(cache.admit(1, range(0, 10), 100)).toEqual({
      reuse: [],
      store: [
        { block: 0, id: 1 },
        { block: 1, id: 2 },
      ],
    });
    // Still being prefilled by group 1: a miss, and not stored twice.
    expect(cache.admit(2, range(0, 10), 100)).toEqual({ reuse: [], store: [] });
    cache.commit(1);
    expect(cache.admit(3, range(0, 12), 100)).toEqual({ reuse: [1, 2], store: [{ block: 2, id: 3 }] });
    // Exactly the cached 8 tokens: the second block holds the last token, so it runs again.
    expect(cache.admit(4, range(0, 8), 100)).toEqual({ reuse: [1], store: [] });
    expect(cache.counts()).toEqual({ queriedTokens: 40, hitTokens: 12, blocks: 3, tokens: 12 });
  });

  it('forgets the blocks of a group that ends before its prefill is done', () => {
    const cache = new PrefixCache(4);
    cache.admit(1, range(0, 9), 100);
    cache.abandon(1);
    expect(cache.takeForgotten()).toEqual([1, 2]);
    expect(cache.takeForgotten()).toEqual([]);
    expect(cache.admit(2, range(0, 9), 100)?.reuse).toEqual([]);
    cache.commit(2);
    cache.abandon(2); // after commit: nothing to forget
    expect(cache.takeForgotten()).toEqual([]);
    expect(cache.counts().blocks).toBe(2);
  });

  it('evicts least recently used blocks to fit the limit, a chain from its tail', () => {
    const cache = new PrefixCache(2);
    cache.admit(1, range(0, 6), 100); // blocks 1, 2, 3
    cache.commit(1);
    cache.admit(2, range(50, 4), 100); // blocks 4, 5
    cache.commit(2);
    // Limit 8 tokens = 4 blocks, one new block wanted: the oldest chain loses its tail (3).
    expect(cache.admit(3, range(90, 2), 8)).toEqual({ reuse: [], store: [{ block: 0, id: 6 }] });
    expect(cache.takeForgotten()).toEqual([3, 2]);
    cache.commit(3);
    // What is left of the chain is still a usable prefix.
    expect(cache.admit(4, range(0, 3), 8)?.reuse).toEqual([1]);
  });

  it('never evicts the blocks a prompt continues to store its new ones', () => {
    const cache = new PrefixCache(2);
    cache.admit(1, range(0, 4), 100);
    cache.commit(1);
    // Room for 2 blocks: both are the prompt's reused prefix, so no new block is stored.
    expect(cache.admit(2, range(0, 8), 4)).toEqual({ reuse: [1, 2], store: [] });
    expect(cache.takeForgotten()).toEqual([]);
    // Room for 1: a reused block goes (the worker copies it before it reads the forget).
    expect(cache.admit(3, range(0, 8), 2)?.reuse).toEqual([1, 2]);
    expect(cache.takeForgotten()).toEqual([2]);
  });

  it("keeps a finished sequence's new blocks as done at once, never evicting the chain they continue", () => {
    const cache = new PrefixCache(4);
    cache.admit(1, range(0, 9), 100); // blocks 1, 2
    cache.commit(1);
    // Its 9 prompt tokens and 7 it ran: blocks 3 and 4 are new.
    expect(cache.keep(range(0, 16), 100)).toEqual([
      { block: 2, id: 3 },
      { block: 3, id: 4 },
    ]);
    expect(cache.admit(2, range(0, 17), 100)).toEqual({ reuse: [1, 2, 3, 4], store: [] });
    // 16 tokens held, all of them the chain a longer sequence continues: no room for its blocks.
    expect(cache.keep(range(0, 24), 16)).toEqual([]);
    expect(cache.takeForgotten()).toEqual([]);
  });

  it('gives up blocks still being prefilled, tail first, rather than make a prompt wait', () => {
    const cache = new PrefixCache(4);
    cache.admit(1, range(0, 16), 100); // blocks 1..4, pending
    cache.admit(2, range(100, 8), 100); // blocks 5, 6, pending
    cache.commit(2);
    // 10 tokens left: group 2's done blocks go first, then group 1's tail; nothing new fits.
    expect(cache.admit(3, range(200, 4), 10)).toEqual({ reuse: [], store: [] });
    expect(cache.takeForgotten()).toEqual([6, 5, 4, 3]);
    cache.commit(1);
    expect(cache.admit(4, range(0, 16), 100)?.reuse).toEqual([1, 2]);
    cache.clear();
    expect(cache.counts()).toEqual({ queriedTokens: 44, hitTokens: 8, blocks: 0, tokens: 0 });
    expect(cache.takeForgotten()).toEqual([]);
  });
});
