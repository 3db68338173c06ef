import { basename, dirname, join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../../../../tests/helpers/models.js';
import { Engine, generate } from '../index.js';

// Greedy decoding of generate() (the engine) against transformers.js 4.x (the oracle) on the same
// directory, offline. Prompts are token ids, so the fixture whose tokenizer knows more tokens than
// its model (50257 vs 1000) is fed valid ids only.

const fixtures = sharedFixturesDir();
const STEPS = 12;

async function oracle(dir: string, prompts: readonly (readonly number[])[]): Promise<number[][]> {
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir);
  const model = await AutoModelForCausalLM.from_pretrained(basename(dir), { dtype: 'fp32' });
  const out: number[][] = [];
  try {
    for (const ids of prompts) {
      const inputIds = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
      const mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
      const result = (await model.generate({
        input_ids: inputIds,
        attention_mask: mask,
        max_new_tokens: STEPS,
        do_sample: false,
      } as never)) as unknown as { tolist(): bigint[][] };
      out.push(result.tolist()[0]!.slice(ids.length).map(Number));
    }
  } finally {
    await model.dispose();
  }
  return out;
}

const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

async function checkAgainstOracle(dir: string, prompts: number[][]): Promise<number[][]> {
  const engine = await Engine.start(dir, { threads: 1 });
  engines.push(engine);
  const expected = await oracle(dir, prompts);
  const alone: number[][] = [];
  for (const p of prompts) alone.push((await generate(engine, p, { maxTokens: STEPS }))[0]!.tokenIds);
  expect(alone).toEqual(expected);
  const batched = await generate(engine, prompts, { maxTokens: STEPS });
  expect(batched.map((r) => r.tokenIds)).toEqual(expected);
  // Not degenerate: different prompts lead to different continuations.
  expect(new Set(expected.map((e) => e.join(','))).size).toBe(prompts.length);
  return expected;
}

describe('greedy generate() equals transformers.js', () => {
  it('on the project tiny llama (grouped KV heads, RoPE), alone and batched', async () => {
    const dir = await ensureTinyModel('llama');
    await checkAgainstOracle(dir, [
      [835, 72, 101, 108, 108, 111],
      [5, 300, 17],
      [400, 401, 402, 403, 404, 405, 406, 407, 408],
      [12],
    ]);
  });

  it('on the project tiny gpt2, alone and batched', async () => {
    const dir = await ensureTinyModel('gpt2');
    await checkAgainstOracle(dir, [[40, 41, 42, 43], [200, 7], [99, 98, 97, 96, 95, 94, 93], [3]]);
  });

  it.skipIf(!fixtures)(`on ../shared gpt2-tiny-random-optimum (${NO_FIXTURES_MESSAGE})`, async () => {
    const dir = join(fixtures!, 'gpt2-tiny-random-optimum');
    const expected = await checkAgainstOracle(dir, [
      [5, 6, 7, 8, 9, 10],
      [400, 401],
      [20, 21, 22, 23],
      [999],
    ]);
    expect(expected[0]).toEqual([410, 410, 410, 410, 410, 766, 766, 766, 766, 766, 766, 766]);
  });
});
