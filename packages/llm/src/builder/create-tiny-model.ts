import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuildError } from '../errors/llm-errors.js';
import { learnBpe } from './bpe-learner.js';
import type { DecoderSpec } from './decoder-common.js';
import { buildDecoderGraph } from './decoder-graph.js';
import { buildGenaiConfig, buildGenerationConfig, buildModelConfig } from './model-configs.js';
import { type ModelKind, onnxFileName, resolveModelKind } from './model-kind.js';
import { presetShape, TINY_ARCHS, TINY_PRESETS, type TinyArch, type TinyPreset } from './presets.js';
import { buildTokenizerFiles } from './tokenizer-files.js';

/** Progress of a build, reported between phases (weights of big presets take seconds). */
export interface BuildProgress {
  phase: 'tokenizer' | 'weights' | 'serialize' | 'write' | 'done';
  message: string;
}

export interface CreateTinyModelOptions {
  arch: TinyArch;
  /** Default `tiny`. */
  preset?: TinyPreset;
  /** Default 0. The same seed writes the same bytes. */
  seed?: number;
  /** Export flavour (attention op, quantization, layout, external data, merged); default plain Optimum fp32. */
  kind?: Partial<ModelKind>;
  /**
   * Rows of the embedding and columns of the LM head (default: the tokenizer's 838). More pads the
   * vocabulary as many real models do (e.g. 32000): the tokenizer never produces the extra ids and
   * their head columns are zero. Benchmarks use it for an LM head of realistic size.
   */
  vocabSize?: number;
  onProgress?: (progress: BuildProgress) => void;
}

export interface CreatedModel {
  dir: string;
  arch: TinyArch;
  preset: TinyPreset;
  seed: number;
  kind: ModelKind;
  parameters: number;
  vocabSize: number;
  files: string[];
}

/**
 * Upper bound on learned merges; the shipped text yields fewer (579), so every built model has
 * 256 byte tokens + 579 merges + 3 ChatML specials = 838 tokens.
 */
const TINY_MERGES = 765;
/** Tokens of the built tokenizer (see above): the smallest vocabulary a built model can have. */
export const TOKENIZER_VOCAB = 838;
const MAX_VOCAB = 262144;

const TRAINING_TEXT = new URL('../../assets/bpe-training-text.txt', import.meta.url);

/**
 * Writes a complete model directory: `config.json`, `generation_config.json`, `tokenizer.json`,
 * `tokenizer_config.json` and the ONNX file named by the kind (`onnx/model.onnx`,
 * `onnx/model_q4.onnx`, `onnx/model_quantized.onnx`, `onnx/decoder_model_merged*.onnx`, or
 * `model.onnx` next to `genai_config.json`), with `<file>_data` when weights are external (always
 * for the larger presets). Existing files of the same names are overwritten.
 */
export async function createTinyModel(dir: string, options: CreateTinyModelOptions): Promise<CreatedModel> {
  const { arch, preset = 'tiny', seed = 0, onProgress } = options;
  if (!TINY_ARCHS.includes(arch)) {
    throw new ModelBuildError(`arch ${JSON.stringify(arch)} is not one of ${TINY_ARCHS.join(', ')}`);
  }
  if (!TINY_PRESETS.includes(preset)) {
    throw new ModelBuildError(`preset ${JSON.stringify(preset)} is not one of ${TINY_PRESETS.join(', ')}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ModelBuildError(`seed ${JSON.stringify(seed)} must be an integer from 0 to 4294967295`);
  }
  const shape = presetShape(arch, preset);
  const { vocabSize } = options;
  if (
    vocabSize !== undefined &&
    (!Number.isInteger(vocabSize) || vocabSize < TOKENIZER_VOCAB || vocabSize > MAX_VOCAB)
  ) {
    throw new ModelBuildError(
      `vocab size ${JSON.stringify(vocabSize)} must be an integer from ${TOKENIZER_VOCAB} (the tokenizer's) to ${MAX_VOCAB}`,
    );
  }
  const kind = resolveModelKind(arch, shape, options.kind);
  onProgress?.({ phase: 'tokenizer', message: 'learning BPE merges from the shipped text' });
  const bpe = learnBpe(readFileSync(TRAINING_TEXT, 'utf8'), TINY_MERGES);
  const tok = buildTokenizerFiles(bpe, shape.contextLength);
  if (tok.vocabSize !== TOKENIZER_VOCAB)
    throw new Error(`internal: the tokenizer has ${tok.vocabSize} tokens`);

  const spec: DecoderSpec = {
    shape,
    vocabSize: vocabSize ?? tok.vocabSize,
    tokenizerVocab: tok.vocabSize,
    quietIds: [tok.specialIds.endOfText, tok.specialIds.imStart, tok.specialIds.imEnd],
    seed,
    kind,
  };
  onProgress?.({ phase: 'weights', message: `generating ${arch} ${preset} weights (seed ${seed})` });
  // Let a progress line reach the terminal before the synchronous weight generation.
  await new Promise((resolve) => setImmediate(resolve));
  const graph = buildDecoderGraph(arch, spec);
  const parameters = graph.parameterCount();

  onProgress?.({ phase: 'serialize', message: `serialising ${(parameters / 1e6).toFixed(2)}M parameters` });
  const onnxFile = onnxFileName(kind);
  const dataFile = `${onnxFile.split('/').at(-1)}_data`;
  const external = shape.externalData || kind.externalData;
  const serialized = graph.serialize(external ? { fileName: dataFile, minBytes: 1024 } : undefined);

  onProgress?.({ phase: 'write', message: `writing ${dir}` });
  mkdirSync(join(dir, onnxFile, '..'), { recursive: true });
  const files: string[] = [];
  const writeJson = (name: string, value: unknown): void => {
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(name);
  };
  // config.json is written for genai too: transformers.js (the test oracle) reads it.
  writeJson('config.json', buildModelConfig(arch, shape, tok, external, spec.vocabSize));
  writeJson('generation_config.json', buildGenerationConfig(tok));
  if (kind.layout === 'genai') {
    writeJson('genai_config.json', buildGenaiConfig(arch, shape, tok, onnxFile, spec.vocabSize));
  }
  writeJson('tokenizer.json', tok.tokenizerJson);
  writeJson('tokenizer_config.json', tok.tokenizerConfig);
  writeFileSync(join(dir, onnxFile), serialized.model);
  files.push(onnxFile);
  if (serialized.externalChunks.length > 0) {
    const dataPath = join(dir, onnxFile, '..', dataFile);
    const fd = openSync(dataPath, 'w');
    try {
      for (const chunk of serialized.externalChunks) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    files.push(onnxFile.replace(/[^/]+$/, dataFile));
  }
  onProgress?.({ phase: 'done', message: `wrote ${files.length} files` });
  return { dir, arch, preset, seed, kind, parameters, vocabSize: spec.vocabSize, files };
}
