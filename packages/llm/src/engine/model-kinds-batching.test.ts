import { basename, dirname, join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aloneTraces,
  batchDifferences,
  batchedScenario,
  MODEL_KINDS,
  PROMPTS,
  SCENARIO_N,
} from '../../../../tests/helpers/batch-invariance.js';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../../../../tests/helpers/models.js';
import { Engine } from './engine.js';

// Every export kind the builder writes (GroupQueryAttention in both layouts, q4, q8 dynamic
// quantization, merged decoders, external data): greedy = transformers.js at batch 1, and the
// engine's batched answers equal the same requests alone (tokens exactly, logprobs within 1e-4)
// with different prompt lengths, joins at different steps, n > 1 and a request finishing early.

/** Greedy tokens of transformers.js 4 at batch 1 (the oracle), `steps` per prompt, offline. */
export async function transformersGreedy(
  dir: string,
  spec: (typeof MODEL_KINDS)[string],
  prompts: readonly (readonly number[])[],
  steps: number,
): Promise<number[][]> {
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir);
  const model = await AutoModelForCausalLM.from_pretrained(basename(dir), {
    dtype: spec.dtype,
    subfolder: spec.subfolder,
    ...(spec.fileName ? { model_file_name: spec.fileName } : {}),
  } as never);
  const out: number[][] = [];
  try {
    for (const ids of prompts) {
      const result = (await model.generate({
        input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
        max_new_tokens: steps,
        do_sample: false,
      } as never)) as unknown as { tolist(): bigint[][] };
      out.push(result.tolist()[0]!.slice(ids.length).map(Number));
    }
  } finally {
    await model.dispose();
  }
  return out;
}

const TOLERANCE = 1e-4;
const fixtures = sharedFixturesDir();
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

async function start(dir: string, options: Parameters<typeof Engine.start>[1] = {}): Promise<Engine> {
  const engine = await Engine.start(dir, { threads: 1, maxNumSeqs: 8, readyWaitMs: 5, ...options });
  engines.push(engine);
  return engine;
}

describe.each(Object.entries(MODEL_KINDS))('model kind %s', (name, spec) => {
  it('greedy alone equals transformers.js; batched equals alone', async () => {
    const dir = await ensureTinyModel('llama', 'tiny', 0, spec.kind);
    const engine = await start(dir, spec.dtype === 'fp32' ? {} : { dtype: spec.dtype });
    const alone = await aloneTraces(engine);
    const oracle = await transformersGreedy(dir, spec, PROMPTS, 6);
    expect(alone.map((t) => t.tokens.slice(0, 6))).toEqual(
      oracle.map((o, i) => o.slice(0, alone[i]!.tokens.length)),
    );
    const batched = await batchedScenario(engine);
    expect(batched.map((rows) => rows.length)).toEqual(SCENARIO_N);
    expect(batchDifferences(batched, alone, TOLERANCE)).toEqual([]);
    expect(new Set(alone.map((t) => t.tokens.join())).size).toBe(PROMPTS.length);
    expect(engine.metrics()).toMatchObject({ running: 0, kvCacheUsedTokens: 0 });
    if (name.startsWith('gqa') || name === 'merged-gqa') {
      expect(engine.model.batching).toMatchObject({ rowAlignment: 'right', shareBuffer: true });
    }
    if (name === 'q8') expect(engine.model.batching.perRowRuns).toBe(true);
  });
});

describe('batch invariance in harder layouts', () => {
  it.each(['gqa', 'merged-gqa', 'q8'])(
    '%s with chunked prefill (7-token budget) interleaved with decode steps',
    async (name) => {
      const spec = MODEL_KINDS[name]!;
      const dir = await ensureTinyModel('llama', 'tiny', 0, spec.kind);
      const engine = await start(dir, {
        maxNumBatchedTokens: 7,
        ...(spec.dtype === 'fp32' ? {} : { dtype: spec.dtype }),
      });
      const alone = await aloneTraces(engine);
      expect(batchDifferences(await batchedScenario(engine), alone, TOLERANCE)).toEqual([]);
    },
  );

  it.skipIf(!fixtures)(
    `the contrib-op GPT-2 of ../shared (gpt2-tiny-random-genai, packed KV) stays batch-invariant (${NO_FIXTURES_MESSAGE})`,
    async () => {
      const engine = await start(join(fixtures!, 'gpt2-tiny-random-genai'));
      expect(engine.model.batching).toMatchObject({
        attentionOps: ['com.microsoft::Attention'],
        rowAlignment: 'left',
        shareBuffer: false,
      });
      const alone = await aloneTraces(engine);
      expect(batchDifferences(await batchedScenario(engine), alone, TOLERANCE)).toEqual([]);
    },
  );
});

describe('the batch-invariance check catches what it must', () => {
  it('negative control: left padding on a GroupQueryAttention model changes batched answers', async () => {
    const dir = await ensureTinyModel('llama', 'tiny', 0, MODEL_KINDS.gqa!.kind);
    const right = await start(dir);
    const alone = await aloneTraces(right);
    const left = await start(dir, { forceRowAlignment: 'left' });
    expect(left.model.batching).toMatchObject({ rowAlignment: 'left', shareBuffer: false });
    // Alone, a row has no padding, so left and right agree...
    expect(
      batchDifferences(
        (await aloneTraces(left)).map((t) => [t]),
        alone,
        TOLERANCE,
      ),
    ).toEqual([]);
    // ...batched with left padding, rows diverge silently: the check reports it.
    expect(batchDifferences(await batchedScenario(left), alone, TOLERANCE).length).toBeGreaterThan(0);
  });

  it('q8 with coupledRows "batched" is measurably not batch-invariant (the trade the option makes)', async () => {
    const dir = await ensureTinyModel('llama', 'tiny', 0, MODEL_KINDS.q8!.kind);
    const engine = await start(dir, { dtype: 'q8', coupledRows: 'batched' });
    expect(engine.model.batching).toMatchObject({
      perRowRuns: false,
      rowCouplingOps: ['DynamicQuantizeLinear'],
    });
    const alone = await aloneTraces(engine);
    expect(batchDifferences(await batchedScenario(engine), alone, TOLERANCE).length).toBeGreaterThan(0);
  });
});
