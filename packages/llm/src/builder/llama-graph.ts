import {
  buildAttentionMask,
  type DecoderSpec,
  declareDecoderIo,
  successorHead,
  weights,
} from './decoder-common.js';
import { attr, OnnxGraphBuilder } from './onnx-graph-builder.js';

export const LLAMA_RMS_EPS = 1e-5;
export const LLAMA_ROPE_THETA = 10000;

/**
 * A Llama decoder from standard opset-23 ops: RMSNormalization, RotaryEmbedding (rotate-half
 * layout, position ids from the caller), Attention with grouped KV heads and past/present, SwiGLU MLP.
 */
export function buildLlamaGraph(spec: DecoderSpec): OnnxGraphBuilder {
  const { hiddenSize: hidden, layers, heads, kvHeads, headDim, intermediateSize, contextLength } = spec.shape;
  const vocab = spec.vocabSize;
  const g = new OnnxGraphBuilder('weft_tiny_llama');
  const { past } = declareDecoderIo(g, spec, kvHeads);
  const mask = buildAttentionMask(g);

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
  const linear = (input: string, name: string, inDim: number, outDim: number, std: number): string =>
    g.op('MatMul', [input, g.float(name, [inDim, outDim], weights(spec, name, inDim * outDim, std))]);

  // Residual branches are scaled so that each layer moves the stream by about the size of a token
  // embedding: big enough that context changes the next token, small enough to keep it readable.
  const branch = 2 / Math.sqrt(layers);
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    const h = norm(x, `${p}.input_layernorm.weight`);
    const q = linear(h, `${p}.self_attn.q_proj.weight`, hidden, heads * headDim, 1 / Math.sqrt(hidden));
    const k = linear(h, `${p}.self_attn.k_proj.weight`, hidden, kvHeads * headDim, 1 / Math.sqrt(hidden));
    const v = linear(h, `${p}.self_attn.v_proj.weight`, hidden, kvHeads * headDim, 1 / Math.sqrt(hidden));
    const qr = g.op('RotaryEmbedding', [q, cosCache, sinCache, 'position_ids'], {
      num_heads: attr.int(heads),
    });
    const kr = g.op('RotaryEmbedding', [k, cosCache, sinCache, 'position_ids'], {
      num_heads: attr.int(kvHeads),
    });
    const [y] = g.node(
      'Attention',
      [qr, kr, v, mask, past[i]!.key, past[i]!.value],
      { q_num_heads: attr.int(heads), kv_num_heads: attr.int(kvHeads) },
      [`${p}.attn_output`, `present.${i}.key`, `present.${i}.value`],
    );
    const o = linear(
      y!,
      `${p}.self_attn.o_proj.weight`,
      heads * headDim,
      hidden,
      branch / Math.sqrt(heads * headDim),
    );
    x = g.op('Add', [x, o]);
    const h2 = norm(x, `${p}.post_attention_layernorm.weight`);
    const gate = linear(h2, `${p}.mlp.gate_proj.weight`, hidden, intermediateSize, 1 / Math.sqrt(hidden));
    const up = linear(h2, `${p}.mlp.up_proj.weight`, hidden, intermediateSize, 1 / Math.sqrt(hidden));
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [
      x,
      linear(
        act,
        `${p}.mlp.down_proj.weight`,
        intermediateSize,
        hidden,
        branch / Math.sqrt(intermediateSize),
      ),
    ]);
  }
  const final = norm(x, 'model.norm.weight');
  const head = g.float('lm_head.weight', [hidden, vocab], successorHead(spec, embedding, 0.1));
  g.op('MatMul', [final, head], {}, 'logits');
  return g;
}
