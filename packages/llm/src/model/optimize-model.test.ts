import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greedyGroup, PROMPTS, type RowTrace } from '../../../../tests/helpers/batch-invariance.js';
import { NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../../../../tests/helpers/models.js';
import { createTinyModel } from '../builder/create-tiny-model.js';
import type { ModelKind } from '../builder/model-kind.js';
import { Engine } from '../engine/engine.js';
import { ModelOptimizeError } from '../errors/llm-errors.js';
import { optimizeModel } from './optimize-model.js';

// `weft model optimize` on models without `num_logits_to_keep`: the builder's exports written
// without it, and the third-party fixtures. The optimized model answers exactly as the original.

const scratch = mkdtempSync(join(tmpdir(), 'weft-optimize-'));
const fixtures = sharedFixturesDir();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function build(name: string, arch: 'llama' | 'gpt2', kind: Partial<ModelKind>): Promise<string> {
  const dir = join(scratch, name);
  await createTinyModel(dir, { arch, kind: { ...kind, logitsToKeep: false } });
  return dir;
}

/** Greedy tokens and logprobs of every test prompt, all submitted at once (one padded prefill). */
async function traces(dir: string, dtype?: string): Promise<RowTrace[]> {
  const engine = await Engine.start(dir, {
    threads: 1,
    maxNumSeqs: 8,
    readyWaitMs: 5,
    ...(dtype && { dtype }),
  });
  try {
    return (await Promise.all(PROMPTS.map((p) => greedyGroup(engine, p, 5)))).map((rows) => rows[0]!);
  } finally {
    await engine.close();
  }
}

function expectSame(after: RowTrace[], before: RowTrace[], tolerance: number): void {
  expect(after.map((t) => t.tokens)).toEqual(before.map((t) => t.tokens));
  after.forEach((t, i) => {
    for (const [s, lp] of t.logprobs.entries()) {
      expect(Math.abs(lp - before[i]!.logprobs[s]!)).toBeLessThanOrEqual(tolerance);
    }
  });
}

describe('optimizeModel', () => {
  it.each([
    ['llama fp32', 'llama', {}, undefined, ['MatMul']],
    ['gpt2 fp32', 'gpt2', {}, undefined, ['MatMul']],
    [
      'llama GroupQueryAttention, q4, external data',
      'llama',
      { attention: 'gqa', quant: 'q4', externalData: true },
      'q4',
      ['com.microsoft::MatMulNBits'],
    ],
    ['llama merged decoder', 'llama', { merged: true }, undefined, ['MatMul', 'MatMul']],
  ] as const)(
    'slices before the LM head of the %s export; answers stay the same',
    async (name, arch, kind, dtype, ops) => {
      const dir = await build(name.replace(/\W+/g, '-'), arch, kind);
      const before = await traces(dir, dtype);
      const report = await optimizeModel(dir, dtype ? { dtype } : {});
      expect(report.output).toBe(report.file);
      expect(report.input).toBe('num_logits_to_keep');
      expect(report.heads.map((h) => h.op)).toEqual(ops);
      expect(report.maxLogitDifference).toBeLessThanOrEqual(1e-4);
      expectSame(await traces(dir, dtype), before, 1e-4);
      // A second run finds the input and writes nothing.
      const bytes = readFileSync(report.file);
      expect((await optimizeModel(dir, dtype ? { dtype } : {})).output).toBeUndefined();
      expect(readFileSync(report.file).equals(bytes)).toBe(true);
    },
  );

  it('slices before the dynamic quantization of a q8 head (one activation scale over the kept positions)', async () => {
    const dir = await build('q8', 'llama', { quant: 'q8' });
    const report = await optimizeModel(dir, { dtype: 'q8' });
    expect(report.heads).toEqual([
      expect.objectContaining({
        op: 'MatMulInteger',
        ops: expect.arrayContaining(['DynamicQuantizeLinear']),
      }),
    ]);
    expect(report.maxLogitDifference).toBeGreaterThan(0);
    expect(report.maxLogitDifference).toBeLessThanOrEqual(0.05);
  });

  it('writes to --output beside the original, leaving the original as it was', async () => {
    const dir = await build('output', 'gpt2', {});
    const original = readFileSync(join(dir, 'onnx', 'model.onnx'));
    const report = await optimizeModel(dir, { output: join(dir, 'onnx', 'model_sliced.onnx') });
    expect(report.output).toBe(join(dir, 'onnx', 'model_sliced.onnx'));
    expect(readFileSync(join(dir, 'onnx', 'model.onnx')).equals(original)).toBe(true);
  });

  it('refuses to write a model with external weights into another folder', async () => {
    const dir = await build('external', 'llama', { externalData: true });
    await expect(optimizeModel(dir, { output: join(scratch, 'elsewhere.onnx') })).rejects.toThrow(
      new ModelOptimizeError(
        `${join(dir, 'onnx', 'model.onnx')} keeps its weights in model.onnx_data, found by a path relative to the model; write the optimized model into ${join(dir, 'onnx')}, not ${scratch}`,
      ),
    );
  });

  it.skipIf(!fixtures)(
    `optimizes the third-party fixtures, Optimum and onnxruntime-genai contrib ops (${NO_FIXTURES_MESSAGE})`,
    async () => {
      for (const name of ['gpt2-tiny-random-optimum', 'gpt2-tiny-random-genai']) {
        const dir = join(scratch, name);
        cpSync(join(fixtures!, name), dir, { recursive: true });
        // Ids below the models' vocabulary of 1000.
        const before = await traces(dir);
        const report = await optimizeModel(dir);
        expect(report.heads).toEqual([
          { graph: 'main', op: 'MatMul', sliced: '/transformer/ln_f/Add_1_output_0', ops: ['MatMul'] },
        ]);
        expectSame(await traces(dir), before, 1e-4);
      }
    },
  );
});
