import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureModelDir } from '@weft/llm';
import type { Logger } from 'pino';

/** The repository root (this file is at packages/server/{src,dist}/serve/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const defaultModelDir = join(repoRoot, 'models', 'tiny-llama');

/**
 * Builds the default tiny model for `pnpm start` on a fresh clone; a model already built with the
 * same settings is kept (the builder's marker file says so).
 */
export async function ensureDefaultModel(logger: Logger, dir = defaultModelDir): Promise<void> {
  const started = performance.now();
  await ensureModelDir(dir, { arch: 'llama', preset: 'tiny', seed: 0 });
  logger.info({ dir, ms: Math.round(performance.now() - started) }, 'default model ready');
}
