import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchDifferences,
  batchedScenario,
  greedyGroup,
  MODEL_KINDS,
  PROMPTS,
  type RowTrace,
} from '../../../../tests/helpers/batch-invariance.js';
import { ensureTinyModel } from '../../../../tests/helpers/models.js';
import type { ModelKind } from '../builder/model-kind.js';
import { Engine } from '../engine/engine.js';
import { ModelSession } from './model-session.js';

// A model with `num_logits_to_keep` runs its LM head on the positions the engine reads only. The
// same weights written with and without that input must give the same answers: greedy tokens
// exactly, logprobs within 1e-4, through chunked prefill, joins, forks and fresh prompts of
// different lengths prefilled in one padded run (where right-aligned rows keep more positions).

const TOLERANCE = 1e-4;
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

/** Every kind of the batch-invariance suite, the plain fp32 exports of both archs, and GQA chunked. */
const CASES: [string, 'llama' | 'gpt2', Partial<ModelKind>, string, number][] = [
  ['llama fp32', 'llama', {}, 'fp32', 512],
  ['gpt2 fp32', 'gpt2', {}, 'fp32', 512],
  ...Object.entries(MODEL_KINDS).map(
    ([name, spec]): [string, 'llama', Partial<ModelKind>, string, number] => [
      name,
      'llama',
      spec.kind,
      spec.dtype,
      512,
    ],
  ),
  ['gqa, 7-token prefill chunks', 'llama', MODEL_KINDS.gqa!.kind, 'fp32', 7],
];

async function traces(dir: string, dtype: string, budget: number): Promise<RowTrace[][]> {
  const engine = await Engine.start(dir, {
    threads: 1,
    maxNumSeqs: 8,
    readyWaitMs: 5,
    maxNumBatchedTokens: budget,
    ...(dtype === 'fp32' ? {} : { dtype }),
  });
  engines.push(engine);
  const scenario = await batchedScenario(engine);
  // Submitted in one tick: fresh prompts of 3 to 30 tokens prefilled together in one padded run.
  const together = await Promise.all(PROMPTS.map((p) => greedyGroup(engine, p, 4)));
  return [...scenario, ...together];
}

describe.each(CASES)('%s', (_name, arch, kind, dtype, budget) => {
  it('answers the same with and without num_logits_to_keep', async () => {
    const sliced = await ensureTinyModel(arch, 'tiny', 0, { ...kind, logitsToKeep: true });
    const full = await ensureTinyModel(arch, 'tiny', 0, { ...kind, logitsToKeep: false });
    const withKeep = await traces(sliced, dtype, budget);
    const without = await traces(full, dtype, budget);
    if (dtype === 'q8') {
      // Dynamic quantization picks the LM head's activation scale from the positions it sees: the
      // sliced head sees the last one only (as every decode step does), so the first token's
      // logprob moves by up to ~0.01 while every token and every later step stays the same.
      for (const [i, rows] of withKeep.entries()) {
        for (const [r, row] of rows.entries()) {
          const ref = without[i]![r]!;
          expect(Math.abs(row.logprobs[0]! - ref.logprobs[0]!)).toBeLessThan(0.02);
          row.logprobs[0] = ref.logprobs[0]!;
        }
      }
    }
    const problems = batchDifferences(
      withKeep,
      without.map((rows) => rows[0]!),
      TOLERANCE,
    );
    expect(problems).toEqual([]);
    // Forked rows (n = 2) compared too, not only each request's first row.
    expect(withKeep.map((rows) => rows.map((r) => r.tokens))).toEqual(
      without.map((rows) => rows.map((r) => r.tokens)),
    );
  });
});

describe('the num_logits_to_keep input', () => {
  it('is read from the session and bounds the logits to the kept positions', async () => {
    const dir = await ensureTinyModel('llama');
    const model = await ModelSession.open(dir, { threads: 1 });
    try {
      expect(model.io.logitsToKeep).toEqual({ name: 'num_logits_to_keep', dtype: 'int64', dims: [] });
      const { io } = model;
      const run = async (keep: bigint) => {
        const feeds: Record<string, ort.Tensor> = {
          input_ids: new ort.Tensor('int64', BigInt64Array.of(5n, 6n, 7n, 8n), [1, 4]),
          attention_mask: new ort.Tensor('int64', BigInt64Array.of(1n, 1n, 1n, 1n), [1, 4]),
          position_ids: new ort.Tensor('int64', BigInt64Array.of(0n, 1n, 2n, 3n), [1, 4]),
          num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(keep), []),
        };
        for (const b of io.kv) {
          feeds[b.input] = new ort.Tensor('float32', new Float32Array(0), [1, io.kvHeads, 0, io.headSize]);
        }
        return (await model.run(feeds)).logits!;
      };
      const all = await run(0n);
      const last = await run(1n);
      const two = await run(2n);
      const vocab = model.vocabSize;
      expect(all.dims).toEqual([1, 4, vocab]);
      expect(last.dims).toEqual([1, 1, vocab]);
      expect(two.dims).toEqual([1, 2, vocab]);
      const allData = all.data as Float32Array;
      const lastData = last.data as Float32Array;
      for (let v = 0; v < vocab; v++) expect(lastData[v]).toBeCloseTo(allData[3 * vocab + v]!, 5);
    } finally {
      await model.close();
    }
  });

  it('is written for the Optimum layout by default, not for genai (whose builder has no such input)', async () => {
    const optimum = await ModelSession.open(await ensureTinyModel('gpt2'), { threads: 1 });
    const genai = await ModelSession.open(await ensureTinyModel('llama', 'tiny', 0, { layout: 'genai' }), {
      threads: 1,
    });
    expect(optimum.io.logitsToKeep?.name).toBe('num_logits_to_keep');
    expect(genai.io.logitsToKeep).toBeUndefined();
    await optimum.close();
    await genai.close();
  });
});
