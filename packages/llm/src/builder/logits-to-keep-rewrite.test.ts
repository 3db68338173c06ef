import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ModelOptimizeError } from '../errors/llm-errors.js';
import { addLogitsToKeep } from './logits-to-keep-rewrite.js';
import { attr, OnnxGraphBuilder } from './onnx-graph-builder.js';
import { decodeModel } from './onnx-proto.js';

// Small hand-written graphs around the LM head: hidden states `x` [batch, seq, 4] → logits [batch, seq, 3].

const HIDDEN = 4;
const VOCAB = 3;
const weight = Float32Array.from({ length: HIDDEN * VOCAB }, (_, i) => (i % 5) - 2 + i / 10);

function graph(head: (g: OnnxGraphBuilder) => string, logitsDims: (string | number)[] = ['b', 's', VOCAB]) {
  const g = new OnnxGraphBuilder('head');
  g.input('x', 'float32', ['b', 's', HIDDEN]);
  g.op('Identity', [head(g)], {}, 'logits');
  g.output('logits', 'float32', logitsDims);
  return g.serialize().model;
}

const tiedHead = (g: OnnxGraphBuilder) => {
  // The embedding stored as [vocab, hidden] and transposed in the graph, as tied-weight exports do.
  const wte = g.float('wte', [VOCAB, HIDDEN], weight);
  const scaled = g.op('Mul', [
    g.op('MatMul', ['x', g.op('Transpose', [wte], { perm: attr.ints([1, 0]) })]),
    g.float('scale', [], Float32Array.of(0.5)),
  ]);
  return g.op('Cast', [scaled], { to: attr.int(1) });
};

async function run(model: Uint8Array, keep?: bigint): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(model);
  const x = Float32Array.from({ length: 2 * 5 * HIDDEN }, (_, i) => Math.sin(i));
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', x, [2, 5, HIDDEN]) };
  if (keep !== undefined) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.of(keep), []);
  const out = (await session.run(feeds)).logits!;
  await session.release();
  return out;
}

describe('addLogitsToKeep', () => {
  it('slices the LM head input behind casts, scales and a transposed tied embedding', async () => {
    const original = graph(tiedHead);
    const { model, heads } = addLogitsToKeep(original, 'm.onnx');
    expect(heads).toEqual([
      { graph: 'main', op: 'MatMul', sliced: 'x', ops: ['MatMul', 'Mul', 'Cast', 'Identity'] },
    ]);
    const decoded = decodeModel(model);
    expect(decoded.graph.input.map((i: { name: string }) => i.name)).toEqual(['x', 'num_logits_to_keep']);
    expect(decoded.graph.output[0].type.tensorType.shape.dim[1]).toEqual({ dimParam: 'logits_length' });
    const all = await run(original);
    const allData = all.data as Float32Array;
    for (const keep of [1n, 2n, 5n]) {
      const kept = await run(model, keep);
      const k = Number(keep);
      expect(kept.dims).toEqual([2, k, VOCAB]);
      const expected: number[] = [];
      for (let b = 0; b < 2; b++)
        expected.push(...allData.subarray((b * 5 + 5 - k) * VOCAB, (b * 5 + 5) * VOCAB));
      expect([...(kept.data as Float32Array)]).toEqual(expected);
    }
    // 0 keeps every position, as in transformers.
    expect([...((await run(model, 0n)).data as Float32Array)]).toEqual([...allData]);
  });

  const refusal = (bytes: Uint8Array, why: string) =>
    expect(() => addLogitsToKeep(bytes, 'm.onnx')).toThrow(
      new ModelOptimizeError(`cannot add num_logits_to_keep to m.onnx: ${why}`),
    );

  it('names the operator that mixes positions before any LM head', () => {
    refusal(
      graph((g) =>
        g.op('Transpose', [g.op('MatMul', ['x', g.float('w', [HIDDEN, VOCAB], weight)])], {
          perm: attr.ints([0, 1, 2]),
        }),
      ),
      'the main graph computes "logits" through Transpose (node "Transpose_1") before reaching an LM head (MatMul, Gemm, com.microsoft::MatMulNBits, com.microsoft::FusedMatMul, MatMulInteger) on the hidden states',
    );
  });

  it('refuses logits with no LM head, logits of the wrong rank, a missing output, and a model that has the input', () => {
    refusal(
      graph((g) => g.op('Add', ['x', g.float('b', [HIDDEN], new Float32Array(HIDDEN))])),
      'no LM head (MatMul, Gemm, com.microsoft::MatMulNBits, com.microsoft::FusedMatMul, MatMulInteger) on the hidden states behind "logits" in the main graph',
    );
    refusal(graph(tiedHead, ['b', VOCAB]), 'output "logits" has rank 2, expected [batch, sequence, vocab]');
    const { model } = addLogitsToKeep(graph(tiedHead), 'm.onnx');
    refusal(model, 'it already has an input "num_logits_to_keep"; nothing to do');
    expect(() => addLogitsToKeep(graph(tiedHead), 'm.onnx', 'scores')).toThrow(
      'no graph output named "scores"',
    );
  });
});
