import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuildError } from '../errors/llm-errors.js';
import { learnBpe } from './bpe-learner.js';
import type { DecoderSpec } from './decoder-common.js';
import { buildGpt2Graph } from './gpt2-graph.js';
import { buildLlamaGraph } from './llama-graph.js';
import { buildGenerationConfig, buildModelConfig } from './model-configs.js';
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
  onProgress?: (progress: BuildProgress) => void;
}

export interface CreatedModel {
  dir: string;
  arch: TinyArch;
  preset: TinyPreset;
  seed: number;
  parameters: number;
  vocabSize: number;
  files: string[];
}

/**
 * Upper bound on learned merges; the shipped text yields fewer (579), so every built model has
 * 256 byte tokens + 579 merges + 3 ChatML specials = 838 tokens.
 */
const TINY_MERGES = 765;
const EXTERNAL_DATA_FILE = 'model.onnx_data';

const TRAINING_TEXT = new URL('../../assets/bpe-training-text.txt', import.meta.url);

/**
 * Writes a complete Optimum-layout model directory (`config.json`, `generation_config.json`,
 * `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx` and, for the larger presets,
 * `onnx/model.onnx_data`). Existing files of the same names are overwritten.
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
  onProgress?.({ phase: 'tokenizer', message: 'learning BPE merges from the shipped text' });
  const bpe = learnBpe(readFileSync(TRAINING_TEXT, 'utf8'), TINY_MERGES);
  const tok = buildTokenizerFiles(bpe, shape.contextLength);

  const spec: DecoderSpec = {
    shape,
    vocabSize: tok.vocabSize,
    quietIds: [tok.specialIds.endOfText, tok.specialIds.imStart, tok.specialIds.imEnd],
    seed,
  };
  onProgress?.({ phase: 'weights', message: `generating ${arch} ${preset} weights (seed ${seed})` });
  // Let a progress line reach the terminal before the synchronous weight generation.
  await new Promise((resolve) => setImmediate(resolve));
  const graph = arch === 'llama' ? buildLlamaGraph(spec) : buildGpt2Graph(spec);
  const parameters = graph.parameterCount();

  onProgress?.({ phase: 'serialize', message: `serialising ${(parameters / 1e6).toFixed(2)}M parameters` });
  const serialized = graph.serialize(
    shape.externalData ? { fileName: EXTERNAL_DATA_FILE, minBytes: 1024 } : undefined,
  );

  onProgress?.({ phase: 'write', message: `writing ${dir}` });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const files: string[] = [];
  const writeJson = (name: string, value: unknown): void => {
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(name);
  };
  writeJson('config.json', buildModelConfig(arch, shape, tok));
  writeJson('generation_config.json', buildGenerationConfig(tok));
  writeJson('tokenizer.json', tok.tokenizerJson);
  writeJson('tokenizer_config.json', tok.tokenizerConfig);
  writeFileSync(join(dir, 'onnx', 'model.onnx'), serialized.model);
  files.push('onnx/model.onnx');
  if (serialized.externalChunks.length > 0) {
    const fd = openSync(join(dir, 'onnx', EXTERNAL_DATA_FILE), 'w');
    try {
      for (const chunk of serialized.externalChunks) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    files.push(`onnx/${EXTERNAL_DATA_FILE}`);
  }
  onProgress?.({ phase: 'done', message: `wrote ${files.length} files` });
  return { dir, arch, preset, seed, parameters, vocabSize: tok.vocabSize, files };
}
