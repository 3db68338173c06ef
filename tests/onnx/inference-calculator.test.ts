import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalculatorRegistry, CalculatorRunner, type Tensor, tensor } from '@weft/framework';
import { OnnxGraphBuilder } from '@weft/llm';
import { OnnxInferenceCalculator, OnnxModel } from '@weft/onnx';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureTinyEmbeddingModel } from '../helpers/models.js';

// onnxruntime-node is a dependency of @weft/onnx, not of the repository root: load it from there.
const ort = createRequire(new URL('../../packages/onnx/package.json', import.meta.url))(
  'onnxruntime-node',
) as typeof import('../../packages/onnx/node_modules/onnxruntime-node/dist/index.js');

const registry = new CalculatorRegistry().register(OnnxInferenceCalculator);
const NODE = `
calculator: OnnxInferenceCalculator
input_stream: [INPUT_IDS:ids, ATTENTION_MASK:mask]
input_side_packet: [SESSION:session]
output_stream: [HIDDEN:hidden]
options: { tag_to_output_tensor_names: { HIDDEN: last_hidden_state } }
`;

const ids = (row: number[]) => tensor('int64', [1, row.length], BigInt64Array.from(row.map(BigInt)));
const ones = (n: number) => tensor('int64', [1, n], new BigInt64Array(n).fill(1n));
// Rows of different lengths, so batching them needs padding.
const ROWS = [[5, 6, 7], [10, 11, 12, 13, 14, 15, 16], [300], [40, 41, 42, 43, 44]];

let modelPath: string;
let alone: OnnxModel;
let batched: OnnxModel;

beforeAll(async () => {
  modelPath = join(await ensureTinyEmbeddingModel(), 'onnx', 'model.onnx');
  alone = await OnnxModel.open(modelPath, { threads: 1 });
  batched = await OnnxModel.open(modelPath, {
    threads: 1,
    maxBatchSize: 8,
    padValues: { input_ids: 0, attention_mask: 0 },
  });
});
afterAll(async () => {
  await alone?.close();
  await batched?.close();
});

async function runNode(model: OnnxModel, row: number[], yaml = NODE): Promise<Tensor> {
  const runner = new CalculatorRunner(yaml, { registry });
  await runner
    .setSidePacket('SESSION', model)
    .addPacket('INPUT_IDS', ids(row), 0)
    .addPacket('ATTENTION_MASK', ones(row.length), 0)
    .run();
  return runner.outputValues('hidden')[0] as Tensor;
}

describe('OnnxInferenceCalculator', () => {
  test('gives what a direct session.run gives, at the input timestamp', async () => {
    const session = await ort.InferenceSession.create(modelPath);
    const row = ROWS[1]!;
    const direct = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(row.map(BigInt)), [1, row.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(row.length).fill(1n), [1, row.length]),
    });
    const out = await runNode(alone, row);
    expect(out.dims).toEqual([1, 7, 64]);
    expect([...(out.data as Float32Array)]).toEqual([...(direct.last_hidden_state!.data as Float32Array)]);
  });

  test('concurrent graph runs share session.run calls and each gets what it gets alone (1e-5)', async () => {
    const expected = [];
    for (const row of ROWS) expected.push(await runNode(alone, row));
    const before = batched.metrics();
    const together = await Promise.all(ROWS.map((row) => runNode(batched, row)));
    const after = batched.metrics();
    expect(after.runs - before.runs).toBe(ROWS.length);
    expect(after.rows - before.rows).toBe(ROWS.length); // one row per run here
    const batches = after.batches - before.batches;
    expect(batches).toBeLessThan(ROWS.length);
    // Every batch is counted once in the buckets; one of them held more than one row.
    expect(after.batchRows.at(-1)! - before.batchRows.at(-1)!).toBe(batches);
    expect(after.batchRows[0]! - before.batchRows[0]!).toBeLessThan(batches);
    for (const [i, out] of together.entries()) {
      expect(out.dims).toEqual(expected[i]!.dims);
      const want = expected[i]!.data as Float32Array;
      const got = out.data as Float32Array;
      let worst = 0;
      for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(want[k]! - got[k]!));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  test('a tag mapped to a name the model lacks is refused at open with a did-you-mean', async () => {
    const yaml = NODE.replace('{ HIDDEN: last_hidden_state }', '{ HIDDEN: last_hiden_state }');
    await expect(runNode(alone, [1, 2], yaml)).rejects.toMatchObject({
      phase: 'open',
      cause: {
        code: 'WEFT_ERR_ONNX_PORT_MAPPING',
        message:
          'output HIDDEN maps to "last_hiden_state", which the model does not have (did you mean "last_hidden_state"?); its outputs are "last_hidden_state"',
      },
    });
  });

  test('a model input without a stream is refused at open, naming it', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: OnnxInferenceCalculator
      input_stream: [IDS:ids]
      input_side_packet: [SESSION:session]
      output_stream: [LAST_HIDDEN_STATE:hidden]
      options: { tag_to_input_tensor_names: { IDS: input_ids } }
      `,
      { registry },
    );
    await expect(runner.setSidePacket('SESSION', alone).run()).rejects.toMatchObject({
      phase: 'open',
      cause: {
        code: 'WEFT_ERR_ONNX_PORT_MAPPING',
        message: expect.stringMatching(/^model input "attention_mask" of .*model\.onnx has no input stream/),
      },
    });
  });

  test('a tensor of the wrong dtype is refused with the tag, the model input, expected and actual', async () => {
    const runner = new CalculatorRunner(NODE, { registry });
    runner
      .setSidePacket('SESSION', alone)
      .addPacket('INPUT_IDS', tensor('int32', [1, 2], Int32Array.from([1, 2])), 0)
      .addPacket('ATTENTION_MASK', ones(2), 0);
    await expect(runner.run()).rejects.toMatchObject({
      cause: {
        code: 'WEFT_ERR_ONNX_INPUT_MISMATCH',
        message:
          'input INPUT_IDS (model input "input_ids") expects int64 [batch_size, sequence_length], got int32 [1, 2]',
      },
    });
  });

  test('inputs disagreeing on a shared dimension are refused', async () => {
    const runner = new CalculatorRunner(NODE, { registry });
    runner
      .setSidePacket('SESSION', alone)
      .addPacket('INPUT_IDS', ids([1, 2, 3]), 0)
      .addPacket('ATTENTION_MASK', ones(2), 0);
    await expect(runner.run()).rejects.toMatchObject({
      cause: {
        code: 'WEFT_ERR_ONNX_INPUT_MISMATCH',
        message: expect.stringContaining(
          'has sequence_length = 2 (axis 1) but input INPUT_IDS (model input "input_ids") has sequence_length = 3',
        ),
      },
    });
  });
});

describe('OnnxModel batching rules', () => {
  test('a model with a fixed batch size cannot batch: refused when opened, with the reason', async () => {
    const g = new OnnxGraphBuilder('fixed');
    g.input('x', 'float32', [1, 'n']);
    g.output('y', 'float32', [1, 'n']);
    g.op('Neg', ['x'], {}, 'y');
    const dir = join(tmpdir(), `weft-onnx-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'fixed.onnx');
    writeFileSync(file, g.serialize().model);
    await expect(OnnxModel.open(file, { threads: 1, maxBatchSize: 4 })).rejects.toMatchObject({
      code: 'WEFT_ERR_ONNX_BATCH_CONFIG',
      message: expect.stringContaining('input "x" has dims [1, n]: axis 0 is not a symbolic batch dimension'),
    });
    const single = await OnnxModel.open(file, { threads: 1 });
    const out = await single.run({ x: tensor('float32', [1, 2], Float32Array.from([1, -2])) }, ['y']);
    expect([...(out.y!.data as Float32Array)]).toEqual([-1, 2]);
    await single.close();
  });

  test('a missing file and a closed session give their own errors', async () => {
    await expect(OnnxModel.open('/nonexistent/model.onnx')).rejects.toMatchObject({
      code: 'WEFT_ERR_ONNX_LOAD_FAILED',
    });
    const model = await OnnxModel.open(modelPath, { threads: 1 });
    await model.close();
    await expect(model.run({}, [])).rejects.toMatchObject({ code: 'WEFT_ERR_ONNX_SESSION_CLOSED' });
  });
});
