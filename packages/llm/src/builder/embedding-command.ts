import type { CliIo } from '@weft/framework';
import {
  defaultPooling,
  EMBEDDING_ARCHS,
  EMBEDDING_POOLINGS,
  type EmbeddingArch,
  type EmbeddingPooling,
} from './create-embedding-model.js';
import { ensureEmbeddingModelDir } from './ensure-model-dir.js';
import { TINY_PRESETS, type TinyPreset } from './presets.js';

/**
 * `weft model create DIR --task embedding [--arch bert|llama] [--pooling mean|cls|last_token]
 * [--preset] [--seed]`: builds a Sentence-Transformers directory, an encoder (`bert`, mean pooling by
 * default) or a decoder (`llama`, last-token pooling by default). Returns a usage problem, or
 * undefined when built.
 */
export async function createEmbeddingCommand(
  dir: string,
  shownDir: string,
  options: ReadonlyMap<string, string>,
  io: CliIo,
): Promise<string | undefined> {
  const arch = options.get('arch') ?? 'bert';
  if (!EMBEDDING_ARCHS.includes(arch as EmbeddingArch)) {
    return `--arch "${arch}" is not one of ${EMBEDDING_ARCHS.join(', ')} with --task embedding`;
  }
  const preset = options.get('preset') ?? 'tiny';
  if (!TINY_PRESETS.includes(preset as TinyPreset))
    return `--preset "${preset}" is not one of ${TINY_PRESETS.join(', ')}`;
  const pooling = options.get('pooling') ?? defaultPooling(arch as EmbeddingArch);
  if (!EMBEDDING_POOLINGS.includes(pooling as EmbeddingPooling)) {
    return `--pooling "${pooling}" is not one of ${EMBEDDING_POOLINGS.join(', ')}`;
  }
  const seedText = options.get('seed') ?? '0';
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    return `--seed "${seedText}" must be an integer from 0 to 4294967295 (example: --seed 7)`;
  }
  const started = Date.now();
  await ensureEmbeddingModelDir(dir, {
    arch: arch as EmbeddingArch,
    preset: preset as TinyPreset,
    seed,
    pooling: pooling as EmbeddingPooling,
    onProgress: (p) => io.stderr(`weft model create: ${p.message}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.stdout(
    `created ${shownDir} (embedding, ${arch}, ${pooling} pooling, preset ${preset}, seed ${seed}) in ${seconds}s\n`,
  );
  return undefined;
}
