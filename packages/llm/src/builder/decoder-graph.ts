import {
  bodyOutputs,
  type DecoderSpec,
  declareBodyOutputs,
  declareDecoderInputs,
  type PastNames,
} from './decoder-common.js';
import { buildGpt2Body } from './gpt2-graph.js';
import { buildLlamaBody } from './llama-graph.js';
import { attr, OnnxGraphBuilder } from './onnx-graph-builder.js';
import type { TinyArch } from './presets.js';

/**
 * The whole decoder model for `spec.kind`: one body, or for a merged decoder an `If` on the
 * `use_cache_branch` input whose `then` branch reads the past KV and whose `else` branch runs
 * without it (Optimum's `decoder_model_merged` layout). Weights live once, in the top graph.
 */
export function buildDecoderGraph(arch: TinyArch, spec: DecoderSpec): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder(`weft_tiny_${arch}`);
  const kvHeads = arch === 'llama' ? spec.shape.kvHeads : spec.shape.heads;
  const body = arch === 'llama' ? buildLlamaBody : buildGpt2Body;
  // GroupQueryAttention rotates inside the op from each row's length: no position ids.
  const past = declareDecoderInputs(g, spec, kvHeads, spec.kind.attention !== 'gqa');
  const outputs = bodyOutputs(spec.shape.layers);
  if (!spec.kind.merged) {
    body(g, spec, past, outputs);
  } else {
    g.input('use_cache_branch', 'bool', [1]);
    const branch = (name: string, pastNames: readonly PastNames[]): OnnxGraphBuilder => {
      const sub = g.subgraph(name);
      const names = bodyOutputs(spec.shape.layers, `${name}/`);
      body(sub, spec, pastNames, names);
      declareBodyOutputs(sub, spec, kvHeads, names);
      return sub;
    };
    const withPast = branch('with_past', past);
    // An empty name is an omitted optional input: the attention runs on the new tokens only.
    const withoutPast = branch(
      'without_past',
      past.map(() => ({ key: '', value: '' })),
    );
    g.node(
      'If',
      ['use_cache_branch'],
      { then_branch: attr.graph(withPast), else_branch: attr.graph(withoutPast) },
      [outputs.logits, ...outputs.presentKey.flatMap((k, i) => [k, outputs.presentValue[i]!])],
    );
  }
  declareBodyOutputs(g, spec, kvHeads, outputs);
  return g;
}
