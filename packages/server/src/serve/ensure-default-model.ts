import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmbeddingModelDir, ensureModelDir } from '@weft/llm';
import type { Logger } from 'pino';

/** The repository root (this file is at packages/server/{src,dist}/serve/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const defaultModelDir = join(repoRoot, 'models', 'tiny-llama');
export const defaultEmbeddingModelDir = join(repoRoot, 'models', 'tiny-embed');

/**
 * Builds the default tiny models for `pnpm start` on a fresh clone (`tiny-llama` and the
 * `tiny-embed` encoder); a model already built with the same settings is kept (the builder's
 * marker file says so).
 */
export async function ensureDefaultModel(
  logger: Logger,
  dir = defaultModelDir,
  embeddingDir = defaultEmbeddingModelDir,
): Promise<void> {
  const started = performance.now();
  await ensureModelDir(dir, { arch: 'llama', preset: 'tiny', seed: 0 });
  await ensureEmbeddingModelDir(embeddingDir, { preset: 'tiny', seed: 0, pooling: 'mean' });
  logger.info({ dir, embeddingDir, ms: Math.round(performance.now() - started) }, 'default models ready');
}
