import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../../../../tests/helpers/models.js';
import { ModelSession } from '../runtime/model-session.js';
import type { EngineEvent, LogitsEvent } from './protocol.js';
import { StepLoop } from './step-loop.js';

// The worker's half of prefix caching, driven with hand-written commands: which blocks it keeps,
// what a forget removes (kept blocks and blocks a prompt still being prefilled was to keep), and a
// missing block falling back to a full prefill.

let model: ModelSession;
beforeAll(async () => {
  model = await ModelSession.open(await ensureTinyModel('llama'), { threads: 1 });
});
afterAll(() => model?.close());

const prompt = Array.from({ length: 20 }, (_, i) => 100 + i);
const store = [0, 1, 2, 3, 4].map((block) => ({ block, id: block + 1 }));

function maxDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Runs the loop until group `id` has its first logits; returns them. */
async function firstLogits(loop: StepLoop, events: EngineEvent[], id: number): Promise<Float32Array> {
  for (let i = 0; i < 20; i++) {
    await loop.iterate();
    const hit = events.find((e): e is LogitsEvent => e.type === 'logits' && e.ids.includes(id));
    if (hit) return new Float32Array(hit.buffer, 0, model.vocabSize);
  }
  throw new Error(`group ${id} got no logits`);
}

describe('StepLoop prefix-cache blocks', () => {
  it('keeps the planned blocks, drops forgotten ones, and prefills whole when a block is missing', async () => {
    const events: EngineEvent[] = [];
    const loop = new StepLoop(model, { maxNumBatchedTokens: 64, readyWaitMs: 1, prefixBlockSize: 4 }, (e) =>
      events.push(e),
    );
    loop.handle({ type: 'submit', id: 1, prompt, n: 1, prefix: { reuse: [], store } });
    loop.handle({ type: 'forget', blocks: [5] }); // before its prefill: not kept at all
    const cold = await firstLogits(loop, events, 1);
    expect(loop.cachedBlocks).toBe(4);
    loop.handle({ type: 'finish', id: 1, keep: [] });

    loop.handle({ type: 'submit', id: 2, prompt, n: 1, prefix: { reuse: [1, 2, 3, 4], store: [] } });
    const warm = await firstLogits(loop, events, 2);
    expect(maxDiff(warm, cold)).toBeLessThanOrEqual(1e-4);

    loop.handle({ type: 'forget', blocks: [1] });
    expect(loop.cachedBlocks).toBe(3);
    loop.handle({ type: 'submit', id: 3, prompt, n: 1, prefix: { reuse: [1, 2], store: [] } });
    expect(maxDiff(await firstLogits(loop, events, 3), cold)).toBeLessThanOrEqual(1e-4);
  });

  it('keeps the blocks of a finishing sequence that its row holds, prompt and run tokens', async () => {
    const events: EngineEvent[] = [];
    const loop = new StepLoop(model, { maxNumBatchedTokens: 64, readyWaitMs: 1, prefixBlockSize: 4 }, (e) =>
      events.push(e),
    );
    loop.handle({ type: 'submit', id: 1, prompt, n: 1, prefix: { reuse: [], store: [] } });
    await firstLogits(loop, events, 1);
    for (let t = 0; t < 4; t++) {
      events.length = 0;
      loop.handle({ type: 'append', id: 1, tokens: [7 + t], parents: undefined });
      await firstLogits(loop, events, 1);
    }
    // The row holds 24 positions: block 5 (20..23) is kept, block 6 (24..27) is not there.
    loop.handle({
      type: 'finish',
      id: 1,
      keep: [
        { block: 5, id: 10 },
        { block: 6, id: 11 },
      ],
    });
    expect(loop.cachedBlocks).toBe(1);
    const continued = [...prompt, 7, 8, 9, 10, 11];
    loop.handle({ type: 'submit', id: 2, prompt: continued, n: 1, prefix: { reuse: [], store } });
    const cold = await firstLogits(loop, events, 2);
    loop.handle({ type: 'finish', id: 2, keep: [] });
    loop.handle({
      type: 'submit',
      id: 3,
      prompt: continued,
      n: 1,
      prefix: { reuse: [1, 2, 3, 4, 5, 10], store: [] },
    });
    expect(maxDiff(await firstLogits(loop, events, 3), cold)).toBeLessThanOrEqual(1e-4);
  });
});
