import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ensureModelDir } from '../builder/ensure-model-dir.js';
import { optimizeModel } from '../model/optimize-model.js';
import { ModelSession } from './model-session.js';
import { SequenceBatch } from './sequence-batch.js';

// SequenceBatch with appended KV (`weft model optimize --append-kv`), step by step against the
// original model: the same logits (1e-4) from a two-row padded prefill to the last position of
// the context, and the mask never wider than the context however much room the KV has.

const scratch = mkdtempSync(join(tmpdir(), 'weft-append-batch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('appended KV gives the original logits up to the end of the context, masks within it', async () => {
  const source = await ensureModelDir(join(scratch, 'original'), { arch: 'llama', preset: 'tiny', seed: 3 });
  const dir = join(scratch, 'appended');
  cpSync(source, dir, { recursive: true });
  await optimizeModel(dir, { appendKv: true });
  const [a, b] = [
    await ModelSession.open(source, { threads: 1 }),
    await ModelSession.open(dir, { threads: 1 }),
  ];
  expect(b.batching.appendKv).toBe(true);
  const widths: number[] = [];
  const run = b.run.bind(b);
  b.run = (feeds, fetches) => {
    widths.push(feeds[b.io.attentionMask]!.dims[1]!);
    return run(feeds, fetches);
  };
  const context = a.contextLength;
  const vocab = a.vocabSize;
  const prompts = [
    Array.from({ length: context - 40 }, (_, i) => (i * 7 + 2) % vocab),
    Array.from({ length: context - 45 }, (_, i) => (i * 11 + 5) % vocab),
  ];
  const [x, y] = [SequenceBatch.empty(a, 2), SequenceBatch.empty(b, 2)];
  let tokens: number[][] = prompts;
  let worst = 0;
  // After the prompts the wider row has 40 positions left; its last step fills the context.
  for (let step = 0; step <= 40; step++) {
    const [la, lb] = [await x.step(tokens), await y.step(tokens)];
    for (let i = 0; i < la.length; i++) worst = Math.max(worst, Math.abs(la[i]! - lb[i]!));
    tokens = [[(step * 17 + 3) % vocab], [(step * 19 + 4) % vocab]];
  }
  expect(y.seqLen).toBe(context);
  expect(worst).toBeLessThanOrEqual(1e-4);
  expect(Math.max(...widths)).toBe(context);
  // Room was in use before the end: some step fed more past than the rows' width.
  expect(widths.some((w, i) => i > 0 && w > context - 40 + i)).toBe(true);
  await a.close();
  await b.close();
});
