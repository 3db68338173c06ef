import {
  type BodyOutputs,
  buildAttentionMask,
  type DecoderSpec,
  lmHead,
  type PastNames,
  successorHead,
  weights,
} from './decoder-common.js';
import { attr, type OnnxGraphBuilder } from './onnx-graph-builder.js';
import { linear } from './quantized-linear.js';

export const LLAMA_RMS_EPS = 1e-5;
export const LLAMA_ROPE_THETA = 10000;

/**
 * A Llama decoder body: RMSNormalization, rotary positions, grouped KV heads with past/present,
 * SwiGLU MLP. Attention is opset-23 `RotaryEmbedding` + `Attention` (positions from the caller's
 * `position_ids`), or `com.microsoft::GroupQueryAttention` with rotary inside the op (positions
 * from each row's length, `seqlens_k = ReduceSum(attention_mask) - 1`), as onnxruntime-genai writes it.
 */
export function buildLlamaBody(
  g: OnnxGraphBuilder,
  spec: DecoderSpec,
  past: readonly PastNames[],
  out: BodyOutputs,
): void {
  const { hiddenSize: hidden, layers, heads, kvHeads, headDim, intermediateSize, contextLength } = spec.shape;
  const { quant, attention } = spec.kind;
  const vocab = spec.vocabSize;
  const gqa = attention === 'gqa' ? gqaInputs(g) : undefined;
  const mask = gqa ? '' : buildAttentionMask(g);

  const half = headDim / 2;
  const cos = new Float32Array(contextLength * half);
  const sin = new Float32Array(contextLength * half);
  for (let p = 0; p < contextLength; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p / LLAMA_ROPE_THETA ** ((2 * i) / headDim);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  const cosCache = g.float('rope.cos_cache', [contextLength, half], cos);
  const sinCache = g.float('rope.sin_cache', [contextLength, half], sin);

  const embedding = weights(spec, 'model.embed_tokens.weight', vocab * hidden, 1);
  const embed = g.float('model.embed_tokens.weight', [vocab, hidden], embedding);
  let x = g.op('Gather', [embed, 'input_ids'], { axis: attr.int(0) });

  const norm = (input: string, name: string): string =>
    g.op('RMSNormalization', [input, g.float(name, [hidden], weights(spec, name, hidden, 0.05, 1))], {
      axis: attr.int(-1),
      epsilon: attr.float(LLAMA_RMS_EPS),
    });
  const project = (input: string, name: string, inDim: number, outDim: number, std: number): string =>
    linear(g, input, name, weights(spec, name, inDim * outDim, std), inDim, outDim, quant);

  // Residual branches are scaled so that each layer moves the stream by about the size of a token
  // embedding: big enough that context changes the next token, small enough to keep it readable.
  const branch = 2 / Math.sqrt(layers);
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    const h = norm(x, `${p}.input_layernorm.weight`);
    const q = project(h, `${p}.self_attn.q_proj.weight`, hidden, heads * headDim, 1 / Math.sqrt(hidden));
    const k = project(h, `${p}.self_attn.k_proj.weight`, hidden, kvHeads * headDim, 1 / Math.sqrt(hidden));
    const v = project(h, `${p}.self_attn.v_proj.weight`, hidden, kvHeads * headDim, 1 / Math.sqrt(hidden));
    // Trailing optional outputs left out when not wanted (feature extraction keeps no cache).
    const presents = [out.presentKey[i]!, out.presentValue[i]!].filter((name) => name !== '');
    const y = gqa
      ? g.node(
          'com.microsoft::GroupQueryAttention',
          [q, k, v, past[i]!.key, past[i]!.value, gqa.seqlensK, gqa.totalLength, cosCache, sinCache],
          {
            num_heads: attr.int(heads),
            kv_num_heads: attr.int(kvHeads),
            do_rotary: attr.int(1),
            rotary_interleaved: attr.int(0),
          },
          [g.fresh('attn_output'), ...presents],
        )[0]!
      : g.node(
          'Attention',
          [
            g.op('RotaryEmbedding', [q, cosCache, sinCache, 'position_ids'], { num_heads: attr.int(heads) }),
            g.op('RotaryEmbedding', [k, cosCache, sinCache, 'position_ids'], {
              num_heads: attr.int(kvHeads),
            }),
            v,
            mask,
            past[i]!.key,
            past[i]!.value,
          ],
          { q_num_heads: attr.int(heads), kv_num_heads: attr.int(kvHeads) },
          [g.fresh('attn_output'), ...presents],
        )[0]!;
    const o = project(
      y,
      `${p}.self_attn.o_proj.weight`,
      heads * headDim,
      hidden,
      branch / Math.sqrt(heads * headDim),
    );
    x = g.op('Add', [x, o]);
    const h2 = norm(x, `${p}.post_attention_layernorm.weight`);
    const gate = project(h2, `${p}.mlp.gate_proj.weight`, hidden, intermediateSize, 1 / Math.sqrt(hidden));
    const up = project(h2, `${p}.mlp.up_proj.weight`, hidden, intermediateSize, 1 / Math.sqrt(hidden));
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [
      x,
      project(
        act,
        `${p}.mlp.down_proj.weight`,
        intermediateSize,
        hidden,
        branch / Math.sqrt(intermediateSize),
      ),
    ]);
  }
  const final = norm(x, 'model.norm.weight');
  if (out.lastHiddenState !== undefined) {
    g.op('Identity', [final], {}, out.lastHiddenState);
    return;
  }
  lmHead(g, spec, final, successorHead(spec, embedding, 0.1), out);
}

/**
 * GroupQueryAttention's length inputs, computed in the graph from the mask as onnxruntime-genai's
 * models do: `seqlens_k` = ones per row − 1 (int32 `[batch]`), `total_sequence_length` = the
 * mask's width (int32 scalar). The op therefore reads each row's length from its count of ones,
 * never from where they are.
 */
function gqaInputs(g: OnnxGraphBuilder): { seqlensK: string; totalLength: string } {
  const ones = g.op('ReduceSum', ['attention_mask', g.int64('const_axes_1', [1], [1])], {
    keepdims: attr.int(0),
  });
  const seqlensK = g.op('Cast', [g.op('Sub', [ones, g.int64('const_one', [], [1])])], { to: attr.int(6) });
  const width = g.op('Gather', [g.op('Shape', ['attention_mask']), g.int64('const_one', [], [1])], {
    axis: attr.int(0),
  });
  const totalLength = g.op('Cast', [width], { to: attr.int(6) });
  return { seqlensK, totalLength };
}
