import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfigError, ModelDirError } from '../errors/llm-errors.js';
import { ConfigReader, readGenerationDefaults } from './config-keys.js';
import type { ModelInfo } from './model-info.js';
import { checkOnnxHeader, findExternalData } from './onnx-files.js';
import { readJsonObject } from './read-json.js';
import { readTokenizerAssets } from './tokenizer-assets.js';

/** Reads an onnxruntime-genai directory (`genai_config.json`). */
export function loadGenaiInfo(dir: string): ModelInfo {
  const file = join(dir, 'genai_config.json');
  const root = readJsonObject(file);
  const model = section(root, 'model', file);
  const decoder = section(model, 'decoder', file, 'model.decoder');
  const m = new ConfigReader(file, model);
  const d = new ConfigReader(file, decoder);
  const modelType = m.string('type');
  if (modelType === undefined)
    throw new ModelConfigError(`${file} has no "model.type" (e.g. "gpt2", "phi3")`, file);
  const filename = d.string('filename');
  if (filename === undefined) {
    throw new ModelConfigError(`${file} has no "model.decoder.filename" naming the ONNX file`, file);
  }
  const onnxFile = join(dir, filename);
  if (!existsSync(onnxFile)) {
    throw new ModelDirError(
      `${file} names the decoder "${filename}", but ${onnxFile} does not exist`,
      onnxFile,
    );
  }
  checkOnnxHeader(onnxFile);
  const numLayers = d.requireInt(['num_hidden_layers'], 'number of layers (model.decoder.num_hidden_layers)');
  const numKvHeads = d.requireInt(['num_key_value_heads'], 'KV heads (model.decoder.num_key_value_heads)');
  const numHeads = d.int(['num_attention_heads']) ?? numKvHeads;
  const hiddenSize = d.int(['hidden_size']);
  const headDim = d.int(['head_size']) ?? (hiddenSize === undefined ? undefined : hiddenSize / numHeads);
  if (headDim === undefined || !Number.isInteger(headDim)) {
    throw new ModelConfigError(
      `${file} does not give the head size: expected "model.decoder.head_size"`,
      file,
    );
  }
  const inputs = optionalSection(decoder, 'inputs');
  const outputs = optionalSection(decoder, 'outputs');
  const name = (obj: Record<string, unknown>, key: string, fallback: string): string =>
    typeof obj[key] === 'string' ? (obj[key] as string) : fallback;
  const packed = typeof inputs.past_names === 'string';
  const pastKey = packed
    ? (inputs.past_names as string)
    : name(inputs, 'past_key_names', 'past_key_values.%d.key');
  const pastValue = packed ? pastKey : name(inputs, 'past_value_names', 'past_key_values.%d.value');
  const presentPacked = typeof outputs.present_names === 'string';
  const presentKey = presentPacked
    ? (outputs.present_names as string)
    : name(outputs, 'present_key_names', 'present.%d.key');
  const presentValue = presentPacked ? presentKey : name(outputs, 'present_value_names', 'present.%d.value');
  const generation = readGenerationDefaults(new ConfigReader(file, optionalSection(root, 'search')));
  const bos = m.ids('bos_token_id')?.[0];
  const pad = m.ids('pad_token_id')?.[0];
  return {
    dir,
    layout: 'genai',
    modelType,
    onnxFile,
    externalDataFiles: findExternalData(onnxFile),
    dtype: 'default',
    availableDtypes: ['default'],
    vocabSize: m.requireInt(['vocab_size'], 'vocabulary size (model.vocab_size)'),
    ...(hiddenSize === undefined ? {} : { hiddenSize }),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    contextLength: m.requireInt(['context_length'], 'context length (model.context_length)'),
    ...(bos === undefined ? {} : { bosTokenId: bos }),
    eosTokenIds: m.ids('eos_token_id') ?? [],
    ...(pad === undefined ? {} : { padTokenId: pad }),
    io: {
      inputIds: name(inputs, 'input_ids', 'input_ids'),
      attentionMask: name(inputs, 'attention_mask', 'attention_mask'),
      positionIds: name(inputs, 'position_ids', 'position_ids'),
      logits: name(outputs, 'logits', 'logits'),
      pastKey,
      pastValue,
      presentKey,
      presentValue,
      packedKv: packed,
    },
    generation,
    ...readTokenizerAssets(dir),
    config: root,
  };
}

function section(
  obj: Record<string, unknown>,
  key: string,
  file: string,
  path = key,
): Record<string, unknown> {
  const value = obj[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelConfigError(`${file} has no "${path}" object`, file);
  }
  return value as Record<string, unknown>;
}

function optionalSection(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = obj[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
