import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelDirError } from '../errors/llm-errors.js';
import { loadGenaiInfo } from './genai-layout.js';
import type { ModelInfo, ModelLayout } from './model-info.js';
import { loadOptimumInfo } from './optimum-layout.js';

export interface LoadModelInfoOptions {
  /** ONNX variant of an Optimum export: `fp32` (default when present), `fp16`, `q8`, `q4`... */
  dtype?: string;
  /** Force a layout; by default `genai_config.json` means genai, else Optimum. */
  layout?: ModelLayout;
}

/**
 * Reads a model directory (Optimum / transformers.js or onnxruntime-genai layout) without opening
 * a session. Throws a {@link ModelDirError}, `ModelConfigError`, `ModelDtypeError` or
 * `ModelOnnxError` naming the file and what is wrong.
 */
export function loadModelInfo(dir: string, options: LoadModelInfoOptions = {}): ModelInfo {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new ModelDirError(`model directory not found: ${abs}`, abs);
  }
  const layout =
    options.layout ??
    (existsSync(join(abs, 'genai_config.json'))
      ? 'genai'
      : existsSync(join(abs, 'config.json'))
        ? 'optimum'
        : undefined);
  if (layout === undefined) {
    throw new ModelDirError(
      `${abs} is not a model directory: it has neither config.json (Hugging Face Optimum / transformers.js layout) nor genai_config.json (onnxruntime-genai layout)`,
      join(abs, 'config.json'),
    );
  }
  return layout === 'genai' ? loadGenaiInfo(abs) : loadOptimumInfo(abs, options.dtype);
}
