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

export const GPT2_LAYER_NORM_EPS = 1e-5;

/**
 * A GPT-2 decoder body from standard opset-23 ops: learned position embeddings (looked up by the
 * caller's position ids), LayerNormalization, Attention with past/present, tanh-GELU MLP.
 */
export function buildGpt2Body(
  g: OnnxGraphBuilder,
  spec: DecoderSpec,
  past: readonly PastNames[],
  out: BodyOutputs,
): void {
  const { hiddenSize: hidden, layers, heads, headDim, intermediateSize, contextLength } = spec.shape;
  const { quant } = spec.kind;
  const vocab = spec.vocabSize;
  const mask = buildAttentionMask(g);

  const embedding = weights(spec, 'transformer.wte.weight', vocab * hidden, 1);
  const wte = g.float('transformer.wte.weight', [vocab, hidden], embedding);
  const wpe = g.float(
    'transformer.wpe.weight',
    [contextLength, hidden],
    weights(spec, 'transformer.wpe.weight', contextLength * hidden, 0.5),
  );
  let x = g.op('Add', [
    g.op('Gather', [wte, 'input_ids'], { axis: attr.int(0) }),
    g.op('Gather', [wpe, 'position_ids'], { axis: attr.int(0) }),
  ]);

  const layerNorm = (input: string, name: string): string =>
    g.op(
      'LayerNormalization',
      [
        input,
        g.float(`${name}.weight`, [hidden], weights(spec, `${name}.weight`, hidden, 0.05, 1)),
        g.float(`${name}.bias`, [hidden], weights(spec, `${name}.bias`, hidden, 0.05)),
      ],
      { axis: attr.int(-1), epsilon: attr.float(GPT2_LAYER_NORM_EPS) },
    );
  const project = (input: string, name: string, inDim: number, outDim: number, std: number): string => {
    const w = weights(spec, `${name}.weight`, inDim * outDim, std);
    const b = g.float(`${name}.bias`, [outDim], weights(spec, `${name}.bias`, outDim, 0.02));
    return g.op('Add', [linear(g, input, `${name}.weight`, w, inDim, outDim, quant), b]);
  };

  // See llama-graph.ts: residual branches sized so that context moves the next token.
  const branch = 2 / Math.sqrt(layers);
  const attnDim = heads * headDim;
  for (let i = 0; i < layers; i++) {
    const p = `transformer.h.${i}`;
    const h = layerNorm(x, `${p}.ln_1`);
    const q = project(h, `${p}.attn.q_proj`, hidden, attnDim, 1 / Math.sqrt(hidden));
    const k = project(h, `${p}.attn.k_proj`, hidden, attnDim, 1 / Math.sqrt(hidden));
    const v = project(h, `${p}.attn.v_proj`, hidden, attnDim, 1 / Math.sqrt(hidden));
    const [y] = g.node(
      'Attention',
      [q, k, v, mask, past[i]!.key, past[i]!.value],
      { q_num_heads: attr.int(heads), kv_num_heads: attr.int(heads) },
      [g.fresh('attn_output'), out.presentKey[i]!, out.presentValue[i]!],
    );
    x = g.op('Add', [x, project(y!, `${p}.attn.c_proj`, attnDim, hidden, branch / Math.sqrt(attnDim))]);
    const h2 = layerNorm(x, `${p}.ln_2`);
    const fc = g.op('Gelu', [project(h2, `${p}.mlp.c_fc`, hidden, intermediateSize, 1 / Math.sqrt(hidden))], {
      approximate: attr.string('tanh'),
    });
    x = g.op('Add', [
      x,
      project(fc, `${p}.mlp.c_proj`, intermediateSize, hidden, branch / Math.sqrt(intermediateSize)),
    ]);
  }
  const final = layerNorm(x, 'transformer.ln_f');
  // GPT-2 ties the head to `wte`; a tied head makes a random model repeat its last token, so the
  // head here is its own matrix (the ONNX graph does not care).
  lmHead(g, spec, final, successorHead(spec, embedding, 0.1), out);
}
