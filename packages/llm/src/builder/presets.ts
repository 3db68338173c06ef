/** Architectures the builder can write. */
export type TinyArch = 'llama' | 'gpt2';
/** Size presets: `tiny` for tests (< 2 MB), `small` ~10M parameters, `bench` ~55M parameters. */
export type TinyPreset = 'tiny' | 'small' | 'bench';

export const TINY_ARCHS: readonly TinyArch[] = ['llama', 'gpt2'];
export const TINY_PRESETS: readonly TinyPreset[] = ['tiny', 'small', 'bench'];

/** Shape of a generated decoder; the vocabulary size comes from the learned tokenizer. */
export interface TinyShape {
  hiddenSize: number;
  layers: number;
  heads: number;
  /** Grouped KV heads (llama); gpt2 always uses `heads`. */
  kvHeads: number;
  headDim: number;
  intermediateSize: number;
  contextLength: number;
  /** Weights go to `model.onnx_data` when set (Optimum's external-data layout). */
  externalData: boolean;
}

const SHAPES: Record<TinyPreset, TinyShape> = {
  tiny: {
    hiddenSize: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    headDim: 16,
    intermediateSize: 128,
    // Room for a realistic tool request: two tools and a schema in the prompt plus a 200-token answer.
    contextLength: 2048,
    externalData: false,
  },
  small: {
    hiddenSize: 320,
    layers: 8,
    heads: 8,
    kvHeads: 4,
    headDim: 40,
    intermediateSize: 896,
    contextLength: 1024,
    externalData: true,
  },
  bench: {
    hiddenSize: 768,
    layers: 8,
    heads: 12,
    kvHeads: 4,
    headDim: 64,
    intermediateSize: 2304,
    contextLength: 2048,
    externalData: true,
  },
};

export function presetShape(arch: TinyArch, preset: TinyPreset): TinyShape {
  const shape = SHAPES[preset];
  // GPT-2 has no grouped-query attention and a 4x MLP.
  return arch === 'gpt2' ? { ...shape, kvHeads: shape.heads, intermediateSize: shape.hiddenSize * 4 } : shape;
}
