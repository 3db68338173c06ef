import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ModelOptimizeError } from '../errors/llm-errors.js';
import { appendOnlyKv } from './append-kv-rewrite.js';
import { attr, OnnxGraphBuilder } from './onnx-graph-builder.js';
import { decodeModel } from './onnx-proto.js';

// A hand-written "layer": present = Concat(past, new) on the sequence axis, new = input_ids-shaped
// values broadcast to [batch, heads=2, seq, head=3].

function layer(op?: 'gqa'): Uint8Array {
  const g = new OnnxGraphBuilder('kv');
  g.input('input_ids', 'int64', ['b', 's']);
  g.input('past_key_values.0.key', 'float32', ['b', 2, 'p', 3]);
  const fresh = g.op('Expand', [
    g.op('Unsqueeze', [g.op('Cast', ['input_ids'], { to: attr.int(1) }), g.int64('axes', [2], [1, 3])]),
    g.int64('shape', [4], [1, 2, 1, 3]),
  ]);
  if (op === 'gqa') g.node('com.microsoft::GroupQueryAttention', [fresh], {}, ['unused']);
  g.op('Concat', ['past_key_values.0.key', fresh], { axis: attr.int(2) }, 'present.0.key');
  g.output('present.0.key', 'float32', ['b', 2, 't', 3]);
  return g.serialize().model;
}

describe('appendOnlyKv', () => {
  it('turns present.N.key into its last input-length positions, present.N.key.new_positions', async () => {
    const { model, outputs } = appendOnlyKv(layer(), 'm.onnx', 'input_ids', ['present.0.key']);
    expect(outputs).toEqual(['present.0.key.new_positions']);
    const decoded = decodeModel(model);
    expect(decoded.graph.output.map((o: { name: string }) => o.name)).toEqual([
      'present.0.key.new_positions',
    ]);
    expect(decoded.graph.output[0].type.tensorType.shape.dim[2]).toEqual({ dimParam: 'sequence_length' });
    const session = await ort.InferenceSession.create(model);
    const past = Float32Array.from({ length: 2 * 2 * 4 * 3 }, (_, i) => -i);
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.of(7n, 8n, 9n, 10n), [2, 2]),
      'past_key_values.0.key': new ort.Tensor('float32', past, [2, 2, 4, 3]),
    });
    await session.release();
    const fresh = out['present.0.key.new_positions']!;
    expect(fresh.dims).toEqual([2, 2, 2, 3]);
    // Row 0 got ids 7, 8; row 1 got 9, 10: each head's two new positions, nothing of the past.
    expect([...(fresh.data as Float32Array)]).toEqual([7, 8, 7, 8, 9, 10, 9, 10].flatMap((v) => [v, v, v]));
  });

  it('refuses GroupQueryAttention (it writes in place already), packed KV and a missing output', () => {
    const refusal = (bytes: Uint8Array, presents: string[], why: string) =>
      expect(() => appendOnlyKv(bytes, 'm.onnx', 'input_ids', presents)).toThrow(
        new ModelOptimizeError(`cannot make m.onnx return new KV positions only: ${why}`),
      );
    refusal(
      layer('gqa'),
      ['present.0.key'],
      'it uses com.microsoft::GroupQueryAttention, which writes KV in place already (share-buffer)',
    );
    refusal(layer(), ['present.0.value'], 'no graph output named "present.0.value"');
    const g = new OnnxGraphBuilder('packed');
    g.input('past_0', 'float32', [2, 'b', 2, 'p', 3]);
    g.op('Identity', ['past_0'], {}, 'present_0');
    g.output('present_0', 'float32', [2, 'b', 2, 'p', 3]);
    refusal(
      g.serialize().model,
      ['present_0'],
      'output "present_0" has rank 5, expected 4 (packed KV is not supported)',
    );
  });
});
