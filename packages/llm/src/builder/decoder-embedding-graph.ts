import type { DecoderSpec } from './decoder-common.js';
import { buildLlamaBody } from './llama-graph.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';

/**
 * A llama decoder exported for feature extraction, as decoder embedding models (Qwen3-Embedding,
 * e5-mistral) are used: `input_ids` and `attention_mask` ([batch_size, sequence_length], int64) in,
 * `last_hidden_state` ([batch_size, sequence_length, hidden]) out, no KV cache. Position ids are
 * computed in the graph from the mask (real tokens counted so far − 1), so a row's real tokens get
 * the same vectors whether the batch is padded on the left (transformers.js, with this tokenizer's
 * `padding_side: left`) or on the right (Weft): causal attention keeps right padding out of real
 * tokens, and the mask keeps left padding out.
 */
export function buildDecoderEmbeddingGraph(spec: DecoderSpec): OnnxGraphBuilder {
  const { hiddenSize, layers } = spec.shape;
  const g = new OnnxGraphBuilder('weft_tiny_llama_embedding');
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const one = g.int64('const_one', [], [1]);
  const zero = g.int64('const_zero', [], [0]);
  const counted = g.op('CumSum', ['attention_mask', one]);
  g.op('Max', [g.op('Sub', [counted, one]), zero], {}, 'position_ids');
  const none = Array.from({ length: layers }, () => '');
  buildLlamaBody(
    g,
    spec,
    none.map(() => ({ key: '', value: '' })),
    { logits: '', presentKey: none, presentValue: none, lastHiddenState: 'last_hidden_state' },
  );
  g.output('last_hidden_state', 'float32', ['batch_size', 'sequence_length', hiddenSize]);
  return g;
}
