import { attr, OnnxGraphBuilder } from './onnx-graph-builder.js';
import { SeededRandom } from './seeded-random.js';

export const BERT_LAYER_NORM_EPS = 1e-12;

/** Shape of a generated encoder (BERT layout). */
export interface EncoderShape {
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  /** Longest input (learned absolute positions). */
  maxPositions: number;
}

export interface EncoderSpec {
  shape: EncoderShape;
  vocabSize: number;
  seed: number;
}

/**
 * A BERT-style encoder from standard opset-23 ops, as Optimum exports it for feature extraction:
 * `input_ids` and `attention_mask` ([batch_size, sequence_length], int64) in, `last_hidden_state`
 * ([batch_size, sequence_length, hidden]) out. Token + learned position embeddings, post-norm
 * layers of bidirectional Attention (padded keys masked out) and a GELU MLP. Padded positions
 * never influence real ones, so right-padding a batch leaves every real token's output unchanged.
 */
export function buildEncoderGraph(spec: EncoderSpec): OnnxGraphBuilder {
  const { hiddenSize: hidden, layers, heads, intermediateSize, maxPositions } = spec.shape;
  const g = new OnnxGraphBuilder('weft_tiny_bert');
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  g.output('last_hidden_state', 'float32', ['batch_size', 'sequence_length', hidden]);
  const w = (name: string, count: number, std: number, mean = 0) =>
    new SeededRandom(spec.seed, name).fill(count, std, mean);
  const param = (name: string, dims: number[], std: number, mean = 0) =>
    g.float(
      name,
      dims,
      w(
        name,
        dims.reduce((a, b) => a * b, 1),
        std,
        mean,
      ),
    );

  const one = g.int64('const_one', [], [1]);
  const zero = g.int64('const_zero', [], [0]);
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), one], { axis: attr.int(0) });
  const positions = g.op('Range', [zero, seqLen, one]);
  const words = g.op(
    'Gather',
    [param('embeddings.word_embeddings.weight', [spec.vocabSize, hidden], 1), 'input_ids'],
    {
      axis: attr.int(0),
    },
  );
  const pos = g.op(
    'Gather',
    [param('embeddings.position_embeddings.weight', [maxPositions, hidden], 0.5), positions],
    {
      axis: attr.int(0),
    },
  );
  const layerNorm = (input: string, name: string) =>
    g.op(
      'LayerNormalization',
      [input, param(`${name}.weight`, [hidden], 0.05, 1), param(`${name}.bias`, [hidden], 0.02)],
      {
        axis: attr.int(-1),
        epsilon: attr.float(BERT_LAYER_NORM_EPS),
      },
    );
  const linear = (input: string, name: string, inDim: number, outDim: number) =>
    g.op('Add', [
      g.op('MatMul', [input, param(`${name}.weight`, [inDim, outDim], 1 / Math.sqrt(inDim))]),
      param(`${name}.bias`, [outDim], 0.02),
    ]);

  let x = layerNorm(g.op('Add', [words, pos]), 'embeddings.LayerNorm');
  // [batch, 1, seq, seq]: every query may look at every real key, none at a padded one (the CPU
  // kernel wants the query axis spelled out, not broadcast).
  const keyRow = g.op('Unsqueeze', [
    g.op('Cast', ['attention_mask'], { to: attr.int(9) }),
    g.int64('const_axes_1_2', [2], [1, 2]),
  ]);
  const maskShape = g.op(
    'Concat',
    [
      g.int64('const_ones_2', [2], [1, 1]),
      g.op('Unsqueeze', [seqLen, g.int64('const_axes_0', [1], [0])]),
      g.int64('const_ones_1', [1], [1]),
    ],
    { axis: attr.int(0) },
  );
  const keyMask = g.op('Expand', [keyRow, maskShape]);
  for (let i = 0; i < layers; i++) {
    const p = `encoder.layer.${i}`;
    const q = linear(x, `${p}.attention.self.query`, hidden, hidden);
    const k = linear(x, `${p}.attention.self.key`, hidden, hidden);
    const v = linear(x, `${p}.attention.self.value`, hidden, hidden);
    const attended = g.op('Attention', [q, k, v, keyMask], {
      q_num_heads: attr.int(heads),
      kv_num_heads: attr.int(heads),
    });
    x = layerNorm(
      g.op('Add', [x, linear(attended, `${p}.attention.output.dense`, hidden, hidden)]),
      `${p}.attention.output.LayerNorm`,
    );
    const inner = g.op('Gelu', [linear(x, `${p}.intermediate.dense`, hidden, intermediateSize)]);
    x = layerNorm(
      g.op('Add', [x, linear(inner, `${p}.output.dense`, intermediateSize, hidden)]),
      `${p}.output.LayerNorm`,
    );
  }
  g.op('Identity', [x], {}, 'last_hidden_state');
  return g;
}
