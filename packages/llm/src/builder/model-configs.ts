import { GPT2_LAYER_NORM_EPS } from './gpt2-graph.js';
import { LLAMA_RMS_EPS, LLAMA_ROPE_THETA } from './llama-graph.js';
import type { TinyArch, TinyShape } from './presets.js';
import type { BuiltTokenizer } from './tokenizer-files.js';

/** `config.json` in the keys transformers (and transformers.js 4.x) read for each family. */
export function buildModelConfig(
  arch: TinyArch,
  shape: TinyShape,
  tok: BuiltTokenizer,
  externalData: boolean,
  vocabSize = tok.vocabSize,
): Record<string, unknown> {
  const { endOfText, imEnd } = tok.specialIds;
  const common = {
    vocab_size: vocabSize,
    bos_token_id: endOfText,
    eos_token_id: imEnd,
    pad_token_id: endOfText,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    use_cache: true,
    ...(externalData ? { 'transformers.js_config': { use_external_data_format: true } } : {}),
  };
  if (arch === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      n_embd: shape.hiddenSize,
      n_layer: shape.layers,
      n_head: shape.heads,
      n_inner: shape.intermediateSize,
      n_positions: shape.contextLength,
      n_ctx: shape.contextLength,
      activation_function: 'gelu_new',
      layer_norm_epsilon: GPT2_LAYER_NORM_EPS,
      ...common,
    };
  }
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    head_dim: shape.headDim,
    max_position_embeddings: shape.contextLength,
    hidden_act: 'silu',
    rms_norm_eps: LLAMA_RMS_EPS,
    rope_theta: LLAMA_ROPE_THETA,
    attention_bias: false,
    mlp_bias: false,
    ...common,
  };
}

/** `generation_config.json`: ChatML models stop at `<|im_end|>` and at `<|endoftext|>`. */
export function buildGenerationConfig(tok: BuiltTokenizer): Record<string, unknown> {
  const { endOfText, imEnd } = tok.specialIds;
  return {
    bos_token_id: endOfText,
    eos_token_id: [imEnd, endOfText],
    pad_token_id: endOfText,
    do_sample: false,
  };
}

/**
 * `genai_config.json` as onnxruntime-genai's model builder writes it (Optimum tensor names, the
 * ONNX file at the top level, search defaults).
 */
export function buildGenaiConfig(
  arch: TinyArch,
  shape: TinyShape,
  tok: BuiltTokenizer,
  filename: string,
  vocabSize = tok.vocabSize,
): Record<string, unknown> {
  const { endOfText, imEnd } = tok.specialIds;
  return {
    model: {
      type: arch,
      bos_token_id: endOfText,
      eos_token_id: [imEnd, endOfText],
      pad_token_id: endOfText,
      vocab_size: vocabSize,
      context_length: shape.contextLength,
      decoder: {
        filename,
        hidden_size: shape.hiddenSize,
        head_size: shape.headDim,
        num_attention_heads: shape.heads,
        num_key_value_heads: shape.kvHeads,
        num_hidden_layers: shape.layers,
        inputs: {
          input_ids: 'input_ids',
          attention_mask: 'attention_mask',
          past_key_names: 'past_key_values.%d.key',
          past_value_names: 'past_key_values.%d.value',
        },
        outputs: {
          logits: 'logits',
          present_key_names: 'present.%d.key',
          present_value_names: 'present.%d.value',
        },
      },
    },
    search: { do_sample: false, max_length: shape.contextLength },
  };
}
