import { setTimeout as sleep } from 'node:timers/promises';
import { argmax, Engine, generate } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

// Continuous batching: sequences submitted at different times, with different prompt lengths and
// chunked prefill, decode exactly what each decodes alone; the engine's gauges return to zero.

const STEPS = 12;
let peakRunning = 0;

async function greedy(
  engine: Engine,
  prompt: number[],
  steps: number,
  pauseEvery = 0,
  onToken?: (count: number) => void,
): Promise<number[]> {
  const group = engine.submit(prompt, { maxTokens: steps });
  const out: number[] = [];
  try {
    for (;;) {
      const { logits, rows } = await group.next();
      expect(rows).toBe(1);
      peakRunning = Math.max(peakRunning, engine.metrics().running);
      const token = argmax(logits.subarray(0, engine.model.vocabSize));
      out.push(token);
      onToken?.(out.length);
      if (out.length === steps) return out;
      // A slow caller: the others must not wait for it for long, nor be disturbed by it.
      if (pauseEvery > 0 && out.length % pauseEvery === 0) await sleep(30);
      group.append([token]);
    }
  } finally {
    group.finish();
  }
}

const prompts = [
  [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28],
  [300],
  [77, 78, 79, 80],
  [500, 501, 502, 503, 504, 505, 9],
  [4, 8, 15, 16, 23, 42],
  [700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713],
  [1, 2],
  [222, 333, 444],
];

describe('engine continuous batching on the tiny llama', () => {
  let dir: string;
  let expected: number[][];
  let engine: Engine;
  beforeAll(async () => {
    dir = await ensureTinyModel('llama');
    // Each prompt alone on an engine of its own: the reference the concurrent runs must match.
    const reference = await Engine.start(dir, { threads: 1, maxNumSeqs: 1 });
    expected = [];
    for (const p of prompts)
      expected.push((await generate(reference, p, { maxTokens: STEPS, ignoreEos: true }))[0]!.tokenIds);
    await reference.close();
    // A small token budget forces chunked prefill of the longer prompts between decode steps.
    engine = await Engine.start(dir, { threads: 1, maxNumSeqs: 8, maxNumBatchedTokens: 6, readyWaitMs: 5 });
  });
  afterAll(async () => engine.close());

  it('8 concurrent sequences joining at different times give the same greedy tokens as alone', async () => {
    // Sequence i joins once the first one has produced i tokens, so joins happen at distinct steps.
    const release: (() => void)[] = [];
    const joins = prompts.map((_, i) => new Promise<void>((resolve) => (release[i] = resolve)));
    const leaderProgress = (count: number) => release[count]?.();
    const runs = prompts.map(async (p, i) => {
      if (i > 0) await joins[i];
      return greedy(engine, p, STEPS, i === 3 ? 4 : 0, i === 0 ? leaderProgress : undefined);
    });
    expect(await Promise.all(runs)).toEqual(expected);
    // They really ran together (not one after another).
    expect(peakRunning).toBeGreaterThanOrEqual(6);
    expect(new Set(expected.map((e) => e.join())).size).toBe(prompts.length);
  });

  it('the gauges return to zero and the counters add up', async () => {
    const before = engine.metrics();
    await Promise.all([greedy(engine, prompts[0]!, 5), greedy(engine, prompts[1]!, 3)]);
    const after = engine.metrics();
    expect(after).toMatchObject({
      queued: 0,
      running: 0,
      runningGroups: 0,
      kvCacheUsedTokens: 0,
      kvCacheCapacityTokens: 8 * engine.model.contextLength,
    });
    expect(after.generatedTokens - before.generatedTokens).toBe(5 + 3);
    expect(after.promptTokens - before.promptTokens).toBe(prompts[0]!.length + prompts[1]!.length);
    expect(after.timeToFirstTokenSeconds.count - before.timeToFirstTokenSeconds.count).toBe(2);
    expect(after.timePerOutputTokenSeconds.count - before.timePerOutputTokenSeconds.count).toBe(4 + 2);
  });

  it('kvCacheUsedTokens counts prompt and appended tokens of running groups', async () => {
    const group = engine.submit([1, 2, 3, 4, 5]);
    expect(engine.metrics()).toMatchObject({ running: 1, runningGroups: 1, kvCacheUsedTokens: 5 });
    await group.next();
    group.append([6]);
    expect(engine.metrics().kvCacheUsedTokens).toBe(6);
    await group.next();
    group.finish();
    expect(engine.metrics()).toMatchObject({ running: 0, kvCacheUsedTokens: 0 });
  });

  it('prompts submitted together (prefilled as one left-padded run) decode as each alone, n > 1 included', async () => {
    const together = await Engine.start(dir, { threads: 1, maxNumSeqs: 8 });
    try {
      const picked = [1, 2, 6, 7, 4];
      const vocab = together.model.vocabSize;
      const groups = picked.map((i) => together.submit(prompts[i]!, { n: i === 6 ? 2 : 1 }));
      const outs = await Promise.all(
        groups.map(async (group) => {
          const out: number[][] = [];
          for (let s = 0; s < STEPS; s++) {
            const { logits, rows } = await group.next();
            const tokens = Array.from({ length: rows }, (_, r) =>
              argmax(logits.subarray(r * vocab, (r + 1) * vocab)),
            );
            out.push(tokens);
            if (s < STEPS - 1) group.append(tokens);
          }
          group.finish();
          return out;
        }),
      );
      picked.forEach((i, k) => {
        for (let r = 0; r < outs[k]![0]!.length; r++) expect(outs[k]!.map((t) => t[r])).toEqual(expected[i]);
      });
      expect(outs[2]![0]).toHaveLength(2);
      expect(together.metrics()).toMatchObject({ running: 0, kvCacheUsedTokens: 0 });
    } finally {
      await together.close();
    }
  });
});
