import { argmax, Engine, generate } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

// Groups with n > 1: rows share the prompt's KV (prefilled once), continue independently, and can
// be forked, reordered or dropped through `parents` (beam search, n choices finishing early).

describe('engine forked rows on the tiny gpt2', () => {
  let engine: Engine;
  const prompt = [40, 41, 42, 43, 44];
  const firsts = [7, 300, 612];
  const STEPS = 8;
  let lineage: number[][];

  beforeAll(async () => {
    const dir = await ensureTinyModel('gpt2');
    engine = await Engine.start(dir, { threads: 1, maxNumSeqs: 4 });
    // What each row must produce: greedy continuation of prompt + its own first token, alone.
    lineage = [];
    for (const t of firsts) {
      const [r] = await generate(engine, [...prompt, t], { maxTokens: STEPS, ignoreEos: true });
      lineage.push([t, ...r!.tokenIds]);
    }
    expect(new Set(lineage.map((l) => l.join())).size).toBe(3);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('n=3 starts with identical rows from one prefill and continues each row independently', async () => {
    const group = engine.submit(prompt, { n: 3 });
    expect(engine.metrics()).toMatchObject({
      running: 3,
      runningGroups: 1,
      kvCacheUsedTokens: prompt.length,
    });
    const before = engine.metrics().promptTokens;
    const first = await group.next();
    expect(first.rows).toBe(3);
    const vocab = engine.model.vocabSize;
    expect(Array.from(first.logits.subarray(vocab, 2 * vocab))).toEqual(
      Array.from(first.logits.subarray(0, vocab)),
    );
    expect(Array.from(first.logits.subarray(2 * vocab))).toEqual(Array.from(first.logits.subarray(0, vocab)));
    // The prompt was prefilled once, not three times.
    expect(engine.metrics().promptTokens - before).toBe(prompt.length);
    const outs: number[][] = firsts.map((t) => [t]);
    group.append(firsts);
    expect(engine.metrics().kvCacheUsedTokens).toBe(prompt.length + 3);
    for (let s = 0; s < STEPS; s++) {
      const { logits, rows } = await group.next();
      expect(rows).toBe(3);
      const tokens = [0, 1, 2].map((r) => argmax(logits.subarray(r * vocab, (r + 1) * vocab)));
      for (let r = 0; r < 3; r++) outs[r]!.push(tokens[r]!);
      if (s < STEPS - 1) group.append(tokens);
    }
    group.finish();
    expect(outs).toEqual(lineage);
    expect(engine.metrics()).toMatchObject({ running: 0, kvCacheUsedTokens: 0 });
  });

  it('parents fork, reorder and drop rows: each new row continues its parent lineage', async () => {
    const vocab = engine.model.vocabSize;
    const group = engine.submit(prompt, { n: 3 });
    await group.next();
    group.append(firsts);
    const outs: number[][] = firsts.map((t) => [t]);
    let step = await group.next();
    let tokens = [0, 1, 2].map((r) => argmax(step.logits.subarray(r * vocab, (r + 1) * vocab)));
    // Row 0 continues old row 2, rows 1 and 2 both continue old row 0; old row 1 is dropped.
    const parents = [2, 0, 0];
    const forkedOuts = parents.map((p) => [...outs[p]!, tokens[p]!]);
    group.append(
      parents.map((p) => tokens[p]!),
      parents,
    );
    expect(engine.metrics().kvCacheUsedTokens).toBe(prompt.length + 3 * 2);
    for (let s = 0; s < 3; s++) {
      step = await group.next();
      tokens = [0, 1, 2].map((r) => argmax(step.logits.subarray(r * vocab, (r + 1) * vocab)));
      for (let r = 0; r < 3; r++) forkedOuts[r]!.push(tokens[r]!);
      group.append(tokens);
    }
    expect(forkedOuts[0]).toEqual(lineage[2]!.slice(0, 5));
    expect(forkedOuts[1]).toEqual(lineage[0]!.slice(0, 5));
    expect(forkedOuts[2]).toEqual(lineage[0]!.slice(0, 5));
    // Drop to one row (e.g. the other choices ended): rows shrink, the survivor keeps its lineage.
    step = await group.next();
    const survivor = argmax(step.logits.subarray(0, vocab));
    group.append([survivor], [0]);
    step = await group.next();
    expect(step.rows).toBe(1);
    expect(engine.metrics().running).toBe(3);
    expect([...forkedOuts[0]!, survivor, argmax(step.logits.subarray(0, vocab))]).toEqual(
      lineage[2]!.slice(0, 7),
    );
    expect(() => group.append([1, 2], [0, 1])).toThrow('parent 1 of row 1 is not a row (0..0)');
    group.finish();
    expect(engine.metrics()).toMatchObject({ running: 0, runningGroups: 0, kvCacheUsedTokens: 0 });
  });
});
