import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as llm from '@weft/llm';
import type { Logger } from 'pino';

/** The repository root (this file is at packages/server/{src,dist}/serve/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const defaultModelDir = join(repoRoot, 'models', 'tiny-llama');

type EnsureModelDir = (dir: string, options?: Record<string, unknown>) => Promise<unknown>;

/** Builds the default tiny model (`pnpm start` on a fresh clone) unless it is already there. */
export async function ensureDefaultModel(logger: Logger, dir = defaultModelDir): Promise<void> {
  try {
    await access(join(dir, 'config.json'));
    return;
  } catch {
    // missing: build it below
  }
  // TODO(server): import ensureModelDir directly once @weft/llm exports it.
  const ensure = (llm as unknown as { ensureModelDir?: EnsureModelDir }).ensureModelDir;
  if (ensure === undefined)
    throw new Error(`cannot build ${dir}: this build of @weft/llm has no ensureModelDir`);
  logger.info({ dir }, 'building the default tiny model');
  await ensure(dir);
  logger.info({ dir }, 'default model ready');
}
