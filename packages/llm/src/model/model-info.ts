/** Which export layout a model directory uses. */
export type ModelLayout = 'optimum' | 'genai';

/**
 * Tensor-name templates of the decoder (`%d` stands for the layer index). Packed KV
 * (onnxruntime-genai's `past_%d`, shape `[2, batch, heads, seq, head]`) has the key and value
 * templates equal and `packedKv` set.
 */
export interface ModelIoNames {
  inputIds: string;
  attentionMask: string;
  positionIds: string;
  logits: string;
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
  packedKv: boolean;
}

/** Search defaults from `generation_config.json` or genai's `search` section (absent keys stay absent). */
export interface GenerationDefaults {
  maxLength?: number;
  maxNewTokens?: number;
  doSample?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repetitionPenalty?: number;
}

/** Everything Weft reads from a model directory before opening a session. */
export interface ModelInfo {
  /** Absolute path of the directory. */
  dir: string;
  layout: ModelLayout;
  /** `model_type` (Optimum) or `model.type` (genai), e.g. `llama`, `gpt2`, `qwen2`. */
  modelType: string;
  /** `architectures[0]` of config.json when present, e.g. `LlamaForCausalLM`. */
  architecture?: string;
  /** Absolute path of the chosen ONNX file. */
  onnxFile: string;
  /** External weight files found next to it (absolute paths). */
  externalDataFiles: string[];
  /** The chosen variant (`fp32`, `fp16`, `q8`, `q4`...; `default` for genai). */
  dtype: string;
  /** Every variant present in the directory. */
  availableDtypes: string[];
  vocabSize: number;
  hiddenSize?: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Maximum number of positions (prompt + generated). */
  contextLength: number;
  bosTokenId?: number;
  /** Every id that ends generation (generation_config wins over config). */
  eosTokenIds: number[];
  padTokenId?: number;
  io: ModelIoNames;
  generation: GenerationDefaults;
  tokenizerFile: string;
  /** Parsed tokenizer_config.json (empty object when the file is absent). */
  tokenizerConfig: Record<string, unknown>;
  chatTemplate?: string;
  /** Where the chat template came from. */
  chatTemplateSource?: 'chat_template.jinja' | 'tokenizer_config.json';
  /** The raw config.json (Optimum) or genai_config.json. */
  config: Record<string, unknown>;
}

/** Fills a `%d` name template with a layer index. */
export function layerName(template: string, layer: number): string {
  return template.replace('%d', String(layer));
}
