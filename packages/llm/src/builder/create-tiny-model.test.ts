import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelBuildError } from '../errors/llm-errors.js';
import { createTinyModel } from './create-tiny-model.js';

const root = mkdtempSync(join(tmpdir(), 'weft-builder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A bare onnxruntime greedy loop over the built models, written here independently of the
// runtime package, checked against transformers.js (the oracle) and against itself in a batch.

interface Loop {
  session: ort.InferenceSession;
  layers: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
}

async function openLoop(dir: string, config: Record<string, number>): Promise<Loop> {
  const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'), {
    intraOpNumThreads: 1,
  });
  const layers = config.num_hidden_layers ?? config.n_layer!;
  const heads = config.num_attention_heads ?? config.n_head!;
  const kvHeads = config.num_key_value_heads ?? heads;
  const headDim = config.head_dim ?? (config.hidden_size ?? config.n_embd!) / heads;
  return { session, layers, kvHeads, headDim, vocab: config.vocab_size! };
}

const i64 = (rows: number[][]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

/** Greedy decoding of left-padded prompts as one batch; returns `steps` tokens per prompt. */
async function greedyBatch(loop: Loop, prompts: number[][], steps: number): Promise<number[][]> {
  const width = Math.max(...prompts.map((p) => p.length));
  let mask = prompts.map((p) => [...new Array(width - p.length).fill(0), ...p.map(() => 1)]);
  let ids = prompts.map((p) => [...new Array(width - p.length).fill(0), ...p]);
  let positions = mask.map((m) => {
    let n = 0;
    return m.map((bit) => (bit ? n++ : 1));
  });
  const batch = prompts.length;
  const empty = new ort.Tensor('float32', new Float32Array(0), [batch, loop.kvHeads, 0, loop.headDim]);
  let past: ort.Tensor[] = new Array(loop.layers * 2).fill(empty);
  const out: number[][] = prompts.map(() => []);
  for (let step = 0; step < steps; step++) {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: i64(ids),
      attention_mask: i64(mask),
      position_ids: i64(positions),
    };
    // 0 = logits for every position (the export's own default in transformers).
    if (loop.session.inputNames.includes('num_logits_to_keep')) {
      feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.of(0n), []);
    }
    for (let l = 0; l < loop.layers; l++) {
      feeds[`past_key_values.${l}.key`] = past[2 * l]!;
      feeds[`past_key_values.${l}.value`] = past[2 * l + 1]!;
    }
    const result = await loop.session.run(feeds);
    past = [];
    for (let l = 0; l < loop.layers; l++)
      past.push(result[`present.${l}.key`]!, result[`present.${l}.value`]!);
    const logits = result.logits!.data as Float32Array;
    const seq = ids[0]!.length;
    const next = prompts.map((_, b) => {
      const row = logits.subarray((b * seq + seq - 1) * loop.vocab, (b * seq + seq) * loop.vocab);
      let best = 0;
      for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v;
      return best;
    });
    for (const [b, t] of next.entries()) out[b]!.push(t);
    ids = next.map((t) => [t]);
    positions = positions.map((p) => [p[p.length - 1]! + 1]);
    mask = mask.map((m) => [...m, 1]);
  }
  return out;
}

const PROMPTS = [
  'The weaver sat at the loom',
  'Hello',
  'A graph is like a loom. Nodes are the places where threads cross',
  '你好，世界 😀',
];

describe.each(['llama', 'gpt2'] as const)('built %s tiny model', (arch) => {
  it('greedy tokens of a bare onnxruntime loop equal transformers.js generate, alone and in a left-padded batch', async () => {
    const dir = join(root, `${arch}-tiny`);
    await createTinyModel(dir, { arch, seed: 0 });
    env.allowRemoteModels = false;
    env.localModelPath = join(dir, '..');
    const name = dir.split(/[\\/]/).pop()!;
    const tokenizer = await AutoTokenizer.from_pretrained(name);
    const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32' });
    const loop = await openLoop(dir, JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    const steps = 10;
    const single: number[][] = [];
    const prompts: number[][] = [];
    for (const text of PROMPTS) {
      const inputs = tokenizer(text) as { input_ids: { tolist(): bigint[][] } };
      const ids = inputs.input_ids.tolist()[0]!.map(Number);
      prompts.push(ids);
      const [mine] = await greedyBatch(loop, [ids], steps);
      const theirs = (await model.generate({
        ...inputs,
        max_new_tokens: steps,
        do_sample: false,
      } as never)) as unknown as {
        tolist(): bigint[][];
      };
      const generated = theirs.tolist()[0]!.slice(ids.length).map(Number);
      expect(mine).toEqual(generated);
      single.push(mine!);
    }
    expect(await greedyBatch(loop, prompts, steps)).toEqual(single);
    // Not degenerate: prompts lead to different continuations, and a continuation is not one token repeated.
    expect(new Set(single.map((s) => s.join(','))).size).toBe(prompts.length);
    for (const s of single) expect(new Set(s).size).toBeGreaterThanOrEqual(steps / 2);
    await model.dispose();
    await loop.session.release();
  });
});

describe('createTinyModel output', () => {
  it('is byte-identical for the same seed and differs for another seed', async () => {
    const a = join(root, 'seed-a');
    const b = join(root, 'seed-b');
    const c = join(root, 'seed-c');
    await createTinyModel(a, { arch: 'llama', seed: 5 });
    await createTinyModel(b, { arch: 'llama', seed: 5 });
    await createTinyModel(c, { arch: 'llama', seed: 6 });
    const model = (dir: string) => readFileSync(join(dir, 'onnx', 'model.onnx'));
    expect(model(a).equals(model(b))).toBe(true);
    expect(model(a).equals(model(c))).toBe(false);
    expect(readFileSync(join(a, 'tokenizer.json'), 'utf8')).toBe(
      readFileSync(join(c, 'tokenizer.json'), 'utf8'),
    );
  });

  it('stays under 2 MB for the tiny preset and reports progress phases in order', async () => {
    const phases: string[] = [];
    const dir = join(root, 'progress');
    const created = await createTinyModel(dir, { arch: 'gpt2', onProgress: (p) => phases.push(p.phase) });
    expect(phases).toEqual(['tokenizer', 'weights', 'serialize', 'write', 'done']);
    expect(created.files).toEqual([
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
    ]);
    const total = created.files.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'gpt2',
      n_layer: 2,
      n_head: 4,
      n_embd: 64,
      vocab_size: created.vocabSize,
    });
  });
});

describe('a padded vocabulary', () => {
  it('widens the embedding and the LM head; the padding ids get logit 0 and are never chosen', async () => {
    const dir = join(root, 'padded');
    const created = await createTinyModel(dir, { arch: 'llama', vocabSize: 4000 });
    expect(created.vocabSize).toBe(4000);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).vocab_size).toBe(4000);
    const loop = await openLoop(dir, JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    const prompts = [
      [40, 41, 42, 43],
      [200, 7, 9],
    ];
    const tokens = await greedyBatch(loop, prompts, 6);
    expect(tokens.flat().every((t) => t < 838)).toBe(true);
    // The same weights over the tokenizer's ids: greedy text equals the unpadded model's.
    const plain = join(root, 'unpadded');
    await createTinyModel(plain, { arch: 'llama' });
    const plainLoop = await openLoop(plain, JSON.parse(readFileSync(join(plain, 'config.json'), 'utf8')));
    expect(await greedyBatch(plainLoop, prompts, 6)).toEqual(tokens);
    await loop.session.release();
    await plainLoop.session.release();
  });
});

describe('createTinyModel validation', () => {
  it.each([
    [{ arch: 'mistral' }, 'arch "mistral" is not one of llama, gpt2'],
    [{ arch: 'llama', preset: 'huge' }, 'preset "huge" is not one of tiny, small, bench'],
    [{ arch: 'llama', seed: -1 }, 'seed -1 must be an integer from 0 to 4294967295'],
    [{ arch: 'llama', seed: 0.5 }, 'seed 0.5 must be an integer from 0 to 4294967295'],
    [
      { arch: 'llama', vocabSize: 800 },
      "vocab size 800 must be an integer from 838 (the tokenizer's) to 262144",
    ],
  ])('rejects %j', async (options, message) => {
    const err = await createTinyModel(join(root, 'never'), options as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelBuildError);
    expect((err as ModelBuildError).code).toBe('WEFT_ERR_MODEL_BUILD');
    expect((err as Error).message).toBe(message);
  });
});
