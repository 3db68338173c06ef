import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfigError, ModelDirError } from '../errors/llm-errors.js';
import type { IoNameHints, KvShapeHints } from './model-io.js';

/**
 * What a `ModelSession` needs besides the ONNX file's own metadata. `loadModelInfo` (model/) gives
 * the full picture of a directory; this is the minimal subset, so the runtime also works on a bare
 * ONNX file plus a few numbers.
 */
export interface ModelSource {
  readonly onnxPath: string;
  readonly contextLength: number;
  /** Overrides the logits shape (needed when it is symbolic). */
  readonly vocabSize?: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId?: number;
  readonly names?: IoNameHints;
  readonly shapes?: KvShapeHints;
}

function readJson(file: string): Record<string, any> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  } catch (err) {
    throw new ModelConfigError(
      `${file} is not readable JSON (${(err as Error).message}); fix or re-export it`,
      file,
    );
  }
}

function ids(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

function firstNumber(...values: unknown[]): number | undefined {
  return values.find((v): v is number => typeof v === 'number');
}

/** The ONNX file name for a dtype variant (`model.onnx`, `model_fp16.onnx`, `model_quantized.onnx`...). */
function onnxFileFor(dir: string, dtype: string | undefined): string {
  const suffix = dtype === undefined || dtype === 'fp32' ? '' : `_${dtype}`;
  return join(dir, 'onnx', `model${suffix}.onnx`);
}

/**
 * Reads the few numbers the runtime needs from a model directory (Optimum or onnxruntime-genai
 * layout). A stand-in for callers without a `ModelInfo`; it does not validate the rest of the folder.
 */
export function readModelSource(dir: string, options: { dtype?: string } = {}): ModelSource {
  const genaiFile = join(dir, 'genai_config.json');
  if (existsSync(genaiFile)) {
    const model = readJson(genaiFile).model ?? {};
    const decoder = model.decoder ?? {};
    const inputs = decoder.inputs ?? {};
    const outputs = decoder.outputs ?? {};
    const pastNames = [inputs.past_names, inputs.past_key_names, inputs.past_value_names].filter(Boolean);
    const presentNames = [
      outputs.present_names,
      outputs.present_key_names,
      outputs.present_value_names,
    ].filter(Boolean);
    return {
      onnxPath: join(dir, decoder.filename ?? 'model.onnx'),
      contextLength: firstNumber(model.context_length) ?? 2048,
      vocabSize: firstNumber(model.vocab_size),
      eosTokenIds: ids(model.eos_token_id),
      padTokenId: firstNumber(model.pad_token_id),
      names: {
        inputIds: inputs.input_ids,
        attentionMask: inputs.attention_mask,
        positionIds: inputs.position_ids,
        logits: outputs.logits,
        pastNames,
        presentNames,
      },
      shapes: { kvHeads: firstNumber(decoder.num_key_value_heads), headSize: firstNumber(decoder.head_size) },
    };
  }
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) {
    throw new ModelDirError(
      `${dir} has neither config.json nor genai_config.json; point at a model directory`,
      configFile,
    );
  }
  const config = readJson(configFile);
  const textConfig = config.text_config ?? config;
  const genFile = join(dir, 'generation_config.json');
  const gen = existsSync(genFile) ? readJson(genFile) : {};
  const heads = firstNumber(textConfig.num_attention_heads, textConfig.n_head);
  const hidden = firstNumber(textConfig.hidden_size, textConfig.n_embd);
  return {
    onnxPath: onnxFileFor(dir, options.dtype),
    contextLength:
      firstNumber(textConfig.max_position_embeddings, textConfig.n_positions, textConfig.n_ctx) ?? 2048,
    vocabSize: firstNumber(textConfig.vocab_size),
    eosTokenIds: ids(gen.eos_token_id ?? textConfig.eos_token_id),
    padTokenId: firstNumber(gen.pad_token_id, textConfig.pad_token_id),
    shapes: {
      kvHeads: firstNumber(textConfig.num_key_value_heads, heads),
      headSize: firstNumber(textConfig.head_dim, heads && hidden ? hidden / heads : undefined),
    },
  };
}
